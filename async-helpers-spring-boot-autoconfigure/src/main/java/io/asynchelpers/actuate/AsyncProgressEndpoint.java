/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

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
 * {@link ProgressRegistry} with its state ({@code running}, {@code completed},
 * {@code failed}, {@code cancelled} or {@code stopped}), its succeeded and failed counts,
 * rate and ETA. Trackers that ended stay listed until the registry's retention drops
 * them, whichever way they ended. {@code GET} lists them or shows one
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
	 * One tracker, as a snapshot. The counts are read together: {@code succeeded + failed}
	 * is always {@code completed}, though a tracker still running may have moved on since.
	 *
	 * @param name the name
	 * @param state {@code running}, or the end state it reached: {@code completed} (every
	 * unit finished, some may have failed), {@code failed} (the operation as a whole failed),
	 * {@code cancelled} or {@code stopped} (by a shutdown)
	 * @param total how many units of work there are
	 * @param completed how many have finished, succeeded or failed
	 * @param succeeded how many have succeeded
	 * @param failed how many have failed
	 * @param percentage the share finished, 0 to 100
	 * @param ratePerSecond units finished per second, on average
	 * @param etaSeconds the estimated seconds left: {@code null} while no rate is known and
	 * once the tracker ended other than completed (it will not finish), {@code 0} once
	 * completed
	 * @param elapsedSeconds seconds since the start, or the time it ran once it ended
	 * @param startedAt when the tracker was created
	 */
	public record TrackerDescriptor(String name, String state, long total, long completed, long succeeded,
			long failed, double percentage, double ratePerSecond, @Nullable Double etaSeconds, double elapsedSeconds,
			Instant startedAt) implements OperationResponseBody {

		static TrackerDescriptor of(AsyncProgress progress) {
			// State first: a tracker seen running may already show every unit finished, but
			// one seen ended shows what it ended with. Failed before completed: a failure is
			// added to completed first, so failed <= completed holds in this snapshot.
			AsyncProgress.State state = progress.state();
			long failed = progress.failed();
			long completed = Math.max(failed, progress.completed());
			Duration eta = progress.eta();
			long total = progress.total();
			return new TrackerDescriptor(progress.name(), state.name().toLowerCase(Locale.ROOT), total, completed,
					completed - failed, failed, round((total == 0) ? 100.0 : (completed * 100.0) / total),
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
