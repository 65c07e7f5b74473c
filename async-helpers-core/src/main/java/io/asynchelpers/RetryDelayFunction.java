/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Computes the pause before a retry from what the attempt ended with: a failure (a
 * {@code 429 Too Many Requests} carrying {@code Retry-After}) or a result that
 * {@link RetrySpec#retryOnResult()} asked to retry (a {@code 503} response). Returning
 * {@code null} falls back to the spec's backoff.
 * <p>
 * A computed pause is used as it is, without jitter, but never longer than
 * {@link RetrySpec#maxDelay()}; a negative one counts as zero. With a
 * {@link RetrySpec#maxDuration()}, a pause that would end past the deadline ends the retry
 * instead.
 * <p>
 * Threading: called once per retried attempt, on the thread that saw the attempt end (the
 * caller's thread for a blocking retry, an executor thread or the thread that completed
 * the attempt's stage for an async one), never concurrently for one operation. It must not
 * block. An exception it throws ends the retry: the caller receives it, with the attempt's
 * failure (if any) attached as suppressed.
 */
@FunctionalInterface
public interface RetryDelayFunction {

	/**
	 * Compute the pause before the next attempt.
	 * @param attempt the number of the attempt that just ended, counting from 1
	 * @param failure the attempt's failure, or {@code null} if it returned a result to retry
	 * @param result the attempt's result when it is retried on its result, else {@code null}
	 * (also {@code null} when the retried result itself was {@code null})
	 * @return the pause, or {@code null} to use the spec's backoff
	 */
	@Nullable Duration delay(int attempt, @Nullable Throwable failure, @Nullable Object result);

}
