/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
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
	void anAsyncStageCompleteOnReturnArmsNoTimerAndIsPassedOnAsItIs() throws Exception {
		try (Pools counted = Pools.fixed(2, new CountingScheduler())) {
			CountingScheduler scheduler = (CountingScheduler) counted.scheduler();
			IllegalStateException refused = new IllegalStateException("invalid id");

			CompletableFuture<String> hit = counted.helpers()
				.runWithTimeout(Task.async(() -> CompletableFuture.completedFuture("cached")), Duration.ofSeconds(30));
			CompletableFuture<String> failed = counted.helpers()
				.runWithTimeout(Task.async(() -> CompletableFuture.failedFuture(new CompletionException(refused))),
						Duration.ofSeconds(30));

			assertThat(hit).isCompletedWithValue("cached");
			assertThat(failed).isCompletedExceptionally();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(failed::get).withCause(refused);
			assertThat(scheduler.delays).isEmpty();
		}
	}

	@Test
	void anAsyncStageIsTimedForWhatIsLeftOfTheLimitAfterItsSupplierReturned() throws Exception {
		try (Pools counted = Pools.fixed(2, new CountingScheduler())) {
			CountingScheduler scheduler = (CountingScheduler) counted.scheduler();
			CompletableFuture<String> pending = new CompletableFuture<>();

			CompletableFuture<String> result = counted.helpers().runWithTimeout(Task.async(() -> {
				sleep(200);
				return pending;
			}), Duration.ofSeconds(30));

			assertThat(scheduler.delays).singleElement()
				.satisfies((nanos) -> assertThat(nanos).isLessThanOrEqualTo(Duration.ofMillis(29_800).toNanos())
					.isPositive());
			pending.complete("late but in time");
			assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("late but in time");
			await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.getQueue().isEmpty());
		}
	}

	@Test
	void anAsyncSupplierThatTookTheWholeLimitToReturnFailsWithTheTimeoutEvenWithAResult() {
		List<AsyncEvent> seen = new CopyOnWriteArrayList<>();
		CompletableFuture<String> pending = new CompletableFuture<>();

		CompletableFuture<String> complete = this.pools.helpers().withEventListener(seen::add)
			.runWithTimeout("slow-lookup", Task.async(() -> {
				sleep(60);
				return CompletableFuture.completedFuture("too late");
			}), Duration.ofMillis(20), null);
		CompletableFuture<String> incomplete = this.pools.helpers().runWithTimeout(Task.async(() -> {
			sleep(60);
			return pending;
		}), Duration.ofMillis(20));

		assertThat(complete).isCompletedExceptionally();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(complete::get)
			.havingCause()
			.isInstanceOf(AsyncTimeoutException.class)
			.withMessage("Operation timed out after 20ms");
		assertThat(seen).singleElement().isInstanceOf(AsyncEvent.TimeLimitReached.class);
		assertThat(incomplete).isCompletedExceptionally();
		assertThat(pending).isCancelled();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A scheduler that drops cancelled timers at once and remembers every delay asked for. */
	static final class CountingScheduler extends ScheduledThreadPoolExecutor {

		final List<Long> delays = new CopyOnWriteArrayList<>();

		CountingScheduler() {
			super(1);
			setRemoveOnCancelPolicy(true);
		}

		@Override
		public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			this.delays.add(unit.toNanos(delay));
			return super.schedule(command, delay, unit);
		}

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
