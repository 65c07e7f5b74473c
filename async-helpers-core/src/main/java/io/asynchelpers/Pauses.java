/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
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
 * plain {@code Future}, {@code delay}), timed on the scheduler. When a pause ends, its
 * continuation is handed to the executor: the scheduler's threads only fire timers, user
 * code never runs on them (code there that waited on another timer would deadlock the
 * application). If the executor refuses the continuation, the operation fails with what it
 * threw instead.
 * <p>
 * Each pause knows how to fail the operation it belongs to, so that {@link #close()} can end
 * every pending one with a {@link CancellationException} of its own (one per operation, so
 * that no caller sees another's failures attached to it): a scheduler that shuts down drops
 * its queued timers, and the operations waiting on them would otherwise never complete.
 * <p>
 * A pause is small, as many may wait at once (100,000 operations in backoff): the
 * {@link Sleeper} it wakes is the operation itself where it can be (a retry), and it is
 * scheduled as a {@link Callable}, which the scheduler keeps without an adapter.
 */
final class Pauses {

	private final ScheduledExecutorService scheduler;

	private final Executor executor;

	private final Set<Pause> pending = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	Pauses(ScheduledExecutorService scheduler, Executor executor) {
		this.scheduler = scheduler;
		this.executor = executor;
	}

	/**
	 * Run {@code wake} on the executor after a pause, or {@code abandon} if the helpers close
	 * first or the executor refuses the continuation.
	 * @return a handle whose {@code cancel} drops the pause
	 * @throws NotStartedException if the helpers are closed
	 * @throws RejectedExecutionException if the scheduler refuses
	 */
	Future<?> schedule(Runnable wake, long delayNanos, Consumer<Throwable> abandon) {
		return schedule(wake, delayNanos, abandon, Wake.ON_EXECUTOR);
	}

	/**
	 * Run {@code wake} after a pause, where {@code mode} says, or {@code abandon} if the
	 * helpers close first.
	 * @return a handle whose {@code cancel} drops the pause
	 * @throws NotStartedException if the helpers are closed
	 * @throws RejectedExecutionException if the scheduler refuses
	 */
	Future<?> schedule(Runnable wake, long delayNanos, Consumer<Throwable> abandon, Wake mode) {
		return schedule(new Callbacks(wake, abandon), delayNanos, mode);
	}

	/**
	 * Wake {@code sleeper} after a pause, where {@code mode} says, or tell it that the pause
	 * was abandoned if the helpers close first (or the executor refuses the wake-up, in
	 * {@link Wake#ON_EXECUTOR}). Exactly one of the two is called, once.
	 * @return a handle whose {@code cancel} drops the pause (neither is called then)
	 * @throws NotStartedException if the helpers are closed
	 * @throws RejectedExecutionException if the scheduler refuses
	 */
	Future<?> schedule(Sleeper sleeper, long delayNanos, Wake mode) {
		if (this.closed) {
			throw new NotStartedException("Not started: the async helpers are closed");
		}
		Pause pause = new Pause(sleeper, mode);
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
		for (Pause pause : this.pending) {
			pause.abandon(closedException());
		}
	}

	private static CancellationException closedException() {
		return new CancellationException("The async helpers closed while this operation was pausing");
	}

	/**
	 * Where a pause's continuation runs.
	 */
	enum Wake {

		/**
		 * On the executor; if it refuses, the operation is abandoned with what it threw.
		 */
		ON_EXECUTOR,

		/**
		 * On the executor; if it refuses, on the timer thread after all. Only for a
		 * continuation that completes a future, which work still running (draining at
		 * shutdown) may be waiting for.
		 */
		ON_EXECUTOR_OR_TIMER,

		/**
		 * On the timer thread. Only for a continuation that runs no user code and does not
		 * block: one that submits a blocking task to the executor, saving a hop.
		 */
		ON_TIMER

	}

	/**
	 * What a pause wakes when it ends.
	 */
	interface Sleeper {

		/**
		 * The pause is over: called where its {@link Wake} mode says.
		 */
		void wake();

		/**
		 * The pause ended without a wake-up: the helpers closed, or the executor refused it.
		 * @param reason why
		 */
		void abandon(Throwable reason);

	}

	/** A sleeper made of two callbacks, for the pauses that are not an operation of their own. */
	private record Callbacks(Runnable onWake, Consumer<Throwable> onAbandon) implements Sleeper {

		@Override
		public void wake() {
			this.onWake.run();
		}

		@Override
		public void abandon(Throwable reason) {
			this.onAbandon.accept(reason);
		}

	}

	private final class Pause implements Callable<@Nullable Void>, Future<Object> {

		private final Sleeper sleeper;

		private final Wake mode;

		private volatile @Nullable ScheduledFuture<?> timer;

		Pause(Sleeper sleeper, Wake mode) {
			this.sleeper = sleeper;
			this.mode = mode;
		}

		/** On the scheduler's thread: the pause is over. */
		@Override
		public @Nullable Void call() {
			if (!Pauses.this.pending.remove(this)) {
				return null;
			}
			if (this.mode == Wake.ON_TIMER) {
				this.sleeper.wake();
				return null;
			}
			// On the scheduler's thread: hand the continuation over, run nothing here.
			CompletableFuture<@Nullable Void> continuation = Task.runOn(Pauses.this.executor, this.sleeper::wake);
			Completions.whenDone(continuation, (ignored, ex) -> {
				if (ex == null) {
					return;
				}
				Throwable failure = Exceptions.unwrap(ex);
				if (this.mode == Wake.ON_EXECUTOR_OR_TIMER && failure instanceof RejectedExecutionException) {
					// The executor refuses (draining at shutdown, saturated): a wake that only
					// completes a future must still end the wait of the work that is finishing.
					this.sleeper.wake();
				}
				else {
					this.sleeper.abandon(failure);
				}
			});
			return null;
		}

		void abandon(Throwable reason) {
			if (Pauses.this.pending.remove(this)) {
				cancelTimer();
				this.sleeper.abandon(reason);
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
