/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.Outcome;
import io.asynchelpers.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A saturated executor, with each rejection policy: every item ends as a result or as a
 * failure carrying the rejection; none hangs, none disappears. And nested use with a limit
 * larger than the pool does not deadlock.
 */
class SaturationIT {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncHelpersAutoConfiguration.class))
		.withPropertyValues("asynchelpers.executor.core-size=1", "asynchelpers.executor.max-size=1",
				"asynchelpers.executor.queue-capacity=2");

	@ParameterizedTest(name = "rejection-policy={0}")
	@ValueSource(strings = { "abort", "caller-runs", "discard", "discard-oldest" })
	void everyItemEndsAsAResultOrARejectionAndNoneHangs(String policy) {
		this.contextRunner.withPropertyValues("asynchelpers.executor.rejection-policy=" + policy).run((context) -> {
			AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
			List<Task<Integer>> tasks = IntStream.range(0, 40).mapToObj((i) -> Task.blocking(() -> {
				Thread.sleep(5);
				return i;
			})).toList();

			List<Outcome<Integer>> outcomes = helpers.gatherWithLimitSettled(tasks, 10).get(60, TimeUnit.SECONDS);

			assertThat(outcomes).hasSize(40);
			for (int i = 0; i < 40; i++) {
				Outcome<Integer> outcome = outcomes.get(i);
				if (outcome instanceof Outcome.Failure<Integer> failure) {
					assertThat(failure.exception()).isInstanceOf(RejectedExecutionException.class);
				}
				else {
					assertThat(outcome.getOrThrow()).isEqualTo(i);
				}
			}
			if (policy.equals("caller-runs")) {
				assertThat(outcomes).allMatch(Outcome::isSuccess);
			}
			else {
				assertThat(outcomes).as("a window of 10 on a pool of 1 with a queue of 2 must overflow")
					.anyMatch(Outcome::isFailure);
			}
		});
	}

	@Test
	void nestedFanOutWithALimitLargerThanThePoolDoesNotDeadlock() {
		this.contextRunner.withPropertyValues("asynchelpers.executor.core-size=2", "asynchelpers.executor.max-size=2",
				"asynchelpers.executor.queue-capacity=1000")
			.run((context) -> {
				AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
				List<Task<Integer>> outer = IntStream.range(0, 20).mapToObj((i) -> Task.blocking(() -> {
					// A task that fans out again and waits: on a pool of 2 this starves the pool
					// unless the nested tasks run on this very thread.
					List<Integer> inner = helpers
						.gatherWithLimit(IntStream.range(0, 5).mapToObj((j) -> Task.blocking(() -> {
							Thread.sleep(1);
							return j;
						})).toList(), 16)
						.get(20, TimeUnit.SECONDS);
					return inner.stream().mapToInt(Integer::intValue).sum() + i;
				})).toList();

				CompletableFuture<List<Integer>> result = helpers.gatherWithLimit(outer, 16);

				assertThat(result).succeedsWithin(Duration.ofSeconds(30))
					.satisfies((sums) -> assertThat(sums).containsExactlyElementsOf(
							IntStream.range(0, 20).map((i) -> 10 + i).boxed().toList()));
			});
	}

}
