/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sixth adversarial review, of 2a15dc0 (Review round 5: Wake.ON_EXECUTOR_OR_TIMER on the timer
 * at once, a grace of HAND_OFF_GRACE_MILLIS after which a continuation runs on the timer, one
 * hand-off attempt per sweep once the pool is saturated, Pause.dropRequested, the isShutdown
 * check and InterruptibleFuture.withdraw). Every test here fails against it.
 */
class Review6Tests {

	@RegisterExtension
	final SaturatedPools pools = new SaturatedPools();

	private final ScheduledThreadPoolExecutor scheduler = this.pools.scheduler();

	private static boolean onTimer() {
		return Thread.currentThread().getName().startsWith("timer-");
	}

	private static RetrySpec oneRetryAfter(long millis) {
		return RetrySpec.defaults().withMaxRetries(1).withBaseDelay(Duration.ofMillis(millis)).withJitter(Jitter.NONE);
	}

	// ---------------------------------------------------------------------------------
	// 1. (Fixed: end() now checks before it offers.) Pause.end() checked isShutdown() after the executor took the continuation, and withdrew
	// it if it has not started. The check cannot tell "offered to a pool that was already shut
	// down" (the JDK's caller-runs policy dropped it) from "accepted by a running pool that was
	// then shut down gracefully" (shutdown(): previously submitted tasks are executed). In the
	// second case the pool holds the hand-off in its queue and would run it; the operation fails
	// with NotStartedException instead, and the pool later runs a hand-off that does nothing.
	// The hook (a delegating ExecutorService doing its own bookkeeping after the delegate
	// accepted the task, as a metrics wrapper does) only makes the instant deterministic.
	// ---------------------------------------------------------------------------------

	@Test
	void aNextAttemptAcceptedByAPoolBeforeItsGracefulShutdownStillRuns() throws Exception {
		ThreadPoolExecutor pool = this.pools.queueing();
		this.pools.saturate(pool);
		CountDownLatch accepted = new CountDownLatch(1);
		CountDownLatch shutDown = new CountDownLatch(1);
		AtomicBoolean hooked = new AtomicBoolean();
		AtomicInteger submitted = new AtomicInteger();
		AbstractExecutorService metered = new AbstractExecutorService() {

			@Override
			public void execute(Runnable command) {
				pool.execute(command);
				// Accepted: queued behind the running task, and a graceful shutdown will run it.
				if (onTimer() && hooked.compareAndSet(false, true)) {
					accepted.countDown();
					try {
						shutDown.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				submitted.incrementAndGet();
			}

			@Override
			public void shutdown() {
				pool.shutdown();
			}

			@Override
			public List<Runnable> shutdownNow() {
				return pool.shutdownNow();
			}

			@Override
			public boolean isShutdown() {
				return pool.isShutdown();
			}

			@Override
			public boolean isTerminated() {
				return pool.isTerminated();
			}

			@Override
			public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
				return pool.awaitTermination(timeout, unit);
			}

		};
		AsyncHelpers helpers = new AsyncHelpers(metered, this.scheduler);
		List<String> attempts = new CopyOnWriteArrayList<>();
		CompletableFuture<String> result = helpers.retryWithBackoff("accepted", Task.async(() -> {
			attempts.add(Thread.currentThread().getName());
			return (attempts.size() == 1) ? CompletableFuture.failedFuture(new IOException("first"))
					: CompletableFuture.completedFuture("second");
		}), oneRetryAfter(10));

		assertThat(accepted.await(10, TimeUnit.SECONDS)).isTrue();
		// The pool has the next attempt's hand-off in its queue. The application shuts it down
		// gracefully: what it accepted still runs.
		metered.shutdown();
		shutDown.countDown();
		// The sweep that handed it over is over before the running task ends and the pool's
		// thread takes the next one from its queue.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> submitted.get() == 1 && this.scheduler.getActiveCount() == 0);
		this.pools.release();
		assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		assertThat(pool.getCompletedTaskCount()).as("tasks the pool ran (the blocker and the hand-off)").isEqualTo(2);

		await().atMost(Duration.ofSeconds(5)).until(result::isDone);
		assertThat(result.handle((value, ex) -> (ex != null) ? ex.toString() : value).get())
			.as("the retry whose next attempt the pool accepted before its graceful shutdown, and ran; attempts "
					+ attempts)
			.isEqualTo("second");
	}

	// ---------------------------------------------------------------------------------
	// 2. "The pause waits ... until the pool takes it, for up to 1 s; after that it runs on the
	// scheduler's thread." A pool of one thread with a SynchronousQueue (a pool whose queue is
	// full, Spring's queueCapacity=0) takes a hand-off only while its worker waits for one: the
	// second hand-off of a sweep bounces while the worker picks up the first, and the skip
	// ("once one hand-off in a sweep bounced, the others due in that sweep wait without
	// trying") then sends every other pause of the sweep back for 64 ms without an offer,
	// counting a hand-off it never made. A freed pool thus takes about one continuation per
	// sweep; at the end of the grace the rest run on the timer thread from the skip path, never
	// offered at that instant. Here the pool is idle for about 800 ms of the 1 s grace, and
	// most of the 100 retries still run their next attempt (user code) on the timer thread.
	// (Without the skip, measured by a local experiment, still about half do: the 64 ms
	// re-offer cadence is the other half of the cause.)
	// ---------------------------------------------------------------------------------

	@Test
	void retriesWaitingForAPoolThatFreedUpEarlyInTheGraceDoNotRunOnTheTimer() throws Exception {
		ThreadPoolExecutor pool = this.pools.callerRuns();
		this.pools.saturate(pool);
		AsyncHelpers helpers = new AsyncHelpers(pool, this.scheduler);
		List<String> secondAttempts = new CopyOnWriteArrayList<>();
		List<CompletableFuture<String>> retries = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			AtomicInteger attempts = new AtomicInteger();
			retries.add(helpers.retryWithBackoff("waiting-" + i, Task.async(() -> {
				if (attempts.incrementAndGet() == 1) {
					return CompletableFuture.failedFuture(new IOException("first"));
				}
				secondAttempts.add(Thread.currentThread().getName());
				return CompletableFuture.completedFuture("second");
			}), oneRetryAfter(10)));
		}
		long start = System.nanoTime();
		// Every pause is over and bounces; the pool frees its thread early in the grace.
		TimeUnit.MILLISECONDS.sleep(200);
		assertThat(secondAttempts).isEmpty();
		this.pools.release();
		for (CompletableFuture<String> retry : retries) {
			assertThat(retry.get(30, TimeUnit.SECONDS)).isEqualTo("second");
		}
		long onTimer = secondAttempts.stream().filter((name) -> name.startsWith("timer-")).count();
		assertThat(onTimer)
			.as("of 100 next attempts, run on the timer thread although the pool's thread was free from "
					+ "about 200 ms into the grace of " + Pauses.HAND_OFF_GRACE_MILLIS + " ms (all done after "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms)")
			.isZero();
	}

