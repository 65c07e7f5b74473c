/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.asynchelpers.NotStartedException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The helpers' thread pool, drained while the application is still whole.
 * <p>
 * When the application context closes, the pool stops in the context's lifecycle stop
 * phase ({@link #getPhase()}: after the web server has stopped taking requests, before any
 * singleton such as a {@code DataSource} is destroyed):
 * <ol>
 * <li>it takes no more tasks: each task offered from now on fails with a
 * {@link NotStartedException} (see {@link RejectionHandlers}), so a fan-out in progress
 * stops starting items;</li>
 * <li>running and queued tasks get up to the {@linkplain #setShutdownGracePeriod grace
 * period} to finish;</li>
 * <li>then what still runs is interrupted, what is still queued fails with a
 * {@link NotStartedException} (it never started), and a warning gives both counts.</li>
 * </ol>
 * The wait happens on a thread of its own; the lifecycle processor is told once the pool
 * has drained or been stopped, and waits for that up to
 * {@code spring.lifecycle.timeout-per-shutdown-phase}. A stop outside a context close
 * (such as {@code context.stop()}) only pauses the pool, as Spring's executors do.
 * <p>
 * When the pool is destroyed without that phase (a failed refresh, or a phase that timed
 * out first), {@link #shutdown()} does the same synchronously, or, if the drain is already
 * under way, stops the pool at once.
 */
class ReportingThreadPoolTaskExecutor extends ThreadPoolTaskExecutor {

	private static final long serialVersionUID = 1L;

	private static final Logger logger = LoggerFactory.getLogger(ReportingThreadPoolTaskExecutor.class);

	private String name = AsyncHelpersAutoConfiguration.EXECUTOR_BEAN_NAME;

	private Duration gracePeriod = Duration.ZERO;

	private transient @Nullable ApplicationContext applicationContext;

	private volatile boolean contextClosing;

	private final AtomicBoolean draining = new AtomicBoolean();

	private final AtomicBoolean stopped = new AtomicBoolean();

	/**
	 * Set how long running and queued tasks may take to finish once the application context
	 * closes, before what still runs is interrupted.
	 * @param gracePeriod the grace period; zero to interrupt at once
	 */
	void setShutdownGracePeriod(Duration gracePeriod) {
		this.gracePeriod = gracePeriod;
	}

	@Override
	public void setBeanName(String name) {
		super.setBeanName(name);
		this.name = name;
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		super.setApplicationContext(applicationContext);
		this.applicationContext = applicationContext;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.applicationContext) {
			this.contextClosing = true;
		}
		super.onApplicationEvent(event);
	}

	@Override
	public void stop(Runnable callback) {
		if (!this.contextClosing) {
			super.stop(callback);
			return;
		}
		ThreadPoolExecutor pool = poolOrNull();
		if (pool == null || !this.draining.compareAndSet(false, true)) {
			callback.run();
			return;
		}
		pool.shutdown();
		if (this.gracePeriod.isZero() || idle(pool)) {
			stopNow(pool);
			callback.run();
			return;
		}
		Thread waiter = new Thread(() -> {
			try {
				awaitGracePeriod(pool);
			}
			finally {
				callback.run();
			}
		}, this.name + "-shutdown");
		waiter.setDaemon(true);
		waiter.start();
	}

	@Override
	public void stop() {
		if (!this.contextClosing) {
			super.stop();
			return;
		}
		stop(() -> {
		});
	}

	@Override
	public boolean isRunning() {
		return !this.draining.get() && super.isRunning();
	}

	/**
	 * Stop the pool when it is destroyed. After the lifecycle stop phase this only finishes
	 * the job: if the drain is still waiting (the phase timed out first), what runs is
	 * interrupted and what is queued fails now. Without that phase, the grace period is
	 * waited out here, blocking the caller.
	 */
	@Override
	public void shutdown() {
		ThreadPoolExecutor pool = poolOrNull();
		if (pool == null) {
			return;
		}
		if (this.draining.compareAndSet(false, true)) {
			pool.shutdown();
			awaitGracePeriod(pool);
		}
		else {
			stopNow(pool);
		}
	}

	private void awaitGracePeriod(ThreadPoolExecutor pool) {
		try {
			if (!pool.awaitTermination(this.gracePeriod.toNanos(), TimeUnit.NANOSECONDS)) {
				stopNow(pool);
			}
		}
		catch (InterruptedException ex) {
			stopNow(pool);
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Interrupt the running tasks, fail the queued ones and report both counts, once.
	 */
	private void stopNow(ThreadPoolExecutor pool) {
		if (!this.stopped.compareAndSet(false, true)) {
			return;
		}
		int running = pool.getActiveCount();
		List<Runnable> queued = pool.shutdownNow();
		if (running > 0 || !queued.isEmpty()) {
			logger.warn("Executor '{}': {} task(s) still running and {} queued at shutdown; interrupting the running "
					+ "ones and failing the queued ones", this.name, running, queued.size());
		}
		for (Runnable task : queued) {
			RejectionHandlers.notStarted(task, new NotStartedException(
					"Not started: the application is shutting down and the async helpers' executor shut down "
							+ "before this task's turn"));
		}
	}

	private static boolean idle(ThreadPoolExecutor pool) {
		return pool.getActiveCount() == 0 && pool.getQueue().isEmpty();
	}

	private @Nullable ThreadPoolExecutor poolOrNull() {
		try {
			return getThreadPoolExecutor();
		}
		catch (IllegalStateException notInitialized) {
			return null;
		}
	}

}
