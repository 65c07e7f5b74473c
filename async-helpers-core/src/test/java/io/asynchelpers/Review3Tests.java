/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Third adversarial review, of commit 38c7422 (a pause's continuation handed to the executor
 * as a plain Runnable instead of a {@code Task.runOn} future; a blocking retry's later
 * attempt judged refused by {@code submitTo}'s return value): each test failed against it.
 * <p>
 * The executors here do what the starter's own executor does (autoconfigure's
 * {@code RejectionHandlers} and {@code ReportingThreadPoolTaskExecutor.stopNow}): a task it
 * will not run is ended by failing it if it is a {@code CompletableFuture}, without throwing
 * from {@code execute} (the {@code discard} / {@code discard-oldest} policies) or after
 * {@code shutdownNow} drained it from the queue. A task that is not a future is dropped
 * silently.
 */
class Review3Tests {

	@RegisterExtension
	final SaturatedPools pools = new SaturatedPools();

	private final ThreadPoolExecutor pool = this.pools.queueing();

	private final ScheduledThreadPoolExecutor scheduler = this.pools.scheduler();

	/**
	 * The starter's {@code discard} policy when the pool is saturated: a future is failed
	 * with a RejectedExecutionException, {@code execute} returns normally.
	 */
	private static Executor discardingWhen(AtomicBoolean saturated, Executor delegate) {
		return (runnable) -> {
			if (saturated.get()) {
				if (runnable instanceof CompletableFuture<?> future) {
					future.completeExceptionally(
							new RejectedExecutionException("Task discarded: the async helpers' executor is saturated"));
				}
				return;
			}
			delegate.execute(runnable);
		};
	}

	/**
	 * The starter's stop at shutdown: interrupt the running tasks, fail the queued futures
	 * with a NotStartedException.
	 */
	private void stopNow() {
		for (Runnable queued : this.pool.shutdownNow()) {
			if (queued instanceof CompletableFuture<?> future) {
				future.completeExceptionally(new NotStartedException("Not started: the executor shut down"));
			}
		}
	}

	// 1. Pauses.Pause.end() hands `this::wakeOnExecutor`, a plain lambda, to the executor.
	// Before, the hand-off was an InterruptibleFuture (Task.runOn), which an executor that
	// discards it fails: delay() then completed from the timer thread (ON_EXECUTOR_OR_TIMER,
	// "when the executor refuses ... it is completed from the timer thread"). Now the
	// discarded lambda is lost without a trace and the delay never completes.

	@Test
	void aDelayWhoseWakeTheSaturatedExecutorDiscardsStillCompletes() {
		AtomicBoolean saturated = new AtomicBoolean(true);
		AsyncHelpers helpers = new AsyncHelpers(discardingWhen(saturated, this.pool), this.scheduler);

		CompletableFuture<?> delay = helpers.delay(Duration.ofMillis(20));

		await().atMost(Duration.ofSeconds(10)).until(delay::isDone);
		assertThat(delay).isCompleted();
	}

	// 2. Same hand-off, executor shut down with shutdownNow while the wake is queued: the
	// starter fails every queued future with a NotStartedException; the old hand-off future
	// was one, and the retry was abandoned with it. The plain lambda is dropped: the retry of
	// an async task (woken ON_EXECUTOR) never completes, the caller waits for ever.

	@Test
	void anAsyncRetryWhoseQueuedWakeIsDroppedAtShutdownStillCompletes() throws Exception {
		AsyncHelpers helpers = new AsyncHelpers(this.pool, this.scheduler);
		RetrySpec spec = RetrySpec.defaults().withMaxRetries(3).withBaseDelay(Duration.ofMillis(50))
			.withJitter(Jitter.NONE);
		CompletableFuture<String> result = helpers.retryWithBackoff("async", Task.async(
				() -> CompletableFuture.<String>failedFuture(new java.io.IOException("attempt failed"))), spec);
		// The pause is on; the only worker is busy when it ends, so the wake-up queues.
		this.pools.saturate(this.pool);
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.pool.getQueue().isEmpty());

		stopNow();

		await().atMost(Duration.ofSeconds(10)).until(result::isDone);
		assertThat(result).isCompletedExceptionally();
	}

	// 3. RetryExecution.attempt(true): a refusal is only recognised when execute throws
	// (submitTo returns false). An executor that refuses by failing the future (the starter's
	// discard policy) returns normally, so submitTo returns true and the already-failed attempt
	// goes through Completions.whenDone -> onFailure on the scheduler's thread: the retry
	// decision and the user's AsyncEventListener run on the timer thread, which the commit
	// says no longer happens ("no retry decision and no AsyncEventListener call on the timer
	// thread").

	@Test
	void aBlockingRetryWhoseNextAttemptIsDiscardedRunsNoListenerOnTheSchedulerThread() {
		AtomicBoolean saturated = new AtomicBoolean();
		List<String> listenerThreads = new CopyOnWriteArrayList<>();
		AsyncHelpers helpers = new AsyncHelpers(discardingWhen(saturated, this.pool), this.scheduler)
			.withEventListener((event) -> listenerThreads.add(event.getClass().getSimpleName() + " on "
					+ Thread.currentThread().getName()));
		RetrySpec spec = RetrySpec.defaults().withMaxRetries(2).withBaseDelay(Duration.ofMillis(20))
			.withJitter(Jitter.NONE);

		CompletableFuture<String> result = helpers.retryWithBackoff("discarded", Task.blocking(() -> {
			// From now on the pool is full.
			saturated.set(true);
			throw new java.io.IOException("first attempt");
		}), spec);

		await().atMost(Duration.ofSeconds(10)).until(result::isDone);
		assertThat(listenerThreads).isNotEmpty().noneMatch((entry) -> entry.contains(" on timer-"));
	}

}
