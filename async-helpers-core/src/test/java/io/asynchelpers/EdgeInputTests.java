/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Inputs at the edge of what the Javadoc allows: a task function that makes no task, a
 * call that cannot succeed, a failure wrapped by a stage.
 */
class EdgeInputTests {

	private final ExecutorService executor = Executors.newFixedThreadPool(2);

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final AsyncHelpers helpers = new AsyncHelpers(this.executor, this.scheduler);

	@AfterEach
	void stop() {
		this.executor.shutdownNow();
		this.scheduler.shutdownNow();
	}

	@Test
	void asyncFilterDropsAnItemWhosePredicateMadeNoTaskAndKeepsTheOthers() {
		List<Integer> kept = this.helpers
			.asyncFilter(List.of(1, 2, 3), (Integer item) -> (item == 2) ? null : Task.blocking(() -> true), 2)
			.join();

		assertThat(kept).containsExactly(1, 3);
	}

	@Test
	void aNullTaskIsThatItemsFailureNamingItsSlotWithAndWithoutALimiter() {
		List<Outcome<Integer>> plain = this.helpers
			.asyncMap(List.of(1, 2), (Integer item) -> (item == 2) ? null : Task.blocking(() -> item), 2)
			.join();
		List<Outcome<Integer>> limited = this.helpers
			.asyncMap(List.of(1, 2), (Integer item) -> (item == 2) ? null : Task.blocking(() -> item),
					this.helpers.concurrencyLimiter("edge", 2))
			.join();

		for (List<Outcome<Integer>> outcomes : List.of(plain, limited)) {
			assertThat(outcomes.get(0)).isEqualTo(Outcome.success(1));
			assertThat(outcomes.get(1)).isInstanceOfSatisfying(Outcome.Failure.class,
					(failure) -> assertThat(failure.exception()).isInstanceOf(NullPointerException.class)
						.hasMessage("task function returned null for items[1]"));
		}
	}

	@Test
	void createUniqueWithABadTotalTakesNoNumber() {
		ProgressRegistry registry = new ProgressRegistry();

		assertThatIllegalArgumentException().isThrownBy(() -> registry.createUnique("job", -1))
			.withMessage("total must be >= 0, was -1");
		assertThat(registry.createUnique("job", 1).name()).isEqualTo("job-1");
	}

	@Test
	void aFailureOutcomeHoldsTheCauseOfACompletionExceptionNotTheWrapper() {
		IOException cause = new IOException("down");

		assertThat(Outcome.failure(new CompletionException(new CompletionException(cause))))
			.isEqualTo(Outcome.failure(cause));
		assertThat(new Outcome.Failure<>(new CompletionException(cause)).exception()).isSameAs(cause);
		CompletionException withoutCause = new CompletionException("no cause", null);
		assertThat(Outcome.<String>failure(withoutCause)).isInstanceOfSatisfying(Outcome.Failure.class,
				(failure) -> assertThat(failure.exception()).isSameAs(withoutCause));
	}

	@Test
	void aRetryLogOfTheLargestMaxRetriesDoesNotOverflow() {
		RetryState state = this.helpers.retryState("many",
				RetrySpec.defaults().withMaxRetries(Integer.MAX_VALUE).withBaseDelay(Duration.ZERO));
		try (LogCapture log = LogCapture.of(RetryState.class)) {
			state.beginAttempt();
			assertThat(state.nextDelay(new IOException("down"))).isEqualTo(Duration.ZERO);

			assertThat(log.messages(ch.qos.logback.classic.Level.DEBUG))
				.anySatisfy((message) -> assertThat(message).contains("attempt 1 of 2147483648 failed"));
		}
	}

}
