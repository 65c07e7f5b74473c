/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link CompletableFuture} that is also the {@link Runnable} handed to the executor for a
 * blocking task, so that {@link #cancel(boolean)} reaches the running code: it interrupts
 * the thread running the task, or keeps the task from starting if it is still queued.
 * {@code CompletableFuture.supplyAsync} cannot do this (its {@code cancel} never interrupts).
 *
 * @param <T> the type of the result
 */
class InterruptibleFuture<T> extends CompletableFuture<T> implements Runnable {

	/**
	 * How deep the current thread is in running blocking tasks, so that nested fan-outs can
	 * tell (see AsyncHelpers). A per-thread counter: one thread-local lookup per task.
	 */
	private static final ThreadLocal<int[]> runningDepth = ThreadLocal.withInitial(() -> new int[1]);

	private final Callable<? extends T> callable;

	private final InterruptGuard guard = new InterruptGuard();

	/**
	 * Submit this task to an executor; a rejection fails it instead of losing it.
	 */
	final void submitTo(Executor executor) {
		try {
			executor.execute(this);
		}
		catch (RejectedExecutionException ex) {
			completeExceptionally(ex);
		}
	}

	InterruptibleFuture(Callable<? extends T> callable) {
		this.callable = callable;
	}

	@Override
	public void run() {
		if (isDone() || !this.guard.enter()) {
			return;
		}
		int[] depth = runningDepth.get();
		depth[0]++;
		T value;
		try {
			value = this.callable.call();
		}
		catch (Throwable ex) {
			depth[0]--;
			this.guard.exit();
			completeExceptionally(ex);
			return;
		}
		depth[0]--;
		// Leave the guard before completing: completion may start the next task on this thread.
		this.guard.exit();
		complete(value);
	}

	/**
	 * Whether the current thread is running one of the helpers' blocking tasks.
	 */
	static boolean isRunningTask() {
		return runningDepth.get()[0] > 0;
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		if (cancelled) {
			this.guard.interrupt();
			onCompletion();
		}
		return cancelled;
	}

	@Override
	public boolean complete(T value) {
		boolean completed = super.complete(value);
		if (completed) {
			onCompletion();
		}
		return completed;
	}

	@Override
	public boolean completeExceptionally(Throwable ex) {
		boolean completed = super.completeExceptionally(ex);
		if (completed) {
			onCompletion();
		}
		return completed;
	}

	/**
	 * Called once, by whichever completion won (the task itself, a cancellation, a rejection
	 * handler or a shutting-down executor failing it), on that thread. Lets the fan-out engine
	 * follow its tasks without registering a dependent stage on each.
	 */
	void onCompletion() {
	}

}
