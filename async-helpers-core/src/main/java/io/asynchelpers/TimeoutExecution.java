/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * A task raced against a timer on the scheduler. Whichever finishes first wins: the timer
 * fails the result and cancels the work (interrupting a blocking task, cancelling an async
 * stage); the work completing first cancels the timer, which a scheduler with
 * remove-on-cancel drops from its queue at once, so finished calls leave nothing queued.
 * <p>
 * For a blocking task the timer is armed before the work starts, so the limit holds
 * whichever thread runs the work: also an executor that runs it on the submitting thread (a
 * direct executor, the caller-runs policy of a saturated pool), where starting it returns
 * only when it is done. An async task's supplier runs on the calling thread, where a timer
 * could not stop it anyway: the limit still counts from the start, but the timer is armed
 * only if the stage is not complete when the supplier returns, for what is left of the
 * limit. A stage complete on return within the limit (a cache hit, a validation failure)
 * costs no timer at all; one that took the whole limit to return fails with the timeout.
 * <p>
 * When the timer fires, a blocking task is interrupted at once, from the timer thread (an
 * interrupt runs no user code, and it frees the executor thread that must carry the rest).
 * Failing the result, which runs the caller's continuations, and cancelling an async stage,
 * which runs the stage's own, are handed to the executor: user code does not run on the
 * scheduler's thread. So that the limit holds even when every executor thread is held by
 * work that ignores interrupts, the failure is delivered from the timer thread after all
 * if the executor has not picked it up within {@link #DELIVERY_GRACE_NANOS} (or refuses
 * it). Any completion of the result by the caller also cancels the work and the timer.
 *
 * @param <T> the type of the result
 */
final class TimeoutExecution<T> {

	/** How long a timeout's delivery may wait for an executor thread: 100 ms. */
	static final long DELIVERY_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final Duration timeout;

	private final ScheduledExecutorService scheduler;

	private final Runnable onTimeout;

	/** The caller's message, or {@code null} for the default, formatted only when the limit passes. */
	private final @Nullable String message;

	private final Executor executor;

	private final CompletableFuture<T> result = new CompletableFuture<>();

	private final AtomicReference<@Nullable CompletableFuture<? extends T>> work = new AtomicReference<>();

	private final AtomicBoolean timedOut = new AtomicBoolean();

	private TimeoutExecution(Duration timeout, @Nullable String message, Executor executor, ScheduledExecutorService scheduler,
			Runnable onTimeout) {
		this.onTimeout = onTimeout;
		this.scheduler = scheduler;
		this.timeout = timeout;
		this.message = message;
		this.executor = executor;
	}

