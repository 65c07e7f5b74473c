/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link AsyncHelpers#runWithTimeout} and {@link AsyncHelpers#callWithTimeout}.
 */
class RunWithTimeoutTests {

	@RegisterExtension
	final Pools pools = Pools.fixed(4);

	@Test
	void resultArrivesWhenTheTaskIsFasterThanTheTimeout() throws Exception {
		assertThat(this.pools.helpers().runWithTimeout(Task.blocking(() -> "fast"), Duration.ofSeconds(10))
			.get(10, TimeUnit.SECONDS)).isEqualTo("fast");
	}

	@Test
	void timeoutFailsWithTheDefaultMessageAndInterruptsTheBlockingTask() {
		CountDownLatch interrupted = new CountDownLatch(1);
		CompletableFuture<String> result = this.pools.helpers().runWithTimeout(Task.blocking(() -> {
			try {
				Thread.sleep(30_000);
				return "late";
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
				throw ex;
			}
		}), Duration.ofMillis(50));

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(AsyncTimeoutException.class)
			.withMessage("Operation timed out after 50ms");
		await().atMost(Duration.ofSeconds(10)).until(() -> interrupted.getCount() == 0);
	}

	@Test
	void timeoutCarriesTheCallersMessageAndCancelsTheAsyncStage() {
		CompletableFuture<String> neverCompletes = new CompletableFuture<>();

		CompletableFuture<String> result = this.pools.helpers().runWithTimeout(Task.async(() -> neverCompletes),
				Duration.ofMillis(20), "catalogue did not answer");

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(AsyncTimeoutException.class)
			.withMessage("catalogue did not answer")
			.satisfies((ex) -> assertThat(((AsyncTimeoutException) ex).getTimeout()).isEqualTo(Duration.ofMillis(20)));
		assertThat(neverCompletes).isCancelled();
	}

	@Test
	void theTasksOwnFailureIsPassedOnUnwrapped() {
		CompletableFuture<Object> result = this.pools.helpers().runWithTimeout(Task.blocking(() -> {
			throw new IllegalStateException("broken");
		}), Duration.ofSeconds(10));

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(IllegalStateException.class);
	}

	@Test
	void callsThatFinishInTimeLeaveNoTimerQueued() throws Exception {
		for (int i = 0; i < 200; i++) {
			this.pools.helpers().runWithTimeout(Task.blocking(() -> "ok"), Duration.ofSeconds(30)).get(10, TimeUnit.SECONDS);
		}

		await().atMost(Duration.ofSeconds(5)).until(() -> this.pools.scheduler().getQueue().isEmpty());
	}

	@Test
	void cancellingTheResultCancelsTheWorkAndTheTimer() {
		CompletableFuture<String> neverCompletes = new CompletableFuture<>();
		CompletableFuture<String> result = this.pools.helpers().runWithTimeout(Task.async(() -> neverCompletes),
				Duration.ofSeconds(30));

		result.cancel(true);

		assertThat(neverCompletes).isCancelled();
		assertThat(this.pools.scheduler().getQueue()).isEmpty();
	}

	@Test
	void callWithTimeoutRunsOnTheCallersThreadAndInterruptsItWhenTimeIsUp() {
		AtomicReference<Thread> ranOn = new AtomicReference<>();
		AtomicBoolean sawInterrupt = new AtomicBoolean();

		assertThatExceptionOfType(AsyncTimeoutException.class).isThrownBy(() -> this.pools.helpers().callWithTimeout(() -> {
			ranOn.set(Thread.currentThread());
			try {
				Thread.sleep(30_000);
			}
			catch (InterruptedException ex) {
				sawInterrupt.set(true);
				throw ex;
			}
			return "late";
		}, Duration.ofMillis(50), null))
			.withMessage("Operation timed out after 50ms")
			.satisfies((ex) -> assertThat(ex.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class));

		assertThat(ranOn).hasValue(Thread.currentThread());
		assertThat(sawInterrupt).isTrue();
		assertThat(Thread.currentThread().isInterrupted()).as("no stray interrupt").isFalse();
	}

	@Test
	void callWithTimeoutReturnsTheResultAndLeavesNoInterruptAndNoWatch() throws Exception {
		for (int i = 0; i < 500; i++) {
			assertThat(this.pools.helpers().callWithTimeout(() -> "ok", Duration.ofSeconds(30), null)).isEqualTo("ok");
		}

		assertThat(Thread.currentThread().isInterrupted()).isFalse();
		assertThat(this.pools.helpers().watchedCalls()).isZero();
	}

	@Test
	void callWithTimeoutPassesTheCallsOwnFailureOn() {
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.pools.helpers().callWithTimeout(() -> {
				throw new IllegalStateException("broken");
			}, Duration.ofSeconds(30), null))
			.withMessage("broken");
	}

}
