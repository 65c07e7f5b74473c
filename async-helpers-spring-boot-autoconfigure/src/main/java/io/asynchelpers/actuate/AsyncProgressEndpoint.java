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
import io.asynchelpers.ProgressSnapshot;
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
 * (404 when unknown); {@code DELETE} removes one.
 * <p>
 * With a shared store ({@code asynchelpers.cluster.store=redis}) every replica answers
 * with the cluster's trackers ({@link ProgressRegistry#snapshots()}): counts, state, rate
 * and ETA of each are the cluster's, and {@code replicas} breaks it down per replica. A
 * read waits for the store (one round trip, bounded in time) and falls back to this
 * replica's trackers when the store cannot be reached; a delete removes the tracker from
 * every replica. With the in-memory store {@code replicas} is empty.
 * <p>
 * Read-only by default, like Boot's own
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
		return new TrackersDescriptor(this.registry.snapshots().stream().map(TrackerDescriptor::of).toList());
	}

	/**
	 * Show one tracker.
	 * @param name the tracker's name
	 * @return the tracker, or {@code null} (404) when there is none of that name
	 */
	@ReadOperation
	public @Nullable TrackerDescriptor tracker(@Selector String name) {
		return this.registry.snapshot(name).map(TrackerDescriptor::of).orElse(null);
	}

	/**
	 * Remove one tracker, running or not, here and (with a shared store) on every replica.
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
	 * @param startedAt when the tracker was created (its first part, in a cluster)
	 * @param replicas the per-replica breakdown with a shared store, oldest part first; empty
	 * with the in-memory store
	 */
	public record TrackerDescriptor(String name, String state, long total, long completed, long succeeded,
			long failed, double percentage, double ratePerSecond, @Nullable Double etaSeconds, double elapsedSeconds,
			Instant startedAt, List<ReplicaDescriptor> replicas) implements OperationResponseBody {

		static TrackerDescriptor of(ProgressSnapshot tracker) {
			// The snapshot read the state first, then failed, then completed: a tracker seen
			// ended shows what it ended with, and failed <= completed holds.
			Duration eta = tracker.eta();
			return new TrackerDescriptor(tracker.name(), lowerCase(tracker.state()), tracker.total(),
					tracker.completed(), tracker.succeeded(), tracker.failed(), round(tracker.percentage()),
					round(tracker.ratePerSecond()), (eta != null) ? round(eta.toNanos() / 1e9) : null,
					round(tracker.elapsed().toNanos() / 1e9), tracker.startedAt(),
					tracker.parts().stream().map(ReplicaDescriptor::of).toList());
		}

		private static String lowerCase(AsyncProgress.State state) {
			return state.name().toLowerCase(Locale.ROOT);
		}

		private static double round(double value) {
			return Math.round(value * 100) / 100.0;
		}

	}

	/**
	 * One replica's part of a cluster tracker.
	 *
	 * @param replicaId the replica's id ({@code asynchelpers.cluster.replica-id})
	 * @param state its part's state, as the tracker's
	 * @param total its units of work
	 * @param completed how many of them finished, succeeded or failed
	 * @param succeeded how many succeeded
	 * @param failed how many failed
	 * @param stale whether the replica stopped heart-beating without leaving (it died or
	 * lost Redis): its counts may be behind, and it no longer keeps the tracker running
	 * @param lastUpdate when it last wrote its counts (now, for the replica that answers)
	 */
	public record ReplicaDescriptor(String replicaId, String state, long total, long completed, long succeeded,
			long failed, boolean stale, Instant lastUpdate) {

		static ReplicaDescriptor of(ProgressSnapshot.Part part) {
			return new ReplicaDescriptor(part.replicaId(), TrackerDescriptor.lowerCase(part.state()), part.total(),
					part.completed(), part.succeeded(), part.failed(), part.stale(), part.updatedAt());
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
