/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.actuate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.asynchelpers.AsyncProgress;
import io.asynchelpers.ProgressRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes every progress tracker as three gauges tagged with the tracker's name:
 * {@code asynchelpers.progress.completed}, {@code asynchelpers.progress.total} and
 * {@code asynchelpers.progress.ratio} (0 to 1). The gauges appear when a tracker is created
 * and are removed with it (by name, by retention or to make room), so that finished jobs do
 * not leave stale series behind. Boot binds it to each meter registry.
 */
public final class AsyncProgressMeterBinder implements MeterBinder, ProgressRegistry.Listener {

	private final ProgressRegistry progressRegistry;

	private final List<MeterRegistry> meterRegistries = new CopyOnWriteArrayList<>();

	private final Map<AsyncProgress, List<Meter>> gauges = new ConcurrentHashMap<>();

	/**
	 * Create a binder for a progress registry.
	 * @param progressRegistry the trackers to publish
	 */
	public AsyncProgressMeterBinder(ProgressRegistry progressRegistry) {
		this.progressRegistry = progressRegistry;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		boolean first = this.meterRegistries.isEmpty();
		this.meterRegistries.add(registry);
		if (first) {
			this.progressRegistry.addListener(this);
		}
		this.progressRegistry.trackers().forEach((progress) -> register(progress, registry));
	}

	@Override
	public void onAdded(AsyncProgress progress) {
		this.meterRegistries.forEach((registry) -> register(progress, registry));
	}

	@Override
	public void onRemoved(AsyncProgress progress) {
		List<Meter> meters = this.gauges.remove(progress);
		if (meters != null) {
			for (Meter meter : meters) {
				this.meterRegistries.forEach((registry) -> registry.remove(meter));
			}
		}
	}

	private void register(AsyncProgress progress, MeterRegistry registry) {
		List<Meter> meters = this.gauges.computeIfAbsent(progress, (key) -> new CopyOnWriteArrayList<>());
		meters.add(Gauge.builder("asynchelpers.progress.completed", progress, AsyncProgress::completed)
			.description("Units of work done by a progress tracker")
			.tag("name", progress.name())
			.strongReference(true)
			.register(registry));
		meters.add(Gauge.builder("asynchelpers.progress.total", progress, AsyncProgress::total)
			.description("Units of work of a progress tracker")
			.tag("name", progress.name())
			.strongReference(true)
			.register(registry));
		meters.add(Gauge.builder("asynchelpers.progress.ratio", progress, (p) -> p.percentage() / 100.0)
			.description("Share of a progress tracker's work done, 0 to 1")
			.tag("name", progress.name())
			.strongReference(true)
			.register(registry));
	}

}
