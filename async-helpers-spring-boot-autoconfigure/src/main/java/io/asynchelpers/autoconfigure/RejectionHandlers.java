/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;

import io.asynchelpers.NotStartedException;

import org.springframework.core.task.TaskDecorator;

/**
 * The executor's rejection handlers. The JDK's discard policies drop a task silently, which
 * for a task whose result someone awaits means a future that never completes; these fail
 * that future with a {@link RejectedExecutionException} instead.
 * <p>
 * Whatever the policy, a task offered to a pool that is shut down (the application is
 * closing) is never run and never dropped: its future, when the task is one (behind a
 * {@link #traceable(TaskDecorator) task decorator} too), fails with a
 * {@link NotStartedException}, and the handler throws that exception, which
 * {@code ThreadPoolTaskExecutor} hands to the submitter as the cause of its
 * {@code TaskRejectedException}. The JDK's {@code CallerRunsPolicy} would silently drop such
 * a task instead, and a fan-out waiting for it would never complete.
 */
final class RejectionHandlers {

	private static final String SHUT_DOWN = "Not started: the application is shutting down and the async helpers' "
			+ "executor is shut down";

	private RejectionHandlers() {
	}

	static RejectedExecutionHandler of(RejectionPolicy policy) {
		return switch (policy) {
			case ABORT -> new Abort();
			case CALLER_RUNS -> new CallerRuns();
			case DISCARD -> new Discard();
			case DISCARD_OLDEST -> new DiscardOldest();
		};
	}

	/**
	 * Wrap a user's task decorator so that a rejected or never-started decorated task can
	 * still be traced back to the future it belongs to.
	 */
	static TaskDecorator traceable(TaskDecorator decorator) {
		return (task) -> new DecoratedTask(task, decorator.decorate(task));
	}

	/**
	 * End a task that will never run because the executor shut down: a future fails with
	 * {@code reason} (any other {@link Future} is cancelled), whether the task is the future
	 * itself or a decorated wrapper of it.
	 * @param task the task the executor gave up, possibly a decorated wrapper
	 * @param reason the failure
	 */
	static void notStarted(Runnable task, NotStartedException reason) {
		Runnable original = original(task);
		if (original instanceof CompletableFuture<?> future) {
			future.completeExceptionally(reason);
		}
		else if (original instanceof Future<?> future) {
			future.cancel(true);
		}
	}

	private static Runnable original(Runnable task) {
		return (task instanceof DecoratedTask decorated) ? decorated.original : task;
	}

	private static void rejectIfShutDown(Runnable task, ThreadPoolExecutor executor) {
		if (executor.isShutdown()) {
			NotStartedException notStarted = new NotStartedException(SHUT_DOWN);
			notStarted(task, notStarted);
			throw notStarted;
		}
	}

	private static void fail(Runnable task, String reason) {
		if (original(task) instanceof CompletableFuture<?> future) {
			future.completeExceptionally(new RejectedExecutionException(reason));
		}
	}

	/** The JDK's abort policy, which also knows about shutdown. */
	private static final class Abort extends ThreadPoolExecutor.AbortPolicy {

		@Override
		public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
			rejectIfShutDown(task, executor);
			super.rejectedExecution(task, executor);
		}

	}

	/** The JDK's caller-runs policy, without its silent drop once the pool is shut down. */
	private static final class CallerRuns extends ThreadPoolExecutor.CallerRunsPolicy {

		@Override
		public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
			rejectIfShutDown(task, executor);
			super.rejectedExecution(task, executor);
		}

	}

	private static final class Discard implements RejectedExecutionHandler {

		@Override
		public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
			rejectIfShutDown(task, executor);
			fail(task, "Task discarded: the async helpers' executor is saturated");
		}

	}

	private static final class DiscardOldest implements RejectedExecutionHandler {

		@Override
		public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
			rejectIfShutDown(task, executor);
			Runnable oldest = executor.getQueue().poll();
			if (oldest != null) {
				fail(oldest, "Task discarded as the oldest queued: the async helpers' executor is saturated");
			}
			executor.execute(task);
		}

	}

	private record DecoratedTask(Runnable original, Runnable decorated) implements Runnable {

		@Override
		public void run() {
			this.decorated.run();
		}

	}

}
