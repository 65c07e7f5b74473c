/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The pauses the helpers are waiting out (retry backoff, the gap between batches, polling a
 * plain {@code Future}), timed on the scheduler. Each pause knows how to fail the operation
 * it belongs to, so that {@link #close()} can end every pending one with a
 * {@link CancellationException}: a scheduler that shuts down drops its queued timers, and
 * the operations waiting on them would otherwise never complete.
 */
final class Pauses {

	private final ScheduledExecutorService scheduler;

	private final Set<Pause> pending = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	Pauses(ScheduledExecutorService scheduler) {
		this.scheduler = scheduler;
	}

	/**
	 * Run {@code wake} after a pause, or {@code abandon} if the helpers close first.
	 * @return a handle whose {@code cancel} drops the pause
	 * @throws RejectedExecutionException if the helpers are closed or the scheduler refuses
	 */
	Future<?> schedule(Runnable wake, long delayNanos, Consumer<Throwable> abandon) {
		if (this.closed) {
			throw new RejectedExecutionException("The async helpers are closed");
		}
		Pause pause = new Pause(wake, abandon);
		this.pending.add(pause);
		try {
			pause.timer = this.scheduler.schedule(pause, delayNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.pending.remove(pause);
			throw ex;
		}
		if (this.closed) {
			pause.abandon(closedException());
		}
		return pause;
	}

	int pendingCount() {
		return this.pending.size();
	}

	void close() {
		this.closed = true;
		CancellationException closed = closedException();
		for (Pause pause : this.pending) {
			pause.abandon(closed);
		}
	}

	private static CancellationException closedException() {
		return new CancellationException("The async helpers closed while this operation was pausing");
	}

	private final class Pause implements Runnable, Future<Object> {

		private final Runnable wake;

		private final Consumer<Throwable> abandon;

		private volatile @Nullable ScheduledFuture<?> timer;

		Pause(Runnable wake, Consumer<Throwable> abandon) {
			this.wake = wake;
			this.abandon = abandon;
		}

		@Override
		public void run() {
			if (Pauses.this.pending.remove(this)) {
				this.wake.run();
			}
		}

		void abandon(Throwable reason) {
			if (Pauses.this.pending.remove(this)) {
				cancelTimer();
				this.abandon.accept(reason);
			}
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			boolean removed = Pauses.this.pending.remove(this);
			cancelTimer();
			return removed;
		}

		private void cancelTimer() {
			ScheduledFuture<?> scheduled = this.timer;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
		}

		@Override
		public boolean isCancelled() {
			ScheduledFuture<?> scheduled = this.timer;
			return scheduled != null && scheduled.isCancelled();
		}

		@Override
		public boolean isDone() {
			return !Pauses.this.pending.contains(this);
		}

		@Override
		public Object get() throws ExecutionException {
			throw new UnsupportedOperationException("A pause has no result");
		}

		@Override
		public Object get(long timeout, TimeUnit unit) throws ExecutionException, TimeoutException {
			throw new UnsupportedOperationException("A pause has no result");
		}

	}

}
