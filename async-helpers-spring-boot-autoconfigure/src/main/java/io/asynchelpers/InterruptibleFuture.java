/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link CompletableFuture} that is also the {@link Runnable} handed to the executor for a
 * blocking task, so that {@link #cancel(boolean)} reaches the running code: it interrupts
 * the thread running the task, or keeps the task from starting if it is still queued.
 * {@code CompletableFuture.supplyAsync} cannot do this (its {@code cancel} never interrupts).
 *
 * @param <T> the type of the result
 */
final class InterruptibleFuture<T> extends CompletableFuture<T> implements Runnable {

	/** Set while a blocking task runs, so that nested fan-outs can tell (see AsyncHelpers). */
	private static final ThreadLocal<Boolean> runningTask = new ThreadLocal<>();

	private final Callable<? extends T> callable;

	private final InterruptGuard guard = new InterruptGuard();

	InterruptibleFuture(Callable<? extends T> callable) {
		this.callable = callable;
	}

	@Override
	public void run() {
		if (isDone() || !this.guard.enter()) {
			return;
		}
		Boolean outer = runningTask.get();
		runningTask.set(Boolean.TRUE);
		try {
			complete(this.callable.call());
		}
		catch (Throwable ex) {
			completeExceptionally(ex);
		}
		finally {
			if (outer == null) {
				runningTask.remove();
			}
			this.guard.exit();
		}
	}

	/**
	 * Whether the current thread is running one of the helpers' blocking tasks.
	 */
	static boolean isRunningTask() {
		return runningTask.get() != null;
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		if (cancelled) {
			this.guard.interrupt();
		}
		return cancelled;
	}

}
