/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.actuate;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import io.asynchelpers.AsyncProgress;
import io.asynchelpers.ProgressRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link AsyncProgressMeterBinder}: the gauges of each tracker, on a
 * {@link SimpleMeterRegistry}.
 */
class AsyncProgressMeterBinderTests {

	private final AtomicLong nanos = new AtomicLong();

	private final ProgressRegistry registry = new ProgressRegistry(Duration.ofMinutes(10), 100, 10, this.nanos::get,
			Clock.systemUTC());

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@BeforeEach
	void bind() {
		new AsyncProgressMeterBinder(this.registry).bindTo(this.meters);
	}

	@Test
	void succeededAndFailedGaugesCountEachTrackersItems() {
		AsyncProgress imports = this.registry.create("import", 10);
		AsyncProgress exports = this.registry.create("export", 10);
		imports.recordSuccess();
		imports.recordSuccess();
		imports.recordFailure();
		exports.recordFailure();

		assertThat(gauge("asynchelpers.progress.succeeded", "import")).isEqualTo(2);
		assertThat(gauge("asynchelpers.progress.failed", "import")).isEqualTo(1);
		assertThat(gauge("asynchelpers.progress.completed", "import")).isEqualTo(3);
		assertThat(gauge("asynchelpers.progress.succeeded", "export")).isZero();
		assertThat(gauge("asynchelpers.progress.failed", "export")).isEqualTo(1);
	}

	@Test
	void theStateGaugeIsOneForTheCurrentStateAndZeroForTheOthers() {
		AsyncProgress progress = this.registry.create("import", 10);

		assertThat(states("import")).containsOnly(entry("running", 1.0), entry("completed", 0.0),
				entry("failed", 0.0), entry("cancelled", 0.0), entry("stopped", 0.0));

		progress.cancel();

		assertThat(states("import")).containsOnly(entry("running", 0.0), entry("completed", 0.0),
				entry("failed", 0.0), entry("cancelled", 1.0), entry("stopped", 0.0));
	}

	@Test
	void eachEndStateHasItsOwnSeries() {
		AsyncProgress completed = this.registry.create("completed", 1);
		AsyncProgress failed = this.registry.create("failed", 1);
		AsyncProgress stopped = this.registry.create("stopped", 1);
		completed.recordFailure();
		failed.fail(new IllegalStateException("the source went away"));
		stopped.stop();

		assertThat(states("completed")).containsEntry("completed", 1.0).containsEntry("running", 0.0);
		assertThat(states("failed")).containsEntry("failed", 1.0).containsEntry("running", 0.0);
		assertThat(states("stopped")).containsEntry("stopped", 1.0).containsEntry("running", 0.0);
	}

	@Test
	void everyGaugeLeavesWithItsTrackerWhenRetentionDropsItWhicheverWayItEnded() {
		this.registry.create("completed", 1).recordSuccess();
		this.registry.create("failed", 10).fail(new IllegalStateException("the source went away"));
		this.registry.create("cancelled", 10).cancel();
		this.registry.create("stopped", 10).stop();
		this.registry.create("running", 10);
		assertThat(this.meters.find("asynchelpers.progress.state").tag("name", "cancelled").gauges()).hasSize(5);
		assertThat(this.meters.find("asynchelpers.progress.succeeded").tag("name", "stopped").gauge()).isNotNull();

		this.nanos.addAndGet(Duration.ofMinutes(10).toNanos());
		this.registry.trackers();

		assertThat(this.meters.getMeters()).extracting((meter) -> meter.getId().getTag("name"))
			.doesNotContain("completed", "failed", "cancelled", "stopped")
			.contains("running");
		assertThat(this.meters.find("asynchelpers.progress.state").tag("name", "running").gauges()).hasSize(5);
	}

	private double gauge(String name, String tracker) {
		return this.meters.get(name).tag("name", tracker).gauge().value();
	}

	private Map<String, Double> states(String tracker) {
		return this.meters.get("asynchelpers.progress.state")
			.tag("name", tracker)
			.gauges()
			.stream()
			.collect(Collectors.toMap((gauge) -> gauge.getId().getTag("state"), Gauge::value));
	}

}
