/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The time limits of calls that run on their caller's thread
 * ({@link AsyncHelpers#callWithTimeout}), kept without a scheduler entry per call.
 * <p>
 * Why not one timer per call: whenever nothing earlier is pending the new timer becomes the
 * head of the scheduler's queue and the scheduler thread is woken to look at it, once per
 * call. That doubled the cost of a call that finishes in time (measured on JDK 17: 160 to
 * 300 ns a call depending on where that thread was, 75 ns when it was not woken) and cost a
 * context switch on another core for nothing.
 * <p>
 * Instead each thread publishes the deadline of its current call in a slot of its own (a
 * volatile write, no lock, no allocation but the watch itself), and one sweep, timed by a
 * {@link SweepTimer} for the earliest deadline, interrupts the calls past theirs and arms
 * the timer again for the next pending one. While calls keep finishing in time the
 * scheduler sees about one entry per time limit instead of one per call; when nothing is
 * pending nothing is scheduled. A sweep may find nothing to do: the calls it was armed for finished. Calls
 * nested on one thread, and limits too long for {@code nanoTime} arithmetic, use a timer
 * of their own.
 * <p>
 * A registering call and a sweep never miss each other: the call writes its watch and then
 * reads whether the timer is armed early enough, as {@link SweepTimer} asks.
 */
final class CallerTimeouts {

	/** Longer limits are timed on their own: a deadline must not overflow {@code nanoTime}. */
	private static final long LONGEST_SHARED_NANOS = TimeUnit.DAYS.toNanos(365);

	private final ScheduledExecutorService scheduler;

	private final Set<Slot> slots = ConcurrentHashMap.newKeySet();

	private final ThreadLocal<Slot> slotOfThread = ThreadLocal.withInitial(this::newSlot);

	private final SweepTimer timer;

	CallerTimeouts(ScheduledExecutorService scheduler) {
		this.scheduler = scheduler;
		this.timer = new SweepTimer(scheduler, this::sweep);
	}

	/**
	 * Watch the current thread's call: interrupt it through {@code guard} once
	 * {@code timeoutNanos} have passed, unless the returned watch is ended first.
	 * @throws RejectedExecutionException if the scheduler refuses the timer (or whatever else
	 * it throws): the call is not watched then
	 */
	Watch watch(InterruptGuard guard, long timeoutNanos) {
		Slot slot = this.slotOfThread.get();
		if (slot.call != null || timeoutNanos > LONGEST_SHARED_NANOS) {
			return new OwnTimer(this.scheduler.schedule(guard::interrupt, timeoutNanos, TimeUnit.NANOSECONDS));
		}
		long deadline = System.nanoTime() + timeoutNanos;
		slot.call = new Call(guard, deadline);
		if (!this.timer.isArmedBy(deadline)) {
			try {
				this.timer.armFor(deadline, timeoutNanos);
			}
			catch (Throwable ex) {
				// Not watched: no later sweep may find this call and interrupt the thread.
				slot.call = null;
				throw ex;
			}
		}
		return slot;
	}

	/**
	 * How many calls are being watched right now.
	 */
	int watchedCount() {
		int count = 0;
		for (Slot slot : this.slots) {
			if (slot.call != null) {
				count++;
			}
		}
		return count;
	}

	/**
	 * How many threads have a slot: those that called since the last sweep, or are calling.
	 */
	int slotCount() {
		return this.slots.size();
	}

	private Slot newSlot() {
		Slot slot = new Slot(Thread.currentThread());
		this.slots.add(slot);
		return slot;
	}

	/** On the scheduler's thread: interrupt the calls due by {@code cutoff}, arm for the next. */
	private void sweep(long cutoff) {
		boolean pending = false;
		long next = 0;
		for (Iterator<Slot> iterator = this.slots.iterator(); iterator.hasNext();) {
			Slot slot = iterator.next();
			Call call = slot.call;
			if (call == null) {
				if (slot.thread.get() == null) {
					iterator.remove();
				}
			}
			else if (call.deadline - cutoff <= 0) {
				// Does nothing if the call has just finished: the guard knows.
				interrupt(call);
			}
			else if (!pending || call.deadline - next < 0) {
				next = call.deadline;
				pending = true;
			}
		}
		if (pending) {
			try {
				this.timer.armFor(next, next - System.nanoTime());
			}
			catch (RejectedExecutionException ex) {
				// The scheduler is shutting down: what is still running is left to finish, as
				// it would be with a timer per call that the shutdown dropped.
			}
			catch (Throwable ex) {
				// Not swallowed: the scheduler's future would keep it unread. The calls still
				// watched are swept by the timer the next watched call arms.
				report(ex);
			}
		}
	}

	/** Interrupt a call past its deadline; one that cannot be interrupted does not stop the sweep. */
	private static void interrupt(Call call) {
		try {
			call.guard.interrupt();
		}
		catch (Throwable ex) {
			report(ex);
		}
	}

	private static void report(Throwable ex) {
		Thread thread = Thread.currentThread();
		thread.getUncaughtExceptionHandler().uncaughtException(thread, ex);
	}

	/**
	 * The end of a watch, called when the call returns or throws.
	 */
	interface Watch {

		void end();

	}

	/** What a thread's current call is, and when its time is up. */
	private record Call(InterruptGuard guard, long deadline) {
	}

	/**
	 * What comes before a slot's fields: 68 bytes (the int fills the gap after the object
	 * header, where HotSpot would otherwise place a subclass's field). See {@link Slot}.
	 */
	@SuppressWarnings("unused")
	private abstract static class SlotHead {

		int gap;

		long head1, head2, head3, head4, head5, head6, head7, head8;

	}

	/** A slot's own fields, between its padding. See {@link Slot}. */
	private abstract static class SlotFields extends SlotHead {

		final WeakReference<Thread> thread;

		volatile @Nullable Call call;

		SlotFields(Thread thread) {
			this.thread = new WeakReference<>(thread);
		}

	}

	/**
	 * One thread's watched call, found by the sweep through the set of slots; its owner
	 * writes {@code call} twice a call. Padded on both sides
	 * (superclass fields come first in HotSpot's layout) so that no other object shares a
	 * cache line with {@code call}: the collector packs long-lived objects together, and the
	 * slots of several threads, or an object every call reads (a map node, a spec), sitting
	 * in the line one thread writes make every call of the others miss the cache, by
	 * chance of where the collector put them, so one JVM runs fast and the next slow. With
	 * 8 caller threads on 2 cores, a method with {@code @Timed}, {@code @Retry} and
	 * {@code @WithTimeout} (JMH, Java 25, fork means) ran 4,828 to 6,511 ops/ms unpadded
	 * and 5,838 to 7,507 padded; those runs warmed up for 16 s, which later proved too short
	 * for some forks at 8 threads, so they do not show how much of the gap the padding
	 * closes. Written by hand
	 * because the JDK's {@code @Contended} is closed to libraries; the LMAX Disruptor's
	 * {@code Sequence} pads the same way.
	 */
	@SuppressWarnings("unused")
	private static final class Slot extends SlotFields implements Watch {

		long tail1, tail2, tail3, tail4, tail5, tail6, tail7, tail8;

		Slot(Thread thread) {
			super(thread);
		}

		@Override
		public void end() {
			this.call = null;
		}

	}

	private record OwnTimer(ScheduledFuture<?> timer) implements Watch {

		@Override
		public void end() {
			this.timer.cancel(false);
		}

	}

}
