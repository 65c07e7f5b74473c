/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every public entry point rejects bad input at call time with a message that names the
 * parameter and the value.
 */
class ArgumentValidationTests {

	private static final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private static final AsyncHelpers helpers = new AsyncHelpers(Runnable::run, scheduler);

	private static final Task<String> task = Task.blocking(() -> "x");

	private static final Function<Integer, Task<Integer>> square = Task.blocking((Integer i) -> i * i);

	static Stream<Arguments> badCalls() {
		return Stream.of(
				bad("gatherWithLimit limit 0", () -> helpers.gatherWithLimit(List.of(task), 0),
						IllegalArgumentException.class, "limit must be > 0, was 0"),
				bad("gatherWithLimit null list", () -> helpers.gatherWithLimit(null, 2), NullPointerException.class,
						"tasks must not be null"),
				bad("gatherWithLimit null task", () -> helpers.gatherWithLimit(Arrays.asList(task, null), 2),
						NullPointerException.class, "tasks[1] must not be null"),
				bad("gatherWithLimitSettled limit -1", () -> helpers.gatherWithLimitSettled(List.of(task), -1),
						IllegalArgumentException.class, "limit must be > 0, was -1"),
				bad("batchProcess size 0", () -> helpers.batchProcess(List.of(1), square, 0, Duration.ZERO),
						IllegalArgumentException.class, "batchSize must be > 0, was 0"),
				bad("batchProcess negative delay",
						() -> helpers.batchProcess(List.of(1), square, 2, Duration.ofMillis(-5)),
						IllegalArgumentException.class, "delay must be >= 0, was PT-0.005S"),
				bad("batchProcess null item", () -> helpers.batchProcess(Arrays.asList(1, null), square),
						NullPointerException.class, "items[1] must not be null"),
				bad("batchProcess null function", () -> helpers.batchProcess(List.of(1), null),
						NullPointerException.class, "taskFunction must not be null"),
				bad("asyncMap concurrency 0", () -> helpers.asyncMap(List.of(1), square, 0),
						IllegalArgumentException.class, "maxConcurrency must be > 0, was 0"),
				bad("asyncMap null items", () -> helpers.asyncMap(null, square), NullPointerException.class,
						"items must not be null"),
				bad("asyncForEach concurrency 0", () -> helpers.asyncForEach(List.of(1), square, 0, (i, o) -> {
				}), IllegalArgumentException.class, "maxConcurrency must be > 0, was 0"),
				bad("asyncForEach null consumer", () -> helpers.asyncForEach(List.of(1), square, 2, null),
						NullPointerException.class, "onResult must not be null"),
				bad("asyncFilter null predicate", () -> helpers.asyncFilter(List.of(1), null),
						NullPointerException.class, "predicate must not be null"),
				bad("asyncFilter concurrency -3",
						() -> helpers.asyncFilter(List.of(1), Task.blocking((Integer i) -> true), -3),
						IllegalArgumentException.class, "maxConcurrency must be > 0, was -3"),
				bad("safeGather null task", () -> helpers.safeGather(Arrays.asList((Task<String>) null)),
						NullPointerException.class, "tasks[0] must not be null"),
				bad("runWithTimeout zero", () -> helpers.runWithTimeout(task, Duration.ZERO),
						IllegalArgumentException.class, "timeout must be > 0, was PT0S"),
				bad("runWithTimeout null task", () -> helpers.runWithTimeout(null, Duration.ofSeconds(1)),
						NullPointerException.class, "task must not be null"),
				bad("runWithTimeout without default", () -> helpers.runWithTimeout(task), IllegalStateException.class,
						"No default timeout is configured: pass a timeout"),
				bad("callWithTimeout negative",
						() -> helpers.callWithTimeout(() -> "x", Duration.ofSeconds(-1), null),
						IllegalArgumentException.class, "timeout must be > 0, was PT-1S"),
				bad("retryWithBackoff null task", () -> helpers.retryWithBackoff(null), NullPointerException.class,
						"task must not be null"),
				bad("callWithRetry null callable", () -> helpers.callWithRetry("x", null, RetrySpec.defaults()),
						NullPointerException.class, "callable must not be null"),
				bad("asyncTimer null name", () -> helpers.asyncTimer(null), NullPointerException.class,
						"name must not be null"),
				bad("ensureAsync null task", () -> helpers.ensureAsync((Task<String>) null),
						NullPointerException.class, "task must not be null"),
				bad("Task.blocking null", () -> Task.blocking((Callable<String>) null), NullPointerException.class,
						"callable must not be null"),
				bad("RetrySpec maxRetries -1", () -> RetrySpec.defaults().withMaxRetries(-1),
						IllegalArgumentException.class, "maxRetries must be >= 0, was -1"),
				bad("RetrySpec negative base delay", () -> RetrySpec.defaults().withBaseDelay(Duration.ofSeconds(-1)),
						IllegalArgumentException.class, "baseDelay must be >= 0, was PT-1S"),
				bad("RetrySpec max below base", () -> RetrySpec.defaults().withMaxDelay(Duration.ofMillis(500)),
						IllegalArgumentException.class, "maxDelay must be >= baseDelay (PT1S), was PT0.5S"),
				bad("RetrySpec factor below 1", () -> RetrySpec.defaults().withBackoffFactor(0.5),
						IllegalArgumentException.class, "backoffFactor must be >= 1 and finite, was 0.5"),
				bad("RetrySpec factor NaN", () -> RetrySpec.defaults().withBackoffFactor(Double.NaN),
						IllegalArgumentException.class, "backoffFactor must be >= 1 and finite, was NaN"),
				bad("RetrySpec null jitter", () -> RetrySpec.defaults().withJitter(null), NullPointerException.class,
						"jitter must not be null"),
				bad("AsyncDefaults limit 0", () -> AsyncDefaults.standard().withLimit(0),
						IllegalArgumentException.class, "limit must be > 0, was 0"),
				bad("AsyncDefaults batch size -2", () -> AsyncDefaults.standard().withBatch(-2, Duration.ZERO),
						IllegalArgumentException.class, "batchSize must be > 0, was -2"),
				bad("AsyncDefaults zero timeout", () -> AsyncDefaults.standard().withTimeout(Duration.ZERO),
						IllegalArgumentException.class, "timeout must be > 0, was PT0S"),
				bad("AsyncProgress negative total", () -> new AsyncProgress("p", -1), IllegalArgumentException.class,
						"total must be >= 0, was -1"),
				bad("AsyncProgress negative increment", () -> {
							new AsyncProgress("p", 5).update(-1);
							return null;
						},
						IllegalArgumentException.class, "increment must be >= 0, was -1"),
				bad("AsyncProgress step 0",
						() -> new AsyncProgress("p", 5, 0, System::nanoTime, Clock.systemUTC()),
						IllegalArgumentException.class, "logEveryPercent must be between 1 and 100, was 0"),
				bad("ProgressRegistry max 0",
						() -> new ProgressRegistry(Duration.ZERO, 0, 10, System::nanoTime, Clock.systemUTC()),
						IllegalArgumentException.class, "maxTrackers must be > 0, was 0"),
				bad("ProgressRegistry negative retention",
						() -> new ProgressRegistry(Duration.ofSeconds(-1), 5, 10, System::nanoTime, Clock.systemUTC()),
						IllegalArgumentException.class, "retention must be >= 0, was PT-1S"),
				bad("AsyncHelpers null executor", () -> new AsyncHelpers(null, scheduler), NullPointerException.class,
						"executor must not be null"),
				bad("runWithTimeout null task without default", () -> helpers.runWithTimeout((Task<String>) null),
						NullPointerException.class, "task must not be null"),
				bad("RetrySpec null retryOn element",
						() -> RetrySpec.defaults().withRetryOn(java.io.IOException.class, null),
						NullPointerException.class, "retryOn[1] must not be null"),
				bad("RetrySpec null noRetryOn element",
						() -> RetrySpec.defaults().withNoRetryOn((Class<? extends Throwable>) null),
						NullPointerException.class, "noRetryOn[0] must not be null"),
				bad("retryWithBackoff used state", () -> {
							RetryState used = helpers.retryState("used", RetrySpec.defaults());
							used.beginAttempt();
							return helpers.retryWithBackoff(task, used);
						}, IllegalArgumentException.class,
						"state must be fresh (from retryState, used for one call), but it has already counted 1 "
								+ "attempt(s) of used"),
				bad("callWithRetry used state", () -> {
							RetryState used = helpers.retryState("used", RetrySpec.defaults());
							used.beginAttempt();
							used.beginAttempt();
							return helpers.callWithRetry(() -> "x", used);
						}, IllegalArgumentException.class,
						"state must be fresh (from retryState, used for one call), but it has already counted 2 "
								+ "attempt(s) of used"),
				bad("RetryState nextDelay before an attempt",
						() -> new RetryState("early", RetrySpec.defaults()).nextDelay(new java.io.IOException()),
						IllegalStateException.class,
						"early: no attempt has begun; call beginAttempt() before nextDelay()"),
				bad("RetryState nextDelayAfterResult before an attempt",
						() -> new RetryState("early", RetrySpec.defaults()).nextDelayAfterResult(503),
						IllegalStateException.class,
						"early: no attempt has begun; call beginAttempt() before nextDelayAfterResult()"),
				bad("ProgressRegistry blank name", () -> new ProgressRegistry().create(" ", 3),
						IllegalArgumentException.class, "name must not be blank, was ' '"),
				bad("ProgressRegistry blank prefix", () -> new ProgressRegistry().createUnique("", 3),
						IllegalArgumentException.class, "prefix must not be blank, was ''"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badCalls")
	void badInputFailsAtCallTimeNamingTheParameterAndValue(String name, Callable<?> call,
			Class<? extends Throwable> type, String message) {
		assertThatThrownBy(call::call).isExactlyInstanceOf(type).hasMessage(message);
	}

	private static Arguments bad(String name, Callable<?> call, Class<? extends Throwable> type, String message) {
		return Arguments.of(name, call, type, message);
	}

}
