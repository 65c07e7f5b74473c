/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks how much of a long-running operation is done, how fast it goes and when it will
 * finish, and logs that at INFO each time it crosses a boundary (every 10% by default) and
 * when it completes.
 * <p>
 * Thread-safe and lock-free: many tasks may call {@link #update(long)} at once. Each
 * boundary is logged exactly once, by the update that crossed it, even when one update
 * jumps several boundaries (each is then logged); completed is capped at {@link #total()}.
 * A tracker with {@code total = 0} is complete from the start.
 * <p>
 * Elapsed time, rate and ETA come from a monotonic clock; {@link #startedAt()} from a wall
 * clock, for display. Both are injectable for tests.
 */
public final class AsyncProgress {

	private static final Logger logger = LoggerFactory.getLogger(AsyncProgress.class);

	/** The largest total whose percentage arithmetic cannot overflow a {@code long}. */
	static final long MAX_TOTAL = Long.MAX_VALUE / 100;

	private final String name;

	private final long total;

	private final int logEveryPercent;

	private final LongSupplier nanoClock;

	private final long startNanos;

	private final Instant startedAt;

	private final AtomicLong completed = new AtomicLong();

	private volatile long completedAtNanos;

	private volatile boolean complete;

	/**
	 * Create a tracker that logs every 10%, on the system clocks.
	 * @param name the name shown in logs and on the Actuator endpoint
	 * @param total how many units of work there are, {@code >= 0}
	 * @throws IllegalArgumentException if {@code total} is negative or too large
	 * @throws NullPointerException if {@code name} is {@code null}
	 */
	public AsyncProgress(String name, long total) {
		this(name, total, 10, System::nanoTime, Clock.systemUTC());
	}

	/**
	 * Create a tracker.
	 * @param name the name shown in logs and on the Actuator endpoint
	 * @param total how many units of work there are, {@code >= 0}
	 * @param logEveryPercent log each time this many percent more are done, 1 to 100
	 * @param nanoClock the monotonic clock for elapsed time, rate and ETA
	 * @param wallClock the clock for {@link #startedAt()}
	 * @throws IllegalArgumentException if a value is out of range, naming it
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public AsyncProgress(String name, long total, int logEveryPercent, LongSupplier nanoClock, Clock wallClock) {
		this.name = Checks.notNull(name, "name");
		this.total = Checks.notNegative(total, "total");
		if (total > MAX_TOTAL) {
			throw new IllegalArgumentException("total must be <= " + MAX_TOTAL + ", was " + total);
		}
		if (logEveryPercent < 1 || logEveryPercent > 100) {
			throw new IllegalArgumentException("logEveryPercent must be between 1 and 100, was " + logEveryPercent);
		}
		this.logEveryPercent = logEveryPercent;
		this.nanoClock = Checks.notNull(nanoClock, "nanoClock");
		this.startNanos = nanoClock.getAsLong();
		this.startedAt = Checks.notNull(wallClock, "wallClock").instant();
		if (total == 0) {
			this.completedAtNanos = this.startNanos;
			this.complete = true;
			logCompletion();
		}
	}

	/**
	 * Record one more unit of work done.
	 */
	public void update() {
		update(1);
	}

	/**
	 * Record more work done. Completed never exceeds {@link #total()}; an update after
	 * completion changes nothing.
	 * @param increment how many units were done, {@code >= 0}
	 * @throws IllegalArgumentException if {@code increment} is negative
	 */
	public void update(long increment) {
		Checks.notNegative(increment, "increment");
		long previous;
		long next;
		do {
			previous = this.completed.get();
			next = (increment >= this.total - previous) ? this.total : previous + increment;
			if (next == previous) {
				return;
			}
		}
		while (!this.completed.compareAndSet(previous, next));
		if (next == this.total) {
			this.completedAtNanos = this.nanoClock.getAsLong();
			this.complete = true;
		}
		logCrossedBoundaries(previous, next);
	}

	private void logCrossedBoundaries(long previous, long next) {
		// Each CAS above owns the range (previous, next], so every boundary has one owner.
		long fromStep = step(previous);
		long toStep = step(next);
		for (long step = fromStep + 1; step <= toStep; step++) {
			long boundaryPercent = step * this.logEveryPercent;
			if (boundaryPercent == 100) {
				logCompletion();
			}
			else if (logger.isInfoEnabled()) {
				logger.info("{}: passed {}% - {}/{} ({}%) - Rate: {}/s - ETA: {}", this.name, boundaryPercent, next,
						this.total, format(percentage()), format(ratePerSecond()), formatEta(eta()));
			}
		}
		if (next == this.total && 100 % this.logEveryPercent != 0) {
			logCompletion();
		}
	}

	private long step(long count) {
		return (count * 100) / (this.total * this.logEveryPercent);
	}

	private void logCompletion() {
		if (logger.isInfoEnabled()) {
			logger.info("{}: completed {}/{} (100.0%) in {}s - Rate: {}/s", this.name, this.total, this.total,
					Durations.seconds(elapsed().toNanos()), format(ratePerSecond()));
		}
	}

	/**
	 * Return the tracker's name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return how many units of work there are.
	 * @return the total
	 */
	public long total() {
		return this.total;
	}

	/**
	 * Return how many units are done so far.
	 * @return the completed count, between 0 and {@link #total()}
	 */
	public long completed() {
		return this.completed.get();
	}

	/**
	 * Whether all work is done.
	 * @return {@code true} once completed equals total
	 */
	public boolean isComplete() {
		return this.complete;
	}

	/**
	 * Return the share done, in percent.
	 * @return 0.0 to 100.0; 100.0 for a tracker with {@code total = 0}
	 */
	public double percentage() {
		return (this.total == 0) ? 100.0 : (completed() * 100.0) / this.total;
	}

	/**
	 * Return the time since the tracker was created, or the time it took once complete.
	 * @return the elapsed time
	 */
	public Duration elapsed() {
		long end = this.complete ? this.completedAtNanos : this.nanoClock.getAsLong();
		return Duration.ofNanos(Math.max(0, end - this.startNanos));
	}

	/**
	 * Return the average number of units done per second since the start.
	 * @return the rate, 0.0 before any time has passed
	 */
	public double ratePerSecond() {
		long nanos = elapsed().toNanos();
		return (nanos > 0) ? completed() / (nanos / 1e9) : 0.0;
	}

	/**
	 * Return the estimated time until completion at the average rate so far.
	 * @return the estimate, {@link Duration#ZERO} once complete, or {@code null} while no
	 * work is done yet and so no rate is known
	 */
	public @Nullable Duration eta() {
		if (this.complete) {
			return Duration.ZERO;
		}
		double rate = ratePerSecond();
		if (rate <= 0) {
			return null;
		}
		double seconds = (this.total - completed()) / rate;
		return Duration.ofNanos((long) Math.min(seconds * 1e9, Long.MAX_VALUE));
	}

	/**
	 * Return the wall-clock time the tracker was created.
	 * @return the start instant
	 */
	public Instant startedAt() {
		return this.startedAt;
	}

	/**
	 * The monotonic time at which the tracker completed, for retention decisions.
	 */
	long completedAtNanos() {
		return this.completedAtNanos;
	}

	long startNanos() {
		return this.startNanos;
	}

	private static String format(double value) {
		return String.format(Locale.ROOT, "%.1f", value);
	}

	private static String formatEta(@Nullable Duration eta) {
		return (eta != null) ? String.format(Locale.ROOT, "%.0fs", eta.toNanos() / 1e9) : "unknown";
	}

	@Override
	public String toString() {
		return this.name + ": " + completed() + "/" + this.total + " (" + format(percentage()) + "%)";
	}

}
