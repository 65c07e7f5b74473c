/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets at most {@code limit} calls run at once, without ever blocking a thread for an
 * asynchronous call: a counter of running calls plus "start the next one when one
 * completes", the engine of {@link AsyncHelpers#asyncMap asyncMap} applied to calls that
 * arrive one by one. Create one with {@link AsyncHelpers#concurrencyLimiter(String, int, int)}
 * and share it between the callers it limits.
 * <ul>
 * <li>{@link #submit(Task)}: a call beyond the limit is queued and started, on the thread
 * that completed a running call, as soon as that one completes. Nobody waits: the caller
 * gets a future at once.</li>
 * <li>{@link #call(Callable, Duration)}: for blocking code on the caller's thread. A call
 * beyond the limit blocks its caller (and only it) until a slot frees up, for at most the
 * given time.</li>
 * </ul>
 * Waiting calls of both kinds share one queue and are started in arrival order; a call that
 * arrives while nobody is waiting and a slot is free starts at once. The queue holds at
 * most {@code queueCapacity} calls; a call that finds it full, a blocking call whose wait
 * ran out and a blocking call that may not wait are rejected with a
 * {@link ConcurrencyLimitExceededException} (and counted in {@link #rejected()}), and never
 * run.
 * <p>
 * A slot is given back exactly once however the call ends: with a result, with a failure,
 * cancelled, or refused by the executor. A blocking task holds its slot until its code has
 * returned or thrown, also when it was cancelled (interrupted) while running, so the limit
 * holds for the code that actually runs; an async task holds it until its stage completes or
 * is cancelled. Instances are thread-safe.
 */
public final class ConcurrencyLimiter {

	private final String name;

	private final int limit;

	private final int queueCapacity;

	private final Executor executor;

	private final ContextPropagator contextPropagator;

	/** Slots taken: calls running, plus for a moment the slot that the drain is handing on. */
	private final AtomicInteger active = new AtomicInteger();

	/** Calls waiting: counted apart because the queue's own size is not constant-time. */
	private final AtomicInteger queued = new AtomicInteger();

	private final AtomicLong rejected = new AtomicLong();

	private final ConcurrentLinkedQueue<Waiter> waiting = new ConcurrentLinkedQueue<>();

	private final AtomicInteger workInProgress = new AtomicInteger();

	private final AsyncEvents events;

	ConcurrencyLimiter(String name, int limit, int queueCapacity, Executor executor,
			ContextPropagator contextPropagator, AsyncEvents events) {
		this.events = events;
		this.name = Checks.notNull(name, "name");
		this.limit = Checks.positive(limit, "limit");
		this.queueCapacity = (int) Checks.notNegative(queueCapacity, "queueCapacity");
		this.executor = Checks.notNull(executor, "executor");
		this.contextPropagator = Checks.notNull(contextPropagator, "contextPropagator");
	}

	/**
	 * Start a task now if a slot is free, else queue it and start it as soon as a running
	 * call completes. Never blocks, and never throws for a full limiter: the returned future
	 * fails instead.
	 * <p>
	 * The caller's context is captured now and the task runs in it, whichever thread starts
	 * it: a blocking task runs on the helpers' executor, the supplier of an async task is
	 * called on the caller's thread (started at once) or on the thread that completed the
	 * call whose slot it takes (started from the queue), so it must not block.
	 * <p>
	 * Cancelling the returned future (or completing it in any other way) removes a queued
	 * call from the queue, so that it never starts and its place goes to the next one, and
	 * interrupts or cancels a running one. A blocking task keeps its slot until its code has
	 * stopped; an async one until its stage is done. Unless the call was cancelled while
	 * running, the slot is given back before the returned future completes, so a
	 * continuation of it can start another call in the freed slot.
	 * @param task the call
	 * @param <T> the type of the result
	 * @return a future of the task's result; failed with a
	 * {@link ConcurrencyLimitExceededException} when no slot is free and the queue is full,
	 * with the task's own failure, or with a {@link NotStartedException} when the executor
	 * refused the task because of a shutdown
	 * @throws NullPointerException if {@code task} is {@code null}
	 */
	public <T> CompletableFuture<T> submit(Task<T> task) {
		Checks.notNull(task, "task");
		ContextPropagator.Captured context = this.contextPropagator.capture();
		CompletableFuture<T> result = new CompletableFuture<>();
		if (this.waiting.isEmpty() && tryAcquire()) {
			start(task, context, result);
			return result;
		}
		if (!reserveQueuePlace()) {
			result.completeExceptionally(reject("its queue of " + this.queueCapacity + " is full"));
			return result;
		}
		QueuedTask<T> queuedTask = new QueuedTask<>(task, context, result);
		this.waiting.offer(queuedTask);
		Completions.whenDone(result, (value, ex) -> queuedTask.abandon());
		drain();
		return result;
	}

	/**
	 * Call blocking code on the caller's thread once a slot is free, waiting for one for at
	 * most {@code maxWait}. Only the caller's thread waits (parked, in line with the other
	 * waiting calls); {@link Duration#ZERO} rejects at once when no slot is free. The slot is
	 * given back when the code returns or throws.
	 * @param callable the code
	 * @param maxWait how long to wait for a free slot, {@code >= 0}
	 * @param <T> the type of the result
	 * @return the code's result
	 * @throws ConcurrencyLimitExceededException if no slot freed up in time, the queue was
	 * full, or {@code maxWait} is zero and no slot was free; the code did not run
	 * @throws InterruptedException if the caller was interrupted while waiting; the code did
	 * not run and the thread's interrupt flag is set when this method throws
	 * @throws Exception what the code threw
	 * @throws IllegalArgumentException if {@code maxWait} is negative
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public <T> T call(Callable<T> callable, Duration maxWait) throws Exception {
		Checks.notNull(callable, "callable");
		Checks.notNegative(maxWait, "maxWait");
		if (!this.waiting.isEmpty() || !tryAcquire()) {
			awaitSlot(maxWait);
		}
		try {
			return callable.call();
		}
		finally {
			release();
		}
	}

	/**
	 * Return the name, for logs, metrics and the rejection's message.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return how many calls may run at once.
	 * @return the limit
	 */
	public int limit() {
		return this.limit;
	}

	/**
	 * Return how many calls may wait for a slot.
	 * @return the queue capacity, {@link Integer#MAX_VALUE} for unbounded
	 */
	public int queueCapacity() {
		return this.queueCapacity;
	}

	/**
	 * Return how many calls are running now: a snapshot, never above {@link #limit()}.
	 * @return the number of slots taken
	 */
	public int active() {
		return this.active.get();
	}

	/**
	 * Return how many calls are waiting for a slot now: a snapshot.
	 * @return the number of queued or blocked calls
	 */
	public int queued() {
		return this.queued.get();
	}

	/**
	 * Return how many calls were rejected since the limiter was created.
	 * @return the number of rejected calls
	 */
	public long rejected() {
		return this.rejected.get();
	}

	@Override
	public String toString() {
		return "ConcurrencyLimiter[" + this.name + ": " + active() + "/" + this.limit + " running, " + queued()
				+ " queued, " + rejected() + " rejected]";
	}

	private <T> void start(Task<T> task, ContextPropagator.Captured context, CompletableFuture<T> result) {
		if (result.isDone()) {
			// Completed by the caller as it was being taken from the queue: never run it.
			release();
			return;
		}
		SlotHolding<T> holding = (task instanceof Task.Blocking<T> blocking) ? new SlotHolding<>(blocking.callable())
				: null;
		CompletableFuture<T> running;
		try {
			running = (holding != null) ? new Task.Blocking<T>(holding).start(this.executor, context)
					: task.start(this.executor, context);
		}
		catch (Throwable ex) {
			// Task.start does not throw; should it ever, the slot must not be lost.
			release();
			result.completeExceptionally(ex);
			return;
		}
		Completions.whenDone(running, (value, ex) -> {
			if (holding != null) {
				holding.endedWithoutRunning();
			}
			else {
				release();
			}
			if (ex != null) {
				result.completeExceptionally(Exceptions.unwrap(ex));
			}
			else {
				result.complete(value);
			}
		});
		Completions.whenDone(result, (value, ex) -> running.cancel(true));
	}

	/**
	 * Wait on the caller's thread until the drain hands this call a slot, the wait runs out,
	 * or the thread is interrupted.
	 */
	private void awaitSlot(Duration maxWait) throws InterruptedException {
		if (maxWait.isZero()) {
			throw reject("it may not wait");
		}
		if (!reserveQueuePlace()) {
			throw reject("its queue of " + this.queueCapacity + " is full");
		}
		BlockedCall blocked = new BlockedCall(Thread.currentThread());
		this.waiting.offer(blocked);
		drain();
		long deadline = System.nanoTime() + Durations.saturatedNanos(maxWait);
		while (!blocked.isStarted()) {
			if (Thread.interrupted()) {
				if (!blocked.abandon()) {
					// Handed a slot just now: give it back, the caller asked to stop.
					release();
				}
				Thread.currentThread().interrupt();
				throw new InterruptedException(this.name + ": interrupted while waiting for a free slot");
			}
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				if (blocked.abandon()) {
					throw reject("no slot freed up within " + Durations.format(maxWait));
				}
				// Handed a slot as the wait ran out: take it.
				return;
			}
			LockSupport.parkNanos(this, left);
		}
	}

	/**
	 * The one place where calls are turned away, so that everything a rejection should set
	 * off (a counter now, an event later) happens once, whichever kind of call it is.
	 */
	private ConcurrencyLimitExceededException reject(String reason) {
		this.rejected.incrementAndGet();
		this.events.publish((now) -> new AsyncEvent.CallRejected(this.name, now, this.limit));
		return new ConcurrencyLimitExceededException(this.name, this.limit, reason);
	}

	private boolean tryAcquire() {
		AtomicInteger slots = this.active;
		int taken;
		do {
			taken = slots.get();
			if (taken >= this.limit) {
				return false;
			}
		}
		while (!slots.compareAndSet(taken, taken + 1));
		return true;
	}

	private boolean reserveQueuePlace() {
		AtomicInteger places = this.queued;
		int taken;
		do {
			taken = places.get();
			if (taken >= this.queueCapacity) {
				return false;
			}
		}
		while (!places.compareAndSet(taken, taken + 1));
		return true;
	}

	private void release() {
		this.active.decrementAndGet();
		// A caller that queues after this check runs the drain itself and sees the free slot.
		if (!this.waiting.isEmpty()) {
			drain();
		}
	}

	/**
	 * Hand free slots to waiting calls, in arrival order. One thread at a time runs the loop
	 * (a work-in-progress counter hands the job to whichever thread arrives first), so a
	 * call that completes while it is being started adds to the current loop's work instead
	 * of recursing into a new one.
	 */
	private void drain() {
		if (this.workInProgress.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			while (!this.waiting.isEmpty() && tryAcquire()) {
				Waiter next = this.waiting.poll();
				if (next == null) {
					this.active.decrementAndGet();
					break;
				}
				if (!next.claim()) {
					// Abandoned (cancelled, timed out, interrupted) after it was queued.
					this.active.decrementAndGet();
					continue;
				}
				this.queued.decrementAndGet();
				next.started();
			}
			missed = this.workInProgress.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/**
	 * A call waiting for a slot. Either the drain claims it (and hands it a slot) or its
	 * caller abandons it (and takes it out of the queue), never both.
	 */
	private abstract class Waiter {

		private static final int WAITING = 0;

		private static final int STARTED = 1;

		private static final int ABANDONED = 2;

		private final AtomicInteger state = new AtomicInteger(WAITING);

		final boolean claim() {
			return this.state.compareAndSet(WAITING, STARTED);
		}

		final boolean abandon() {
			if (!this.state.compareAndSet(WAITING, ABANDONED)) {
				return false;
			}
			ConcurrencyLimiter.this.queued.decrementAndGet();
			ConcurrencyLimiter.this.waiting.remove(this);
			return true;
		}

		final boolean isStarted() {
			return this.state.get() == STARTED;
		}

		/** Use the slot just claimed. Must not throw. */
		abstract void started();

	}

	private final class QueuedTask<T> extends Waiter {

		private final Task<T> task;

		private final ContextPropagator.Captured context;

		private final CompletableFuture<T> result;

		QueuedTask(Task<T> task, ContextPropagator.Captured context, CompletableFuture<T> result) {
			this.task = task;
			this.context = context;
			this.result = result;
		}

		@Override
		void started() {
			start(this.task, this.context, this.result);
		}

	}

	/**
	 * The code of a blocking task, holding the slot for as long as it runs: a cancelled task
	 * whose thread has not stopped yet still counts against the limit, so the limit holds for
	 * the code that actually runs. A task that never ran (cancelled in the executor's queue,
	 * refused by it) gives its slot back when its future ends. Either way, exactly once.
	 */
	private final class SlotHolding<T> extends AtomicInteger implements Callable<T> {

		private static final int NOT_STARTED = 0;

		private static final int RUNNING = 1;

		private static final int ENDED = 2;

		private final Callable<? extends T> callable;

		SlotHolding(Callable<? extends T> callable) {
			this.callable = callable;
		}

		@Override
		public T call() throws Exception {
			if (!compareAndSet(NOT_STARTED, RUNNING)) {
				throw new CancellationException("ended before it started");
			}
			try {
				return this.callable.call();
			}
			finally {
				set(ENDED);
				release();
			}
		}

		void endedWithoutRunning() {
			if (compareAndSet(NOT_STARTED, ENDED)) {
				release();
			}
		}

	}

	private final class BlockedCall extends Waiter {

		private final Thread thread;

		BlockedCall(Thread thread) {
			this.thread = thread;
		}

		@Override
		void started() {
			LockSupport.unpark(this.thread);
		}

	}

}
