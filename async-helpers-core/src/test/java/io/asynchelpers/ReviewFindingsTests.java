/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Found by an adversarial review of the engine's contract (interrupts, shutdown, timer threads,
 * context, trackers, caller completion): each test states the clause it attacks. Eleven of
 * them failed against the engine before the review's fixes; the others are its controls.
 */
class ReviewFindingsTests {

	@RegisterExtension
	final Pools pools = Pools.fixed(2);

	@AfterEach
	void clear() {
		MDC.clear();
		Thread.interrupted();
	}

	// ---------------------------------------------------------------------------------
	// Contract 2: shutdown. "every item ends as a result or a failure (NotStartedException
	// for never-started ones)"; outcome-returning methods never fail because of one task.
	// ---------------------------------------------------------------------------------

	@Test
	void batchesStopWithOutcomesWhenTheExecutorShutsDownDuringThePauseBetweenBatches() throws Exception {
		CountDownLatch firstBatchDone = new CountDownLatch(3);
		CompletableFuture<List<Outcome<Integer>>> result = this.pools.helpers()
			.batchProcess(IntStream.range(0, 6).boxed().toList(), Task.blocking((Integer i) -> {
				firstBatchDone.countDown();
				return i;
			}), 3, Duration.ofSeconds(1));
		assertThat(firstBatchDone.await(10, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pools.helpers().pendingPauses() == 1);

		this.pools.executor().shutdown();

		// Expected: the first batch keeps its results, the second batch's items end as
		// NotStartedException failures, like the "closed" and "shutdown during a batch" paths.
		Throwable failure = result.handle((value, ex) -> ex).get(10, TimeUnit.SECONDS);
		assertThat(failure).as("batchProcess must not fail as a whole; the first batch's results are lost").isNull();
		List<Outcome<Integer>> outcomes = result.get();
		assertThat(outcomes).hasSize(6);
		assertThat(outcomes.subList(0, 3)).allMatch((outcome) -> !outcome.isFailure());
		assertThat(outcomes.subList(3, 6)).allSatisfy((outcome) -> assertThat(outcome)
			.isInstanceOfSatisfying(Outcome.Failure.class,
					(f) -> assertThat(f.exception()).isInstanceOf(NotStartedException.class)));
	}

	// ---------------------------------------------------------------------------------
	// Contract 5/6 and asyncMap's Javadoc: "The returned future is cancelled (or completed
	// by the caller): the tracker ends as CANCELLED".
	// ---------------------------------------------------------------------------------

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "complete", "completeExceptionally", "orTimeout" })
	void aMapCompletedByTheCallerEndsItsTrackerAsCancelled(String how) throws Exception {
		CountDownLatch started = new CountDownLatch(2);
		AsyncProgress tracker = new AsyncProgress("import", 4);
		CompletableFuture<List<Outcome<Integer>>> result = this.pools.helpers()
			.asyncMap(IntStream.range(0, 4).boxed().toList(), Task.blocking((Integer i) -> {
				started.countDown();
				Thread.sleep(60_000);
				return i;
			}), 2, tracker);
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

		switch (how) {
			case "complete" -> result.complete(List.of());
			case "completeExceptionally" -> result.completeExceptionally(new IllegalStateException("mine"));
			default -> result.orTimeout(1, TimeUnit.MILLISECONDS);
		}

		await().atMost(Duration.ofSeconds(10)).until(result::isDone);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pools.executor().getActiveCount() == 0);
		assertThat(tracker.state()).as("tracker after the caller's " + how).isEqualTo(AsyncProgress.State.CANCELLED);
		assertThat(tracker.succeeded() + tracker.failed()).isZero();
	}

	@Test
	void aStreamCompletedByTheCallerEndsItsTracker() throws Exception {
		CountDownLatch started = new CountDownLatch(2);
		AsyncProgress tracker = new AsyncProgress("stream", 4);
		CompletableFuture<Long> result = this.pools.helpers()
			.asyncForEach(IntStream.range(0, 4).boxed().toList(), Task.blocking((Integer i) -> {
				started.countDown();
				Thread.sleep(60_000);
				return i;
			}), 2, tracker, (item, outcome) -> {
			});
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

		result.complete(0L);

		await().atMost(Duration.ofSeconds(10)).until(() -> this.pools.executor().getActiveCount() == 0);
		assertThat(tracker.isEnded()).as("tracker state: " + tracker.state()).isTrue();
	}

	// ---------------------------------------------------------------------------------
	// Contract 6: "ANY completion of a returned future by the caller stops the work for
	// retry". The caller completes the result at the instant the next attempt is submitted
	// (the executor hook makes the race window deterministic).
	// ---------------------------------------------------------------------------------

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "cancel", "complete", "completeExceptionally" })
	void aRetryCompletedByTheCallerWhileTheNextAttemptIsSubmittedRunsNoFurtherAttempt(String how) {
		AtomicReference<CompletableFuture<String>> retry = new AtomicReference<>();
		AtomicInteger submissions = new AtomicInteger();
		ThreadPoolExecutor pool = this.pools.executor();
		Executor hooked = (task) -> {
			if (submissions.incrementAndGet() == 2) {
				// The caller completes the result on another thread at this very moment.
				CompletableFuture<String> result = retry.get();
				switch (how) {
					case "cancel" -> result.cancel(true);
					case "complete" -> result.complete("mine");
					default -> result.completeExceptionally(new IllegalStateException("mine"));
				}
			}
			pool.execute(task);
		};
		AsyncHelpers helpers = new AsyncHelpers(hooked, this.pools.scheduler());
		AtomicInteger attempts = new AtomicInteger();

		retry.set(helpers.retryWithBackoff(Task.blocking(() -> {
			if (attempts.incrementAndGet() == 1) {
				throw new IOException("down");
			}
			return "attempt " + attempts.get();
		}), RetrySpec.defaults().withBaseDelay(Duration.ofMillis(300))));

		await().atMost(Duration.ofSeconds(10)).until(() -> pool.getCompletedTaskCount() >= 2);
		assertThat(retry.get()).isDone();
		assertThat(attempts).as("attempts after the caller's " + how + " of the retry's future").hasValue(1);
	}

	// ---------------------------------------------------------------------------------
	// Contract 4: context "cleared afterwards (no leak into later work on a pool thread)".
	// ---------------------------------------------------------------------------------

	@Test
	void aTaskOfACallerWithoutMdcLeavesNoMdcOnThePoolThread() throws Exception {
		try (Pools single = Pools.fixed(1)) {
			MDC.clear();
			single.helpers().ensureAsync(() -> {
				MDC.put("request", "set-by-task");
				return null;
			}).get(10, TimeUnit.SECONDS);

			String later = CompletableFuture.supplyAsync(() -> MDC.get("request"), single.executor())
				.get(10, TimeUnit.SECONDS);
			String laterTask = single.helpers().ensureAsync(() -> MDC.get("request")).get(10, TimeUnit.SECONDS);

			assertThat(later).as("MDC left on the pool thread for unrelated later work").isNull();
			assertThat(laterTask).as("MDC seen by another caller's task").isNull();
		}
	}

	@Test
	void aTaskOfACallerWithMdcLeavesNoMdcOnThePoolThread() throws Exception {
		// Control: with a non-empty captured MDC the thread's own map is restored.
		try (Pools single = Pools.fixed(1)) {
			MDC.put("request", "r-1");
			single.helpers().ensureAsync(() -> {
				MDC.put("extra", "set-by-task");
				return null;
			}).get(10, TimeUnit.SECONDS);
			MDC.clear();

			String later = CompletableFuture.supplyAsync(() -> MDC.get("extra"), single.executor())
				.get(10, TimeUnit.SECONDS);
			assertThat(later).isNull();
		}
	}

	// ---------------------------------------------------------------------------------
	// Contract 4: "The caller's context captured once per call is in place for every ...
	// item, batch ..., whichever thread runs it". The per-item task function is the
	// caller's per-item code.
	// ---------------------------------------------------------------------------------

	@Test
	void theTaskFunctionOfEveryBatchRunsInTheCallersContext() {
		Queue<String> seen = new ConcurrentLinkedQueue<>();
		MDC.put("request", "r-batch");
		CompletableFuture<List<Outcome<Integer>>> result = this.pools.helpers()
			.batchProcess(IntStream.range(0, 4).boxed().toList(), (Integer i) -> {
				seen.add(String.valueOf(MDC.get("request")));
				return Task.blocking(() -> i);
			}, 2, Duration.ofMillis(10));
		MDC.clear();

		assertThat(result).succeedsWithin(Duration.ofSeconds(10));
		assertThat(seen).hasSize(4).containsOnly("r-batch");
	}

	@Test
	void theTaskFunctionNeverRunsInAnotherCallersContext() throws Exception {
		Queue<String> seen = new ConcurrentLinkedQueue<>();
		CompletableFuture<Integer> gate = new CompletableFuture<>();
		MDC.put("request", "mine");
		CompletableFuture<List<Outcome<Integer>>> result = this.pools.helpers()
			.asyncMap(List.of(0, 1), (Integer i) -> {
				seen.add(String.valueOf(MDC.get("request")));
				return (i == 0) ? Task.async(() -> gate) : Task.blocking(() -> i);
			}, 1);
		MDC.clear();

		// Another request's thread completes the first item's stage (a shared client's callback).
		Thread other = new Thread(() -> {
			MDC.put("request", "someone-else");
			gate.complete(0);
			MDC.clear();
		});
		other.start();
		other.join(10_000);

		assertThat(result).succeedsWithin(Duration.ofSeconds(10));
		assertThat(seen).containsExactly("mine", "mine");
	}

	// ---------------------------------------------------------------------------------
	// Class Javadoc, Shutdown: "When the executor refuses work because it is shut down (or
	// the helpers are closed), the work that was never started fails with a
	// NotStartedException, and a fan-out stops taking items ... a tracker of the run ends
	// as STOPPED". (Debatable: close() says running tasks are not touched.)
	// ---------------------------------------------------------------------------------

	@Test
	void aFanOutStartedAfterADelayRunsItsItemsConcurrently() throws Exception {
		java.util.concurrent.CyclicBarrier bothRunning = new java.util.concurrent.CyclicBarrier(2);
		CompletableFuture<List<Outcome<Integer>>> result = this.pools.helpers()
			.delay(Duration.ofMillis(10))
			.thenCompose((ignored) -> this.pools.helpers()
				.asyncMap(List.of(1, 2), Task.blocking((Integer i) -> {
					bothRunning.await(2, TimeUnit.SECONDS);
					return i;
				}), 2));

		assertThat(result).succeedsWithin(Duration.ofSeconds(10))
			.satisfies((outcomes) -> assertThat(outcomes).as("both items ran at once").allMatch((o) -> !o.isFailure()));
	}

	// ---------------------------------------------------------------------------------
	// Passing probes (the contract held).
	// ---------------------------------------------------------------------------------

	@Test
	void callWithRetryRetriesASocketTimeoutButStopsAtTheFlag() {
		AtomicInteger attempts = new AtomicInteger();
		RetrySpec fast = RetrySpec.defaults().withBaseDelay(Duration.ofMillis(1));
		assertThatThrownBy(() -> this.pools.helpers().callWithRetry("op", () -> {
			int n = attempts.incrementAndGet();
			if (n == 1) {
				throw new SocketTimeoutException("slow peer");
			}
			Thread.currentThread().interrupt();
			throw new IOException("failed while interrupted");
		}, fast)).isInstanceOf(InterruptedException.class);
		assertThat(attempts).hasValue(2);
		assertThat(Thread.interrupted()).as("flag kept").isTrue();
	}

	@Test
	void aBlockingRetryOnACallerRunsPoolLeavesNoStrayInterruptAfterATimeout() throws Exception {
		ThreadPoolExecutor callerRuns = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(1), new ThreadPoolExecutor.CallerRunsPolicy());
		try {
			CountDownLatch release = new CountDownLatch(1);
			callerRuns.execute(() -> {
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			callerRuns.execute(() -> {
			});
			AsyncHelpers helpers = new AsyncHelpers(callerRuns, this.pools.scheduler());
			CompletableFuture<String> timed = helpers.runWithTimeout(Task.blocking(() -> {
				Thread.sleep(30_000);
				return "late";
			}), Duration.ofMillis(100));
			boolean stray = Thread.interrupted();
			release.countDown();
			assertThat(timed).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
				.havingCause().isInstanceOf(AsyncTimeoutException.class);
			assertThat(stray).isFalse();
		}
		finally {
			callerRuns.shutdownNow();
		}
	}

	@Test
	void eachRetryAndBatchAbandonedAtCloseGetsItsOwnCancellation() throws Exception {
		CompletableFuture<Object> retry = this.pools.helpers().retryWithBackoff(Task.blocking(() -> {
			throw new IOException("down");
		}), RetrySpec.defaults().withBaseDelay(Duration.ofMinutes(5)));
		CompletableFuture<List<Outcome<Integer>>> batches = this.pools.helpers()
			.batchProcess(List.of(1, 2, 3, 4), Task.blocking((Integer i) -> i), 2, Duration.ofMinutes(5));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pools.helpers().pendingPauses() == 2);

		this.pools.helpers().close();

		Throwable retryEnd = retry.handle((v, ex) -> ex).get(10, TimeUnit.SECONDS);
		Throwable batchEnd = batches.handle((v, ex) -> ex).get(10, TimeUnit.SECONDS);
		assertThat(retryEnd).isInstanceOf(CancellationException.class);
		assertThat(batchEnd).isInstanceOf(CancellationException.class).isNotSameAs(retryEnd);
	}

	@Test
	void completingAFilterByTheCallerCancelsThePredicatesStages() {
		Queue<CompletableFuture<Boolean>> predicates = new ConcurrentLinkedQueue<>();
		CompletableFuture<List<Integer>> kept = this.pools.helpers().asyncFilter(List.of(1, 2, 3),
				Task.async((Integer i) -> {
					CompletableFuture<Boolean> decision = new CompletableFuture<>();
					predicates.add(decision);
					return decision;
				}), 3);

		kept.complete(List.of());

		assertThat(predicates).hasSize(3).allMatch(CompletableFuture::isCancelled);
	}

	@Test
	void aMapStartedOnAShutDownExecutorStopsItsTracker() throws Exception {
		this.pools.executor().shutdown();
		AsyncProgress tracker = new AsyncProgress("late", 5);
		List<Outcome<Integer>> outcomes = this.pools.helpers()
			.asyncMap(IntStream.range(0, 5).boxed().toList(), Task.blocking((Integer i) -> i), 2, tracker)
			.get(10, TimeUnit.SECONDS);
		assertThat(outcomes).hasSize(5).allMatch(Outcome::isFailure);
		assertThat(tracker.state()).isEqualTo(AsyncProgress.State.STOPPED);
		assertThat(tracker.failed()).isZero();
	}

	@Test
	void aFailFastGatherOnAShutDownExecutorFailsWithNotStarted() {
		this.pools.executor().shutdown();
		assertThat(this.pools.helpers().gatherWithLimit(List.of(Task.blocking(() -> 1), Task.blocking(() -> 2)), 1))
			.failsWithin(Duration.ofSeconds(10)).withThrowableThat().isInstanceOf(ExecutionException.class)
			.havingCause().isInstanceOf(NotStartedException.class);
	}

}
