/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link AsyncHelpers#batchProcess}.
 */
class BatchProcessTests {

	private final RecordingScheduler scheduler = new RecordingScheduler();

	@RegisterExtension
	final Pools pools = Pools.fixed(8, this.scheduler);

	@Test
	void batchesRunOneAfterAnotherWithThePauseScheduledBetweenThemAndNoneAfterTheLast() throws Exception {
		InFlightCounter counter = new InFlightCounter();
		AtomicInteger finished = new AtomicInteger();
		List<Integer> items = IntStream.range(0, 25).boxed().toList();

		List<Outcome<Integer>> outcomes = this.pools.helpers().batchProcess(items, Task.blocking((Integer item) -> {
			// Every item of the earlier batches has finished before an item of a later batch starts.
			assertThat(finished.get()).isGreaterThanOrEqualTo((item / 10) * 10);
			counter.enter();
			try {
				Thread.sleep(2);
				return item * 2;
			}
			finally {
				counter.exit();
				finished.incrementAndGet();
			}
		}), 10, Duration.ofMillis(250)).get(30, TimeUnit.SECONDS);

		assertThat(outcomes).extracting(Outcome::getOrThrow)
			.containsExactlyElementsOf(IntStream.range(0, 25).map((i) -> i * 2).boxed().toList());
		assertThat(counter.max()).isLessThanOrEqualTo(10);
		assertThat(this.scheduler.delays()).containsExactly(Duration.ofMillis(250), Duration.ofMillis(250));
	}

	@Test
	void aFailedItemKeepsItsPlaceAndTheRestOfItsBatchKeepsItsResults() throws Exception {
		IOException failure = new IOException("item 3");

		List<Outcome<String>> outcomes = this.pools.helpers().batchProcess(List.of(1, 2, 3, 4, 5), Task.blocking((Integer i) -> {
			if (i == 3) {
				throw failure;
			}
			return "ok " + i;
		}), 2, Duration.ZERO).get(10, TimeUnit.SECONDS);

		assertThat(outcomes).containsExactly(Outcome.success("ok 1"), Outcome.success("ok 2"), Outcome.failure(failure),
				Outcome.success("ok 4"), Outcome.success("ok 5"));
	}

	@Test
	void thePauseHoldsNoExecutorThread() throws Exception {
		ExecutorService single = Executors.newSingleThreadExecutor();
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
		timer.setRemoveOnCancelPolicy(true);
		try {
			AsyncHelpers oneThread = new AsyncHelpers(single, timer);
			AtomicInteger processed = new AtomicInteger();
			CompletableFuture<List<Outcome<Integer>>> result = oneThread.batchProcess(List.of(1, 2, 3, 4),
					Task.blocking((Integer i) -> processed.incrementAndGet()), 2, Duration.ofSeconds(2));
			await().atMost(Duration.ofSeconds(10)).until(() -> processed.get() == 2 && timer.getQueue().size() == 1);

			// The only executor thread is free while the batches pause.
			CompletableFuture<String> probe = CompletableFuture.supplyAsync(() -> "free", single);

			assertThat(probe.get(1, TimeUnit.SECONDS)).isEqualTo("free");
			assertThat(result).isNotDone();
			assertThat(result.get(10, TimeUnit.SECONDS)).hasSize(4);
		}
		finally {
			single.shutdownNow();
			timer.shutdownNow();
		}
	}

	@Test
	void progressIsLoggedAtDebugAfterEachBatchUnderTheBatchLogger() {
		try (LogCapture log = LogCapture.of(BatchExecution.class)) {
			assertThat(this.pools.helpers().batchProcess(IntStream.range(0, 25).boxed().toList(), Task.blocking((Integer i) -> i),
					10, Duration.ZERO)).succeedsWithin(Duration.ofSeconds(10));

			assertThat(log.messages(Level.DEBUG)).containsExactly("Processed 10/25 items", "Processed 20/25 items",
					"Processed 25/25 items");
		}
	}

	@Test
	void cancellingTheResultStopsBeforeTheNextBatch() {
		try (Pools real = Pools.fixed(8)) {
			AtomicInteger processed = new AtomicInteger();
			CompletableFuture<List<Outcome<Integer>>> result = real.helpers().batchProcess(List.of(1, 2, 3, 4),
					Task.blocking((Integer i) -> processed.incrementAndGet()), 2, Duration.ofSeconds(30));
			await().atMost(Duration.ofSeconds(10)).until(() -> real.scheduler().getQueue().size() == 1);

			result.cancel(true);

			assertThat(real.scheduler().getQueue()).isEmpty();
			assertThat(processed).hasValue(2);
		}
	}

	@Test
	void aSchedulerShutDownBeforeThePauseEndsTheRunWithTheOutcomesSoFar() throws Exception {
		try (Pools real = Pools.fixed(4)) {
			CountDownLatch release = new CountDownLatch(1);
			CompletableFuture<List<Outcome<Integer>>> result = real.helpers().batchProcess(List.of(1, 2, 3, 4),
					Task.blocking((Integer i) -> {
						release.await();
						return i;
					}), 2, Duration.ofSeconds(30));

			// The pause after the first batch is asked for after the scheduler has shut down.
			real.scheduler().shutdown();
			release.countDown();

			List<Outcome<Integer>> outcomes = result.get(10, TimeUnit.SECONDS);
			assertThat(outcomes).hasSize(4);
			assertThat(outcomes.subList(0, 2)).containsExactly(Outcome.success(1), Outcome.success(2));
			assertThat(outcomes.subList(2, 4)).allSatisfy((outcome) -> assertThat(outcome)
				.isInstanceOfSatisfying(Outcome.Failure.class,
						(failure) -> assertThat(failure.exception()).isInstanceOf(NotStartedException.class)));
		}
	}

	@Test
	void emptyInputCompletesAtOnceWithoutAPause() {
		assertThat(this.pools.helpers().batchProcess(List.<Integer>of(), Task.blocking((Integer i) -> i)))
			.succeedsWithin(Duration.ofSeconds(5))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.isEmpty();
		assertThat(this.scheduler.delays()).isEmpty();
	}

}
