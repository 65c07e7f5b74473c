/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AsyncHelpers#asyncTimer}.
 */
class AsyncTimerTests {

	private final AtomicLong nanos = new AtomicLong(1_000);

	private final AsyncHelpers helpers = new AsyncHelpers(Runnable::run, Executors.newSingleThreadScheduledExecutor(),
			AsyncDefaults.standard(), this.nanos::get);

	@Test
	void closingTheTimerLogsTheNameAndTheMonotonicElapsedTime() {
		try (LogCapture log = LogCapture.of(AsyncTimer.class)) {
			try (AsyncTimer timer = this.helpers.asyncTimer("import")) {
				this.nanos.addAndGet(Duration.ofMillis(1500).toNanos());
				assertThat(timer.elapsed()).isEqualTo(Duration.ofMillis(1500));
			}

			assertThat(log.messages(Level.DEBUG)).containsExactly("import completed in 1.50s");
		}
	}

	@Test
	void theTimerLogsOnceAndKeepsItsMeasurement() {
		try (LogCapture log = LogCapture.of(AsyncTimer.class)) {
			AsyncTimer timer = this.helpers.asyncTimer();
			this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
			timer.close();
			this.nanos.addAndGet(Duration.ofSeconds(5).toNanos());
			timer.close();

			assertThat(timer.elapsed()).isEqualTo(Duration.ofSeconds(1));
			assertThat(log.messages(Level.DEBUG)).containsExactly("operation completed in 1.00s");
		}
	}

	@Test
	void aTimedStageIsMeasuredUntilItCompletesNotUntilItIsReturned() {
		try (LogCapture log = LogCapture.of(AsyncTimer.class)) {
			CompletableFuture<String> stage = new CompletableFuture<>();
			CompletableFuture<String> timed = this.helpers.asyncTimer("fetch", stage);
			assertThat(log.messages(Level.DEBUG)).isEmpty();

			this.nanos.addAndGet(Duration.ofSeconds(2).toNanos());
			stage.complete("done");

			assertThat(timed).isCompletedWithValue("done");
			assertThat(log.messages(Level.DEBUG)).containsExactly("fetch completed in 2.00s");
		}
	}

	@Test
	void aFailedStageIsLoggedAsFailed() {
		try (LogCapture log = LogCapture.of(AsyncTimer.class)) {
			CompletableFuture<String> stage = new CompletableFuture<>();
			CompletableFuture<String> timed = this.helpers.asyncTimer("fetch", stage);
			this.nanos.addAndGet(Duration.ofMillis(250).toNanos());
			stage.completeExceptionally(new IOException("down"));

			assertThat(timed).isCompletedExceptionally();
			assertThat(log.messages(Level.DEBUG)).containsExactly("fetch failed in 0.25s: java.io.IOException: down");
		}
	}

}
