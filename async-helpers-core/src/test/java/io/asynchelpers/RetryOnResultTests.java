/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Retrying on a result ({@link RetrySpec#retryOnResult()}) through
 * {@link AsyncHelpers#retryWithBackoff} and {@link AsyncHelpers#callWithRetry}.
 */
class RetryOnResultTests {

	private static final Predicate<Integer> UNAVAILABLE = (status) -> status == 503;

	private final RecordingScheduler scheduler = new RecordingScheduler();

	@RegisterExtension
	final Pools pools = Pools.fixed(2, this.scheduler);

	private final RetrySpec spec = RetrySpec.defaults().withBaseDelay(Duration.ofMillis(1)).withRetryOnResult(UNAVAILABLE);

	@Test
	void anAsyncResultThePredicateAcceptsIsRetriedUntilOneItRejects() {
		AtomicInteger attempts = new AtomicInteger();

		CompletableFuture<Integer> result = this.pools.helpers()
			.retryWithBackoff("status", Task.blocking(() -> (attempts.incrementAndGet() < 3) ? 503 : 200), this.spec);

		assertThat(result).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(200);
		assertThat(attempts).hasValue(3);
		assertThat(this.scheduler.delays()).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2));
	}

	@Test
	void aBlockingResultThePredicateAcceptsIsRetriedUntilOneItRejects() throws Exception {
		AtomicInteger attempts = new AtomicInteger();

		Integer status = this.pools.helpers()
			.callWithRetry("status", () -> (attempts.incrementAndGet() < 3) ? 503 : 200, this.spec);

		assertThat(status).isEqualTo(200);
		assertThat(attempts).hasValue(3);
	}

	@Test
	void whenRetriesRunOutOnAResultTheCallerGetsTheLastResultByDefault() throws Exception {
		AtomicInteger attempts = new AtomicInteger();
		RetrySpec twoRetries = this.spec.withMaxRetries(2);

		try (LogCapture log = LogCapture.of(RetryState.class)) {
			CompletableFuture<Integer> async = this.pools.helpers()
				.retryWithBackoff("status", Task.blocking(() -> {
					attempts.incrementAndGet();
					return 503;
				}), twoRetries);
			assertThat(async).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(503);
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.contains("status: attempt 3 returned a result to retry (java.lang.Integer)", "returning the last result");
		}
		assertThat(attempts).hasValue(3);
		assertThat(this.pools.helpers().callWithRetry("status", () -> 503, twoRetries)).isEqualTo(503);
	}

	@Test
	void withThrowTheCallerGetsRetriesExhaustedCarryingTheLastResultAndEarlierFailures() {
		AtomicInteger attempts = new AtomicInteger();
		RetrySpec throwing = this.spec.withMaxRetries(2).withOnResultExhausted(OnResultExhausted.THROW);
		Task<Integer> failsThenUnavailable = Task.blocking(() -> {
			if (attempts.incrementAndGet() == 1) {
				throw new IOException("reset");
			}
			return 503;
		});

		CompletableFuture<Integer> async = this.pools.helpers().retryWithBackoff("status", failsThenUnavailable, throwing);

		assertThat(async).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(Exception.class)
			.havingCause()
			.isInstanceOfSatisfying(RetriesExhaustedException.class, (ex) -> {
				assertThat(ex.getLastResult()).isEqualTo(503);
				assertThat(ex.getAttempts()).isEqualTo(3);
				assertThat(ex.getSuppressed()).extracting(Throwable::getMessage).containsExactly("reset");
			});
		assertThatExceptionOfType(RetriesExhaustedException.class)
			.isThrownBy(() -> this.pools.helpers().callWithRetry("status", () -> 503, throwing))
			.satisfies((ex) -> assertThat(ex.getLastResult()).isEqualTo(503));
	}

	@Test
	void aPredicateThatThrowsEndsTheRetryWithItsException() {
		RetrySpec broken = RetrySpec.defaults().withRetryOnResult((Predicate<String>) String::isEmpty);

		CompletableFuture<Object> async = this.pools.helpers()
			.retryWithBackoff("status", Task.blocking(() -> (Object) 42), broken);

		assertThat(async).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(Exception.class)
			.withCauseInstanceOf(ClassCastException.class);
		assertThat(this.scheduler.delays()).isEmpty();
	}

	@Test
	void aRetryStateDrivenByHandAnswersResultsAsTheLoopsDo() {
		RetryState state = new RetryState("status",
				this.spec.withMaxRetries(1).withOnResultExhausted(OnResultExhausted.THROW));

		state.beginAttempt();
		assertThat(state.nextDelayAfterResult(200)).isNull();
		assertThat(state.nextDelayAfterResult(503)).isEqualTo(Duration.ofMillis(1));
		state.beginAttempt();
		assertThatExceptionOfType(RetriesExhaustedException.class).isThrownBy(() -> state.nextDelayAfterResult(503));
	}

}
