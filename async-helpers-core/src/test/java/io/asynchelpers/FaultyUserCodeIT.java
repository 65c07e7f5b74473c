/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * User code that misbehaves: errors, nulls, stages that never complete, calls that never
 * return. Each is handled as documented.
 */
class FaultyUserCodeIT {

	@RegisterExtension
	final Pools pools = Pools.fixed(4);

	@Test
	void anErrorFailsAFailFastGatherWithThatErrorAndIsAFailureOutcomeWhenSettled() throws Exception {
		StackOverflowError error = new StackOverflowError("deep");
		List<Task<String>> tasks = List.of(Task.blocking(() -> "fine"), Task.blocking(() -> {
			throw error;
		}));

		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.pools.helpers().gatherWithLimit(tasks, 2).get(10, TimeUnit.SECONDS))
			.withCause(error);
		assertThat(this.pools.helpers().gatherWithLimitSettled(tasks, 2).get(10, TimeUnit.SECONDS))
			.containsExactly(Outcome.success("fine"), Outcome.failure(error));
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.pools.helpers().retryWithBackoff(tasks.get(1)).get(10, TimeUnit.SECONDS))
			.withCause(error);
	}

	@Test
	void aNullResultIsASuccessfulNullAndANullStageIsAFailureSayingSo() throws Exception {
		assertThat(this.pools.helpers().asyncMap(List.of(1, 2), Task.blocking((Integer i) -> (String) null))
			.get(10, TimeUnit.SECONDS)).containsExactly(Outcome.success(null), Outcome.success(null));

		List<Outcome<String>> outcomes = this.pools.helpers()
			.safeGather(List.of(Task.<String>async(() -> null)))
			.get(10, TimeUnit.SECONDS);
		assertThat(outcomes).singleElement()
			.isInstanceOfSatisfying(Outcome.Failure.class, (failure) -> assertThat(failure.exception())
				.isInstanceOf(NullPointerException.class)
				.hasMessage("async task returned null instead of a CompletionStage"));
		assertThat(this.pools.helpers().gatherWithLimitSettled(Arrays.asList(Task.blocking(() -> 1)), 1)
			.get(10, TimeUnit.SECONDS)).containsExactly(Outcome.success(1));
	}

	@Test
	void aStageThatNeverCompletesStillTimesOut() {
		CompletableFuture<String> never = new CompletableFuture<>();

		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.pools.helpers().runWithTimeout(Task.async(() -> never), Duration.ofMillis(50))
				.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(AsyncTimeoutException.class);
		assertThat(never).isCancelled();
	}

	@Test
	void aCallThatIgnoresInterruptsStillTimesOutOnTimeWhenRunOnTheExecutor() {
		AtomicBoolean finished = new AtomicBoolean();
		CompletableFuture<String> result = this.pools.helpers().runWithTimeout(Task.blocking(() -> {
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
			while (System.nanoTime() < end) {
				Thread.onSpinWait();
			}
			finished.set(true);
			return "late";
		}), Duration.ofMillis(100));

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(AsyncTimeoutException.class);
		assertThat(finished).as("the caller was answered before the call ended").isFalse();
	}

	@Test
	void aThrowingListenerOrPredicateCannotStallAFilter() throws Exception {
		List<Integer> kept = this.pools.helpers().asyncFilter(List.of(1, 2, 3, 4), Task.blocking((Integer i) -> {
			if (i == 2) {
				throw new OutOfMemoryError("simulated");
			}
			return i % 2 == 0 || i == 3;
		}), 2).get(10, TimeUnit.SECONDS);

		assertThat(kept).containsExactly(3, 4);
	}

}
