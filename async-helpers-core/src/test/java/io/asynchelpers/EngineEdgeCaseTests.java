/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Edge cases of the engine: cancellation reaches derived work, a throwing executor cannot
 * hang a run, any completion of a returned future by the caller stops the work, and a
 * timer read while it closes never goes backwards.
 */
class EngineEdgeCaseTests {

	@RegisterExtension
	final Pools pools = Pools.fixed(2);

	@Test
	void cancellingAFilterCancelsThePredicatesOwnStages() {
		Queue<CompletableFuture<Boolean>> predicates = new ConcurrentLinkedQueue<>();
		CompletableFuture<List<Integer>> kept = this.pools.helpers().asyncFilter(List.of(1, 2, 3),
				Task.async((Integer i) -> {
					CompletableFuture<Boolean> decision = new CompletableFuture<>();
					predicates.add(decision);
					return decision;
				}), 3);
		assertThat(predicates).hasSize(3);

		kept.cancel(true);

		assertThat(predicates).allMatch(CompletableFuture::isCancelled);
	}

	@Test
	void anExecutorThatThrowsSomethingElseThanARejectionFailsItsItemsInsteadOfHangingTheRun() {
		Executor broken = (task) -> {
			throw new IllegalStateException("decorator blew up");
		};
		AsyncHelpers helpers = new AsyncHelpers(broken, this.pools.scheduler());

		CompletableFuture<List<Outcome<Integer>>> result = helpers.asyncMap(List.of(1, 2, 3),
				Task.blocking((Integer i) -> i), 2);

		assertThat(result).succeedsWithin(Duration.ofSeconds(10))
			.satisfies((outcomes) -> assertThat(outcomes).hasSize(3).allMatch(Outcome::isFailure));
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "complete", "completeExceptionally", "orTimeout" })
	void anyCompletionOfARetrysFutureByTheCallerStopsTheAttemptInFlight(String how) throws Exception {
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch stopped = new CountDownLatch(1);
		CompletableFuture<String> retry = this.pools.helpers().retryWithBackoff(sleeping(running, stopped),
				RetrySpec.defaults());
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

		completeByCaller(retry, how);

		assertThat(stopped.await(10, TimeUnit.SECONDS)).as("the attempt was interrupted").isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "complete", "completeExceptionally", "orTimeout" })
	void anyCompletionOfATimedCallsFutureByTheCallerStopsTheWork(String how) throws Exception {
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch stopped = new CountDownLatch(1);
		CompletableFuture<String> timed = this.pools.helpers().runWithTimeout(sleeping(running, stopped),
				Duration.ofMinutes(5));
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

		completeByCaller(timed, how);

		assertThat(stopped.await(10, TimeUnit.SECONDS)).as("the work was interrupted").isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pools.scheduler().getQueue().isEmpty());
	}

	@Test
	void completingABatchRunsFutureByTheCallerStopsTheRunningBatch() throws Exception {
		CountDownLatch running = new CountDownLatch(2);
		CountDownLatch stopped = new CountDownLatch(2);
		CompletableFuture<List<Outcome<String>>> batches = this.pools.helpers()
			.batchProcess(IntStream.range(0, 4).boxed().toList(), (Integer i) -> sleeping(running, stopped), 2,
					Duration.ZERO);
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

		batches.complete(List.of());

		assertThat(stopped.await(10, TimeUnit.SECONDS)).as("the batch's items were interrupted").isTrue();
	}

	@Test
	void aTimerReadWhileItClosesNeverReportsANegativeDuration() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000_000_000L);
		AtomicBoolean negative = new AtomicBoolean();
		for (int round = 0; round < 2_000 && !negative.get(); round++) {
			AsyncTimer timer = new AsyncTimer("race", clock::incrementAndGet);
			Thread reader = new Thread(() -> {
				for (int i = 0; i < 200; i++) {
					if (timer.elapsed().isNegative()) {
						negative.set(true);
					}
				}
			});
			reader.start();
			timer.close();
			reader.join();
		}

		assertThat(negative).isFalse();
	}

	/**
	 * A task that sleeps until interrupted, counting down as it starts and as it stops.
	 */
	private static Task<String> sleeping(CountDownLatch running, CountDownLatch stopped) {
		return Task.blocking(() -> {
			running.countDown();
			try {
				Thread.sleep(60_000);
				return "late";
			}
			finally {
				stopped.countDown();
			}
		});
	}

	private static void completeByCaller(CompletableFuture<String> future, String how) {
		switch (how) {
			case "complete" -> future.complete("mine");
			case "completeExceptionally" -> future.completeExceptionally(new IllegalStateException("mine"));
			default -> future.orTimeout(1, TimeUnit.MILLISECONDS);
		}
	}

}
