/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The helpers' thread pool. On shutdown it waits as configured, then, instead of leaving
 * unfinished work to run on unobserved, reports how many tasks were still running or
 * queued, interrupts the running ones and fails the futures of the queued ones, so that no
 * caller waits forever for a result.
 */
class ReportingThreadPoolTaskExecutor extends ThreadPoolTaskExecutor {

	private static final long serialVersionUID = 1L;

	private static final Log logger = LogFactory.getLog(ReportingThreadPoolTaskExecutor.class);

	private String name = "asyncHelpersTaskExecutor";

	@Override
	public void setBeanName(String name) {
		super.setBeanName(name);
		this.name = name;
	}

	@Override
	public void shutdown() {
		super.shutdown();
		ThreadPoolExecutor pool;
		try {
			pool = getThreadPoolExecutor();
		}
		catch (IllegalStateException notInitialized) {
			return;
		}
		if (pool.isTerminated()) {
			return;
		}
		int running = pool.getActiveCount();
		List<Runnable> queued = pool.shutdownNow();
		if (running > 0 || !queued.isEmpty()) {
			logger.warn("Executor '" + this.name + "': " + running + " task(s) still running and " + queued.size()
					+ " queued at shutdown; interrupting the running ones and failing the queued ones");
		}
		for (Runnable task : queued) {
			if (task instanceof CompletableFuture<?> future) {
				future.completeExceptionally(new CancellationException("The async helpers' executor shut down"));
			}
		}
	}

}
