/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pause's continuation and a saturated pool whose rejection handler runs tasks in the
 * submitting thread (caller-runs): the continuation waits for a free thread instead of
 * running on the scheduler's thread; a direct executor still runs it where it is submitted.
 */
class CallerRunsHandOffTests {

	@RegisterExtension
	final SaturatedPools pools = new SaturatedPools();

	private final ThreadPoolExecutor callerRuns = this.pools.callerRuns();

	private final ScheduledThreadPoolExecutor scheduler = this.pools.scheduler();

	@Test
	void anAsyncRetrysNextAttemptWaitsForAFreeThreadAndNeverRunsOnTheTimer() throws Exception {
		this.pools.saturate(this.callerRuns);
		List<String> threads = new CopyOnWriteArrayList<>();
		AsyncHelpers helpers = new AsyncHelpers(this.callerRuns, this.scheduler);
		RetrySpec spec = RetrySpec.defaults().withMaxRetries(1).withBaseDelay(Duration.ofMillis(10))
			.withJitter(Jitter.NONE);

		CompletableFuture<String> result = helpers.retryWithBackoff("async", Task.async(() -> {
			threads.add(Thread.currentThread().getName());
			return (threads.size() == 1) ? CompletableFuture.failedFuture(new java.io.IOException("first"))
					: CompletableFuture.completedFuture("second");
		}), spec);

		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> threads.size() == 1);
		assertThat(result).isNotDone();
		this.pools.release();
		assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("second");
		assertThat(threads).hasSize(2).noneMatch((name) -> name.startsWith("timer-"));
		assertThat(threads.get(1)).startsWith("worker-");
	}

	@Test
	void theGapBetweenBatchesEndsOnAFreeThreadNotOnTheTimer() throws Exception {
		this.pools.saturate(this.callerRuns);
		List<String> threads = new CopyOnWriteArrayList<>();
		AsyncHelpers helpers = new AsyncHelpers(this.callerRuns, this.scheduler);

		CompletableFuture<List<Outcome<String>>> result = helpers.batchProcess(List.of("a", "b"),
				(item) -> Task.async(() -> {
					threads.add(item + " on " + Thread.currentThread().getName());
					return CompletableFuture.completedFuture(item);
				}), 1, Duration.ofMillis(10));

		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> threads.size() == 1);
		this.pools.release();
		assertThat(result.get(10, TimeUnit.SECONDS)).hasSize(2);
		assertThat(threads).hasSize(2).noneMatch((entry) -> entry.contains(" on timer-"));
	}

	@Test
	void closingTheHelpersWhileAPauseWaitsForAThreadEndsItsOperation() throws Exception {
		this.pools.saturate(this.callerRuns);
		AsyncHelpers helpers = new AsyncHelpers(this.callerRuns, this.scheduler);
		RetrySpec spec = RetrySpec.defaults().withMaxRetries(3).withBaseDelay(Duration.ofMillis(10))
			.withJitter(Jitter.NONE);
		CountDownLatch firstAttempt = new CountDownLatch(1);

		CompletableFuture<String> result = helpers.retryWithBackoff("closing", Task.async(() -> {
			firstAttempt.countDown();
			return CompletableFuture.failedFuture(new java.io.IOException("failed"));
		}), spec);
		assertThat(firstAttempt.await(10, TimeUnit.SECONDS)).isTrue();
		// Handed over again every few milliseconds, and waiting meanwhile.
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !result.isDone());
		helpers.close();

		await().atMost(Duration.ofSeconds(10)).until(result::isDone);
		// The failure itself: join() and get() wrap a cancellation in one of their own on Java 23+.
		assertThat(result.handle((value, failure) -> failure).join()).isInstanceOf(CancellationException.class)
			.hasMessageContaining("closed");
	}

	@Test
	void aDirectExecutorStillRunsTheNextAttemptWhereItIsHandedOver() throws Exception {
		List<String> threads = new CopyOnWriteArrayList<>();
		AsyncHelpers helpers = new AsyncHelpers(Runnable::run, this.scheduler);
		RetrySpec spec = RetrySpec.defaults().withMaxRetries(1).withBaseDelay(Duration.ofMillis(10))
			.withJitter(Jitter.NONE);

		CompletableFuture<String> result = helpers.retryWithBackoff("direct", Task.blocking(() -> {
			threads.add(Thread.currentThread().getName());
			if (threads.size() == 1) {
				throw new java.io.IOException("first");
			}
			return "second";
		}), spec);

		assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("second");
		// The executor runs tasks where they are handed over: after the pause, that is the timer.
		assertThat(threads.get(1)).startsWith("timer-");
	}

}
