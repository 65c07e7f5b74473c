/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
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
 * threw instead (an executor that is shut down: a {@link NotStartedException}, also where
 * its policy would drop the continuation without a word). If the executor's rejection
 * handler would run the continuation on the scheduler's thread instead (a saturated pool's
 * caller-runs policy), the pause waits a few milliseconds more and is handed over again,
 * until the pool takes it, for up to {@value #HAND_OFF_GRACE_MILLIS} ms; after that, or at
 * once for a continuation that only completes a future, it runs on the scheduler's thread
 * after all, so that work whose pool threads all wait for it still ends. An executor that
 * runs every task where it is submitted (a direct executor), or one that runs a refused task
 * itself without a {@code RejectedExecutionHandler}, runs it there, as it asks. A
 * {@code TaskDecorator}'s wrapper, applied by the executor before it refuses, runs where the
 * executor runs it.
 * <p>
 * Each pause knows how to fail the operation it belongs to, so that {@link #close()} can end
 * every pending one with a {@link CancellationException} of its own (one per operation, so
 * that no caller sees another's failures attached to it): a scheduler that shuts down drops
 * its queued timers, and the operations waiting on them would otherwise never complete.
 * <p>
 * A pause is small, as many may wait at once (100,000 operations in backoff): the
 * {@link Sleeper} it wakes is the operation itself where it can be (a retry), and the pauses
 * wait in a {@link DeadlineHeap} with one {@link SweepTimer} armed for the earliest, instead
 * of a scheduler entry each (a {@code ScheduledFutureTask} and a wake-up of the scheduler
 * thread whenever one becomes the earliest). When the timer fires, the sweep takes out every
 * pause that is due, arms the timer for the next one, and then wakes those it took out, in
 * deadline order. A cancelled pause leaves the heap at once; the timer is cancelled with the
 * last one.
 * <p>
 * A pause longer than {@value #LONGEST_DAYS} days ends after {@value #LONGEST_DAYS} days: the
 * deadlines are {@code nanoTime} values compared as differences, which must not overflow.
 */
final class Pauses {

	/** The longest pause, in days (100 years): below the {@code 2^62} ns that {@link DeadlineHeap} orders. */
	static final int LONGEST_DAYS = 36_500;

	private static final long LONGEST_NANOS = TimeUnit.DAYS.toNanos(LONGEST_DAYS);

	/** The first wait before a continuation the executor would not take off the timer thread is handed over again. */
	static final long FIRST_RETRY_MILLIS = 1;

	/** The longest such wait. */
	static final long LAST_RETRY_MILLIS = 64;

	/**
	 * How long a pause's continuation waits for a thread of a saturated caller-runs pool
	 * before it runs on the timer thread after all: the pool's threads may all be waiting
	 * for it (a task that waits for a nested batch's next batch), and it must not wait for
	 * ever.
	 */
	static final long HAND_OFF_GRACE_MILLIS = 1000;

	/** The grace in the units of {@link Pause#waitingSince}: {@code nanoTime >> 20}, about a millisecond. */
	private static final int HAND_OFF_GRACE_UNITS = (int) (TimeUnit.MILLISECONDS.toNanos(HAND_OFF_GRACE_MILLIS) >> 20);

	private final Executor executor;

	/** The pending pauses; its monitor guards it and {@link #closed}. */
	private final DeadlineHeap<Pause> heap = new DeadlineHeap<>();

	private final SweepTimer timer;

	private boolean closed;

	Pauses(ScheduledExecutorService scheduler, Executor executor) {
		this.executor = executor;
		this.timer = new SweepTimer(scheduler, this::sweep);
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
	 * {@link Wake#ON_EXECUTOR}). Exactly one of the two is called, once; except that a wake-up
	 * that throws, wherever it runs, is followed by an abandon with what it threw, so that
	 * the operation fails with it instead of waiting for ever.
	 * @return a handle whose {@code cancel} drops the pause (neither is called then)
	 * @throws NotStartedException if the helpers are closed
	 * @throws RejectedExecutionException if the scheduler refuses (then neither is called,
	 * and the pauses still waiting are abandoned)
	 */
	Future<?> schedule(Sleeper sleeper, long delayNanos, Wake mode) {
		long delay = Math.min(delayNanos, LONGEST_NANOS);
		Pause pause = new Pause(sleeper, mode, System.nanoTime() + delay);
		enqueue(pause, delay);
		return pause;
	}

	/**
	 * Put a pause in the heap, and arm the timer for it unless it is armed for it already.
	 * @throws NotStartedException if the helpers are closed
	 * @throws RejectedExecutionException if the scheduler refuses (then the pause is not
	 * woken, and the pauses still waiting are abandoned)
	 */
	private void enqueue(Pause pause, long delay) {
		synchronized (this.heap) {
			if (this.closed) {
				throw new NotStartedException("Not started: the async helpers are closed");
			}
			if (pause.dropRequested) {
				// Cancelled while it was out of the heap, waiting to be handed over again.
				return;
			}
			this.heap.add(pause);
		}
		// After the pause is where the sweep looks, as SweepTimer asks.
		if (!this.timer.isArmedBy(pause.deadline)) {
			try {
				this.timer.armFor(pause.deadline, delay);
			}
			catch (Throwable ex) {
				if (!pause.cancel(false)) {
					// Ended meanwhile (a sweep woke or abandoned it): that end is its only one.
					return;
				}
				if (ex instanceof RejectedExecutionException refused) {
					// Shut down: the pauses still waiting will get no timer either. Their cause is a
					// copy: the caller may attach its own failures to the exception it gets.
					abandonAll(new RejectedExecutionException(refused.getMessage()));
				}
				throw ex;
			}
		}
	}

	/**
	 * On the scheduler's thread: the executor's rejection handler would have run a pause's
	 * continuation right here (a saturated pool's caller-runs policy). The pause waits a
	 * little longer instead and is handed over again: after {@value #FIRST_RETRY_MILLIS} ms
	 * if the pool took another continuation in the same sweep (it has threads that free up),
	 * else twice as long as the last time, up to {@value #LAST_RETRY_MILLIS} ms. The
	 * operation waits for a free thread, as a caller-runs policy means. After
	 * {@value #HAND_OFF_GRACE_MILLIS} ms of that, or at once for a continuation that only
	 * completes a future ({@link Wake#ON_EXECUTOR_OR_TIMER}), it runs here after all, as the
	 * policy asks: work on the pool may be waiting for it. Abandoned if the helpers closed
	 * meanwhile; dropped if the pause was cancelled meanwhile.
	 * @param poolTookOne whether the pool took a continuation in this sweep
	 */
	private void waitForThread(Pause pause, boolean poolTookOne) {
		int now = (int) (System.nanoTime() >> 20);
		if (pause.handOffs == 0) {
			pause.waitingSince = now;
		}
		if (pause.mode == Wake.ON_EXECUTOR_OR_TIMER || now - pause.waitingSince >= HAND_OFF_GRACE_UNITS) {
			boolean closedMeanwhile;
			synchronized (this.heap) {
				if (pause.dropRequested) {
					return;
				}
				closedMeanwhile = this.closed;
				pause.dropRequested = closedMeanwhile;
			}
			if (closedMeanwhile) {
				abandon(pause, closedException());
			}
			else {
				pause.wakeOrAbandon();
			}
			return;
		}
		long delay = TimeUnit.MILLISECONDS.toNanos(poolTookOne ? FIRST_RETRY_MILLIS
				: Math.min(FIRST_RETRY_MILLIS << Math.min(pause.handOffs, 16), LAST_RETRY_MILLIS));
		if (pause.handOffs < Byte.MAX_VALUE) {
			pause.handOffs++;
		}
		pause.deadline = System.nanoTime() + delay;
		try {
			enqueue(pause, delay);
		}
		catch (NotStartedException ex) {
			abandon(pause, closedException());
		}
	}

	int pendingCount() {
		synchronized (this.heap) {
			return this.heap.size();
		}
	}

	void close() {
		List<Pause> left;
		synchronized (this.heap) {
			this.closed = true;
			left = this.heap.removeAll();
			this.timer.disarm();
		}
		for (Pause pause : left) {
			abandon(pause, closedException());
		}
	}

	/**
	 * On the scheduler's thread: take out the pauses due by {@code cutoff}, arm the timer for
	 * the next, and then wake those taken out. If the timer cannot be armed, the pauses left
	 * fail instead of waiting for it.
	 */
	private void sweep(long cutoff) {
		List<Pause> due = new ArrayList<>();
		Throwable armFailure = null;
		synchronized (this.heap) {
			for (Pause pause = this.heap.pollDueBy(cutoff); pause != null; pause = this.heap.pollDueBy(cutoff)) {
				due.add(pause);
			}
			if (!this.heap.isEmpty()) {
				// Under the lock, as cancel() disarms: the last pause cancelled meanwhile would
				// leave this timer behind.
				long next = this.heap.firstDeadline();
				try {
					this.timer.armFor(next, next - System.nanoTime());
				}
				catch (Throwable ex) {
					armFailure = ex;
				}
			}
		}
		try {
			// Once the executor would run one continuation here, it is saturated: the others due
			// now wait for a thread without trying, so that a saturated pool costs this thread one
			// attempt per sweep, not one per pause.
			boolean saturated = false;
			boolean poolTookOne = false;
			for (Pause pause : due) {
				try {
					if (saturated) {
						waitForThread(pause, poolTookOne);
					}
					else if (pause.end()) {
						poolTookOne = true;
					}
					else {
						saturated = true;
						waitForThread(pause, poolTookOne);
					}
				}
				catch (Throwable ex) {
					// A wake-up that threw on the timer thread: the operation fails with it, and the
					// pauses after it still end.
					abandon(pause, ex);
				}
			}
		}
		finally {
			if (armFailure != null) {
				abandonAll(armFailure);
			}
		}
	}

	/**
	 * The scheduler did not take the timer (shut down, or out of threads): no pause left would
	 * ever end, so each fails with an exception of its own, handed to the executor (on this
	 * thread only if the executor refuses it too).
	 */
	private void abandonAll(Throwable cause) {
		List<Pause> left;
		synchronized (this.heap) {
			left = this.heap.removeAll();
			this.timer.disarm();
		}
		for (Pause pause : left) {
			RejectedExecutionException reason = new RejectedExecutionException(
					"The scheduler did not take the timer of this pause", cause);
			try {
				this.executor.execute(() -> abandon(pause, reason));
			}
			catch (RejectedExecutionException refused) {
				abandon(pause, reason);
			}
		}
	}

	private static void abandon(Pause pause, Throwable reason) {
		try {
			pause.sleeper.abandon(reason);
		}
		catch (Throwable ex) {
			// Not swallowed, and the other pauses still end: reported as the thread would.
			Thread thread = Thread.currentThread();
			thread.getUncaughtExceptionHandler().uncaughtException(thread, ex);
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
		ON_EXECUTOR_OR_TIMER

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

	private final class Pause extends DeadlineHeap.Entry implements Future<Object> {

		private final Sleeper sleeper;

		private final Wake mode;

		/** Guarded by the heap's monitor. */
		private boolean cancelled;

		/** How often the executor would not take the continuation off the timer thread; on the timer thread only. */
		private byte handOffs;

		/** When it first waited for a thread, as {@code nanoTime >> 20} (wraps, compared as a difference); on the timer thread only. */
		private int waitingSince;

		/**
		 * Cancelled while out of the heap (being handed over): not to be put back. Guarded by
		 * the heap's monitor.
		 */
		private boolean dropRequested;

		Pause(Sleeper sleeper, Wake mode, long deadline) {
			super(deadline);
			this.sleeper = sleeper;
			this.mode = mode;
		}

		/**
		 * On the scheduler's thread, taken out of the heap: the pause is over.
		 * @return {@code false} if the executor would have run the continuation on this thread:
		 * the caller makes it wait for a thread (see {@link #waitForThread})
		 */
		boolean end() {
			// On the scheduler's thread: hand the continuation over, run nothing here. The hand-off
			// is a future, so that an executor that drops it (a discard policy, shutdownNow) can
			// still end it by failing it, as the starter's executor does. A wake-up that throws over
			// there is abandoned there: the hand-off fails only when it did not run.
			Executor executor = Pauses.this.executor;
			if (executor instanceof ExecutorService service && service.isShutdown()) {
				// Not offered to a pool that is shut down: the JDK's caller-runs and discard
				// policies would drop it without a word, and the operation would never end.
				notTaken(new NotStartedException("Not started: the executor is shut down"));
				return true;
			}
			Task.HandOff continuation = new Task.HandOff(this::wakeOrAbandon);
			if (!continuation.handTo(executor)) {
				return false;
			}
			Completions.whenDone(continuation, (ignored, ex) -> {
				if (ex != null) {
					notTaken(Exceptions.unwrap(ex));
				}
			});
			return true;
		}

		private void notTaken(Throwable refused) {
			if (this.mode == Wake.ON_EXECUTOR_OR_TIMER && refused instanceof RejectedExecutionException) {
				// The executor refuses (draining at shutdown, saturated): a wake that only
				// completes a future must still end the wait of the work that is finishing.
				wakeOrAbandon();
			}
			else {
				abandon(this, refused);
			}
		}

		/** A wake-up that throws is followed by an abandon, so that the operation still ends. */
		private void wakeOrAbandon() {
			try {
				this.sleeper.wake();
			}
			catch (Throwable ex) {
				abandon(this, ex);
			}
		}

		/** Take the pause out before it ends; the timer goes with the last one. */
		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			synchronized (Pauses.this.heap) {
				if (!Pauses.this.heap.remove(this)) {
					// Over, or being handed over: if it waits for a thread, it is not put back.
					this.dropRequested = true;
					return false;
				}
				this.cancelled = true;
				if (Pauses.this.heap.isEmpty()) {
					// Under the lock, so that a pause added after this one left finds the timer
					// disarmed and arms it again.
					Pauses.this.timer.disarm();
				}
				return true;
			}
		}

		@Override
		public boolean isCancelled() {
			synchronized (Pauses.this.heap) {
				return this.cancelled;
			}
		}

		@Override
		public boolean isDone() {
			synchronized (Pauses.this.heap) {
				return this.index < 0;
			}
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
