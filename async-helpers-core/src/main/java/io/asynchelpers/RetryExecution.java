/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A retried operation whose waits are scheduled instead of slept: between two attempts no
 * thread is held, so a thousand operations in backoff cost a thousand scheduled entries,
 * not a thousand threads. Cancelling the result cancels the attempt in flight (interrupting
 * a blocking one) or the pending pause.
 *
 * @param <T> the type of the result
 */
final class RetryExecution<T> {

	private final Task<T> task;

	private final RetryState state;

	private final Executor executor;

	private final Pauses pauses;

	private final CompletableFuture<T> result = new CompletableFuture<>();

	private final AtomicReference<Future<?>> current = new AtomicReference<>();

	private RetryExecution(Task<T> task, RetryState state, Executor executor, Pauses pauses) {
		this.task = task;
		this.state = state;
		this.executor = executor;
		this.pauses = pauses;
		Completions.whenDone(this.result, (value, ex) -> {
			if (this.result.isCancelled()) {
				Future<?> inFlight = this.current.get();
				if (inFlight != null) {
					inFlight.cancel(true);
				}
			}
		});
	}

	static <T> CompletableFuture<T> run(Task<T> task, RetryState state, Executor executor, Pauses pauses) {
		RetryExecution<T> execution = new RetryExecution<>(task, state, executor, pauses);
		execution.attempt();
		return execution.result;
	}

	private void attempt() {
		if (this.result.isDone()) {
			return;
		}
		this.state.beginAttempt();
		CompletableFuture<T> attempt = this.task.start(this.executor);
		track(attempt);
		Completions.whenDone(attempt, (value, ex) -> {
			if (ex == null) {
				this.result.complete(value);
			}
			else {
				onFailure(Exceptions.unwrap(ex));
			}
		});
	}

	private void onFailure(Throwable failure) {
		if (this.result.isDone()) {
			return;
		}
		long delay = this.state.onFailure(failure);
		if (delay == RetryState.GIVE_UP) {
			this.result.completeExceptionally(failure);
			return;
		}
		try {
			track(this.pauses.schedule(this::attemptAfterPause, delay, (abandoned) -> {
				abandoned.addSuppressed(failure);
				this.result.completeExceptionally(abandoned);
			}));
		}
		catch (RejectedExecutionException ex) {
			// The scheduler is shutting down: report that, with the failure that needed a retry.
			ex.addSuppressed(failure);
			this.result.completeExceptionally(ex);
		}
	}

	private void attemptAfterPause() {
		if (!this.task.startsOnCaller()) {
			// A blocking task only submits itself: starting it here is cheap and safe.
			attempt();
			return;
		}
		Completions.whenDone(Task.runOn(this.executor, this::attempt), (ignored, ex) -> {
			if (ex != null) {
				this.result.completeExceptionally(Exceptions.unwrap(ex));
			}
		});
	}

	private void track(Future<?> future) {
		this.current.set(future);
		if (this.result.isCancelled()) {
			future.cancel(true);
		}
	}

}
