/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pauses computed from the failure or the result ({@link RetrySpec#delayFunction()}).
 */
class ComputedDelayTests {

	private final RecordingScheduler scheduler = new RecordingScheduler();

	@RegisterExtension
	final Pools pools = Pools.fixed(2, this.scheduler);

	/** A failure that says when to come back, as a 429 with Retry-After does. */
	static final class TooManyRequests extends IOException {

		final Duration retryAfter;

		TooManyRequests(Duration retryAfter) {
			super("429, retry after " + retryAfter);
			this.retryAfter = retryAfter;
		}

	}

	private static final RetryDelayFunction RETRY_AFTER = (attempt, failure, result) -> (failure instanceof TooManyRequests tooMany)
			? tooMany.retryAfter : null;

	@Test
	void theFunctionsPauseIsUsedAndNullFallsBackToTheBackoff() {
		AtomicInteger attempts = new AtomicInteger();
		RetrySpec spec = RetrySpec.defaults().withBaseDelay(Duration.ofMillis(100)).withDelayFunction(RETRY_AFTER);

		CompletableFuture<String> result = this.pools.helpers().retryWithBackoff("fetch", Task.blocking(() -> {
			int attempt = attempts.incrementAndGet();
			if (attempt == 1) {
				throw new TooManyRequests(Duration.ofSeconds(7));
			}
			if (attempt == 2) {
				throw new IOException("reset");
			}
			return "ok";
		}), spec);

		assertThat(result).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("ok");
		assertThat(this.scheduler.delays()).containsExactly(Duration.ofSeconds(7), Duration.ofMillis(200));
	}

	@Test
	void computedPausesAreCappedAtMaxDelayAndNeverNegative() {
		RetrySpec spec = RetrySpec.defaults()
			.withMaxRetries(2)
			.withBaseDelay(Duration.ofMillis(1))
			.withMaxDelay(Duration.ofSeconds(30))
			.withDelayFunction((attempt, failure, result) -> (attempt == 1) ? Duration.ofHours(1) : Duration.ofSeconds(-5));

		CompletableFuture<Object> result = this.pools.helpers().retryWithBackoff("fetch", Task.blocking(() -> {
			throw new IOException("down");
		}), spec);

		assertThat(result).failsWithin(Duration.ofSeconds(10));
		assertThat(this.scheduler.delays()).containsExactly(Duration.ofSeconds(30), Duration.ZERO);
	}

	@Test
	void theFunctionSeesTheAttemptAndTheResultOfAResultRetry() throws Exception {
		List<String> seen = new CopyOnWriteArrayList<>();
		AtomicInteger attempts = new AtomicInteger();
		RetrySpec spec = RetrySpec.defaults().withRetryOnResult((Integer status) -> status == 503).withDelayFunction((attempt, failure, result) -> {
			seen.add(attempt + ":" + failure + ":" + result);
			return Duration.ofMillis(1);
		});

		Integer status = this.pools.helpers()
			.callWithRetry("status", () -> (attempts.incrementAndGet() < 3) ? 503 : 200, spec);

		assertThat(status).isEqualTo(200);
		assertThat(seen).containsExactly("1:null:503", "2:null:503");
	}

	@Test
	void aFunctionThatThrowsEndsTheRetryWithTheFailureSuppressed() {
		RetrySpec spec = RetrySpec.defaults().withDelayFunction((attempt, failure, result) -> {
			throw new IllegalStateException("bad header");
		});

		CompletableFuture<Object> result = this.pools.helpers().retryWithBackoff("fetch", Task.blocking(() -> {
			throw new IOException("down");
		}), spec);

		assertThat(result).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(Exception.class)
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.satisfies((ex) -> assertThat(ex.getSuppressed()).extracting(Throwable::getMessage).containsExactly("down"));
		assertThat(this.scheduler.delays()).isEmpty();
	}

}
