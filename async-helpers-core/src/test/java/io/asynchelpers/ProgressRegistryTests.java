/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ProgressRegistry}.
 */
class ProgressRegistryTests {

	private final AtomicLong nanos = new AtomicLong();

	private final ProgressRegistry registry = new ProgressRegistry(Duration.ofMinutes(5), 3, 10, this.nanos::get,
			Clock.systemUTC());

	@Test
	void createdTrackersCanBeFoundListedOldestFirstAndRemoved() {
		AsyncProgress first = this.registry.create("first", 10);
		this.nanos.addAndGet(1);
		AsyncProgress second = this.registry.create("second", 10);

		assertThat(this.registry.find("first")).containsSame(first);
		assertThat(this.registry.find("missing")).isEmpty();
		assertThat(this.registry.trackers()).containsExactly(first, second);
		assertThat(this.registry.remove("first")).isTrue();
		assertThat(this.registry.remove("first")).isFalse();
		assertThat(this.registry.trackers()).containsExactly(second);
	}

	@Test
	void aRunningTrackerCannotBeReplacedButAFinishedOneCan() {
		AsyncProgress running = this.registry.create("job", 2);

		assertThatIllegalStateException().isThrownBy(() -> this.registry.create("job", 5))
			.withMessageStartingWith("A tracker named 'job' is already running");

		running.update(2);
		AsyncProgress again = this.registry.create("job", 5);
		assertThat(this.registry.find("job")).containsSame(again);
	}

	@Test
	void finishedTrackersAreDroppedAfterTheRetention() {
		AsyncProgress done = this.registry.create("done", 1);
		AsyncProgress running = this.registry.create("running", 1);
		done.update();

		this.nanos.addAndGet(Duration.ofMinutes(4).toNanos());
		assertThat(this.registry.trackers()).containsExactlyInAnyOrder(done, running);

		this.nanos.addAndGet(Duration.ofMinutes(1).toNanos());
		assertThat(this.registry.trackers()).containsExactly(running);
		assertThat(this.registry.find("done")).isEmpty();
	}

	@Test
	void aFullRegistryDropsTheOldestFinishedTracker() {
		AsyncProgress a = this.registry.create("a", 1);
		AsyncProgress b = this.registry.create("b", 1);
		AsyncProgress c = this.registry.create("c", 1);
		b.update();
		this.nanos.addAndGet(1);
		a.update();

		AsyncProgress d = this.registry.create("d", 1);

		assertThat(this.registry.trackers()).containsExactlyInAnyOrder(a, c, d);
	}

	@Test
	void aRegistryFullOfRunningTrackersRefusesANewOneWithAClearError() {
		this.registry.create("a", 1);
		this.registry.create("b", 1);
		this.registry.create("c", 1);

		assertThatIllegalStateException().isThrownBy(() -> this.registry.create("d", 1))
			.withMessageContaining("all 3 trackers are still running");
		assertThat(this.registry.trackers()).hasSize(3);
	}

	@Test
	void listenersHearOfEveryAdditionAndRemoval() {
		List<String> events = new ArrayList<>();
		this.registry.addListener(new ProgressRegistry.Listener() {
			@Override
			public void onAdded(AsyncProgress progress) {
				events.add("+" + progress.name());
			}

			@Override
			public void onRemoved(AsyncProgress progress) {
				events.add("-" + progress.name());
			}
		});

		AsyncProgress expiring = this.registry.create("expiring", 1);
		this.registry.create("removed", 1);
		expiring.update();
		this.registry.remove("removed");
		this.nanos.addAndGet(Duration.ofMinutes(5).toNanos());
		this.registry.trackers();

		assertThat(events).containsExactly("+expiring", "+removed", "-removed", "-expiring");
	}

}
