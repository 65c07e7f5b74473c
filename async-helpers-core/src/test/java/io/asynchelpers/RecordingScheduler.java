/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that records every delay it is asked for and fires at once, so tests see the
 * exact backoff sequence without waiting for it.
 */
final class RecordingScheduler extends ScheduledThreadPoolExecutor {

	private final List<Duration> delays = new CopyOnWriteArrayList<>();

	RecordingScheduler() {
		super(1);
		setRemoveOnCancelPolicy(true);
	}

	List<Duration> delays() {
		return List.copyOf(this.delays);
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		this.delays.add(Duration.ofNanos(unit.toNanos(delay)));
		return super.schedule(command, 0, unit);
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		this.delays.add(Duration.ofNanos(unit.toNanos(delay)));
		return super.schedule(callable, 0, unit);
	}

}
