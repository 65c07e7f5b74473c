/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An interrupt is a request to stop: a retry never turns it into one more attempt, and the
 * interrupt flag survives for whoever asked.
 */
class InterruptedRetryTests {

	@RegisterExtension
	final Pools pools = Pools.fixed(2);

	private final RetrySpec shortPauses = RetrySpec.defaults().withMaxRetries(2).withBaseDelay(Duration.ofMillis(100));

	@AfterEach
	void clearFlag() {
		Thread.interrupted();
	}

	static Stream<Exception> interrupts() {
		return Stream.of(new InterruptedException("stop"), new ClosedByInterruptException(),
				new InterruptedIOException("stop"));
	}

	@ParameterizedTest
	@MethodSource("interrupts")
	void callWithRetryEndsAtOnceWhenTheCodeIsInterruptedAndKeepsTheFlag(Exception interrupt) {
		AtomicInteger attempts = new AtomicInteger();

		assertThatThrownBy(() -> this.pools.helpers().callWithRetry("local", () -> {
			attempts.incrementAndGet();
			throw interrupt;
		}, this.shortPauses)).isSameAs(interrupt);

		assertThat(attempts).hasValue(1);
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void callWithRetryEndsAtOnceWhenTheFlagIsSetAfterAFailedAttempt() {
		AtomicInteger attempts = new AtomicInteger();
		IOException failure = new IOException("down");

		assertThatExceptionOfType(InterruptedException.class)
			.isThrownBy(() -> this.pools.helpers().callWithRetry("local", () -> {
				attempts.incrementAndGet();
				Thread.currentThread().interrupt();
				throw failure;
			}, this.shortPauses))
			.satisfies((ex) -> assertThat(ex.getSuppressed()).containsExactly(failure));

		assertThat(attempts).hasValue(1);
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void aSocketTimeoutIsAFailedAttemptAndIsRetried() throws Exception {
		AtomicInteger attempts = new AtomicInteger();
		RetrySpec noPause = this.shortPauses.withBaseDelay(Duration.ZERO);

		String result = this.pools.helpers().callWithRetry("local", () -> {
			if (attempts.incrementAndGet() < 3) {
				throw new SocketTimeoutException("slow peer");
			}
			return "ok";
		}, noPause);

		assertThat(result).isEqualTo("ok");
		assertThat(attempts).hasValue(3);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void aTimeLimitAroundARetryEndsTheRetryInsteadOfWaitingOutEveryAttempt() {
		AtomicInteger attempts = new AtomicInteger();
		RetrySpec longPauses = RetrySpec.defaults().withMaxRetries(3).withBaseDelay(Duration.ofSeconds(2));
		long start = System.nanoTime();

		assertThatExceptionOfType(AsyncTimeoutException.class)
			.isThrownBy(() -> this.pools.helpers().callWithTimeout(() -> this.pools.helpers().callWithRetry("nested", () -> {
				attempts.incrementAndGet();
				Thread.sleep(10_000);
				return "late";
			}, longPauses), Duration.ofMillis(100), null));

		// Every attempt and pause would take over 20 s; one interrupted attempt takes 100 ms.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(attempts).hasValue(1);
		assertThat(Thread.currentThread().isInterrupted()).as("the timer's own interrupt is cleared").isFalse();
	}

	@Test
	void anAsyncRetryDoesNotRetryAnInterruptedAttempt() {
		AtomicInteger attempts = new AtomicInteger();

		CompletableFuture<String> result = this.pools.helpers().retryWithBackoff(Task.blocking(() -> {
			attempts.incrementAndGet();
			throw new InterruptedException("told to stop");
		}), this.shortPauses);

		assertThat(result).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
			.havingCause().isInstanceOf(InterruptedException.class);
		// Longer than the 100 ms pause: no attempt follows it.
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> attempts.get() == 1);
	}

}
