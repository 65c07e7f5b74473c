/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * One deadline for the whole retry ({@link RetrySpec#maxDuration()}).
 */
class RetryDeadlineTests {

	private final RecordingScheduler scheduler = new RecordingScheduler();

	@RegisterExtension
	final Pools pools = Pools.fixed(2, this.scheduler);

	/** A clock that moves only when an attempt says so: one second per attempt. */
	private final AtomicLong clock = new AtomicLong();

	private final AsyncHelpers helpers = new AsyncHelpers(this.pools.executor(), this.scheduler,
			AsyncDefaults.standard(), this.clock::get);

	@Test
	void noAsyncAttemptStartsWhenThePauseBeforeItWouldEndPastTheDeadline() {
		AtomicInteger attempts = new AtomicInteger();
		RetrySpec spec = RetrySpec.defaults()
			.withMaxRetries(10)
			.withBackoffFactor(1)
			.withMaxDuration(Duration.ofMillis(3500));

		CompletableFuture<Object> result = this.helpers.retryWithBackoff("fetch", Task.blocking(() -> {
			this.clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
			throw new IOException("attempt " + attempts.incrementAndGet());
		}), spec);

		// Attempt 1 ends at 1s, its pause at 2s; attempt 2 ends at 2s, pause at 3s; attempt 3
		// ends at 3s and a pause to 4s would pass the 3.5s deadline.
		assertThat(result).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(Exception.class)
			.havingCause()
			.withMessage("attempt 3");
		assertThat(attempts).hasValue(3);
	}

	@Test
	void noBlockingAttemptStartsWhenThePauseBeforeItWouldEndPastTheDeadline() {
		AtomicInteger attempts = new AtomicInteger();
		RetrySpec spec = RetrySpec.defaults()
			.withMaxRetries(10)
			.withBaseDelay(Duration.ofMillis(1))
			.withBackoffFactor(1)
			.withMaxDuration(Duration.ofMillis(2500));

		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.helpers.callWithRetry("fetch", () -> {
			this.clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
			throw new IOException("attempt " + attempts.incrementAndGet());
		}, spec)).withMessage("attempt 3");
		assertThat(attempts).hasValue(3);
	}

	@Test
	void theTimeLeftCountsFromTheFirstAttempt() {
		RetryState state = this.helpers.retryState("fetch", RetrySpec.defaults().withMaxDuration(Duration.ofSeconds(10)));

		assertThat(state.timeLeft()).isEqualTo(Duration.ofSeconds(10));
		this.clock.addAndGet(TimeUnit.SECONDS.toNanos(100));
		state.beginAttempt();
		this.clock.addAndGet(TimeUnit.SECONDS.toNanos(4));

		assertThat(state.timeLeft()).isEqualTo(Duration.ofSeconds(6));
		assertThat(state.limitToTimeLeft(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
		assertThat(state.limitToTimeLeft(Duration.ofSeconds(8))).isEqualTo(Duration.ofSeconds(6));
		this.clock.addAndGet(TimeUnit.SECONDS.toNanos(60));
		assertThat(state.timeLeft()).isZero();
		assertThat(state.limitToTimeLeft(Duration.ofSeconds(8))).isEqualTo(Duration.ofNanos(1));
		assertThat(this.helpers.retryState("fetch", RetrySpec.defaults()).timeLeft()).isNull();
	}

	@Test
	void anAsyncAttemptsTimeLimitIsCutToTheTimeLeftSoTheCallersWaitEndsByTheDeadline() {
		try (Pools real = Pools.fixed(2)) {
			AtomicInteger attempts = new AtomicInteger();
			RetrySpec spec = RetrySpec.defaults().withBaseDelay(Duration.ofMillis(1)).withMaxDuration(Duration.ofMillis(300));
			long start = System.nanoTime();

			CompletableFuture<Object> result = real.helpers().retryWithBackoff("fetch", Task.blocking(() -> {
				attempts.incrementAndGet();
				Thread.sleep(60_000);
				return "late";
			}), spec, Duration.ofSeconds(60));

			assertThat(result).failsWithin(Duration.ofSeconds(30))
				.withThrowableOfType(Exception.class)
				.withCauseInstanceOf(AsyncTimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
			assertThat(attempts).hasValue(1);
		}
	}

	@Test
	void aBlockingAttemptsTimeLimitIsCutToTheTimeLeftSoTheCallersWaitEndsByTheDeadline() {
		try (Pools real = Pools.fixed(2)) {
			RetrySpec spec = RetrySpec.defaults().withBaseDelay(Duration.ofMillis(1)).withMaxDuration(Duration.ofMillis(300));
			long start = System.nanoTime();

			assertThatExceptionOfType(AsyncTimeoutException.class)
				.isThrownBy(() -> real.helpers().callWithRetry("fetch", () -> {
					Thread.sleep(60_000);
					return "late";
				}, spec, Duration.ofSeconds(60)));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
		}
	}

	@Test
	void aDeadlineMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> RetrySpec.defaults().withMaxDuration(Duration.ZERO))
			.withMessage("maxDuration must be > 0, was PT0S");
	}

}
