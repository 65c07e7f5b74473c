/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Trackers tell the truth: an end state for every way a run ends, succeeded and failed
 * counted apart, and retention for every end state.
 */
class TrackerStateTests {

	@RegisterExtension
	final Pools pools = Pools.fixed(2);

	@Test
	void aCancelledMapEndsItsTrackerAsCancelledWithoutCountingTheInterruptedItems() throws Exception {
		CountDownLatch started = new CountDownLatch(2);
		AsyncProgress tracker = new AsyncProgress("import", 10);

		CompletableFuture<List<Outcome<Integer>>> result = this.pools.helpers()
			.asyncMap(IntStream.range(0, 10).boxed().toList(), Task.blocking((Integer i) -> {
				started.countDown();
				Thread.sleep(60_000);
				return i;
			}), 2, tracker);
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		result.cancel(true);

		await().atMost(Duration.ofSeconds(10)).until(() -> this.pools.executor().getActiveCount() == 0);
		assertThat(tracker.state()).isEqualTo(AsyncProgress.State.CANCELLED);
		assertThat(tracker.succeeded()).isZero();
		assertThat(tracker.failed()).isZero();
		assertThat(tracker.eta()).isNull();
	}

	@Test
	void succeededAndFailedItemsAreCountedApartAndTheTrackerCompletes() {
		AsyncProgress tracker = new AsyncProgress("import", 10);

		assertThat(this.pools.helpers().asyncMap(IntStream.range(0, 10).boxed().toList(), Task.blocking((Integer i) -> {
			if (i % 3 == 0) {
				throw new IOException("bad item " + i);
			}
			return i;
		}), 3, tracker)).succeedsWithin(Duration.ofSeconds(10));

		assertThat(tracker.state()).isEqualTo(AsyncProgress.State.COMPLETED);
		assertThat(tracker.succeeded()).isEqualTo(6);
		assertThat(tracker.failed()).isEqualTo(4);
		assertThat(tracker.completed()).isEqualTo(10);
	}

	@Test
	void aFailingIterableEndsTheTrackerAsFailed() {
		AsyncProgress tracker = new AsyncProgress("import", 10);
		Iterable<Integer> broken = () -> new Iterator<>() {

			private int next;

			@Override
			public boolean hasNext() {
				if (this.next == 3) {
					throw new IllegalStateException("source gone");
				}
				return true;
			}

			@Override
			public Integer next() {
				return this.next++;
			}

		};

		assertThat(this.pools.helpers().asyncMap(broken, Task.blocking((Integer i) -> i), 2, tracker))
			.failsWithin(Duration.ofSeconds(10));
		assertThat(tracker.state()).isEqualTo(AsyncProgress.State.FAILED);
	}

	@Test
	void retentionRemovesTrackersInEveryEndStateSoCancellationsNeverFillTheRegistry() {
		AtomicLong nanos = new AtomicLong();
		ProgressRegistry registry = new ProgressRegistry(Duration.ofMinutes(1), 3, 10, nanos::get, Clock.systemUTC());
		for (int i = 0; i < 20; i++) {
			AsyncProgress tracker = registry.createUnique("job", 100);
			switch (i % 3) {
				case 0 -> tracker.cancel();
				case 1 -> tracker.stop();
				default -> tracker.fail(new IOException("down"));
			}
			nanos.addAndGet(Duration.ofMinutes(2).toNanos());
		}

		assertThat(registry.trackers()).isEmpty();
	}

	@Test
	void createUniqueNamesConcurrentRunsOfOneJobApart() {
		ProgressRegistry registry = new ProgressRegistry();

		AsyncProgress first = registry.createUnique("import", 5);
		AsyncProgress second = registry.createUnique("import", 5);
		registry.create("import-3", 1);
		AsyncProgress fourth = registry.createUnique("import", 5);

		assertThat(first.name()).isEqualTo("import-1");
		assertThat(second.name()).isEqualTo("import-2");
		assertThat(fourth.name()).isEqualTo("import-4");
		assertThat(registry.find("import-1")).containsSame(first);
	}

	@Test
	void aLazyIterablesNullItemIsReportedSoTheCountAndTheTrackerComplete() {
		AsyncProgress tracker = new AsyncProgress("lazy", 3);
		AtomicLong nullsSeen = new AtomicLong();
		Iterable<Integer> withNull = () -> new Iterator<>() {

			private final Integer[] values = { 1, null, 3 };

			private int next;

			@Override
			public boolean hasNext() {
				return this.next < this.values.length;
			}

			@Override
			public Integer next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				return this.values[this.next++];
			}

		};

		CompletableFuture<Long> count = this.pools.helpers().asyncForEach(withNull, Task.blocking((Integer i) -> i), 2,
				tracker, (item, outcome) -> {
					if (item == null && outcome.isFailure()) {
						nullsSeen.incrementAndGet();
					}
				});

		assertThat(count).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(3L);
		assertThat(nullsSeen).hasValue(1);
		assertThat(tracker.state()).isEqualTo(AsyncProgress.State.COMPLETED);
		assertThat(tracker.failed()).isEqualTo(1);
	}

	@Test
	void anEndedTrackerIgnoresUpdatesAndKeepsItsElapsedTime() {
		AtomicLong nanos = new AtomicLong();
		AsyncProgress tracker = new AsyncProgress("job", 10, 10, nanos::get, Clock.systemUTC());
		tracker.update(4);
		nanos.addAndGet(Duration.ofSeconds(2).toNanos());

		assertThat(tracker.stop()).isTrue();
		tracker.update(6);
		nanos.addAndGet(Duration.ofSeconds(5).toNanos());

		assertThat(tracker.cancel()).as("one end state, once").isFalse();
		assertThat(tracker.state()).isEqualTo(AsyncProgress.State.STOPPED);
		assertThat(tracker.completed()).isEqualTo(4);
		assertThat(tracker.elapsed()).isEqualTo(Duration.ofSeconds(2));
	}

}
