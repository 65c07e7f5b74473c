/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test's executor, scheduler and the helpers on them, shut down after each test: as an
 * extension ({@code @RegisterExtension}) or in try-with-resources.
 */
final class Pools implements AfterEachCallback, AutoCloseable {

	private final ThreadPoolExecutor executor;

	private final ScheduledThreadPoolExecutor scheduler;

	private final AsyncHelpers helpers;

	private Pools(ThreadPoolExecutor executor, ScheduledThreadPoolExecutor scheduler) {
		this.executor = executor;
		this.scheduler = scheduler;
		this.helpers = new AsyncHelpers(executor, scheduler);
	}

	/** A fixed pool and a one-thread scheduler that drops cancelled timers at once. */
	static Pools fixed(int threads) {
		return fixed(threads, removingOnCancel(new ScheduledThreadPoolExecutor(1)));
	}

	static Pools fixed(int threads, ScheduledThreadPoolExecutor scheduler) {
		return new Pools((ThreadPoolExecutor) Executors.newFixedThreadPool(threads), scheduler);
	}

	static Pools fixed(int threads, ThreadFactory threadFactory) {
		return new Pools((ThreadPoolExecutor) Executors.newFixedThreadPool(threads, threadFactory),
				removingOnCancel(new ScheduledThreadPoolExecutor(1)));
	}

	private static ScheduledThreadPoolExecutor removingOnCancel(ScheduledThreadPoolExecutor scheduler) {
		scheduler.setRemoveOnCancelPolicy(true);
		return scheduler;
	}

	ThreadPoolExecutor executor() {
		return this.executor;
	}

	ScheduledThreadPoolExecutor scheduler() {
		return this.scheduler;
	}

	AsyncHelpers helpers() {
		return this.helpers;
	}

	@Override
	public void afterEach(ExtensionContext context) {
		close();
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
		this.scheduler.shutdownNow();
	}

}
