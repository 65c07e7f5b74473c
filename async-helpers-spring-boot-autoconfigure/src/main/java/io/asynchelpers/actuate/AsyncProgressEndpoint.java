/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.asynchelpers.AsyncProgress;
import io.asynchelpers.ProgressRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code asyncprogress} endpoint: every {@link AsyncProgress} tracker of the
 * {@link ProgressRegistry} with its counts, rate and ETA. {@code GET} lists them or shows one
 * (404 when unknown); {@code DELETE} removes one. Read-only by default, like Boot's own
 * endpoints that change state: deleting needs
 * {@code management.endpoint.asyncprogress.access=unrestricted}.
 */
@Endpoint(id = "asyncprogress", defaultAccess = Access.READ_ONLY)
public class AsyncProgressEndpoint {

	private final ProgressRegistry registry;

	/**
	 * Create an endpoint for a registry.
	 * @param registry the registry to serve
	 */
	public AsyncProgressEndpoint(ProgressRegistry registry) {
		this.registry = registry;
	}

	/**
	 * List every tracker, oldest first.
	 * @return the trackers
	 */
	@ReadOperation
	public TrackersDescriptor trackers() {
		return new TrackersDescriptor(this.registry.trackers().stream().map(TrackerDescriptor::of).toList());
	}

	/**
	 * Show one tracker.
	 * @param name the tracker's name
	 * @return the tracker, or {@code null} (404) when there is none of that name
	 */
	@ReadOperation
	public @Nullable TrackerDescriptor tracker(@Selector String name) {
		return this.registry.find(name).map(TrackerDescriptor::of).orElse(null);
	}

	/**
	 * Remove one tracker, running or not.
	 * @param name the tracker's name
	 * @return whether it was there
	 */
	@DeleteOperation
	public RemovalDescriptor remove(@Selector String name) {
		return new RemovalDescriptor(name, this.registry.remove(name));
	}

	/**
	 * All trackers.
	 *
	 * @param trackers the trackers, oldest first
	 */
	public record TrackersDescriptor(List<TrackerDescriptor> trackers) implements OperationResponseBody {
	}

	/**
	 * One tracker, as a snapshot.
	 *
	 * @param name the name
	 * @param state {@code running} or {@code complete}
	 * @param total how many units of work there are
	 * @param completed how many are done
	 * @param percentage the share done, 0 to 100
	 * @param ratePerSecond units done per second, on average
	 * @param etaSeconds the estimated seconds left, {@code null} while unknown
	 * @param elapsedSeconds seconds since the start, or the time taken once complete
	 * @param startedAt when the tracker was created
	 */
	public record TrackerDescriptor(String name, String state, long total, long completed, double percentage,
			double ratePerSecond, @Nullable Double etaSeconds, double elapsedSeconds,
			Instant startedAt) implements OperationResponseBody {

		static TrackerDescriptor of(AsyncProgress progress) {
			Duration eta = progress.eta();
			return new TrackerDescriptor(progress.name(), progress.isComplete() ? "complete" : "running",
					progress.total(), progress.completed(), round(progress.percentage()),
					round(progress.ratePerSecond()), (eta != null) ? round(eta.toNanos() / 1e9) : null,
					round(progress.elapsed().toNanos() / 1e9), progress.startedAt());
		}

		private static double round(double value) {
			return Math.round(value * 100) / 100.0;
		}

	}

	/**
	 * The answer to a removal.
	 *
	 * @param name the tracker's name
	 * @param removed whether a tracker of that name was there
	 */
	public record RemovalDescriptor(String name, boolean removed) implements OperationResponseBody {
	}

}
