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

	private final ContextPropagator.Captured context;

	private final boolean userTask;

	private final InterruptGuard guard = new InterruptGuard();

	/** Only read and written by the thread that runs the task. */
	private boolean ranInContext;

	/**
	 * Submit this task to an executor. Whatever the executor throws fails the task instead of
	 * losing it: a rejection because of a shutdown as a {@link NotStartedException}, any other
	 * rejection or failure (a throwing task decorator) as itself.
	 */
	final void submitTo(Executor executor) {
		try {
			executor.execute(this);
		}
		catch (Throwable ex) {
			completeExceptionally(NotStartedException.translate(ex, executor));
		}
	}

	InterruptibleFuture(Callable<? extends T> callable) {
		this(callable, CorePropagators.NOTHING.capture());
	}

	/**
	 * @param callable the work
	 * @param context the caller's context, put in place around the work on whichever thread
	 * runs it
	 */
	InterruptibleFuture(Callable<? extends T> callable, ContextPropagator.Captured context) {
		this(callable, context, true);
	}

	/**
	 * @param userTask {@code false} for the helpers' own hand-offs (a continuation moved off
	 * the timer thread): they do not count as running one of the user's blocking tasks, so a
	 * fan-out started from them runs on the executor, not inline
	 */
	InterruptibleFuture(Callable<? extends T> callable, ContextPropagator.Captured context, boolean userTask) {
		this.callable = callable;
		this.context = context;
		this.userTask = userTask;
	}

	@Override
	public void run() {
		if (isDone() || !this.guard.enter()) {
			return;
		}
		try {
			this.context.run(this::runEntered);
		}
		catch (Throwable ex) {
			if (!this.ranInContext) {
				// The context could not be put in place: the work never ran, and must still end.
				this.guard.exit();
				completeExceptionally(ex);
			}
		}
	}

	private void runEntered() {
		this.ranInContext = true;
		int[] depth = runningDepth.get();
		int step = this.userTask ? 1 : 0;
		depth[0] += step;
		T value;
		try {
			value = this.callable.call();
		}
		catch (Throwable ex) {
			depth[0] -= step;
			this.guard.exit();
			completeExceptionally(ex);
			return;
		}
		depth[0] -= step;
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
