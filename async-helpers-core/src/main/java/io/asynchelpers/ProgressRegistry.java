/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named {@link AsyncProgress} trackers of an application, for the Actuator endpoint and
 * the metrics to serve, shared with the other replicas of the service through a
 * {@link ProgressStore} when one is given.
 * <p>
 * <b>Local trackers</b> ({@link #create}, {@link #find}, {@link #trackers()}) are this
 * replica's: the work counts on them in memory, never waiting for the store.
 * <b>Cluster trackers</b> ({@link #snapshots()}, {@link #snapshot(String)}) are what the
 * store shows: with the default {@linkplain ProgressStore#inMemory() in-memory store} the
 * local trackers themselves; with a shared store each name's union of the parts of every
 * replica that created or joined it, this replica's parts at their live values (see
 * {@link ProgressSnapshot}). When the store cannot be reached the cluster view falls back
 * to the local trackers, so reading never fails because of the store.
 * <p>
 * Finished trackers are kept for {@code retention} after they complete, then dropped. The
 * registry never holds more than {@code maxTrackers}: creating one more drops the oldest
 * finished tracker, and when every tracker is still running it fails with an
 * {@link IllegalStateException} instead of losing one silently.
 * <p>
 * Thread-safe. Lookups and changes take a short lock on the registry; trackers themselves
 * are updated without it. {@link Listener listeners} are called outside that lock.
 */
public final class ProgressRegistry {

	private static final Logger logger = LoggerFactory.getLogger(ProgressRegistry.class);

	/** A backstop only: stores complete their stages within their own, shorter, timeouts. */
	private static final long STORE_WAIT_SECONDS = 30;

	private final Duration retention;

	private final int maxTrackers;

	private final int logEveryPercent;

	private final LongSupplier nanoClock;

	private final Clock wallClock;

	private final Map<String, AsyncProgress> trackers = new LinkedHashMap<>();

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();

	private final ProgressStore store;

	/**
	 * Create a registry that keeps finished trackers for 1 hour, at most 100 trackers, each
	 * logging every 10%, on the system clocks.
	 */
	public ProgressRegistry() {
		this(Duration.ofHours(1), 100, 10, System::nanoTime, Clock.systemUTC());
	}

	/**
	 * Create a registry.
	 * @param retention how long a finished tracker is kept, {@code >= 0}
	 * @param maxTrackers how many trackers are held at most, {@code > 0}
	 * @param logEveryPercent the log step of the trackers it creates, 1 to 100
	 * @param nanoClock the monotonic clock of the trackers and of retention
	 * @param wallClock the clock for the trackers' start instants
	 * @throws IllegalArgumentException if a value is out of range, naming it
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public ProgressRegistry(Duration retention, int maxTrackers, int logEveryPercent, LongSupplier nanoClock,
			Clock wallClock) {
		this(retention, maxTrackers, logEveryPercent, nanoClock, wallClock, ProgressStore.inMemory());
	}

	/**
	 * Create a registry that shares its trackers through a store.
	 * @param retention how long a finished tracker is kept, {@code >= 0}
	 * @param maxTrackers how many trackers are held at most, {@code > 0}
	 * @param logEveryPercent the log step of the trackers it creates, 1 to 100
	 * @param nanoClock the monotonic clock of the trackers and of retention
	 * @param wallClock the clock for the trackers' start instants
	 * @param store where the trackers are shared with the other replicas
	 * ({@link ProgressStore#inMemory()} to share nothing)
	 * @throws IllegalArgumentException if a value is out of range, naming it
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public ProgressRegistry(Duration retention, int maxTrackers, int logEveryPercent, LongSupplier nanoClock,
			Clock wallClock, ProgressStore store) {
		this.store = Checks.notNull(store, "store");
		this.retention = Checks.notNegative(retention, "retention");
		this.maxTrackers = Checks.positive(maxTrackers, "maxTrackers");
		if (logEveryPercent < 1 || logEveryPercent > 100) {
			throw new IllegalArgumentException("logEveryPercent must be between 1 and 100, was " + logEveryPercent);
		}
		this.logEveryPercent = logEveryPercent;
		this.nanoClock = Checks.notNull(nanoClock, "nanoClock");
		this.wallClock = Checks.notNull(wallClock, "wallClock");
	}

	/**
	 * Create and register a tracker under a name of its own, made from {@code prefix} and a
	 * number that counts up per prefix: {@code import-1}, {@code import-2}, … So concurrent
	 * runs of one job each get their tracker; read the name back with
	 * {@link AsyncProgress#name()}. With a shared store the number comes from the store, so
	 * the name is unique across replicas too (this blocks the caller for at most one bounded
	 * round trip); while the store cannot be reached the name carries this replica's id
	 * instead ({@code import-replica1-3}), so it cannot collide either.
	 * @param prefix the job's name, not blank
	 * @param total how many units of work there are, {@code >= 0}
	 * @return the new tracker
	 * @throws IllegalStateException if the registry is full of running trackers
	 * @throws IllegalArgumentException if {@code total} is out of range or {@code prefix} is
	 * blank
	 * @throws NullPointerException if {@code prefix} is {@code null}
	 */
	public AsyncProgress createUnique(String prefix, long total) {
		Checks.notBlank(prefix, "prefix");
		// Before a number is taken: a call that cannot succeed uses none up.
		Checks.notNegative(total, "total");
		AtomicLong sequence = this.sequences.computeIfAbsent(prefix, (key) -> new AtomicLong());
		while (true) {
			String name = this.store.uniqueName(prefix, sequence.incrementAndGet());
			try {
				return create(name, total);
			}
			catch (NameInUseException ex) {
				// A tracker created by name took this one: try the next number.
			}
		}
	}

	/**
	 * Create and register a tracker. A tracker of the same name that has ended (in any end
	 * state) is replaced.
	 * <p>
	 * With a shared store the tracker becomes this replica's part of the cluster tracker of
	 * that name: it joins it if it is running on other replicas, starts a new run if it has
	 * ended, creates it if there is none (decided atomically in the store when the part is
	 * first written, within the store's flush interval). Does not wait for the store.
	 * @param name the tracker's name, unique among running trackers, not blank
	 * @param total how many units of work there are, {@code >= 0}
	 * @return the new tracker
	 * @throws IllegalStateException if a running tracker has that name, or the registry is
	 * full of running trackers
	 * @throws IllegalArgumentException if {@code total} is out of range or {@code name} is
	 * blank
	 * @throws NullPointerException if {@code name} is {@code null}
	 */
	public AsyncProgress create(String name, long total) {
		Checks.notBlank(name, "name");
		AsyncProgress progress = new AsyncProgress(name, total, this.logEveryPercent, this.nanoClock, this.wallClock);
		List<AsyncProgress> removed = new ArrayList<>();
		AsyncProgress replaced;
		synchronized (this.trackers) {
			AsyncProgress existing = this.trackers.get(name);
			if (existing != null && !existing.isEnded()) {
				throw new NameInUseException("A tracker named '" + name + "' is already running"
						+ " (createUnique(prefix, total) gives each run a name of its own)");
			}
			removed.addAll(expire());
			if (existing == null && this.trackers.size() >= this.maxTrackers) {
				AsyncProgress oldestFinished = oldestFinished();
				if (oldestFinished == null) {
					throw new IllegalStateException("Cannot track '" + name + "': all " + this.maxTrackers
							+ " trackers are still running (raise asynchelpers.progress.max-trackers)");
				}
				this.trackers.remove(oldestFinished.name());
				removed.add(oldestFinished);
			}
			replaced = this.trackers.remove(name);
			this.trackers.put(name, progress);
		}
		if (replaced != null) {
			removed.add(replaced);
		}
		removed.forEach(this::dropped);
		this.store.track(progress, () -> detach(progress));
		this.listeners.forEach((listener) -> listener.onAdded(progress));
		return progress;
	}

	/**
	 * Find a tracker by name.
	 * @param name the name
	 * @return the tracker, or empty if there is none (or it was dropped after retention)
	 */
	public Optional<AsyncProgress> find(String name) {
		Checks.notNull(name, "name");
		List<AsyncProgress> removed;
		AsyncProgress found;
		synchronized (this.trackers) {
			removed = expire();
			found = this.trackers.get(name);
		}
		removed.forEach(this::dropped);
		return Optional.ofNullable(found);
	}

	/**
	 * Return all trackers, oldest first.
	 * @return a snapshot list
	 */
	public List<AsyncProgress> trackers() {
		List<AsyncProgress> removed;
		List<AsyncProgress> snapshot;
		synchronized (this.trackers) {
			removed = expire();
			snapshot = new ArrayList<>(this.trackers.values());
		}
		removed.forEach(this::dropped);
		snapshot.sort(Comparator.comparingLong(AsyncProgress::startNanos));
		return snapshot;
	}

	/**
	 * Return the cluster's trackers, oldest first: with the in-memory store a snapshot of
	 * each local tracker (without parts); with a shared store every tracker it holds, with
	 * its per-replica parts, this replica's at their live values. Blocks the caller while the
	 * store is read (a bounded number of round trips, bounded in time); when the store cannot
	 * be reached, or the caller is interrupted (the flag is kept), returns the local trackers
	 * alone.
	 * @return the trackers
	 */
	public List<ProgressSnapshot> snapshots() {
		List<AsyncProgress> local = trackers();
		List<ProgressSnapshot> shared = await(() -> this.store.snapshots(local), "list the trackers");
		return (shared != null) ? shared : local.stream().map(ProgressSnapshot::of).toList();
	}

	/**
	 * Return one of the cluster's trackers, as {@link #snapshots()} shows it (blocking
	 * likewise, and falling back likewise to the local tracker).
	 * @param name the tracker's name
	 * @return the tracker, or empty if neither the cluster nor this replica has one of that
	 * name
	 */
	public Optional<ProgressSnapshot> snapshot(String name) {
		AsyncProgress local = find(name).orElse(null);
		Optional<ProgressSnapshot> shared = await(() -> this.store.snapshot(name, local), "read tracker '" + name + "'");
		if (shared != null) {
			return shared;
		}
		return Optional.ofNullable(local).map(ProgressSnapshot::of);
	}

	/**
	 * Return the store the trackers are shared through.
	 * @return the store, {@link ProgressStore#inMemory()} by default
	 */
	public ProgressStore store() {
		return this.store;
	}

	/**
	 * Remove a tracker, running or not: from this registry and, with a shared store, from
	 * the cluster (every replica's part; the other replicas drop their own tracker of that
	 * name when they next write it). The work on a removed tracker goes on, uncounted.
	 * Blocks the caller while the store deletes it (one bounded round trip); when the store
	 * cannot be reached only the local tracker is removed.
	 * @param name the name
	 * @return {@code true} if there was such a tracker, here or in the cluster
	 */
	public boolean remove(String name) {
		Checks.notNull(name, "name");
		AsyncProgress removed;
		synchronized (this.trackers) {
			removed = this.trackers.remove(name);
		}
		if (removed != null) {
			notifyRemoved(removed);
		}
		Boolean deleted = await(() -> this.store.delete(name), "delete tracker '" + name + "'");
		return removed != null || Boolean.TRUE.equals(deleted);
	}

	/**
	 * The store says the cluster tracker of this one's name is gone (deleted on another
	 * replica, or expired): drop the local tracker too, unless it was replaced already.
	 */
	private void detach(AsyncProgress progress) {
		boolean removed;
		synchronized (this.trackers) {
			removed = this.trackers.remove(progress.name(), progress);
		}
		if (removed) {
			logger.debug("Tracker '{}' was removed from the cluster; dropping it here too", progress.name());
			notifyRemoved(progress);
		}
	}

	private void dropped(AsyncProgress progress) {
		this.store.untrack(progress);
		notifyRemoved(progress);
	}

	private <T> @Nullable T await(Supplier<CompletionStage<T>> call, String what) {
		try {
			return call.get().toCompletableFuture().get(STORE_WAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			// The store logs its own outage once; per call this is detail.
			logger.debug("Could not {} in {}: {}", what, this.store, ex.toString());
			return null;
		}
	}

	/**
	 * Be told when trackers are added and removed (for instance to keep gauges in step).
	 * @param listener the listener
	 */
	public void addListener(Listener listener) {
		this.listeners.add(Checks.notNull(listener, "listener"));
	}

	private List<AsyncProgress> expire() {
		List<AsyncProgress> expired = new ArrayList<>();
		long now = this.nanoClock.getAsLong();
		long retentionNanos = Durations.saturatedNanos(this.retention);
		this.trackers.values().removeIf((progress) -> {
			boolean old = progress.isEnded() && now - progress.endedAtNanos() >= retentionNanos;
			if (old) {
				expired.add(progress);
			}
			return old;
		});
		return expired;
	}

	private AsyncProgress oldestFinished() {
		AsyncProgress oldest = null;
		for (AsyncProgress progress : this.trackers.values()) {
			if (progress.isEnded() && (oldest == null || progress.endedAtNanos() < oldest.endedAtNanos())) {
				oldest = progress;
			}
		}
		return oldest;
	}

	private void notifyRemoved(AsyncProgress progress) {
		for (Listener listener : this.listeners) {
			try {
				listener.onRemoved(progress);
			}
			catch (RuntimeException ex) {
				logger.warn("Progress listener failed for '{}'", progress.name(), ex);
			}
		}
	}

	/**
	 * A running tracker has the name asked for.
	 */
	private static final class NameInUseException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		NameInUseException(String message) {
			super(message);
		}

	}

	/**
	 * Told about trackers entering and leaving the registry, on the thread that caused it.
	 */
	public interface Listener {

		/**
		 * A tracker was added.
		 * @param progress the tracker
		 */
		void onAdded(AsyncProgress progress);

		/**
		 * A tracker was removed, by name, by retention or to make room.
		 * @param progress the tracker
		 */
		void onRemoved(AsyncProgress progress);

	}

}
