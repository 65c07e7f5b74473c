/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry and no-retry lists look at the whole cause chain.
 */
class CauseChainRetryTests {

	@RegisterExtension
	final Pools pools = Pools.fixed(2, new RecordingScheduler());

	private final RetrySpec socketTimeouts = RetrySpec.defaults().withRetryOn(SocketTimeoutException.class);

	@Test
	void aWrapperIsRetriedWhenACauseIsOfARetryOnType() {
		RuntimeException wrapped = new RuntimeException("I/O error", new UncheckedIOException(new SocketTimeoutException()));

		assertThat(this.socketTimeouts.isRetryable(wrapped)).isTrue();
		assertThat(this.socketTimeouts.isRetryable(new RuntimeException(new IOException("reset")))).isFalse();
	}

	@Test
	void noRetryOnAnywhereInTheChainWins() {
		RetrySpec spec = RetrySpec.defaults().withNoRetryOn(IllegalArgumentException.class);

		assertThat(spec.isRetryable(new IllegalStateException(new IllegalArgumentException("bad")))).isFalse();
		assertThat(spec.withRetryOn(IllegalStateException.class)
			.withNoRetryOn(SocketTimeoutException.class)
			.isRetryable(new IllegalStateException(new SocketTimeoutException()))).isFalse();
	}

	@Test
	void aCauseChainThatLoopsIsFollowedToAnEnd() {
		IOException first = new IOException("first");
		RuntimeException second = new RuntimeException("second", first);
		first.initCause(second);

		assertThat(this.socketTimeouts.isRetryable(second)).isFalse();
		assertThat(RetrySpec.defaults().withNoRetryOn(IOException.class).isRetryable(second)).isFalse();
		assertThat(RetrySpec.defaults().withRetryOn(IOException.class).isRetryable(second)).isTrue();
	}

	@Test
	void aRetryWithBackoffRetriesAWrappedSocketTimeout() {
		AtomicInteger attempts = new AtomicInteger();

		CompletableFuture<String> result = this.pools.helpers().retryWithBackoff("fetch", Task.blocking(() -> {
			if (attempts.incrementAndGet() < 3) {
				throw new IllegalStateException("I/O error", new SocketTimeoutException("read timed out"));
			}
			return "ok";
		}), this.socketTimeouts.withBaseDelay(Duration.ofMillis(1)));

		assertThat(result).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("ok");
		assertThat(attempts).hasValue(3);
	}

}
