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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named {@link AsyncProgress} trackers of an application, for the Actuator endpoint and
 * the metrics to serve.
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

	private final Duration retention;

	private final int maxTrackers;

	private final int logEveryPercent;

	private final LongSupplier nanoClock;

	private final Clock wallClock;

	private final Map<String, AsyncProgress> trackers = new LinkedHashMap<>();

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();

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
	 * {@link AsyncProgress#name()}.
	 * @param prefix the job's name
	 * @param total how many units of work there are, {@code >= 0}
	 * @return the new tracker
	 * @throws IllegalStateException if the registry is full of running trackers
	 * @throws IllegalArgumentException if {@code total} is out of range
	 */
	public AsyncProgress createUnique(String prefix, long total) {
		Checks.notNull(prefix, "prefix");
		AtomicLong sequence = this.sequences.computeIfAbsent(prefix, (key) -> new AtomicLong());
		while (true) {
			String name = prefix + "-" + sequence.incrementAndGet();
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
	 * @param name the tracker's name, unique among running trackers
	 * @param total how many units of work there are, {@code >= 0}
	 * @return the new tracker
	 * @throws IllegalStateException if a running tracker has that name, or the registry is
	 * full of running trackers
	 * @throws IllegalArgumentException if {@code total} is out of range
	 */
	public AsyncProgress create(String name, long total) {
		Checks.notNull(name, "name");
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
		removed.forEach(this::notifyRemoved);
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
		removed.forEach(this::notifyRemoved);
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
		removed.forEach(this::notifyRemoved);
		snapshot.sort(Comparator.comparingLong(AsyncProgress::startNanos));
		return snapshot;
	}

	/**
	 * Remove a tracker, running or not.
	 * @param name the name
	 * @return {@code true} if there was such a tracker
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
		return removed != null;
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
