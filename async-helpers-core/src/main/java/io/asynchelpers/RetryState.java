/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions of one retried operation, shared by the scheduled (non-blocking) and the
 * caller-thread (blocking) retry loops so that both count, wait, log and report alike.
 * Not thread-safe: attempts of one operation run one after another, each handing over to
 * the next through a future or a scheduler, which orders the accesses.
 */
final class RetryState {

	private static final Logger logger = LoggerFactory.getLogger(AsyncHelpers.class);

	/** Returned by {@link #onFailure} when the operation must not be retried. */
	static final long GIVE_UP = -1;

	private final String name;

	private final RetrySpec spec;

	private final DoubleSupplier random;

	private final List<Throwable> earlierFailures = new ArrayList<>(2);

	private int attempts;

	RetrySpec spec() {
		return this.spec;
	}

	RetryState(String name, RetrySpec spec, DoubleSupplier random) {
		this.name = name;
		this.spec = spec;
		this.random = random;
	}

	/** Count an attempt that is about to start. */
	int beginAttempt() {
		return ++this.attempts;
	}

	int attempts() {
		return this.attempts;
	}

	/**
	 * Decide what to do after the current attempt failed.
	 * @return the nanoseconds to wait before the next attempt, or {@link #GIVE_UP}; after
	 * {@code GIVE_UP} the failure carries the earlier failures as suppressed exceptions
	 */
	long onFailure(Throwable failure) {
		if (!this.spec.isRetryable(failure)) {
			attachEarlierFailures(failure);
			logger.debug("{}: attempt {} failed with a non-retryable {}", this.name, this.attempts,
					failure.getClass().getName());
			return GIVE_UP;
		}
		if (this.attempts > this.spec.maxRetries()) {
			attachEarlierFailures(failure);
			logger.error("{}: failed after {} attempts: {}", this.name, this.attempts, failure.toString());
			return GIVE_UP;
		}
		this.earlierFailures.add(failure);
		long delay = this.spec.delayBeforeRetryNanos(this.attempts, this.random);
		if (logger.isWarnEnabled()) {
			logger.warn("{}: attempt {} of {} failed: {}. Retrying in {}", this.name, this.attempts,
					this.spec.maxRetries() + 1, failure.toString(), Durations.format(Duration.ofNanos(delay)));
		}
		return delay;
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
