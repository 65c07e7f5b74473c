/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fourth adversarial review, of commit cf88447.
 */
class Review4Tests {

	@RegisterExtension
	final SaturatedPools pools = new SaturatedPools();

	private final ThreadPoolExecutor callerRuns = this.pools.callerRuns();

	private final ScheduledThreadPoolExecutor scheduler = this.pools.scheduler();

	// The starter supports the caller-runs rejection policy. A blocking retry's later attempt
	// was submitted from the timer thread; a saturated caller-runs pool ran it there, so the
	// user's blocking task, the retry decision and the AsyncEventListener all ran on the
	// scheduler thread. Now the pause waits until the pool has a thread.
	@Test
	void aBlockingRetryOnASaturatedCallerRunsPoolRunsNoListenerOnTheSchedulerThread() throws Exception {
		this.pools.saturate(this.callerRuns);
		List<String> threads = new CopyOnWriteArrayList<>();
		AsyncHelpers helpers = new AsyncHelpers(this.callerRuns, this.scheduler).withEventListener(
				(event) -> threads.add(event.getClass().getSimpleName() + " on " + Thread.currentThread().getName()));
		RetrySpec spec = RetrySpec.defaults().withMaxRetries(2).withBaseDelay(Duration.ofMillis(20))
			.withJitter(Jitter.NONE);

		CompletableFuture<String> result = helpers.retryWithBackoff("caller-runs", Task.blocking(() -> {
			threads.add("attempt on " + Thread.currentThread().getName());
			throw new java.io.IOException("attempt failed");
		}), spec);

		// The first attempt ran on this thread (the pool is full: caller runs); its pause ends while
		// the pool is still full, and the next attempt waits for a free thread.
		await().atMost(Duration.ofSeconds(10)).until(() -> threads.stream().anyMatch((e) -> e.startsWith("RetryScheduled")));
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !result.isDone());
		this.pools.release();
		await().atMost(Duration.ofSeconds(10)).until(result::isDone);
		assertThat(threads).filteredOn((entry) -> entry.startsWith("attempt")).hasSize(3);
		assertThat(threads).noneMatch((entry) -> entry.contains(" on timer-"));
	}

}
