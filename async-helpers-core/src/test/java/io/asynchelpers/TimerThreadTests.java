/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The scheduler's threads only fire timers: after a pause or a timeout, user code resumes
 * on the executor. And a time limit holds whichever thread runs the task.
 */
class TimerThreadTests {

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
			(runnable) -> new Thread(runnable, "timer-" + System.nanoTime()));

	private final ThreadPoolExecutor executor = (ThreadPoolExecutor) Executors.newFixedThreadPool(4,
			(runnable) -> new Thread(runnable, "worker-" + System.nanoTime()));

	private final AsyncHelpers helpers;

	private final Queue<String> threads = new ConcurrentLinkedQueue<>();

	TimerThreadTests() {
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.helpers = new AsyncHelpers(this.executor, this.scheduler);
	}

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
		this.scheduler.shutdownNow();
	}

	private String record() {
		String name = Thread.currentThread().getName();
		this.threads.add(name);
		return name;
	}

	@Test
	void aNestedFanOutResumesOnTheExecutorAfterAnItemTimedOut() {
		CompletableFuture<List<Outcome<String>>> nested = this.helpers.ensureAsync(() -> this.helpers
			.gatherWithLimitSettled(List.of(
					Task.async(() -> this.helpers.runWithTimeout(Task.async(CompletableFuture::new), Duration.ofMillis(20))),
					Task.blocking(this::record)), 1)
			.join());

		assertThat(nested).succeedsWithin(Duration.ofSeconds(10));
		assertThat(this.threads).singleElement().asString().startsWith("worker-");
	}

	@Test
	void aNestedFanOutResumesOnTheExecutorAfterAPause() {
		CompletableFuture<List<Outcome<Object>>> nested = this.helpers.ensureAsync(() -> this.helpers
			.gatherWithLimitSettled(List.of(Task.async(() -> this.helpers.delay(Duration.ofMillis(20))),
					Task.blocking(this::record)), 1)
			.join());

		assertThat(nested).succeedsWithin(Duration.ofSeconds(10));
		assertThat(this.threads).singleElement().asString().startsWith("worker-");
	}

	@Test
	void everyBatchRunsOnTheExecutorAlsoInsideAHelpersTask() {
		CompletableFuture<List<Outcome<String>>> batches = this.helpers.ensureAsync(() -> this.helpers
			.batchProcess(IntStream.range(0, 6).boxed().toList(), Task.blocking((Integer i) -> record()), 2,
					Duration.ofMillis(10))
			.join());

		assertThat(batches).succeedsWithin(Duration.ofSeconds(10));
		assertThat(this.threads).hasSize(6).allSatisfy((name) -> assertThat(name).startsWith("worker-"));
	}

	@Test
	void asyncRetryAttemptsAfterAPauseStartOnTheExecutor() {
		AtomicInteger attempts = new AtomicInteger();
		CompletableFuture<String> result = this.helpers.retryWithBackoff(Task.async(() -> {
			record();
			return (attempts.incrementAndGet() < 3) ? CompletableFuture.failedFuture(new IOException("down"))
					: CompletableFuture.completedFuture("ok");
		}), RetrySpec.defaults().withBaseDelay(Duration.ofMillis(10)));

		assertThat(result).succeedsWithin(Duration.ofSeconds(10));
		assertThat(this.threads).hasSize(3).last().asString().startsWith("worker-");
		assertThat(this.threads).noneSatisfy((name) -> assertThat(name).startsWith("timer-"));
	}

	@Test
	void aTimedOutCallsContinuationRunsOnTheExecutor() {
		CompletableFuture<String> continued = this.helpers
			.runWithTimeout(Task.async(() -> new CompletableFuture<String>()), Duration.ofMillis(20))
			.handle((value, ex) -> record());

		assertThat(continued).succeedsWithin(Duration.ofSeconds(10)).asString().startsWith("worker-");
	}

	@Test
	void theTimeLimitHoldsOnAnExecutorThatRunsTheTaskOnTheCallersThread() {
		Executor direct = Runnable::run;
		AsyncHelpers inline = new AsyncHelpers(direct, this.scheduler);

		Map.Entry<CompletableFuture<String>, Boolean> call = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
			CompletableFuture<String> result = inline.runWithTimeout(Task.blocking(() -> {
				Thread.sleep(30_000);
				return "late";
			}), Duration.ofMillis(100));
			return Map.entry(result, Thread.currentThread().isInterrupted());
		});

		assertThat(call.getKey()).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
			.havingCause().isInstanceOf(AsyncTimeoutException.class);
		assertThat(call.getValue()).as("no stray interrupt left on the caller's thread").isFalse();
	}

}
