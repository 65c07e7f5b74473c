/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link AsyncHelpers#gatherWithLimit} and
 * {@link AsyncHelpers#gatherWithLimitSettled}.
 */
class GatherWithLimitTests {

	@RegisterExtension
	final Pools pools = Pools.fixed(8);

	@Test
	void limitIsNeverExceededWhileTasksOverlap() throws Exception {
		InFlightCounter counter = new InFlightCounter();
		List<Task<Integer>> tasks = IntStream.range(0, 60).mapToObj((i) -> Task.blocking(() -> {
			counter.enter();
			try {
				Thread.sleep(3);
				return i;
			}
			finally {
				counter.exit();
			}
		})).toList();

		List<Integer> results = this.pools.helpers().gatherWithLimit(tasks, 3).get(30, TimeUnit.SECONDS);

		assertThat(results).containsExactlyElementsOf(IntStream.range(0, 60).boxed().toList());
		assertThat(counter.max()).isLessThanOrEqualTo(3).isGreaterThan(1);
	}

	@Test
	void tenThousandTasksOnTwoThreadsFinishInOrderWithoutFloodingTheQueue() throws Exception {
		// A queue of 16 with the abort policy: submitting more than the window would be rejected.
		ThreadPoolExecutor small = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(16),
				new ThreadPoolExecutor.AbortPolicy());
		try {
			AsyncHelpers onTwoThreads = new AsyncHelpers(small, this.pools.scheduler());
			List<Task<Integer>> tasks = IntStream.range(0, 10_000).mapToObj((i) -> Task.blocking(() -> i)).toList();

			List<Integer> results = onTwoThreads.gatherWithLimit(tasks, 16).get(60, TimeUnit.SECONDS);

			assertThat(results).containsExactlyElementsOf(IntStream.range(0, 10_000).boxed().toList());
			assertThat(small.getCompletedTaskCount()).isEqualTo(10_000);
		}
		finally {
			small.shutdownNow();
		}
	}

	@Test
	void asyncTasksAreBoundedByTheLimit() throws Exception {
		InFlightCounter counter = new InFlightCounter();
		List<CompletableFuture<Integer>> pending = new ArrayList<>();
		List<Task<Integer>> tasks = IntStream.range(0, 20).mapToObj((i) -> Task.<Integer>async(() -> {
			counter.enter();
			CompletableFuture<Integer> stage = new CompletableFuture<>();
			synchronized (pending) {
				pending.add(stage);
			}
			return stage.whenComplete((v, ex) -> counter.exit());
		})).toList();

		CompletableFuture<List<Integer>> result = this.pools.helpers().gatherWithLimit(tasks, 5);
		for (int i = 0; i < 20; i++) {
			int index = i;
			await().atMost(Duration.ofSeconds(10)).until(() -> pendingSize(pending) > index);
			assertThat(counter.current()).isLessThanOrEqualTo(5);
			CompletableFuture<Integer> next;
			synchronized (pending) {
				next = pending.get(index);
			}
			next.complete(index * 10);
		}

		assertThat(result.get(10, TimeUnit.SECONDS)).hasSize(20).startsWith(0, 10, 20).endsWith(190);
		assertThat(counter.max()).isEqualTo(5);
	}

	@Test
	void synchronouslyCompletingTasksDoNotGrowTheStack() throws Exception {
		List<Task<Integer>> tasks = IntStream.range(0, 200_000)
			.mapToObj((i) -> Task.<Integer>async(() -> CompletableFuture.completedFuture(i)))
			.toList();

		List<Integer> results = this.pools.helpers().gatherWithLimit(tasks, 4).get(60, TimeUnit.SECONDS);

		assertThat(results).hasSize(200_000).endsWith(199_999);
	}

	@Test
	void failFastFailsWithTheFirstFailureInterruptsRunningTasksAndStartsNoMore() throws Exception {
		CountDownLatch othersRunning = new CountDownLatch(3);
		AtomicInteger interrupted = new AtomicInteger();
		AtomicInteger started = new AtomicInteger();
		List<Task<String>> tasks = new ArrayList<>();
		tasks.add(Task.blocking(() -> {
			started.incrementAndGet();
			othersRunning.await();
			throw new IOException("boom");
		}));
		for (int i = 0; i < 50; i++) {
			tasks.add(Task.blocking(() -> {
				started.incrementAndGet();
				othersRunning.countDown();
				try {
					Thread.sleep(30_000);
					return "late";
				}
				catch (InterruptedException ex) {
					interrupted.incrementAndGet();
					throw ex;
				}
			}));
		}

		CompletableFuture<List<String>> result = this.pools.helpers().gatherWithLimit(tasks, 4);

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(IOException.class)
			.withMessageContaining("boom");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(interrupted).hasValue(3));
		assertThat(started).hasValue(4);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pools.executor().getActiveCount() == 0);
		assertThat(this.pools.executor().getQueue()).isEmpty();
	}

	@Test
	void cancellingTheResultInterruptsRunningTasksAndStartsNoMore() {
		InFlightCounter counter = new InFlightCounter();
		AtomicInteger interrupted = new AtomicInteger();
		List<Task<String>> tasks = IntStream.range(0, 100).mapToObj((i) -> Task.<String>blocking(() -> {
			counter.enter();
			try {
				Thread.sleep(30_000);
				return "late";
			}
			catch (InterruptedException ex) {
				interrupted.incrementAndGet();
				throw ex;
			}
			finally {
				counter.exit();
			}
		})).toList();
		CompletableFuture<List<String>> result = this.pools.helpers().gatherWithLimit(tasks, 5);
		await().atMost(Duration.ofSeconds(10)).until(() -> counter.current() == 5);

		result.cancel(true);

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(interrupted).hasValue(5));
		assertThat(counter.started()).isEqualTo(5);
		assertThat(counter.current()).isZero();
	}

	@Test
	void cancellingTheResultCancelsRunningAsyncStages() {
		List<CompletableFuture<String>> stages = new ArrayList<>();
		List<Task<String>> tasks = IntStream.range(0, 10).mapToObj((i) -> Task.<String>async(() -> {
			CompletableFuture<String> stage = new CompletableFuture<>();
			synchronized (stages) {
				stages.add(stage);
			}
			return stage;
		})).toList();
		CompletableFuture<List<String>> result = this.pools.helpers().gatherWithLimit(tasks, 3);

		result.cancel(true);

		synchronized (stages) {
			assertThat(stages).hasSize(3).allMatch(CompletableFuture::isCancelled);
		}
	}

	@Test
	void settledModeReturnsOneOutcomePerTaskInOrder() throws Exception {
		IllegalStateException failure = new IllegalStateException("odd");
		List<Task<Integer>> tasks = IntStream.range(0, 6).mapToObj((i) -> Task.<Integer>blocking(() -> {
			if (i % 2 == 1) {
				throw failure;
			}
			return i;
		})).toList();

		List<Outcome<Integer>> outcomes = this.pools.helpers().gatherWithLimitSettled(tasks, 2).get(10, TimeUnit.SECONDS);

		assertThat(outcomes).containsExactly(Outcome.success(0), Outcome.failure(failure), Outcome.success(2),
				Outcome.failure(failure), Outcome.success(4), Outcome.failure(failure));
	}

	@Test
	void aRejectedTaskBecomesAFailureOutcomeCarryingTheRejection() throws Exception {
		AsyncHelpers rejecting = new AsyncHelpers((command) -> {
			throw new RejectedExecutionException("queue full");
		}, this.pools.scheduler());

		List<Outcome<Integer>> outcomes = rejecting
			.gatherWithLimitSettled(List.of(Task.blocking(() -> 1), Task.blocking(() -> 2)), 2)
			.get(10, TimeUnit.SECONDS);

		assertThat(outcomes).hasSize(2)
			.allSatisfy((outcome) -> assertThat(outcome).isInstanceOfSatisfying(Outcome.Failure.class,
					(failure) -> assertThat(failure.exception()).isInstanceOf(RejectedExecutionException.class)
						.hasMessage("queue full")));
	}

	@Test
	void emptyInputCompletesAtOnce() {
		assertThat(this.pools.helpers().gatherWithLimit(List.<Task<String>>of(), 3)).isCompletedWithValue(List.of());
	}

	private static int pendingSize(List<?> pending) {
		synchronized (pending) {
			return pending.size();
		}
	}

}
