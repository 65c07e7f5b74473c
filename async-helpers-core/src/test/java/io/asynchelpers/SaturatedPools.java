/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test's pools of one thread ({@code worker-…}), kept busy on demand until {@link #release()},
 * and a one-thread scheduler ({@code timer-…}), to see where a pause's continuation runs when
 * the pool is saturated (by default its rejection handler runs it in the submitting thread).
 * After each test, as an extension ({@code @RegisterExtension}), the busy threads are released
 * and the pools and the scheduler shut down now.
 */
final class SaturatedPools implements AfterEachCallback {

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
			(runnable) -> new Thread(runnable, "timer-" + System.nanoTime()));

	private final CountDownLatch release = new CountDownLatch(1);

	private final List<ThreadPoolExecutor> pools = new ArrayList<>();

	ScheduledThreadPoolExecutor scheduler() {
		return this.scheduler;
	}

	/** A pool of one thread, no queue, whose rejection handler is the JDK's caller-runs policy. */
	ThreadPoolExecutor callerRuns() {
		return onePool(new ThreadPoolExecutor.CallerRunsPolicy());
	}

	/** A pool of one thread, no queue, whose rejection handler is the one given. */
	ThreadPoolExecutor onePool(RejectedExecutionHandler handler) {
		return track(new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new SynchronousQueue<>(),
				(runnable) -> new Thread(runnable, "worker-" + System.nanoTime()), handler));
	}

	/** A pool of one thread that queues, without bound, what its thread cannot take yet. */
	ThreadPoolExecutor queueing() {
		return track(new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
				(runnable) -> new Thread(runnable, "worker-" + System.nanoTime())));
	}

	/** Occupies the pool's only thread until {@link #release()}, once it has started. */
	void saturate(Executor pool) throws InterruptedException {
		CountDownLatch started = new CountDownLatch(1);
		pool.execute(() -> {
			started.countDown();
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
	}

	/** Frees every thread {@link #saturate(Executor)} occupied. */
	void release() {
		this.release.countDown();
	}

	private ThreadPoolExecutor track(ThreadPoolExecutor pool) {
		this.pools.add(pool);
		return pool;
	}

	@Override
	public void afterEach(ExtensionContext context) {
		release();
		this.pools.forEach(ThreadPoolExecutor::shutdownNow);
		this.scheduler.shutdownNow();
	}

}
