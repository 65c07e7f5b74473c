/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;

import org.springframework.core.task.TaskDecorator;

/**
 * The executor's rejection handlers. The JDK's discard policies drop a task silently, which
 * for a task whose result someone awaits means a future that never completes; these fail
 * that future with a {@link RejectedExecutionException} instead.
 */
final class RejectionHandlers {

	private RejectionHandlers() {
	}

	static RejectedExecutionHandler of(RejectionPolicy policy) {
		return switch (policy) {
			case ABORT -> new ThreadPoolExecutor.AbortPolicy();
			case CALLER_RUNS -> new ThreadPoolExecutor.CallerRunsPolicy();
			case DISCARD -> (task, executor) -> fail(task, "Task discarded: the async helpers' executor is saturated");
			case DISCARD_OLDEST -> (task, executor) -> {
				if (executor.isShutdown()) {
					fail(task, "Task discarded: the async helpers' executor is shut down");
					return;
				}
				Runnable oldest = executor.getQueue().poll();
				if (oldest != null) {
					fail(oldest, "Task discarded as the oldest queued: the async helpers' executor is saturated");
				}
				executor.execute(task);
			};
		};
	}

	/**
	 * Wrap a user's task decorator so that a rejected, decorated task can still be traced
	 * back to the future it belongs to.
	 */
	static TaskDecorator traceable(TaskDecorator decorator) {
		return (task) -> new DecoratedTask(task, decorator.decorate(task));
	}

	private static void fail(Runnable task, String reason) {
		Runnable original = (task instanceof DecoratedTask decorated) ? decorated.original : task;
		if (original instanceof CompletableFuture<?> future) {
			future.completeExceptionally(new RejectedExecutionException(reason));
		}
	}

	private record DecoratedTask(Runnable original, Runnable decorated) implements Runnable {

		@Override
		public void run() {
			this.decorated.run();
		}

	}

}