	/**
	 * @param message the timeout failure's message, or {@code null} for the default (formatted
	 * only if the limit passes)
	 * @param onTimeout told (on the thread that fails the result) when the limit passed and
	 * the result was failed with the timeout
	 */
	static <T> CompletableFuture<T> run(Task<T> task, Duration timeout, @Nullable String message, Executor executor,
			ScheduledExecutorService scheduler, ContextPropagator.Captured context, Runnable onTimeout) {
		if (!(task instanceof Task.Blocking<T>)) {
			return runAsync(task, timeout, message, executor, scheduler, context, onTimeout);
		}
		TimeoutExecution<T> execution = new TimeoutExecution<>(timeout, message, executor, scheduler, onTimeout);
		ScheduledFuture<?> timer;
		try {
			timer = scheduler.schedule(execution::expire, Durations.saturatedNanos(timeout), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Without a timer the limit cannot be kept: say so rather than run unbounded.
			return CompletableFuture.failedFuture(ex);
		}
		Completions.whenDone(execution.result, (value, ex) -> {
			timer.cancel(false);
			CompletableFuture<? extends T> running = execution.work.get();
			if (running != null) {
				running.cancel(true);
			}
		});
		execution.start(task, context);
		return execution.result;
	}

	/**
	 * An async task: its supplier runs here first; a timer is armed only for a stage that is
	 * not complete yet, for what is left of the limit.
	 */
	private static <T> CompletableFuture<T> runAsync(Task<T> task, Duration timeout, @Nullable String message, Executor executor,
			ScheduledExecutorService scheduler, ContextPropagator.Captured context, Runnable onTimeout) {
		long started = System.nanoTime();
		CompletableFuture<? extends T> running = task.start(executor, context);
		long left = Durations.saturatedNanos(timeout) - (System.nanoTime() - started);
		if (left > 0 && running.isDone()) {
			return completed(running);
		}
		TimeoutExecution<T> execution = new TimeoutExecution<>(timeout, message, executor, scheduler, onTimeout);
		execution.work.set(running);
		if (left <= 0) {
			// The supplier took the whole limit to return: on the calling thread, which runs no
			// continuation of the caller's yet.
			execution.timedOut.set(true);
			execution.deliver();
			return execution.result;
		}
		ScheduledFuture<?> timer;
		try {
			timer = scheduler.schedule(execution::expire, left, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Without a timer the limit cannot be kept: say so rather than run unbounded.
			running.cancel(true);
			return CompletableFuture.failedFuture(ex);
		}
		Completions.whenDone(execution.result, (value, ex) -> {
			timer.cancel(false);
			running.cancel(true);
		});
		execution.completeWith(running);
		return execution.result;
	}

	/**
	 * A stage that was complete on return: handed back as it is, a failure unwrapped as the
	 * timed path does.
	 */
	@SuppressWarnings("unchecked")
	private static <T> CompletableFuture<T> completed(CompletableFuture<? extends T> done) {
		if (done.isCompletedExceptionally()) {
			try {
				done.join();
			}
			catch (CancellationException ex) {
				return CompletableFuture.failedFuture(ex);
			}
			catch (CompletionException ex) {
				return CompletableFuture.failedFuture(Exceptions.unwrap(ex));
			}
		}
		return (CompletableFuture<T>) done;
	}

	private void start(Task<T> task, ContextPropagator.Captured context) {
		CompletableFuture<? extends T> running;
		if (task instanceof Task.Blocking<T> blocking) {
			// Published before it is submitted: an executor that runs it right here returns only
			// when it is done, and the timer must be able to interrupt it meanwhile.
			InterruptibleFuture<T> future = new InterruptibleFuture<>(blocking.callable(), context);
			this.work.set(future);
			future.submitTo(this.executor);
			running = future;
		}
		else {
			running = task.start(this.executor, context);
			this.work.set(running);
		}
		if (this.result.isDone()) {
			// Timed out or completed by the caller while it started.
			running.cancel(true);
			return;
		}
		completeWith(running);
	}

	/** The work's outcome becomes the result's, unless the limit passed first. */
	private void completeWith(CompletableFuture<? extends T> running) {
		Completions.whenDone(running, (value, ex) -> {
			if (this.timedOut.get()) {
				return;
			}
			if (ex != null) {
				this.result.completeExceptionally(Exceptions.unwrap(ex));
			}
			else {
				this.result.complete(value);
			}
		});
	}

	/**
	 * On the scheduler's thread: stop blocking work now, hand the rest to the executor.
	 */
	private void expire() {
		if (this.result.isDone() || !this.timedOut.compareAndSet(false, true)) {
			return;
		}
		CompletableFuture<? extends T> running = this.work.get();
		if (running instanceof InterruptibleFuture<?>) {
			// Cancel first, so that the work is stopped before the caller hears of it.
			running.cancel(true);
		}
		ScheduledFuture<?> fallback = null;
		try {
			fallback = this.scheduler.schedule(this::deliver, DELIVERY_GRACE_NANOS, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// No fallback: the executor hop below, or this thread, delivers.
		}
		ScheduledFuture<?> armed = fallback;
		if (armed != null) {
			Completions.whenDone(this.result, (value, ex) -> armed.cancel(false));
		}
		try {
			this.executor.execute(this::deliver);
		}
		catch (Throwable refused) {
			// The executor is shutting down or saturated: keep the limit from here.
			deliver();
		}
	}

	/**
	 * Fail the result with the timeout, once, on whichever thread comes first: an executor
	 * thread, or the timer thread after the grace.
	 */
	private void deliver() {
		if (this.result.isDone()) {
			return;
		}
		CompletableFuture<? extends T> running = this.work.get();
		if (running != null) {
			running.cancel(true);
		}
		String failureMessage = (this.message != null) ? this.message : AsyncTimeoutException.defaultMessage(this.timeout);
		if (this.result.completeExceptionally(new AsyncTimeoutException(failureMessage, this.timeout))) {
			this.onTimeout.run();
		}
	}

}
