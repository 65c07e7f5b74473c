/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The values {@link AsyncHelpers} uses when a call does not pass its own. Immutable; derive
 * variants with the {@code with...} methods.
 *
 * @param limit how many tasks {@code gatherWithLimit}, {@code asyncMap} and
 * {@code asyncFilter} run at once, {@code > 0}
 * @param batchSize how many items {@code batchProcess} puts in one batch, {@code > 0}
 * @param batchDelay the pause between two batches, {@code >= 0}
 * @param retry how {@code retryWithBackoff} retries
 * @param timeout the time limit of {@code runWithTimeout} when none is passed, or
 * {@code null} for none
 */
public record AsyncDefaults(int limit, int batchSize, Duration batchDelay, RetrySpec retry,
		@Nullable Duration timeout) {

	private static final AsyncDefaults STANDARD = new AsyncDefaults(10, 10, Duration.ZERO, RetrySpec.defaults(), null);

	/**
	 * Create a new instance, checking every argument.
	 * @param limit how many tasks run at once
	 * @param batchSize how many items one batch holds
	 * @param batchDelay the pause between two batches
	 * @param retry how to retry
	 * @param timeout the default time limit, or {@code null}
	 * @throws IllegalArgumentException if a value is out of range, naming it
	 * @throws NullPointerException if a required argument is {@code null}
	 */
	public AsyncDefaults {
		Checks.positive(limit, "limit");
		Checks.positive(batchSize, "batchSize");
		Checks.notNegative(batchDelay, "batchDelay");
		Checks.notNull(retry, "retry");
		if (timeout != null) {
			Checks.positive(timeout, "timeout");
		}
	}

	/**
	 * The seed's defaults: limit 10, batch size 10, no pause between batches,
	 * {@link RetrySpec#defaults()}, no default timeout.
	 * @return the standard defaults
	 */
	public static AsyncDefaults standard() {
		return STANDARD;
	}

	/**
	 * A copy with another limit.
	 * @param limit how many tasks run at once
	 * @return the new defaults
	 */
	public AsyncDefaults withLimit(int limit) {
		return new AsyncDefaults(limit, this.batchSize, this.batchDelay, this.retry, this.timeout);
	}

	/**
	 * A copy with another batch size and pause.
	 * @param batchSize how many items one batch holds
	 * @param batchDelay the pause between two batches
	 * @return the new defaults
	 */
	public AsyncDefaults withBatch(int batchSize, Duration batchDelay) {
		return new AsyncDefaults(this.limit, batchSize, batchDelay, this.retry, this.timeout);
	}

	/**
	 * A copy with another retry spec.
	 * @param retry how to retry
	 * @return the new defaults
	 */
	public AsyncDefaults withRetry(RetrySpec retry) {
		return new AsyncDefaults(this.limit, this.batchSize, this.batchDelay, retry, this.timeout);
	}

	/**
	 * A copy with another default timeout.
	 * @param timeout the default time limit, or {@code null} for none
	 * @return the new defaults
	 */
	public AsyncDefaults withTimeout(@Nullable Duration timeout) {
		return new AsyncDefaults(this.limit, this.batchSize, this.batchDelay, this.retry, timeout);
	}

}
