/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import org.jspecify.annotations.Nullable;

/**
 * One timer on a scheduler, armed for the earliest of many deadlines, that runs a sweep when
 * it fires: what lets many waits ({@link CallerTimeouts}, {@link Pauses}) share one
 * scheduler entry instead of holding one each.
 * <p>
 * Why not a timer per wait: each costs a {@code ScheduledFutureTask} (72 bytes) while it
 * waits, and whenever it becomes the head of the scheduler's queue the scheduler thread is
 * woken to look at it. {@code ScheduledThreadPoolExecutor} offers no way around either, and
 * no timer library fits a plain {@code ScheduledExecutorService}.
 * <p>
 * Contract with the owner: the owner records a wait where its sweep will find it, then
 * calls {@link #armFor} unless {@link #isArmedBy} already covers its deadline. When the
 * timer fires it disarms, then calls the sweep with a cutoff; the sweep handles every wait
 * due by then and arms again for the earliest one left. As the owner records before it
 * reads the arming, and the timer disarms before the sweep reads the waits (both through
 * volatile or locked state), either the owner sees no timer (and arms one) or the sweep
 * sees the wait. A timer superseded by an earlier one is cancelled, and does nothing if it
 * runs anyway.
 * <p>
 * The cutoff is the later of the armed deadline and {@code System.nanoTime()}: everything
 * the timer was armed for is due when it fires, also on a scheduler that fires early (a
 * test's), which would otherwise spin re-arming for the time left.
 */
final class SweepTimer {

	private final ScheduledExecutorService scheduler;

	private final LongConsumer sweep;

	private final Object lock = new Object();

	/** The timer scheduled for the earliest known deadline, if any. */
	private volatile @Nullable Armed armed;

	/**
	 * @param scheduler where the timer is scheduled; the sweep runs on its thread
	 * @param sweep called with the cutoff when the timer fires; must not block or run user
	 * code
	 */
	SweepTimer(ScheduledExecutorService scheduler, LongConsumer sweep) {
		this.scheduler = scheduler;
		this.sweep = sweep;
	}

	/**
	 * Whether a timer is armed for {@code deadline} or earlier: volatile reads, no lock. Not
	 * once the scheduler is shut down, which may have dropped the timer: the owner then asks
	 * for one, and learns from the refusal.
	 */
	boolean isArmedBy(long deadline) {
		Armed current = this.armed;
		return current != null && current.deadline - deadline <= 0 && !this.scheduler.isShutdown();
	}

	/**
	 * Arm the timer for {@code deadline}, unless it is armed for that or earlier already.
	 * @param deadline on the {@code System.nanoTime()} scale
	 * @param delayNanos the time from now to {@code deadline}, as the caller knows it
	 * @throws RejectedExecutionException if the scheduler refuses the timer (as it does once it
	 * is shut down)
	 */
	void armFor(long deadline, long delayNanos) {
		synchronized (this.lock) {
			Armed current = this.armed;
			if (current != null && current.deadline - deadline <= 0 && !this.scheduler.isShutdown()) {
				return;
			}
			Armed next = new Armed(deadline);
			next.timer = this.scheduler.schedule(next, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
			this.armed = next;
			if (current != null) {
				// Superseded by an earlier one, whose sweep arms again for whatever is left.
				current.cancel();
			}
		}
	}

	/**
	 * Cancel the armed timer, if any: nothing is left to wait for.
	 */
	void disarm() {
		Armed current;
		synchronized (this.lock) {
			current = this.armed;
			this.armed = null;
		}
		if (current != null) {
			current.cancel();
		}
	}

	private void fire(Armed fired) {
		synchronized (this.lock) {
			if (this.armed != fired) {
				// Superseded or disarmed while it was starting.
				return;
			}
			this.armed = null;
		}
		long now = System.nanoTime();
		this.sweep.accept((fired.deadline - now > 0) ? fired.deadline : now);
	}

	private final class Armed implements Runnable {

		private final long deadline;

		private volatile @Nullable ScheduledFuture<?> timer;

		Armed(long deadline) {
			this.deadline = deadline;
		}

		@Override
		public void run() {
			fire(this);
		}

		void cancel() {
			ScheduledFuture<?> scheduled = this.timer;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
		}

	}

}
