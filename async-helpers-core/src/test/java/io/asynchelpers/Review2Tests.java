/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Second adversarial review of {@link CallerTimeouts}, {@link Pauses} and the retries they
 * wake: each test failed against the code under review.
 */
class Review2Tests {

	private final ExecutorService executor = Executors.newFixedThreadPool(2,
			(runnable) -> new Thread(runnable, "worker-" + System.nanoTime()));

	private final List<ScheduledThreadPoolExecutor> schedulers = new CopyOnWriteArrayList<>();

	@AfterEach
	void shutDown() {
		this.executor.shutdownNow();
		this.schedulers.forEach(ScheduledThreadPoolExecutor::shutdownNow);
	}

	/** A scheduler whose first {@code schedule} throws an IllegalStateException. */
	private ScheduledThreadPoolExecutor refusingTheFirstTimer() {
		AtomicInteger schedules = new AtomicInteger();
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
				(runnable) -> new Thread(runnable, "timer-" + System.nanoTime())) {

			@Override
			public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
				if (schedules.incrementAndGet() == 1) {
					throw new IllegalStateException("first timer refused");
				}
				return super.schedule(command, delay, unit);
			}

		};
		scheduler.setRemoveOnCancelPolicy(true);
		this.schedulers.add(scheduler);
		return scheduler;
	}

	// CallerTimeouts.watch(): when the timer cannot be armed for another reason than a
	// RejectedExecutionException, the slot keeps the call (slot.call is only reset for a
	// RejectedExecutionException) and callWithTimeout does not exit its guard (it only
	// catches RejectedExecutionException). The call has ended (it threw to its caller), but a
	// later sweep, armed by any other watched call, finds it past its deadline and interrupts
	// the thread, which by then is doing something else.

	@Test
	void aCallWhoseTimerCouldNotBeArmedIsNotInterruptedAfterItEnded() throws Exception {
		ScheduledThreadPoolExecutor scheduler = refusingTheFirstTimer();
		AsyncHelpers helpers = new AsyncHelpers(this.executor, scheduler);
		AtomicReference<Throwable> refused = new AtomicReference<>();
		CountDownLatch callEnded = new CountDownLatch(1);
		CountDownLatch otherCallDone = new CountDownLatch(1);
		AtomicReference<Boolean> interruptedLater = new AtomicReference<>();
		Thread caller = new Thread(() -> {
			try {
				helpers.callWithTimeout(() -> "never run", Duration.ofMillis(200), null);
			}
			catch (Throwable ex) {
				refused.set(ex);
			}
			callEnded.countDown();
			// The call is over: whatever this thread does next is none of the time limit's business.
			try {
				otherCallDone.await(10, TimeUnit.SECONDS);
				Thread.sleep(2_000);
				interruptedLater.set(false);
			}
			catch (InterruptedException ex) {
				interruptedLater.set(true);
			}
		}, "caller");
		caller.start();
		assertThat(callEnded.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(refused.get()).isInstanceOf(IllegalStateException.class).hasMessage("first timer refused");

		// Another thread's watched call arms the shared timer (the scheduler takes it now).
		assertThat(helpers.callWithTimeout(() -> "other", Duration.ofMillis(20), null)).isEqualTo("other");
		otherCallDone.countDown();

		caller.join(15_000);
		assertThat(interruptedLater.get()).as("the caller's thread was interrupted after its call ended").isFalse();
	}

	@Test
	void aCallWhoseTimerCouldNotBeArmedIsNoLongerWatched() throws Exception {
		ScheduledThreadPoolExecutor scheduler = refusingTheFirstTimer();
		AsyncHelpers helpers = new AsyncHelpers(this.executor, scheduler);
		Throwable refused = null;
		try {
			helpers.callWithTimeout(() -> "never run", Duration.ofSeconds(30), null);
		}
		catch (IllegalStateException ex) {
			refused = ex;
		}
		assertThat(refused).isNotNull();
		assertThat(helpers.watchedCalls()).as("calls watched after the only one ended").isZero();
	}

	// Pauses.schedule(Sleeper, ...): "Exactly one of the two is called, once; except that a
	// wake-up that throws, wherever it runs, is followed by an abandon with what it threw". The
	// review found the executor's refusal and a throwing wake-up not told apart on the executor
	// (a wake-up that threw a RejectedExecutionException was woken again); the contract now
	// names the abandon after a throwing wake-up for every mode.

	@Test
	void anOnExecutorWakeThatThrowsIsFollowedByOneAbandonWithWhatItThrew() {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		scheduler.setRemoveOnCancelPolicy(true);
		this.schedulers.add(scheduler);
		Pauses pauses = new Pauses(scheduler, this.executor);
		List<String> ends = new CopyOnWriteArrayList<>();
		pauses.schedule(new Pauses.Sleeper() {

			@Override
			public void wake() {
				ends.add("wake on " + Thread.currentThread().getName());
				throw new IllegalStateException("the wake-up failed");
			}

			@Override
			public void abandon(Throwable reason) {
				ends.add("abandon(" + reason + ") on " + Thread.currentThread().getName());
			}

		}, TimeUnit.MILLISECONDS.toNanos(10), Pauses.Wake.ON_EXECUTOR);

		await().atMost(Duration.ofSeconds(10)).until(() -> ends.size() >= 2);
		// Leave time for a third end, if any.
		CompletableFuture<?> settle = new CompletableFuture<>();
		settle.completeOnTimeout(null, 500, TimeUnit.MILLISECONDS).join();
		assertThat(ends).as("the ends of one pause").hasSize(2);
		assertThat(ends.get(0)).startsWith("wake on worker-");
		assertThat(ends.get(1)).startsWith("abandon(java.lang.IllegalStateException: the wake-up failed) on worker-");
	}

	@Test
	void anOnExecutorOrTimerWakeThatThrowsARejectionIsNotWokenTwice() {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
				(runnable) -> new Thread(runnable, "timer-" + System.nanoTime()));
		scheduler.setRemoveOnCancelPolicy(true);
		this.schedulers.add(scheduler);
		Pauses pauses = new Pauses(scheduler, this.executor);
		List<String> wakes = new CopyOnWriteArrayList<>();
		pauses.schedule(() -> {
			wakes.add(Thread.currentThread().getName());
			// What a continuation that hands work on to a saturated pool meets.
			throw new RejectedExecutionException("the next step was refused");
		}, TimeUnit.MILLISECONDS.toNanos(10), (reason) -> {
		}, Pauses.Wake.ON_EXECUTOR_OR_TIMER);

		await().atMost(Duration.ofSeconds(10)).until(() -> !wakes.isEmpty());
		CompletableFuture<?> settle = new CompletableFuture<>();
		settle.completeOnTimeout(null, 500, TimeUnit.MILLISECONDS).join();
		// The executor took the continuation: it was not refused, and the wake ran once.
		assertThat(wakes).as("threads the wake-up ran on").hasSize(1);
	}

	// When the executor refuses a blocking retry's next attempt after a pause (a saturated
	// pool, not a shutdown), the refusal must not be judged as a failed attempt on the
	// scheduler's thread: no retry decision, log or AsyncEventListener may run there.

	@Test
	void aBlockingRetryWhoseNextAttemptIsRefusedRunsNoListenerOnTheSchedulerThread() {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
				(runnable) -> new Thread(runnable, "timer-" + System.nanoTime()));
		scheduler.setRemoveOnCancelPolicy(true);
		this.schedulers.add(scheduler);
		java.util.concurrent.atomic.AtomicBoolean saturated = new java.util.concurrent.atomic.AtomicBoolean();
		java.util.concurrent.Executor refusingWhenSaturated = (runnable) -> {
			if (saturated.get()) {
				throw new RejectedExecutionException("saturated");
			}
			this.executor.execute(runnable);
		};
		List<String> listenerThreads = new CopyOnWriteArrayList<>();
		AsyncHelpers helpers = new AsyncHelpers(refusingWhenSaturated, scheduler)
			.withEventListener((event) -> listenerThreads.add(event.getClass().getSimpleName() + " on "
					+ Thread.currentThread().getName()));
		RetrySpec spec = RetrySpec.defaults().withMaxRetries(2).withBaseDelay(Duration.ofMillis(20)).withJitter(Jitter.NONE);

		CompletableFuture<String> result = helpers.retryWithBackoff("saturated", Task.blocking(() -> {
			// From now on the pool is full.
			saturated.set(true);
			throw new java.io.IOException("first attempt");
		}), spec);

		await().atMost(Duration.ofSeconds(10)).until(result::isDone);
		assertThat(listenerThreads).isNotEmpty().noneMatch((entry) -> entry.contains(" on timer-"));
	}

}
