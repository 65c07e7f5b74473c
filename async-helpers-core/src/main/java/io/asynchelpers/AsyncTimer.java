/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times a block of code, for use in try-with-resources:
 * <pre class="code">
 * try (AsyncTimer timer = helpers.asyncTimer("import")) {
 *     importAll();
 * }
 * </pre>
 * On {@link #close()} it logs {@code "{name} completed in {seconds}s"} at DEBUG. Time is read
 * from a monotonic clock ({@code System.nanoTime} unless another is injected), so a wall
 * clock adjustment cannot make a measurement negative or wrong.
 * <p>
 * Thread-safe: {@link #elapsed()} may be read from any thread, and only the first
 * {@code close()} logs.
 */
public final class AsyncTimer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(AsyncTimer.class);

	private final String name;

	private final LongSupplier nanoClock;

	private final long startNanos;

	/** Not ended yet: a clock reading no real clock returns (it is the oldest possible). */
	private static final long RUNNING = Long.MIN_VALUE;

	/**
	 * The end time, set once and atomically with the "closed" decision: a reader on another
	 * thread sees either a running timer or its end time, never a closed timer without one.
	 */
	private final AtomicLong endNanos = new AtomicLong(RUNNING);

	AsyncTimer(String name, LongSupplier nanoClock) {
		this.name = name;
		this.nanoClock = nanoClock;
		this.startNanos = nanoClock.getAsLong();
	}

	/**
	 * Return the name given to this timer.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the time since this timer started, or the measured time once it is closed.
	 * @return the elapsed time
	 */
	public Duration elapsed() {
		long end = this.endNanos.get();
		if (end == RUNNING) {
			end = this.nanoClock.getAsLong();
		}
		return Duration.ofNanos(end - this.startNanos);
	}

	/**
	 * Stop the timer and log the elapsed time at DEBUG. Later calls do nothing.
	 */
	@Override
	public void close() {
		long end = this.nanoClock.getAsLong();
		if (this.endNanos.compareAndSet(RUNNING, end)) {
			log(this.name, end - this.startNanos, null);
		}
	}

	/**
	 * Stop the timer for an operation that failed and log
	 * {@code "{name} failed in {seconds}s: {failure}"} at DEBUG. Later calls, and
	 * {@link #close()} after it, do nothing.
	 * @param failure the failure
	 */
	public void fail(Throwable failure) {
		long end = this.nanoClock.getAsLong();
		if (this.endNanos.compareAndSet(RUNNING, end)) {
			log(this.name, end - this.startNanos, failure);
		}
	}

	/**
	 * Log a measurement taken elsewhere exactly as a timer logs its own, at DEBUG:
	 * {@code "{name} completed in {s}s"}, or {@code "{name} failed in {s}s: {failure}"}. For
	 * callers that time with two clock reads instead of a timer object (the {@code @Timed}
	 * interceptor's hot path). Safe to call from any thread.
	 * @param name the name of the operation
	 * @param nanos how long it took
	 * @param failure what it failed with, or {@code null} if it completed
	 */
	public static void log(String name, long nanos, @Nullable Throwable failure) {
		if (!logger.isDebugEnabled()) {
			return;
		}
		if (failure == null) {
			logger.debug("{} completed in {}s", name, Durations.seconds(nanos));
		}
		else {
			logger.debug("{} failed in {}s: {}", name, Durations.seconds(nanos), failure.toString());
		}
	}

}
