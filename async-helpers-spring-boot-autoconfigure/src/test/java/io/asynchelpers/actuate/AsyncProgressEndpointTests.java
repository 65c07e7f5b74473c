/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import io.asynchelpers.AsyncProgress;
import io.asynchelpers.ProgressRegistry;
import io.asynchelpers.actuate.AsyncProgressEndpoint.TrackerDescriptor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link AsyncProgressEndpoint}: what one tracker looks like in each state.
 */
class AsyncProgressEndpointTests {

	private final AtomicLong nanos = new AtomicLong();

	private final ProgressRegistry registry = new ProgressRegistry(Duration.ofHours(1), 100, 10, this.nanos::get,
			Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));

	private final AsyncProgressEndpoint endpoint = new AsyncProgressEndpoint(this.registry);

	@Test
	void aRunningTrackerShowsItsSucceededAndFailedItemsBesidesCompleted() {
		AsyncProgress progress = this.registry.create("import", 10);
		progress.recordSuccess();
		progress.recordSuccess();
		progress.recordFailure();

		TrackerDescriptor tracker = this.endpoint.tracker("import");

		assertThat(tracker).isNotNull();
		assertThat(tracker.state()).isEqualTo("running");
		assertThat(tracker.total()).isEqualTo(10);
		assertThat(tracker.completed()).isEqualTo(3);
		assertThat(tracker.succeeded()).isEqualTo(2);
		assertThat(tracker.failed()).isEqualTo(1);
		assertThat(tracker.percentage()).isEqualTo(30.0);
		assertThat(tracker.startedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
	}

	@Test
	void aTrackerWhoseItemsAllFinishedIsCompletedEvenWithFailedItems() {
		AsyncProgress progress = this.registry.create("import", 3);
		progress.recordSuccess();
		progress.recordFailure();
		progress.recordSuccess();

		TrackerDescriptor tracker = this.endpoint.tracker("import");

		assertThat(tracker).isNotNull();
		assertThat(tracker.state()).isEqualTo("completed");
		assertThat(tracker.succeeded()).isEqualTo(2);
		assertThat(tracker.failed()).isEqualTo(1);
		assertThat(tracker.completed()).isEqualTo(3);
	}

	@Test
	void eachEndStateShowsInLowerCaseWithTheCountsReachedBeforeIt() {
		AsyncProgress failed = this.registry.create("failed", 10);
		failed.recordSuccess();
		failed.fail(new IllegalStateException("the source went away"));
		AsyncProgress cancelled = this.registry.create("cancelled", 10);
		cancelled.recordSuccess();
		cancelled.recordSuccess();
		cancelled.recordFailure();
		cancelled.cancel();
		AsyncProgress stopped = this.registry.create("stopped", 10);
		stopped.recordFailure();
		stopped.stop();

		assertThat(this.endpoint.trackers().trackers()).extracting(TrackerDescriptor::name, TrackerDescriptor::state,
				TrackerDescriptor::succeeded, TrackerDescriptor::failed, TrackerDescriptor::completed)
			.containsExactlyInAnyOrder(tuple("failed", "failed", 1L, 0L, 1L),
					tuple("cancelled", "cancelled", 2L, 1L, 3L),
					tuple("stopped", "stopped", 0L, 1L, 1L));
	}

	@Test
	void theEtaIsZeroOnceCompletedAndUnknownOnceEndedAnyOtherWay() {
		AsyncProgress running = this.registry.create("running", 10);
		AsyncProgress completed = this.registry.create("completed", 2);
		AsyncProgress failed = this.registry.create("failed", 10);
		AsyncProgress cancelled = this.registry.create("cancelled", 10);
		AsyncProgress stopped = this.registry.create("stopped", 10);
		this.nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		for (AsyncProgress progress : new AsyncProgress[] { running, completed, failed, cancelled, stopped }) {
			progress.recordSuccess();
			progress.recordSuccess();
		}
		failed.fail(new IllegalStateException("the source went away"));
		cancelled.cancel();
		stopped.stop();

		assertThat(this.endpoint.tracker("running").etaSeconds()).as("2 of 10 in 2 s").isEqualTo(8.0);
		assertThat(this.endpoint.tracker("completed").etaSeconds()).isEqualTo(0.0);
		assertThat(this.endpoint.tracker("failed").etaSeconds()).isNull();
		assertThat(this.endpoint.tracker("cancelled").etaSeconds()).isNull();
		assertThat(this.endpoint.tracker("stopped").etaSeconds()).isNull();
	}

	@Test
	void elapsedTimeStopsWhenATrackerEnds() {
		AsyncProgress progress = this.registry.create("import", 10);
		this.nanos.addAndGet(Duration.ofMillis(1500).toNanos());
		progress.cancel();
		this.nanos.addAndGet(Duration.ofMinutes(5).toNanos());

		assertThat(this.endpoint.tracker("import").elapsedSeconds()).isEqualTo(1.5);
	}

}
