/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Once the executor refuses work because it shut down, a run stops taking items, every item
 * it never started ends as one clear failure, and its tracker ends as stopped. Pausing
 * operations abandoned at close each get a failure of their own.
 */
class ShutdownStopTests {

	@RegisterExtension
	final Pools pools = Pools.fixed(2);

	@Test
	void aMapStopsTakingItemsOnceTheExecutorShutsDownAndReportsTheRestAsNotStarted() throws Exception {
		List<Integer> items = IntStream.range(0, 5_000).boxed().toList();
		AtomicInteger made = new AtomicInteger();
		CountDownLatch twoHundredDone = new CountDownLatch(200);
		AsyncProgress tracker = new AsyncProgress("import", items.size());

		CompletableFuture<List<Outcome<Integer>>> result = this.pools.helpers().asyncMap(items, (Integer item) -> {
			made.incrementAndGet();
			return Task.blocking(() -> {
				twoHundredDone.countDown();
				if (twoHundredDone.getCount() == 0) {
					Thread.sleep(5);
				}
				return item;
			});
		}, 2, tracker);
		assertThat(twoHundredDone.await(10, TimeUnit.SECONDS)).isTrue();
		this.pools.executor().shutdown();

		List<Outcome<Integer>> outcomes = result.get(10, TimeUnit.SECONDS);
		assertThat(outcomes).hasSize(5_000);
		List<Throwable> failures = outcomes.stream().filter(Outcome::isFailure)
			.map((outcome) -> ((Outcome.Failure<Integer>) outcome).exception()).toList();
		assertThat(failures).isNotEmpty().allSatisfy((failure) -> assertThat(failure)
			.isInstanceOf(NotStartedException.class).hasMessageContaining("shut"));
		assertThat(made.get()).as("tasks made: the run stopped taking items").isLessThan(1_000);
		assertThat(tracker.state()).isEqualTo(AsyncProgress.State.STOPPED);
		assertThat(tracker.failed()).as("never-started items are not failures of the work").isZero();
		assertThat(tracker.succeeded()).isEqualTo(5_000 - failures.size());
	}

	@Test
	void aStreamedRunStopsAtShutdownAndReportsEveryItem() throws Exception {
		List<Integer> items = IntStream.range(0, 1_000).boxed().toList();
		CountDownLatch fiftyDone = new CountDownLatch(50);
		AtomicInteger reported = new AtomicInteger();
		AsyncProgress tracker = new AsyncProgress("stream", items.size());

		CompletableFuture<Long> count = this.pools.helpers().asyncForEach(items, Task.blocking((Integer item) -> {
			fiftyDone.countDown();
			if (fiftyDone.getCount() == 0) {
				Thread.sleep(5);
			}
			return item;
		}), 2, tracker, (item, outcome) -> reported.incrementAndGet());
		assertThat(fiftyDone.await(10, TimeUnit.SECONDS)).isTrue();
		this.pools.executor().shutdown();

		assertThat(count.get(10, TimeUnit.SECONDS)).isEqualTo(1_000);
		assertThat(reported).hasValue(1_000);
		assertThat(tracker.state()).isEqualTo(AsyncProgress.State.STOPPED);
	}

	@Test
	void batchesStopAtShutdownAndReportTheRestAsNotStarted() throws Exception {
		this.pools.executor().shutdown();

		List<Outcome<Integer>> outcomes = this.pools.helpers()
			.batchProcess(IntStream.range(0, 10).boxed().toList(), Task.blocking((Integer i) -> i), 3, Duration.ZERO)
			.get(10, TimeUnit.SECONDS);

		assertThat(outcomes).hasSize(10).allSatisfy((outcome) -> assertThat(outcome)
			.isInstanceOfSatisfying(Outcome.Failure.class,
					(failure) -> assertThat(failure.exception()).isInstanceOf(NotStartedException.class)));
	}

	@Test
	void eachPausingOperationAbandonedAtCloseGetsAFailureOfItsOwn() throws Exception {
		IOException firstFailure = new IOException("first");
		IOException secondFailure = new IOException("second");
		RetrySpec longPause = RetrySpec.defaults().withBaseDelay(Duration.ofMinutes(5));
		CompletableFuture<Object> first = this.pools.helpers().retryWithBackoff(Task.blocking(() -> {
			throw firstFailure;
		}), longPause);
		CompletableFuture<Object> second = this.pools.helpers().retryWithBackoff(Task.blocking(() -> {
			throw secondFailure;
		}), longPause);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pools.helpers().pendingPauses() == 2);

		this.pools.helpers().close();

		Throwable firstEnd = first.handle((value, ex) -> ex).get(10, TimeUnit.SECONDS);
		Throwable secondEnd = second.handle((value, ex) -> ex).get(10, TimeUnit.SECONDS);
		assertThat(firstEnd).isInstanceOf(CancellationException.class).isNotSameAs(secondEnd);
		assertThat(firstEnd.getSuppressed()).containsExactly(firstFailure);
		assertThat(secondEnd.getSuppressed()).containsExactly(secondFailure);
	}

	@Test
	void anOperationStartedAfterCloseIsNotStarted() {
		this.pools.helpers().close();

		CompletableFuture<Object> retry = this.pools.helpers().retryWithBackoff(Task.blocking(() -> {
			throw new IOException("down");
		}), RetrySpec.defaults());

		assertThat(retry).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
			.havingCause().isInstanceOf(NotStartedException.class);
	}

}