	// ---------------------------------------------------------------------------------
	// 3. waitForThread: "Abandoned if the helpers closed meanwhile". That holds below the grace
	// (enqueue throws NotStartedException, the operation gets the CancellationException of
	// close()), but not for a pause whose grace is over: that branch checks only dropped(), and
	// wakes the operation on the timer thread after close() returned. A retry's next attempt
	// then runs (on the timer) after the helpers closed, instead of the retry failing with the
	// CancellationException close() promises every pausing operation. The hook, the executor's
	// own work on the timer thread at the last hand-off, only makes the instant deterministic
	// (the window is the whole sweep when many pauses reach the end of the grace together).
	// ---------------------------------------------------------------------------------

	@Test
	void closingWhileTheLastHandOffIsUnderWayAbandonsTheRetry() throws Exception {
		ThreadPoolExecutor pool = this.pools.callerRuns();
		this.pools.saturate(pool);
		java.util.concurrent.atomic.AtomicLong firstHandOff = new java.util.concurrent.atomic.AtomicLong();
		CountDownLatch inLastHandOff = new CountDownLatch(1);
		CountDownLatch closed = new CountDownLatch(1);
		long lastHandOffAfter = TimeUnit.MILLISECONDS.toNanos(Pauses.HAND_OFF_GRACE_MILLIS + 100);
		Executor decorating = (task) -> {
			// The first hand-off from the timer starts the grace; the first one after it is over is
			// the last one.
			firstHandOff.compareAndSet(0, onTimer() ? System.nanoTime() : 0);
			if (onTimer() && System.nanoTime() - firstHandOff.get() > lastHandOffAfter && inLastHandOff.getCount() > 0) {
				inLastHandOff.countDown();
				try {
					closed.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			pool.execute(task);
		};
		AsyncHelpers helpers = new AsyncHelpers(decorating, this.scheduler);
		List<String> attempts = new CopyOnWriteArrayList<>();
		AtomicBoolean closedFlag = new AtomicBoolean();
		CompletableFuture<String> result = helpers.retryWithBackoff("closing", Task.async(() -> {
			attempts.add(Thread.currentThread().getName() + (closedFlag.get() ? " after close" : ""));
			return CompletableFuture.<String>failedFuture(new IOException("down"));
		}), RetrySpec.defaults().withMaxRetries(3).withBaseDelay(Duration.ofMillis(10)).withJitter(Jitter.NONE));

		assertThat(inLastHandOff.await(20, TimeUnit.SECONDS)).isTrue();
		helpers.close();
		closedFlag.set(true);
		closed.countDown();

		await().atMost(Duration.ofSeconds(10)).until(result::isDone);
		assertThat(attempts).as("attempts").noneMatch((entry) -> entry.endsWith("after close"));
		// The failure itself: join() and get() wrap a cancellation in one of their own on Java 23+.
		assertThat(result.handle((value, failure) -> failure).join()).isInstanceOf(CancellationException.class)
			.hasMessageContaining("closed");
	}

}
