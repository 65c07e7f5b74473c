/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.actuate;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

import io.asynchelpers.AsyncProgress;
import io.asynchelpers.ProgressRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes every progress tracker as gauges tagged with the tracker's name:
 * <ul>
 * <li>{@code asynchelpers.progress.total}: its units of work;</li>
 * <li>{@code asynchelpers.progress.completed}: units finished, the sum of
 * {@code asynchelpers.progress.succeeded} and {@code asynchelpers.progress.failed};</li>
 * <li>{@code asynchelpers.progress.ratio}: the share finished, 0 to 1;</li>
 * <li>{@code asynchelpers.progress.state}: one gauge per state, told apart by a
 * {@code state} tag ({@code running}, {@code completed}, {@code failed},
 * {@code cancelled}, {@code stopped}), 1 for the state the tracker is in and 0 for the
 * others.</li>
 * </ul>
 * The state is a set of 0/1 gauges rather than one gauge with a changing tag because a
 * meter's tags are fixed when it is registered, and rather than a single "ended" flag
 * because which way a job ended is what an alert needs ({@code state="failed"} or
 * {@code "stopped"} is 1). Five series per tracker are bounded by the registry's
 * {@code max-trackers}.
 * <p>
 * The gauges appear when a tracker is created and are removed with it (by name, by
 * retention whichever way it ended, or to make room), so that finished jobs do not leave
 * stale series behind. Boot binds it to each meter registry.
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
		meters.add(gauge("asynchelpers.progress.completed", "Units of work finished by a progress tracker",
				progress, AsyncProgress::completed)
			.register(registry));
		meters.add(gauge("asynchelpers.progress.succeeded", "Units of work of a progress tracker that succeeded",
				progress, AsyncProgress::succeeded)
			.register(registry));
		meters.add(gauge("asynchelpers.progress.failed", "Units of work of a progress tracker that failed", progress,
				AsyncProgress::failed)
			.register(registry));
		meters.add(gauge("asynchelpers.progress.total", "Units of work of a progress tracker", progress,
				AsyncProgress::total)
			.register(registry));
		meters.add(gauge("asynchelpers.progress.ratio", "Share of a progress tracker's work finished, 0 to 1", progress,
				(p) -> p.percentage() / 100.0)
			.register(registry));
		for (AsyncProgress.State state : AsyncProgress.State.values()) {
			meters.add(gauge("asynchelpers.progress.state", "1 if a progress tracker is in this state, else 0",
					progress, (p) -> (p.state() == state) ? 1 : 0)
				.tag("state", state.name().toLowerCase(Locale.ROOT))
				.register(registry));
		}
	}

	private static Gauge.Builder<AsyncProgress> gauge(String name, String description, AsyncProgress progress,
			ToDoubleFunction<AsyncProgress> value) {
		return Gauge.builder(name, progress, value)
			.description(description)
			.tag("name", progress.name())
			.strongReference(true);
	}

}
