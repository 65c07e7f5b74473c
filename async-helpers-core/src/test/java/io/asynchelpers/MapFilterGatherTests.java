/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link AsyncHelpers#asyncMap}, {@link AsyncHelpers#asyncFilter},
 * {@link AsyncHelpers#safeGather} and {@link AsyncHelpers#ensureAsync}.
 */
class MapFilterGatherTests {

	@RegisterExtension
	final Pools pools = Pools.fixed(4, (runnable) -> new Thread(runnable, "helpers-pool"));

	@Test
	void asyncMapReturnsOrderedOutcomesWithFailuresCaptured() throws Exception {
		IOException failure = new IOException("no 2");

		List<Outcome<String>> outcomes = this.pools.helpers().asyncMap(List.of(1, 2, 3), Task.blocking((Integer i) -> {
			if (i == 2) {
				throw failure;
			}
			return "item " + i;
		}), 2).get(10, TimeUnit.SECONDS);

		assertThat(outcomes).containsExactly(Outcome.success("item 1"), Outcome.failure(failure),
				Outcome.success("item 3"));
	}

	@Test
	void asyncMapHandsBackValuesThatLookLikeItsOwnBookkeepingUntouched() throws Exception {
		// Results are stored as bare values; futures and outcomes must not be taken for a
		// running task (and cancelled) or for a failure.
		CompletableFuture<String> pending = new CompletableFuture<>();
		Outcome<String> failedValue = Outcome.failure(new IOException("a value, not a failure"));
		List<Object> values = Arrays.asList(pending, failedValue, null, "plain");

		List<Outcome<Object>> outcomes = this.pools.helpers()
			.asyncMap(List.of(0, 1, 2, 3), Task.blocking((Integer i) -> values.get(i)), 2)
			.get(10, TimeUnit.SECONDS);

		assertThat(outcomes).containsExactly(Outcome.success(pending), Outcome.success(failedValue),
				Outcome.success(null), Outcome.success("plain"));
		assertThat(pending).isNotDone();
	}

	@Test
	void failingFastCancelsRunningTasksButNotFuturesThatAreResults() {
		CompletableFuture<String> aResult = new CompletableFuture<>();
		// Limit 1: the first task's result is stored before the second one fails.
		List<Task<Object>> tasks = List.of(Task.blocking(() -> aResult), Task.blocking(() -> {
			throw new IOException("fails after the first finished");
		}));

		CompletableFuture<List<Object>> gathered = this.pools.helpers().gatherWithLimit(tasks, 1);

		await().atMost(Duration.ofSeconds(10)).until(gathered::isCompletedExceptionally);
		assertThat(aResult).isNotDone();
	}

	@Test
	void asyncMapAndGatherReturnUnmodifiableListsInInputOrder() throws Exception {
		List<Integer> items = IntStream.range(0, 3000).boxed().toList();

		List<Outcome<Integer>> outcomes = this.pools.helpers()
			.asyncMap(items, Task.blocking((Integer i) -> i * 2), 8)
			.get(10, TimeUnit.SECONDS);
		List<Integer> values = this.pools.helpers()
			.gatherWithLimit(items.stream().map((i) -> Task.blocking(() -> i * 2)).toList(), 8)
			.get(10, TimeUnit.SECONDS);

		List<Integer> doubled = items.stream().map((i) -> i * 2).toList();
		assertThat(outcomes).extracting(Outcome::getOrThrow).containsExactlyElementsOf(doubled);
		assertThat(values).containsExactlyElementsOf(doubled).hasSize(3000);
		assertThat(values.get(2999)).isEqualTo(5998);
		assertThat(values).isEqualTo(doubled).hasSameHashCodeAs(doubled);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> values.set(0, 1));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> outcomes.remove(0));
		assertThatExceptionOfType(IndexOutOfBoundsException.class)
			.isThrownBy(() -> values.get(3000));
	}

	@Test
	void filterBatchAndSafeGatherReturnUnmodifiableListsToo() throws Exception {
		AsyncHelpers helpers = this.pools.helpers();
		List<Integer> kept = helpers.asyncFilter(List.of(1, 2, 3), (Integer i) -> Task.blocking(() -> i != 2))
			.get(10, TimeUnit.SECONDS);
		List<Outcome<Integer>> batched = helpers
			.batchProcess(List.of(1, 2, 3), Task.blocking((Integer i) -> i), 2, Duration.ZERO)
			.get(10, TimeUnit.SECONDS);
		List<Outcome<Integer>> gathered = helpers.safeGather(List.of(Task.blocking(() -> 1)))
			.get(10, TimeUnit.SECONDS);

		assertThat(kept).containsExactly(1, 3);
		assertThat(batched).containsExactly(Outcome.success(1), Outcome.success(2), Outcome.success(3));
		assertThat(gathered).containsExactly(Outcome.success(1));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> kept.add(4));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> batched.clear());
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> gathered.add(null));
	}

	@Test
	void asyncMapNeverRunsMoreThanItsLimit() throws Exception {
		InFlightCounter counter = new InFlightCounter();

		List<Outcome<Integer>> outcomes = this.pools.helpers().asyncMap(IntStream.range(0, 100).boxed().toList(),
				Task.blocking((Integer i) -> {
					counter.enter();
					try {
						Thread.sleep(1);
						return i;
					}
					finally {
						counter.exit();
					}
				}), 3).get(30, TimeUnit.SECONDS);

		assertThat(outcomes).hasSize(100);
		assertThat(counter.max()).isLessThanOrEqualTo(3);
	}

	@Test
	void asyncMapTakesItemsFromALazyIterableOnlyAsSlotsFreeUp() {
		AtomicInteger taken = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		Iterable<Integer> millionItems = () -> new Iterator<>() {
			@Override
			public boolean hasNext() {
				return taken.get() < 1_000_000;
			}

			@Override
			public Integer next() {
				return taken.incrementAndGet();
			}
		};

		CompletableFuture<List<Outcome<Integer>>> result = this.pools.helpers().asyncMap(millionItems,
				Task.blocking((Integer i) -> {
					release.await();
					return i;
				}), 4);

		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> taken.get() == 4);
		result.cancel(true);
		release.countDown();
	}

	@Test
	void asyncMapOfNothingCompletesAtOnce() {
		assertThat(this.pools.helpers().asyncMap(List.<Integer>of(), Task.blocking((Integer i) -> i))).isCompletedWithValue(List.of());
	}

	@Test
	void asyncMapCountsEveryFinishedItemOnTheProgressTracker() {
		AsyncProgress progress = new AsyncProgress("map", 5);

		assertThat(this.pools.helpers().asyncMap(List.of(1, 2, 3, 4, 5), Task.blocking((Integer i) -> {
			if (i == 4) {
				throw new IOException("failed items count too");
			}
			return i;
		}), 2, progress)).succeedsWithin(Duration.ofSeconds(10));

		assertThat(progress.completed()).isEqualTo(5);
		assertThat(progress.isComplete()).isTrue();
	}

	@Test
	void asyncForEachHandsEveryOutcomeToTheConsumerWithoutKeepingThem() throws Exception {
		java.util.Map<Integer, Outcome<Integer>> seen = new java.util.concurrent.ConcurrentHashMap<>();
		InFlightCounter counter = new InFlightCounter();

		long processed = this.pools.helpers().asyncForEach(IntStream.rangeClosed(1, 100).boxed().toList(),
				Task.blocking((Integer i) -> {
					counter.enter();
					try {
						if (i % 10 == 0) {
							throw new IOException("item " + i);
						}
						return i * 3;
					}
					finally {
						counter.exit();
					}
				}), 4, seen::put).get(10, TimeUnit.SECONDS);

		assertThat(processed).isEqualTo(100);
		assertThat(seen).hasSize(100);
		assertThat(seen.get(7)).isEqualTo(Outcome.success(21));
		assertThat(seen.values()).filteredOn(Outcome::isFailure).hasSize(10);
		assertThat(counter.max()).isLessThanOrEqualTo(4);
	}

	@Test
	void cancellingAnAsyncForEachInterruptsItsTasksAndTakesNoMoreItems() {
		AtomicInteger taken = new AtomicInteger();
		AtomicInteger interrupted = new AtomicInteger();
		Iterable<Integer> endless = () -> new Iterator<>() {
			@Override
			public boolean hasNext() {
				return true;
			}

			@Override
			public Integer next() {
				return taken.incrementAndGet();
			}
		};
		CompletableFuture<Long> result = this.pools.helpers().asyncForEach(endless, Task.blocking((Integer i) -> {
			try {
				Thread.sleep(30_000);
			}
			catch (InterruptedException ex) {
				interrupted.incrementAndGet();
				throw ex;
			}
			return i;
		}), 3, (item, outcome) -> {
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> taken.get() == 3);

		result.cancel(true);

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(interrupted).hasValue(3));
		assertThat(taken).hasValue(3);
	}

	@Test
	void asyncFilterKeepsTrueItemsInOrderAndDropsFailedOnesWithAWarning() throws Exception {
		try (LogCapture log = LogCapture.of(AsyncHelpers.class)) {
			List<Integer> kept = this.pools.helpers().asyncFilter(IntStream.rangeClosed(1, 10).boxed().toList(),
					Task.async((Integer i) -> (i == 7) ? CompletableFuture.<Boolean>failedFuture(new IOException("seven"))
							: CompletableFuture.completedFuture(i % 2 == 1)),
					3).get(10, TimeUnit.SECONDS);

			assertThat(kept).containsExactly(1, 3, 5, 9);
			assertThat(log.messages(Level.WARN)).containsExactly("Predicate failed for item 7: java.io.IOException: seven");
		}
	}

	@Test
	void safeGatherReturnsOneOutcomePerTaskAndWarnsEachFailureWithItsIndex() throws Exception {
		try (LogCapture log = LogCapture.of(AsyncHelpers.class)) {
			List<Outcome<String>> outcomes = this.pools.helpers().safeGather(List.of(Task.blocking(() -> "a"),
					Task.<String>blocking(() -> {
						throw new IOException("b failed");
					}), Task.async(() -> CompletableFuture.completedFuture("c")),
					Task.<String>async(() -> CompletableFuture.failedFuture(new IllegalStateException("d failed")))))
				.get(10, TimeUnit.SECONDS);

			assertThat(outcomes).hasSize(4);
			assertThat(outcomes.get(0)).isEqualTo(Outcome.success("a"));
			assertThat(outcomes.get(1).isFailure()).isTrue();
			assertThat(outcomes.get(2)).isEqualTo(Outcome.success("c"));
			assertThat(outcomes.get(3).isFailure()).isTrue();
			assertThat(log.messages(Level.WARN)).containsExactlyInAnyOrder("Task 1 failed: java.io.IOException: b failed",
					"Task 3 failed: java.lang.IllegalStateException: d failed");
		}
	}

	@Test
	void safeGatherNeverFailsAsAWhole() {
		assertThat(this.pools.helpers().safeGather(List.of(Task.<String>blocking(() -> {
			throw new Error("even an error");
		})))).succeedsWithin(Duration.ofSeconds(10))
			.satisfies((outcomes) -> assertThat(outcomes).singleElement().matches(Outcome::isFailure));
	}

	@Test
	void ensureAsyncRunsACallableOnTheExecutor() throws Exception {
		AtomicReference<String> thread = new AtomicReference<>();

		Integer value = this.pools.helpers().ensureAsync(() -> {
			thread.set(Thread.currentThread().getName());
			return 42;
		}).get(10, TimeUnit.SECONDS);

		assertThat(value).isEqualTo(42);
		assertThat(thread).hasValue("helpers-pool");
	}

	@Test
	void ensureAsyncFlattensAnAsyncTaskAndAdaptsStagesFuturesAndValues() throws Exception {
		assertThat(this.pools.helpers().ensureAsync(Task.async(() -> CompletableFuture.completedFuture("flat")))
			.get(10, TimeUnit.SECONDS)).isEqualTo("flat");
		assertThat(this.pools.helpers().ensureAsync(CompletableFuture.completedStage("stage")).get(10, TimeUnit.SECONDS))
			.isEqualTo("stage");
		assertThat(this.pools.helpers().ensureAsync("value")).isCompletedWithValue("value");

		FutureTask<String> plainFuture = new FutureTask<>(() -> "polled");
		CompletableFuture<String> adapted = this.pools.helpers().ensureAsync(plainFuture);
		assertThat(adapted).isNotDone();
		plainFuture.run();
		assertThat(adapted.get(10, TimeUnit.SECONDS)).isEqualTo("polled");
	}

	@Test
	void cancellingAnAdaptedFutureCancelsTheOriginal() {
		FutureTask<String> plainFuture = new FutureTask<>(() -> "never");

		this.pools.helpers().ensureAsync(plainFuture).cancel(true);

		assertThat(plainFuture.isCancelled()).isTrue();
	}

}
