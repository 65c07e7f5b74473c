/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A retried operation whose waits are scheduled instead of slept: between two attempts no
 * thread is held, so a thousand operations in backoff cost a thousand scheduled entries,
 * not a thousand threads. After a pause the next attempt starts on the executor, never on
 * the scheduler's thread, inside the caller's context captured when the call started.
 * Any completion of the result by someone else (cancel, complete, orTimeout) cancels the
 * attempt in flight (interrupting a blocking one) or the pending pause, and no attempt starts
 * after it: an async attempt checks the result right before its supplier is called, with the
 * caller's context in place, so only one that passed that check at the same instant (as a
 * {@code FutureTask} whose run began just before a cancel) still calls its supplier, and the
 * stage it returns is cancelled.
 * <p>
 * An attempt that succeeds with a result the spec's {@link RetrySpec#retryOnResult()}
 * wants retried is retried as a failure is; the returned future does not fail at the
 * spec's {@link RetrySpec#maxDuration()} by itself: the deadline only keeps further
 * attempts from starting.
 * <p>
 * The operation is its own result future and the {@link Pauses.Sleeper} its pauses wake, so
 * that one waiting in backoff holds little more than its scheduled timer. {@code complete},
 * {@code completeExceptionally} (which {@code orTimeout} uses), {@code completeAsync} and
 * {@code cancel} stop the work in flight; {@code obtrudeValue} and
 * {@code obtrudeException}, meant for error recovery, only set the result.
 *
 * @param <T> the type of the result
 */
final class RetryExecution<T> extends CompletableFuture<T> implements Pauses.Sleeper {

	private final Task<T> task;

	private final RetryState state;

	private final Executor executor;

	private final Pauses pauses;

	private final ContextPropagator.Captured context;

	/** The attempt running or the pause waiting: cancelled when the result completes first. */
	private volatile @Nullable Future<?> current;

	/**
	 * The failure the pause waiting now is to retry, suppressed in what abandons the pause.
	 * Written before the pause is scheduled, read when it is abandoned.
	 */
	private volatile @Nullable Throwable retrying;

	private RetryExecution(Task<T> task, RetryState state, Executor executor, Pauses pauses,
			ContextPropagator.Captured context) {
		this.task = task;
		this.state = state;
		this.executor = executor;
		this.pauses = pauses;
		this.context = context;
	}

	static <T> CompletableFuture<T> run(Task<T> task, RetryState state, Executor executor, Pauses pauses,
			ContextPropagator.Captured context) {
		RetryExecution<T> execution = new RetryExecution<>(task, state, executor, pauses, context);
		execution.attempt(false);
		return execution;
	}

	@Override
	public boolean complete(T value) {
		return stopped(super.complete(value));
	}

	@Override
	public boolean completeExceptionally(Throwable ex) {
		return stopped(super.completeExceptionally(ex));
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		return stopped(super.cancel(mayInterruptIfRunning));
	}

	@Override
	public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
		Checks.notNull(supplier, "supplier");
		Checks.notNull(executor, "executor");
		// Through complete and completeExceptionally, which stop the work in flight.
		executor.execute(() -> {
			// As CompletableFuture does: no call once done, a failure wrapped for the dependents.
			if (isDone()) {
				return;
			}
			try {
				complete(supplier.get());
			}
			catch (Throwable ex) {
				completeExceptionally((ex instanceof CompletionException) ? ex : new CompletionException(ex));
			}
		});
		return this;
	}

	/**
	 * Whoever completed the result, nothing more may run: a finished attempt or pause
	 * ignores the cancel.
	 */
	private boolean stopped(boolean completed) {
		if (completed) {
			Future<?> inFlight = this.current;
			if (inFlight != null) {
				inFlight.cancel(true);
			}
		}
		return completed;
	}

	/**
	 * A pause ended: the next attempt, on the thread the executor gave the pause's
	 * continuation (never the timer thread, unless the executor is a direct one). A blocking
	 * attempt runs right there: the hand-off off the timer thread is its one hop.
	 */
	@Override
	public void wake() {
		attempt(true);
	}

	/** A pause ended without a wake-up (the helpers closed, the executor refused). */
	@Override
	public void abandon(Throwable reason) {
		Throwable failure = this.retrying;
		if (failure != null && failure != reason) {
			reason.addSuppressed(failure);
		}
		completeExceptionally(reason);
	}

	private void attempt(boolean afterPause) {
		if (isDone()) {
			return;
		}
		this.state.beginAttempt();
		CompletableFuture<T> attempt;
		if (this.task instanceof Task.Blocking<T> blocking) {
			// Tracked before it is submitted: a completion of the result by the caller while it
			// is being submitted cancels it, and it never runs.
			InterruptibleFuture<T> future = new InterruptibleFuture<>(blocking.callable(), this.context);
			track(future);
			if (afterPause) {
				future.run();
			}
			else {
				future.submitTo(this.executor);
			}
			attempt = future;
		}
		else if (this.task instanceof Task.Async<T> async) {
			// The supplier is not called if the result completed while the attempt was set up.
			attempt = async.start(this.context, this::isDone);
			track(attempt);
		}
		else {
			attempt = this.task.start(this.executor, this.context);
			track(attempt);
		}
		Completions.whenDone(attempt, (value, ex) -> {
			if (ex == null) {
				onResult(value);
			}
			else {
				onFailure(Exceptions.unwrap(ex));
			}
		});
	}

	private void onResult(T value) {
		if (isDone()) {
			return;
		}
		long delay;
		try {
			delay = this.state.onResult(value);
		}
		catch (Throwable ex) {
			// The result predicate or the delay function failed: the caller receives that.
			completeExceptionally(ex);
			return;
		}
		if (delay == RetryState.GIVE_UP) {
			complete(value);
		}
		else if (delay == RetryState.THROW_EXHAUSTED) {
			completeExceptionally(this.state.exhaustedBy(value));
		}
		else {
			pauseThenRetry(delay, null);
		}
	}

	private void onFailure(Throwable failure) {
		if (isDone()) {
			return;
		}
		long delay;
		try {
			delay = this.state.onFailure(failure);
		}
		catch (Throwable ex) {
			// The delay function failed: the caller receives that, the failure suppressed in it.
			completeExceptionally(ex);
			return;
		}
		if (delay == RetryState.GIVE_UP) {
			completeExceptionally(failure);
			return;
		}
		pauseThenRetry(delay, failure);
	}

	private void pauseThenRetry(long delay, @Nullable Throwable failure) {
		this.retrying = failure;
		try {
			// After the pause the next attempt starts on the executor, never on the timer thread.
			track(this.pauses.schedule(this, delay, Pauses.Wake.ON_EXECUTOR));
		}
		catch (RejectedExecutionException ex) {
			// The helpers or the scheduler are shutting down: report that, with the failure that
			// needed a retry.
			if (failure != null && failure != ex) {
				ex.addSuppressed(failure);
			}
			completeExceptionally(ex);
		}
	}

	private void track(Future<?> future) {
		this.current = future;
		if (isDone()) {
			// Completed (by anyone) meanwhile: stopped() may have cancelled the previous one.
			future.cancel(true);
		}
	}

}
