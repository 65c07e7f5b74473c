/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Lets another thread interrupt a piece of work while, and only while, it runs on some
 * thread, and guarantees that an interrupt meant for that work never outlives it.
 * <p>
 * The race this closes: the work returns at the very moment a timer or a cancellation
 * decides to interrupt it. A plain {@code thread.interrupt()} would then land on whatever
 * the thread does next (the caller's next statement, a pool's next task). Here the
 * interrupter marks the guard {@code INTERRUPTING} before it interrupts and
 * {@code INTERRUPTED} after; {@link #exit()} waits out that short window and then clears the
 * flag it caused. This is the same protocol {@code FutureTask} uses internally, which
 * cannot be reused because it does not clear the flag and cannot guard a caller's own
 * thread.
 */
final class InterruptGuard extends AtomicInteger {

	private static final long serialVersionUID = 1L;


	private static final int IDLE = 0;

	private static final int RUNNING = 1;

	private static final int INTERRUPTING = 2;

	private static final int INTERRUPTED = 3;

	private static final int FINISHED = 4;

	private static final int CANCELLED = 5;

	// The guard is its own state (extends AtomicInteger): one object per task, not two.

	private volatile @Nullable Thread thread;

	/** Whether the thread was already interrupted by someone else when we interrupted it. */
	private volatile boolean interruptedBefore;

	/**
	 * Mark the work as running on the current thread.
	 * @return {@code false} if the work was cancelled before it started and must not run
	 */
	boolean enter() {
		this.thread = Thread.currentThread();
		return compareAndSet(IDLE, RUNNING);
	}

	/**
	 * Mark the work as finished on the current thread, clearing an interrupt this guard
	 * delivered unless the thread had been interrupted by someone else as well.
	 * @return {@code true} if this guard interrupted the work
	 */
	boolean exit() {
		if (compareAndSet(RUNNING, FINISHED)) {
			this.thread = null;
			return false;
		}
		while (get() == INTERRUPTING) {
			Thread.onSpinWait();
		}
		if (!this.interruptedBefore) {
			Thread.interrupted();
		}
		this.thread = null;
		return true;
	}

	/**
	 * Interrupt the work if it is running, or stop it from starting if it has not started.
	 * Does nothing once the work has finished.
	 * @return {@code true} if the work was interrupted or prevented from starting
	 */
	boolean interrupt() {
		if (compareAndSet(IDLE, CANCELLED)) {
			return true;
		}
		if (compareAndSet(RUNNING, INTERRUPTING)) {
			try {
				Thread target = this.thread;
				if (target != null) {
					this.interruptedBefore = target.isInterrupted();
					target.interrupt();
				}
			}
			finally {
				set(INTERRUPTED);
			}
			return true;
		}
		return false;
	}

}
