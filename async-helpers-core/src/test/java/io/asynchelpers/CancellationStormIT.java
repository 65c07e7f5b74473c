/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ten thousand timeouts and ten thousand cancelled gathers: afterwards no thread, task,
 * queued runnable or timer is left behind.
 */
class CancellationStormIT {

	private final ThreadPoolExecutor executor = (ThreadPoolExecutor) Executors.newFixedThreadPool(8);

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

	private final AsyncHelpers helpers;

	private final AtomicInteger running = new AtomicInteger();

	CancellationStormIT() {
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.executor.prestartAllCoreThreads();
		this.scheduler.prestartAllCoreThreads();
		this.helpers = new AsyncHelpers(this.executor, this.scheduler);
	}

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
		this.scheduler.shutdownNow();
	}

	private Task<String> sleepy() {
		return Task.blocking(() -> {
			this.running.incrementAndGet();
			try {
				Thread.sleep(60_000);
				return "late";
			}
			finally {
				this.running.decrementAndGet();
			}
		});
	}

	@Test
	void tenThousandBlockingTimeoutsLeaveNothingBehind() {
		int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
		List<CompletableFuture<String>> results = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			results.add(this.helpers.runWithTimeout(sleepy(), Duration.ofMillis(10)));
		}

		CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).exceptionally((ex) -> null).join();

		assertThat(results).allSatisfy((result) -> assertThat(result).isCompletedExceptionally());
		assertNothingLeftBehind(threadsBefore);
	}

	@Test
	void tenThousandAsyncTimeoutsCancelTheirStagesAndLeaveNothingBehind() {
		List<CompletableFuture<String>> stages = new ArrayList<>();
		List<CompletableFuture<String>> results = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			CompletableFuture<String> stage = new CompletableFuture<>();
			stages.add(stage);
			results.add(this.helpers.runWithTimeout(Task.async(() -> stage), Duration.ofMillis(10)));
		}

		CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).exceptionally((ex) -> null).join();

		assertThat(stages).allMatch(CompletableFuture::isCancelled);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.scheduler.getQueue().isEmpty());
	}

	@Test
	void tenThousandCancelledGathersLeaveNothingBehind() {
		int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
		List<CompletableFuture<List<String>>> results = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			CompletableFuture<List<String>> result = this.helpers
				.gatherWithLimit(IntStream.range(0, 4).mapToObj((j) -> sleepy()).toList(), 2);
			results.add(result);
			result.cancel(true);
		}

		assertThat(results).allMatch(CompletableFuture::isCancelled);
		assertNothingLeftBehind(threadsBefore);
	}

	private void assertNothingLeftBehind(int threadsBefore) {
		// Cancelled tasks still queued are skipped (not run) as the workers reach them.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(this.executor.getQueue()).isEmpty();
			assertThat(this.executor.getActiveCount()).isZero();
			assertThat(this.running).hasValue(0);
			assertThat(this.scheduler.getQueue()).isEmpty();
		});
		assertThat(this.executor.getPoolSize()).isEqualTo(8);
		assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThanOrEqualTo(threadsBefore + 2);
	}

}
