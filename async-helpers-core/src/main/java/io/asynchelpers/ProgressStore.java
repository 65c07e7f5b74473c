/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

/**
 * Where a {@link ProgressRegistry} shares its trackers with the other replicas of a
 * service. The default, {@link #inMemory()}, shares nothing: the registry's own trackers
 * are the whole picture. A shared store (Redis, in {@code async-helpers-redis}) makes each
 * tracker name one cluster tracker: the union of the parts of every replica that created
 * or joined it (see {@link ProgressSnapshot} for how parts merge).
 * <p>
 * <b>The registry's side.</b> The registry keeps each replica's {@link AsyncProgress} in
 * memory and counts there, without the store: the store only learns of a tracker through
 * {@link #track} and writes its counts when it chooses (a shared store batches them), so
 * counting never waits for the store and never fails because of it. A store that cannot
 * reach its backend keeps the counts it has not written and writes them when it can.
 * <p>
 * <b>Threading.</b> Implementations are thread-safe. {@link #track}, {@link #untrack} and
 * the methods that return a {@link CompletionStage} never block the caller; the stages
 * always complete, within a bounded time, and may complete on a store's I/O thread, so
 * what is chained to them must be short. {@link #uniqueName} may block the caller for at
 * most one bounded round trip.
 */
public interface ProgressStore {

	/**
	 * Return the store that shares nothing, the default: each registry is on its own.
	 * @return the in-memory store
	 */
	static ProgressStore inMemory() {
		return InMemoryProgressStore.INSTANCE;
	}

	/**
	 * Return this replica's id in the cluster.
	 * @return the id, or {@code null} when the store is not shared
	 */
	@Nullable String replicaId();

	/**
	 * Return a name for a new run of {@code prefix} ({@link ProgressRegistry#createUnique}):
	 * unique in the cluster for a shared store, so that concurrent runs on different
	 * replicas never join each other. May block the caller for one bounded round trip; when
	 * the store cannot be reached it returns a name that cannot collide either (a shared
	 * store puts the replica id in it) without waiting.
	 * @param prefix the job's name
	 * @param localNumber this registry's next number for {@code prefix}, counting up from
	 * 1, for stores that number locally
	 * @return the name, e.g. {@code prefix + "-" + number}
	 */
	String uniqueName(String prefix, long localNumber);

	/**
	 * Share a tracker the registry has just created: it becomes this replica's part of the
	 * cluster tracker of its name. That cluster tracker is joined if it is running, started
	 * anew (replaced) if it has ended, created if absent: decided atomically in the store,
	 * when the store first writes the part (at once, or at its next write). Does not block.
	 * @param progress the tracker
	 * @param onDetached run (at most once, on any thread) when the cluster tracker this part
	 * belongs to was deleted on a replica or expired, so the registry drops its own tracker
	 * too; never run by the in-memory store
	 */
	void track(AsyncProgress progress, Runnable onDetached);

	/**
	 * Stop sharing a tracker the registry dropped (by retention, to make room, or when it
	 * was replaced): counts not yet written are written first, then it is forgotten. Does
	 * not block.
	 * @param progress the tracker
	 */
	void untrack(AsyncProgress progress);

	/**
	 * Delete a tracker cluster-wide: every replica's part, and the tracker name for every
	 * replica. Does not block.
	 * @param name the tracker's name
	 * @return a stage completing with whether the store held such a tracker (always
	 * {@code false} for the in-memory store), or failing when the store cannot be reached
	 */
	CompletionStage<Boolean> delete(String name);

	/**
	 * Read every tracker of the cluster, oldest first. This replica's parts show the live
	 * values of {@code local}, not the values last written; local trackers the store has not
	 * written yet are included as they are.
	 * @param local this registry's trackers, oldest first
	 * @return a stage completing with the trackers, or failing when the store cannot be
	 * reached (the registry then shows {@code local} alone)
	 */
	CompletionStage<List<ProgressSnapshot>> snapshots(List<AsyncProgress> local);

	/**
	 * Read one tracker of the cluster, with this replica's part live as in
	 * {@link #snapshots(List)}.
	 * @param name the tracker's name
	 * @param local this registry's tracker of that name, if there is one
	 * @return a stage completing with the tracker if the cluster (or {@code local}) has one,
	 * or failing when the store cannot be reached
	 */
	CompletionStage<Optional<ProgressSnapshot>> snapshot(String name, @Nullable AsyncProgress local);

}
