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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks how much of a long-running operation is done, how fast it goes and when it will
 * finish, and logs that at INFO each time it crosses a boundary (every 10% by default) and
 * when it ends.
 * <p>
 * <b>Counts.</b> Each finished unit of work is counted as {@linkplain #succeeded()
 * succeeded} ({@link #update()}, {@link #recordSuccess()}) or {@linkplain #failed() failed}
 * ({@link #recordFailure()}); {@link #completed()} is their sum and never exceeds
 * {@link #total()}. Work interrupted by a cancellation, or never started because of a
 * shutdown, is counted as neither.
 * <p>
 * <b>States.</b> A tracker is {@link State#RUNNING running} until it reaches one end
 * state, once and for good: {@link State#COMPLETED completed} when every unit has finished
 * (some may have failed: see {@link #failed()}), {@link State#FAILED failed} when the
 * operation as a whole failed ({@link #fail(Throwable)}), {@link State#CANCELLED cancelled}
 * ({@link #cancel()}) or {@link State#STOPPED stopped} by a shutdown ({@link #stop()}).
 * After the end, updates change nothing, elapsed time stops and the ETA is zero when
 * completed and unknown otherwise. The helpers that take a tracker ({@code asyncMap},
 * {@code asyncForEach}) move it to the end state their run ends in.
 * <p>
 * Thread-safe and lock-free: many tasks may call {@link #update(long)} at once. Each
 * boundary is logged exactly once, by the update that crossed it, even when one update
 * jumps several boundaries (each is then logged). A tracker with {@code total = 0} is
 * complete from the start.
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

	/** Succeeded plus failed: what the boundaries and the percentage count. */
	private final AtomicLong completed = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);

	/** Written before the state leaves RUNNING, so a reader that sees an end state sees it. */
	private volatile long endedAtNanos;

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
			end(State.COMPLETED, this.startNanos);
			logCompletion();
		}
	}

	/**
	 * Record one more unit of work done successfully. The same as {@link #recordSuccess()}.
	 */
	public void update() {
		update(1);
	}

	/**
	 * Record more units of work done successfully. Completed never exceeds {@link #total()};
	 * an update after the tracker ended changes nothing.
	 * @param increment how many units were done, {@code >= 0}
	 * @throws IllegalArgumentException if {@code increment} is negative
	 */
	public void update(long increment) {
		Checks.notNegative(increment, "increment");
		advance(increment, false);
	}

	/**
	 * Record one unit of work that succeeded.
	 */
	public void recordSuccess() {
		advance(1, false);
	}

	/**
	 * Record one unit of work that failed. It counts towards {@link #completed()} (the unit
	 * is finished) and towards {@link #failed()}.
	 */
	public void recordFailure() {
		advance(1, true);
	}

	private void advance(long increment, boolean failure) {
		long previous;
		long next;
		do {
			if (this.state.get() != State.RUNNING) {
				return;
			}
			previous = this.completed.get();
			next = (increment >= this.total - previous) ? this.total : previous + increment;
			if (next == previous) {
				return;
			}
		}
		while (!this.completed.compareAndSet(previous, next));
		if (failure) {
			this.failed.addAndGet(next - previous);
		}
		if (next == this.total && !end(State.COMPLETED, this.nanoClock.getAsLong())) {
			return;
		}
		logCrossedBoundaries(previous, next);
	}

	/**
	 * End the tracker as {@link State#FAILED failed}: the operation as a whole failed (not one
	 * unit of it, which {@link #recordFailure()} counts). Does nothing once it has ended.
	 * @param failure why, for the log
	 * @return {@code true} if this call ended the tracker
	 */
	public boolean fail(Throwable failure) {
		Checks.notNull(failure, "failure");
		boolean ended = end(State.FAILED, this.nanoClock.getAsLong());
		if (ended && logger.isWarnEnabled()) {
			logger.warn("{}: failed at {}/{} after {}: {}", this.name, completed(), this.total,
					Durations.format(elapsed()), failure.toString());
		}
		return ended;
	}

	/**
	 * End the tracker as {@link State#CANCELLED cancelled}. Does nothing once it has ended.
	 * @return {@code true} if this call ended the tracker
	 */
	public boolean cancel() {
		boolean ended = end(State.CANCELLED, this.nanoClock.getAsLong());
		if (ended && logger.isInfoEnabled()) {
			logger.info("{}: cancelled at {}/{} after {}", this.name, completed(), this.total,
					Durations.format(elapsed()));
		}
		return ended;
	}

	/**
	 * End the tracker as {@link State#STOPPED stopped}: the application (or the executor) shut
	 * down before the work was done. Does nothing once it has ended.
	 * @return {@code true} if this call ended the tracker
	 */
	public boolean stop() {
		boolean ended = end(State.STOPPED, this.nanoClock.getAsLong());
		if (ended && logger.isWarnEnabled()) {
			logger.warn("{}: stopped by shutdown at {}/{} after {}", this.name, completed(), this.total,
					Durations.format(elapsed()));
		}
		return ended;
	}

	private boolean end(State end, long nanos) {
		if (this.state.get() != State.RUNNING) {
			return false;
		}
		synchronized (this.state) {
			if (this.state.get() != State.RUNNING) {
				return false;
			}
			this.endedAtNanos = nanos;
			this.state.set(end);
			return true;
		}
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
			logger.info("{}: completed {}/{} (100.0%) in {} - {} succeeded, {} failed - Rate: {}/s", this.name,
					this.total, this.total, Durations.format(elapsed()), succeeded(), failed(),
					format(ratePerSecond()));
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
	 * Return how many units have finished so far, succeeded or failed.
	 * @return the completed count, between 0 and {@link #total()}
	 */
	public long completed() {
		return this.completed.get();
	}

	/**
	 * Return how many units have succeeded so far.
	 * @return the succeeded count
	 */
	public long succeeded() {
		// The failed count is added after completed moves: never report a negative gap.
		return Math.max(0, this.completed.get() - this.failed.get());
	}

	/**
	 * Return how many units have failed so far.
	 * @return the failed count
	 */
	public long failed() {
		return this.failed.get();
	}

	/**
	 * Return the tracker's state.
	 * @return {@link State#RUNNING} or the end state it reached
	 */
	public State state() {
		return this.state.get();
	}

	/**
	 * Whether all work is done: the tracker ended as {@link State#COMPLETED completed}.
	 * @return {@code true} once completed equals total
	 */
	public boolean isComplete() {
		return this.state.get() == State.COMPLETED;
	}

	/**
	 * Whether the tracker has reached an end state, whichever.
	 * @return {@code true} unless it is running
	 */
	public boolean isEnded() {
		return this.state.get() != State.RUNNING;
	}

	/**
	 * Return the share done, in percent.
	 * @return 0.0 to 100.0; 100.0 for a tracker with {@code total = 0}
	 */
	public double percentage() {
		return (this.total == 0) ? 100.0 : (completed() * 100.0) / this.total;
	}

	/**
	 * Return the time since the tracker was created, or the time it ran once it ended.
	 * @return the elapsed time
	 */
	public Duration elapsed() {
		long end = (this.state.get() != State.RUNNING) ? this.endedAtNanos : this.nanoClock.getAsLong();
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
	 * work is done yet and so no rate is known, and once the tracker ended otherwise
	 * (failed, cancelled, stopped: it will not complete)
	 */
	public @Nullable Duration eta() {
		State current = this.state.get();
		if (current == State.COMPLETED) {
			return Duration.ZERO;
		}
		if (current != State.RUNNING) {
			return null;
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
	 * The monotonic time at which the tracker ended, for retention decisions.
	 */
	long endedAtNanos() {
		return this.endedAtNanos;
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
		return this.name + ": " + completed() + "/" + this.total + " (" + format(percentage()) + "%), "
				+ state().name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Where a tracker stands: running, or the one end state it reached.
	 */
	public enum State {

		/** Work is going on. */
		RUNNING,

		/** Every unit has finished, succeeded or failed. */
		COMPLETED,

		/** The operation as a whole failed. */
		FAILED,

		/** The operation was cancelled. */
		CANCELLED,

		/** The application, or the executor, shut down before the work was done. */
		STOPPED;

		/**
		 * Whether this is an end state.
		 * @return {@code true} for every state but {@link #RUNNING}
		 */
		public boolean isEnded() {
			return this != RUNNING;
		}

	}

}
