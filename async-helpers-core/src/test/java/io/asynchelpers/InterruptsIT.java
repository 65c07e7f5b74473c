/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Interrupts reach who they are meant for and nobody else: a waiting caller keeps its
 * interrupt, and a worker whose task was cancelled is not handed its next task with a stray
 * interrupt flag, even on an executor that does not clear it.
 */
class InterruptsIT {

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

	@AfterEach
	void shutdown() {
		this.scheduler.shutdownNow();
	}

	@Test
	void aCallerInterruptedDuringARetryPauseGetsInterruptedExceptionWithItsFlagKept() throws Exception {
		AsyncHelpers helpers = new AsyncHelpers(Runnable::run, this.scheduler);
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		AtomicBoolean flagAfter = new AtomicBoolean();
		CountDownLatch firstAttempt = new CountDownLatch(1);
		Thread caller = new Thread(() -> {
			try {
				helpers.callWithRetry("pausing", () -> {
					firstAttempt.countDown();
					throw new IOException("down");
				}, RetrySpec.defaults().withBaseDelay(Duration.ofSeconds(30)));
			}
			catch (Exception ex) {
				thrown.set(ex);
				flagAfter.set(Thread.currentThread().isInterrupted());
			}
		});
		caller.start();
		firstAttempt.await(10, TimeUnit.SECONDS);

		caller.interrupt();
		caller.join(10_000);

		assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
		assertThat(thrown.get().getSuppressed()).singleElement().isInstanceOf(IOException.class);
		assertThat(flagAfter).isTrue();
	}

	@Test
	void aCallerInterruptedBySomeoneElseDuringACallWithTimeoutKeepsItsFlag() throws Exception {
		AsyncHelpers helpers = new AsyncHelpers(Runnable::run, this.scheduler);
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		AtomicBoolean flagAfter = new AtomicBoolean();
		CountDownLatch started = new CountDownLatch(1);
		Thread caller = new Thread(() -> {
			try {
				helpers.callWithTimeout(() -> {
					started.countDown();
					Thread.sleep(30_000);
					return "late";
				}, Duration.ofSeconds(30), null);
			}
			catch (Exception ex) {
				thrown.set(ex);
				// Someone else's interrupt was consumed by sleep(); the call reports it as such.
				flagAfter.set(Thread.currentThread().isInterrupted());
			}
		});
		caller.start();
		started.await(10, TimeUnit.SECONDS);

		caller.interrupt();
		caller.join(10_000);

		assertThat(thrown.get()).as("not mistaken for a timeout").isInstanceOf(InterruptedException.class);
		assertThat(flagAfter).isFalse();
		assertThat(helpers.watchedCalls()).as("the call's time limit is no longer watched").isZero();
	}

	@Test
	void aWorkerWhoseTaskWasCancelledStartsItsNextTaskWithoutAStrayInterrupt() throws Exception {
		// A bare worker that, unlike ThreadPoolExecutor, never clears the interrupt flag itself.
		BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
		Thread worker = new Thread(() -> {
			while (true) {
				try {
					queue.take().run();
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		});
		worker.setDaemon(true);
		worker.start();
		Executor naive = queue::add;
		AsyncHelpers helpers = new AsyncHelpers(naive, this.scheduler);
		CountDownLatch running = new CountDownLatch(1);
		CompletableFuture<String> first = helpers.ensureAsync(() -> {
			running.countDown();
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			// Busy work that notices the interrupt only by polling, then returns normally.
			while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
				Thread.onSpinWait();
			}
			return "stopped";
		});
		running.await(10, TimeUnit.SECONDS);

		first.cancel(true);
		CompletableFuture<Boolean> next = helpers.ensureAsync(() -> Thread.currentThread().isInterrupted());

		assertThat(next.get(10, TimeUnit.SECONDS)).as("next task saw an interrupt").isFalse();
		await().atMost(Duration.ofSeconds(5)).until(() -> queue.isEmpty());
		worker.interrupt();
	}

}
