/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the shared sweep behind {@link AsyncHelpers#callWithTimeout}.
 */
class CallerTimeoutsTests {

	private final AtomicInteger timersScheduled = new AtomicInteger();

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1) {

		@Override
		public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			CallerTimeoutsTests.this.timersScheduled.incrementAndGet();
			return super.schedule(command, delay, unit);
		}

	};

	private final ExecutorService callers = Executors.newCachedThreadPool();

	private final AsyncHelpers helpers;

	CallerTimeoutsTests() {
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.helpers = new AsyncHelpers(Runnable::run, this.scheduler);
	}

	@AfterEach
	void shutDown() {
		this.callers.shutdownNow();
		this.scheduler.shutdownNow();
	}

	@Test
	void callsThatFinishInTimeShareOneTimer() throws Exception {
		for (int i = 0; i < 500; i++) {
			assertThat(this.helpers.callWithTimeout(() -> "ok", Duration.ofSeconds(30), null)).isEqualTo("ok");
		}

		// One sweep, armed for the first call's deadline, instead of 500 timers.
		assertThat(this.timersScheduled).hasValue(1);
		assertThat(this.scheduler.getQueue()).hasSize(1);
		assertThat(this.helpers.watchedCalls()).isZero();
	}

	@Test
	void aShortLimitStartedAfterALongOneStillEndsOnTime() throws Exception {
		// The sweep is first armed for the long call's deadline; the short one must re-arm it.
		CountDownLatch longStarted = new CountDownLatch(1);
		Future<String> longCall = this.callers.submit(() -> this.helpers.callWithTimeout(() -> {
			longStarted.countDown();
			Thread.sleep(1_000);
			return "long";
		}, Duration.ofMinutes(10), null));
		longStarted.await(10, TimeUnit.SECONDS);

		long start = System.nanoTime();
		assertThatExceptionOfType(AsyncTimeoutException.class).isThrownBy(() -> this.helpers.callWithTimeout(() -> {
			Thread.sleep(30_000);
			return "late";
		}, Duration.ofMillis(50), null));

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		assertThat(longCall.get(10, TimeUnit.SECONDS)).isEqualTo("long");
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void theSweepReArmsForCallsThatAreNotDueYet() throws Exception {
		// Deadlines 50 ms apart: each sweep finds one call due and the others pending.
		List<Future<Throwable>> calls = new ArrayList<>();
		for (int i = 1; i <= 4; i++) {
			Duration limit = Duration.ofMillis(50L * i);
			calls.add(this.callers.submit(() -> {
				try {
					this.helpers.callWithTimeout(() -> {
						Thread.sleep(30_000);
						return "late";
					}, limit, null);
					return null;
				}
				catch (Exception ex) {
					return ex;
				}
			}));
		}

		for (Future<Throwable> call : calls) {
			assertThat(call.get(10, TimeUnit.SECONDS)).isInstanceOf(AsyncTimeoutException.class);
		}
		assertThat(this.helpers.watchedCalls()).isZero();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.scheduler.getQueue().isEmpty());
	}

	@Test
	void manyThreadsCallingAtOnceAreEachTimedAndNeverInterruptedAfterwards() throws Exception {
		AtomicInteger timedOut = new AtomicInteger();
		AtomicInteger strayInterrupts = new AtomicInteger();
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			int thread = t;
			workers.add(this.callers.submit(() -> {
				for (int i = 0; i < 2_000; i++) {
					int call = i;
					boolean slow = (i % 500) == thread;
					try {
						this.helpers.callWithTimeout(() -> {
							if (slow) {
								Thread.sleep(30_000);
							}
							return call;
						}, Duration.ofMillis(slow ? 20 : 60_000), null);
					}
					catch (AsyncTimeoutException ex) {
						timedOut.incrementAndGet();
					}
					if (Thread.currentThread().isInterrupted()) {
						strayInterrupts.incrementAndGet();
					}
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get(60, TimeUnit.SECONDS);
		}

		// Each of the 8 threads had 4 slow calls (i = thread, thread + 500, ...).
		assertThat(timedOut).hasValue(32);
		assertThat(strayInterrupts).hasValue(0);
		assertThat(this.helpers.watchedCalls()).isZero();
	}

	@Test
	void aCallNestedOnTheSameThreadHasItsOwnLimit() throws Exception {
		String outer = this.helpers.callWithTimeout(() -> {
			assertThatExceptionOfType(AsyncTimeoutException.class).isThrownBy(() -> this.helpers.callWithTimeout(() -> {
				Thread.sleep(30_000);
				return "late";
			}, Duration.ofMillis(50), null));
			return "outer finished";
		}, Duration.ofMinutes(10), null);

		assertThat(outer).isEqualTo("outer finished");
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
		assertThat(this.helpers.watchedCalls()).isZero();
	}

	@Test
	void aReArmingTheSchedulerRefusesWithAnotherExceptionIsReportedAndTheNextWatchedCallArmsAgain() throws Exception {
		List<Throwable> reported = new CopyOnWriteArrayList<>();
		AtomicInteger schedules = new AtomicInteger();
		ScheduledThreadPoolExecutor refusingTheSecond = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task);
			thread.setUncaughtExceptionHandler((failed, ex) -> reported.add(ex));
			return thread;
		}) {

			@Override
			public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
				if (schedules.incrementAndGet() == 2) {
					throw new IllegalStateException("second timer refused");
				}
				return super.schedule(command, delay, unit);
			}

		};
		try {
			CallerTimeouts timeouts = new CallerTimeouts(refusingTheSecond);
			// The second is watched long before the first is due: the first's timer covers it.
			Future<Boolean> first = watchedSleep(timeouts, Duration.ofSeconds(1));
			Future<Boolean> second = watchedSleep(timeouts, Duration.ofSeconds(3));

			// The sweep for the first call cannot arm for the second: the refusal is reported.
			assertThat(first.get(10, TimeUnit.SECONDS)).as("interrupted").isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> !reported.isEmpty());
			assertThat(reported).singleElement(InstanceOfAssertFactories.THROWABLE)
				.isInstanceOf(IllegalStateException.class)
				.hasMessage("second timer refused");
			assertThat(second).isNotDone();

			// The next watched call arms a timer, whose sweeps reach the second call too.
			Future<Boolean> third = watchedSleep(timeouts, Duration.ofMillis(10));
			assertThat(third.get(10, TimeUnit.SECONDS)).as("interrupted").isTrue();
			assertThat(second.get(10, TimeUnit.SECONDS)).as("interrupted").isTrue();
			assertThat(timeouts.watchedCount()).isZero();
		}
		finally {
			refusingTheSecond.shutdownNow();
		}
	}

	/** A call that sleeps 10 s on a pool thread, watched for {@code limit}: whether it was interrupted. */
	private Future<Boolean> watchedSleep(CallerTimeouts timeouts, Duration limit) throws InterruptedException {
		CountDownLatch watching = new CountDownLatch(1);
		Future<Boolean> call = this.callers.submit(() -> {
			InterruptGuard guard = new InterruptGuard();
			guard.enter();
			CallerTimeouts.Watch watch = timeouts.watch(guard, limit.toNanos());
			watching.countDown();
			try {
				Thread.sleep(10_000);
				return false;
			}
			catch (InterruptedException ex) {
				return true;
			}
			finally {
				watch.end();
				guard.exit();
			}
		});
		assertThat(watching.await(10, TimeUnit.SECONDS)).isTrue();
		return call;
	}

	@Test
	void slotsOfThreadsThatEndedAreDroppedByASweep() throws InterruptedException {
		CallerTimeouts timeouts = new CallerTimeouts(this.scheduler);
		watchOnceOnThreadsThatEnd(timeouts, 20);
		assertThat(timeouts.slotCount()).isEqualTo(20);

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			System.gc();
			// A call due in 10 ms on a live pool thread: a sweep runs and the call is interrupted.
			this.callers.submit(() -> {
				InterruptGuard guard = new InterruptGuard();
				guard.enter();
				CallerTimeouts.Watch watch = timeouts.watch(guard, TimeUnit.MILLISECONDS.toNanos(10));
				try {
					Thread.sleep(10_000);
				}
				catch (InterruptedException ex) {
					// the sweep's interrupt: expected
				}
				finally {
					watch.end();
					guard.exit();
				}
				return null;
			}).get(15, TimeUnit.SECONDS);
			assertThat(timeouts.slotCount()).isEqualTo(1);
		});
	}

	private static void watchOnceOnThreadsThatEnd(CallerTimeouts timeouts, int threads) throws InterruptedException {
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(() -> timeouts.watch(new InterruptGuard(), TimeUnit.MINUTES.toNanos(10)).end());
			thread.start();
			thread.join();
		}
	}

}
