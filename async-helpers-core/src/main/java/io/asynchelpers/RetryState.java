/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The retry decisions of one operation: count the attempts, decide whether and after how
 * long to retry a failure, log as the {@link RetrySpec} says, and hand the earlier failures
 * to the last one as suppressed exceptions. The helpers' own retry loops (scheduled and on
 * the caller's thread) use it, and so can an integration that drives its own attempts (a
 * Reactor {@code retryWhen}), so that every path counts, waits, logs and reports alike.
 * <p>
 * Threading: one instance per operation. Attempts run one after another, each handing over
 * to the next through a future, a scheduler or a reactive signal, which orders the calls;
 * {@link #attempts()} may be read from any thread.
 */
public final class RetryState {

	private static final Logger logger = LoggerFactory.getLogger(RetryState.class);

	/** Returned by {@link #onFailure} when the operation must not be retried. */
	static final long GIVE_UP = -1;

	private final String name;

	private final RetrySpec spec;

	private final DoubleSupplier random;

	private final List<Throwable> earlierFailures = new ArrayList<>(2);

	private volatile int attempts;

	/**
	 * Create the decisions of one operation, with jitter drawn from
	 * {@link ThreadLocalRandom}.
	 * @param name the operation's name, for the log
	 * @param spec how to retry
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public RetryState(String name, RetrySpec spec) {
		this(Checks.notNull(name, "name"), Checks.notNull(spec, "spec"),
				() -> ThreadLocalRandom.current().nextDouble());
	}

	RetryState(String name, RetrySpec spec, DoubleSupplier random) {
		this.name = name;
		this.spec = spec;
		this.random = random;
	}

	RetrySpec spec() {
		return this.spec;
	}

	/**
	 * Count an attempt that is about to start.
	 * @return the attempt's number, counting from 1
	 */
	public int beginAttempt() {
		// One writer at a time (see the class Javadoc): no lost update.
		int next = this.attempts + 1;
		this.attempts = next;
		return next;
	}

	/**
	 * Return how many attempts have started.
	 * @return the count
	 */
	public int attempts() {
		return this.attempts;
	}

	/**
	 * Decide what to do after the current attempt failed: see {@link #onFailure(Throwable)}.
	 * @param failure the attempt's failure, unwrapped from any {@code CompletionException}
	 * @return the pause before the next attempt, or {@code null} to give up, in which case
	 * {@code failure} now carries the earlier failures as suppressed exceptions
	 */
	public @Nullable Duration nextDelay(Throwable failure) {
		long delay = onFailure(Checks.notNull(failure, "failure"));
		return (delay == GIVE_UP) ? null : Duration.ofNanos(delay);
	}

	/**
	 * Decide what to do after the current attempt failed. An interrupt (see
	 * {@link #isInterrupt(Throwable)}), a cancellation or a {@link NotStartedException} (the
	 * application is shutting down) is never retried: it is a request to stop. A retried
	 * failure is logged at the spec's {@link RetrySpec#retryLogLevel() retry level}, retries
	 * that ran out once at its {@link RetrySpec#exhaustedLogLevel() exhausted level}; a
	 * failure that is not retried is only logged at DEBUG, since the caller receives it.
	 * @return the nanoseconds to wait before the next attempt, or {@link #GIVE_UP}; after
	 * {@code GIVE_UP} the failure carries the earlier failures as suppressed exceptions
	 */
	long onFailure(Throwable failure) {
		if (isInterrupt(failure) || failure instanceof CancellationException
				|| failure instanceof NotStartedException) {
			// A request to stop (or a shutdown that refuses the next attempt), not a failed attempt.
			attachEarlierFailures(failure);
			logger.debug("{}: attempt {} was interrupted or cancelled: not retried", this.name, this.attempts);
			return GIVE_UP;
		}
		if (!this.spec.isRetryable(failure)) {
			attachEarlierFailures(failure);
			logger.debug("{}: attempt {} failed with a non-retryable {}", this.name, this.attempts,
					failure.getClass().getName());
			return GIVE_UP;
		}
		if (this.attempts > this.spec.maxRetries()) {
			attachEarlierFailures(failure);
			Level level = this.spec.exhaustedLogLevel();
			if (logger.isEnabledForLevel(level)) {
				logger.atLevel(level).log("{}: failed after {} attempts: {}", this.name, this.attempts,
						failure.toString());
			}
			return GIVE_UP;
		}
		this.earlierFailures.add(failure);
		long delay = this.spec.delayBeforeRetryNanos(this.attempts, this.random);
		Level level = this.spec.retryLogLevel();
		if (logger.isEnabledForLevel(level)) {
			logger.atLevel(level).log("{}: attempt {} of {} failed: {}. Retrying in {}", this.name, this.attempts,
					this.spec.maxRetries() + 1, failure.toString(), Durations.format(Duration.ofNanos(delay)));
		}
		return delay;
	}

	/**
	 * Whether a failure is a request to stop rather than a failed attempt: an
	 * {@link InterruptedException}, a {@link ClosedByInterruptException}, or an
	 * {@link InterruptedIOException} other than a {@link SocketTimeoutException} (which
	 * extends it, but means the peer was slow, not that this thread was told to stop).
	 * @param failure the failure
	 * @return {@code true} if no further attempt may start
	 */
	static boolean isInterrupt(Throwable failure) {
		return failure instanceof InterruptedException || failure instanceof ClosedByInterruptException
				|| (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException));
	}

	private void attachEarlierFailures(Throwable last) {
		for (Throwable earlier : this.earlierFailures) {
			if (earlier != last) {
				last.addSuppressed(earlier);
			}
		}
		this.earlierFailures.clear();
	}

}
