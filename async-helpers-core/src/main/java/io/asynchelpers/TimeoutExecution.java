/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A task raced against a timer on the scheduler. Whichever finishes first wins: the timer
 * fails the result and cancels the work (interrupting a blocking task, cancelling an async
 * stage); the work completing first cancels the timer, which a scheduler with
 * remove-on-cancel drops from its queue at once, so finished calls leave nothing queued.
 */
final class TimeoutExecution {

	private TimeoutExecution() {
	}

	static <T> CompletableFuture<T> run(Task<T> task, Duration timeout, String message, Executor executor,
			ScheduledExecutorService scheduler) {
		CompletableFuture<T> result = new CompletableFuture<>();
		CompletableFuture<T> work = task.start(executor);
		if (work.isDone()) {
			return work;
		}
		AtomicBoolean timedOut = new AtomicBoolean();
		ScheduledFuture<?> timer;
		try {
			timer = scheduler.schedule(() -> {
				if (!result.isDone() && timedOut.compareAndSet(false, true)) {
					// Cancel first, so that the work is stopped before the caller hears of it.
					work.cancel(true);
					result.completeExceptionally(new AsyncTimeoutException(message, timeout));
				}
			}, Durations.saturatedNanos(timeout), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Without a timer the limit cannot be kept: say so rather than run unbounded.
			work.cancel(true);
			return CompletableFuture.failedFuture(ex);
		}
		Completions.whenDone(work, (value, ex) -> {
			timer.cancel(false);
			if (timedOut.get()) {
				return;
			}
			if (ex != null) {
				result.completeExceptionally(Exceptions.unwrap(ex));
			}
			else {
				result.complete(value);
			}
		});
		Completions.whenDone(result, (value, ex) -> {
			if (result.isCancelled()) {
				timer.cancel(false);
				work.cancel(true);
			}
		});
		return result;
	}

}
