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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

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
 * <p>
 * <b>Cluster scope.</b> A limiter created with a {@link PermitStore}
 * ({@link AsyncHelpers#concurrencyLimiter(String, int, int, PermitStore, String, PermitFailureMode)})
 * keeps the same contract, with a lease of the store's key as its slot, so that at most
 * {@code limit} calls run at once over all the limiters (all replicas) sharing the key:
 * <ul>
 * <li>Calls wait in this limiter's queue (FIFO in this replica; there is no order between
 * replicas) while one request to the store at a time asks for as many leases as calls are
 * waiting, capped by the limit. Granted leases are handed to the waiting calls on the
 * helpers' executor (never on the store's thread); a call that ends while others wait here
 * hands its lease straight on, otherwise gives it back to the store at once.</li>
 * <li>When the store has no lease left, the limiter asks again when the store tells it of a
 * release ({@link PermitStore#onRelease}) or after {@link PermitStore#pollInterval()}: the
 * scheduler only fires that timer, no thread waits and the scheduler's thread never starts
 * a call.</li>
 * <li>A call that may not wait ({@code queueCapacity} 0, or {@link Duration#ZERO} for
 * {@link #call}) still takes one round trip to the store, and is rejected if the store
 * has no lease for it.</li>
 * <li>While the store is unreachable, the {@link PermitFailureMode} decides: reject the
 * calls that need a lease, or limit them locally to {@code max(1, limit / knownReplicas)}.
 * One WARN is logged when the limiter switches, one INFO when the store answers again; a
 * call gives back what it took (a lease or a local slot) whatever the mode is by
 * then.</li>
 * </ul>
 * {@link #active()} counts this limiter's running calls, not the cluster's.
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

	/**
	 * Whether the thread running the drain loop must not run calls: written and read only
	 * by that thread, published to the next one by {@link #workInProgress}.
	 */
	private boolean foreignDrain;

	private final AsyncEvents events;

	/** The leases of a cluster-scoped limiter, or {@code null} for a local one. */
	private final @Nullable ClusterPermits cluster;

	/** The slot of a call of a local limiter: the same token for all, so taking one allocates nothing. */
	static final Object LOCAL_SLOT = new Object();

	ConcurrencyLimiter(String name, int limit, int queueCapacity, Executor executor,
			ContextPropagator contextPropagator, AsyncEvents events) {
		this.events = events;
		this.name = Checks.notNull(name, "name");
		this.limit = Checks.positive(limit, "limit");
		this.queueCapacity = (int) Checks.notNegative(queueCapacity, "queueCapacity");
		this.executor = Checks.notNull(executor, "executor");
		this.contextPropagator = Checks.notNull(contextPropagator, "contextPropagator");
		this.cluster = null;
	}

	ConcurrencyLimiter(String name, int limit, int queueCapacity, Executor executor,
			ContextPropagator contextPropagator, AsyncEvents events, PermitStore store, String key,
			PermitFailureMode failureMode, ScheduledExecutorService scheduler) {
		this.events = events;
		this.name = Checks.notNull(name, "name");
		this.limit = Checks.positive(limit, "limit");
		this.queueCapacity = (int) Checks.notNegative(queueCapacity, "queueCapacity");
		this.executor = Checks.notNull(executor, "executor");
		this.contextPropagator = Checks.notNull(contextPropagator, "contextPropagator");
		Checks.notNull(key, "key");
		if (key.isBlank()) {
			throw new IllegalArgumentException("key must not be blank, was '" + key + "'");
		}
		this.cluster = new ClusterPermits(this, Checks.notNull(store, "store"), key,
				Checks.notNull(failureMode, "failureMode"), Checks.notNull(scheduler, "scheduler"));
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
		Object slot;
		if (this.waiting.isEmpty() && (slot = tryAcquire()) != null) {
			start(task, context, result, slot);
			return result;
		}
		ClusterPermits cluster = this.cluster;
		boolean once = false;
		if (cluster != null) {
			ConcurrencyLimitExceededException unreachable = cluster.unavailable();
			if (unreachable != null) {
				result.completeExceptionally(unreachable);
				return result;
			}
			// A call that may not wait still gets one round trip to the store.
			once = (this.queueCapacity == 0);
		}
		if (once) {
			this.queued.incrementAndGet();
		}
		else if (!reserveQueuePlace()) {
			result.completeExceptionally(reject("its queue of " + this.queueCapacity + " is full"));
			return result;
		}
		QueuedTask<T> queuedTask = new QueuedTask<>(task, context, result, once);
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
	 * full, or {@code maxWait} is zero and no slot was free, or (cluster scope,
	 * {@link PermitFailureMode#REJECT}) the permit store is unreachable; the code did not
	 * run
	 * @throws InterruptedException if the caller was interrupted while waiting; the code did
	 * not run and the thread's interrupt flag is set when this method throws
	 * @throws Exception what the code threw
	 * @throws IllegalArgumentException if {@code maxWait} is negative
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public <T> T call(Callable<T> callable, Duration maxWait) throws Exception {
		Checks.notNull(callable, "callable");
		Checks.notNegative(maxWait, "maxWait");
		Object slot = takeOrAwaitSlot(maxWait);
		try {
			return callable.call();
		}
		finally {
			release(slot);
		}
	}

	/**
	 * Call blocking code with an argument on the caller's thread once a slot is free, as
	 * {@link #call(Callable, Duration)} does: for callers that would otherwise make a lambda
	 * capturing the argument on every call (a method reference that captures nothing is made
	 * once).
	 * @param function the code
	 * @param argument what the code is applied to, passed as it is
	 * @param maxWait how long to wait for a free slot, {@code >= 0}
	 * @param <A> the type of the argument
	 * @param <T> the type of the result
	 * @return the code's result
	 * @throws ConcurrencyLimitExceededException as {@link #call(Callable, Duration)} does
	 * @throws InterruptedException as {@link #call(Callable, Duration)} does
	 * @throws Exception what the code threw
	 * @throws IllegalArgumentException if {@code maxWait} is negative
	 * @throws NullPointerException if {@code function} or {@code maxWait} is {@code null}
	 */
	public <A, T> T call(CheckedFunction<? super A, ? extends T> function, A argument, Duration maxWait)
			throws Exception {
		Checks.notNull(function, "function");
		Checks.notNegative(maxWait, "maxWait");
		Object slot = takeOrAwaitSlot(maxWait);
		try {
			return function.apply(argument);
		}
		finally {
			release(slot);
		}
	}

	/** A free slot at once, unless calls are waiting (they come first), or one within {@code maxWait}. */
	private Object takeOrAwaitSlot(Duration maxWait) throws InterruptedException {
		Object slot;
		if (!this.waiting.isEmpty() || (slot = tryAcquire()) == null) {
			slot = awaitSlot(maxWait);
		}
		return slot;
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
	 * Return the key of the cluster-wide limit this limiter takes its permits from.
	 * @return the key, or {@code null} for a local limiter
	 */
	public @Nullable String clusterKey() {
		ClusterPermits cluster = this.cluster;
		return (cluster != null) ? cluster.key() : null;
	}

	/**
	 * Return how many calls are running now: a snapshot, never above {@link #limit()}. For
	 * a cluster-scoped limiter, this replica's calls only (those started under the local
	 * fallback included, which may briefly put it above the limit after the store is back).
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
		return "ConcurrencyLimiter[" + this.name + ((this.cluster != null) ? " (cluster key " + this.cluster.key() + ")" : "")
				+ ": " + active() + "/" + this.limit + " running, " + queued() + " queued, " + rejected() + " rejected]";
	}

	private <T> void start(Task<T> task, ContextPropagator.Captured context, CompletableFuture<T> result, Object slot) {
		if (result.isDone()) {
			// Completed by the caller as it was being taken from the queue: never run it.
			release(slot);
			return;
		}
		SlotHolding<T> holding = (task instanceof Task.Blocking<T> blocking)
				? new SlotHolding<>(blocking.callable(), slot) : null;
		CompletableFuture<T> running;
		try {
			running = (holding != null) ? new Task.Blocking<T>(holding).start(this.executor, context)
					: task.start(this.executor, context);
		}
		catch (Throwable ex) {
			// Task.start does not throw; should it ever, the slot must not be lost.
			release(slot);
			result.completeExceptionally(ex);
			return;
		}
		Completions.whenDone(running, (value, ex) -> {
			if (holding != null) {
				holding.endedWithoutRunning();
			}
			else {
				release(slot);
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
	 * the call is rejected (cluster scope) or the thread is interrupted.
	 * @return the slot handed over
	 */
	private Object awaitSlot(Duration maxWait) throws InterruptedException {
		ClusterPermits cluster = this.cluster;
		boolean once = false;
		if (cluster != null) {
			ConcurrencyLimitExceededException unreachable = cluster.unavailable();
			if (unreachable != null) {
				throw unreachable;
			}
			// A call that may not wait still gets one round trip to the store.
			once = maxWait.isZero();
		}
		if (once) {
			this.queued.incrementAndGet();
		}
		else if (maxWait.isZero()) {
			throw reject("it may not wait");
		}
		else if (!reserveQueuePlace()) {
			throw reject("its queue of " + this.queueCapacity + " is full");
		}
		BlockedCall blocked = new BlockedCall(Thread.currentThread(), once);
		this.waiting.offer(blocked);
		drain();
		long deadline = System.nanoTime() + Durations.saturatedNanos(maxWait);
		while (true) {
			Object slot = blocked.slot();
			if (slot != null) {
				return slot;
			}
			RuntimeException failure = blocked.failure();
			if (failure != null) {
				throw failure;
			}
			if (Thread.interrupted()) {
				if (!blocked.abandon() && (slot = blocked.slot()) != null) {
					// Handed a slot just now: give it back, the caller asked to stop.
					release(slot);
				}
				Thread.currentThread().interrupt();
				throw new InterruptedException(this.name + ": interrupted while waiting for a free slot");
			}
			long left = deadline - System.nanoTime();
			if (left <= 0 && !once) {
				if (blocked.abandon()) {
					throw reject("no slot freed up within " + Durations.format(maxWait));
				}
				// Handed a slot (or rejected) as the wait ran out: the loop reads which.
				continue;
			}
			// A call that may not wait is bounded by the store's answer instead.
			LockSupport.parkNanos(this, once ? TimeUnit.MILLISECONDS.toNanos(50) : left);
		}
	}

	/**
	 * The one place where calls are turned away, so that everything a rejection should set
	 * off (a counter now, an event later) happens once, whichever kind of call it is.
	 */
	private ConcurrencyLimitExceededException reject(String reason) {
		counted();
		return new ConcurrencyLimitExceededException(this.name, this.limit, reason);
	}

	/**
	 * Count a rejection and tell the listeners: for every call turned away, whichever
	 * exception it gets.
	 */
	void counted() {
		this.rejected.incrementAndGet();
		this.events.publish((now) -> new AsyncEvent.CallRejected(this.name, now, this.limit));
	}

	/**
	 * Take a slot if one is free.
	 * @return the slot ({@link #LOCAL_SLOT}, or a cluster lease), or {@code null} if none
	 * is free
	 */
	private @Nullable Object tryAcquire() {
		ClusterPermits cluster = this.cluster;
		if (cluster != null) {
			return cluster.tryTake();
		}
		return incrementBelow(this.active, this.limit) ? LOCAL_SLOT : null;
	}

	private boolean reserveQueuePlace() {
		return incrementBelow(this.queued, this.queueCapacity);
	}

	/**
	 * Add one to {@code counter} unless that would take it to {@code bound} or beyond: the
	 * slot and queue-place counters' one rule, lock-free.
	 * @return whether it was added
	 */
	static boolean incrementBelow(AtomicInteger counter, int bound) {
		int taken;
		do {
			taken = counter.get();
			if (taken >= bound) {
				return false;
			}
		}
		while (!counter.compareAndSet(taken, taken + 1));
		return true;
	}

	private void release(Object slot) {
		if (slot != LOCAL_SLOT) {
			releaseClusterSlot(slot);
			return;
		}
		this.active.decrementAndGet();
		// A caller that queues after this check runs the drain itself and sees the free slot.
		if (!this.waiting.isEmpty()) {
			drain();
		}
	}

	/** Out of {@link #release(Object)}, so that the local path stays small. */
	private void releaseClusterSlot(Object slot) {
		ClusterPermits cluster = this.cluster;
		if (cluster == null) {
			throw new IllegalStateException("A cluster slot in the local limiter " + this.name);
		}
		cluster.giveBack(slot);
	}

	/**
	 * Give back a slot that the drain took but could not hand on (its call was gone).
	 */
	private void putBack(Object slot) {
		ClusterPermits cluster = this.cluster;
		if (cluster != null) {
			cluster.putBack(slot);
		}
		else {
			this.active.decrementAndGet();
		}
	}

	AtomicInteger activeCounter() {
		return this.active;
	}

	boolean hasWaiters() {
		return !this.waiting.isEmpty();
	}

	/**
	 * Reject every waiting call, or those that may not wait, with the given failure. Only
	 * from the drain loop (through {@link ClusterPermits#afterDrain()}), so that it never
	 * races with handing out slots.
	 */
	void rejectWaiting(boolean onlyThoseThatMayNotWait, Supplier<ConcurrencyLimitExceededException> failure) {
		for (Waiter waiter : this.waiting) {
			if ((!onlyThoseThatMayNotWait || waiter.once) && waiter.reject(failure)) {
				this.waiting.remove(waiter);
			}
		}
	}

	/**
	 * Hand free slots to waiting calls, in arrival order. One thread at a time runs the loop
	 * (a work-in-progress counter hands the job to whichever thread arrives first), so a
	 * call that completes while it is being started adds to the current loop's work instead
	 * of recursing into a new one.
	 */
	void drain() {
		if (this.workInProgress.getAndIncrement() != 0) {
			return;
		}
		this.foreignDrain = false;
		drainLoop();
	}

	/**
	 * {@link #drain()} on a thread that must not run calls (a permit store's, the
	 * scheduler's): blocked callers are woken here, queued tasks are started, and rejected
	 * ones completed, on the executor. Used by cluster limiters only, so that a grant reaches
	 * blocked callers even when they occupy every executor thread.
	 */
	void drainForeign() {
		if (this.workInProgress.getAndIncrement() != 0) {
			return;
		}
		this.foreignDrain = true;
		drainLoop();
	}

	/**
	 * Run a piece of a queued task (its start, its rejection) here, or on the executor when
	 * the drain runs on a thread that must not run calls.
	 */
	private void runCall(Runnable call, Consumer<RejectedExecutionException> refused) {
		if (!this.foreignDrain) {
			call.run();
			return;
		}
		try {
			this.executor.execute(call);
		}
		catch (RejectedExecutionException ex) {
			// Saturated or shutting down: the call must still end, here, but without running
			// anything of the caller's on a store's or the scheduler's thread.
			refused.accept(ex);
		}
	}

	private void drainLoop() {
		int missed = 1;
		do {
			Object slot;
			while (!this.waiting.isEmpty() && (slot = tryAcquire()) != null) {
				Waiter next = this.waiting.poll();
				if (next == null) {
					putBack(slot);
					break;
				}
				if (!next.claim(slot)) {
					// Abandoned (cancelled, timed out, interrupted) after it was queued.
					putBack(slot);
					continue;
				}
				this.queued.decrementAndGet();
				next.started(slot);
			}
			ClusterPermits cluster = this.cluster;
			if (cluster != null) {
				cluster.afterDrain();
			}
			missed = this.workInProgress.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/**
	 * A call waiting for a slot. Either the drain claims it (and hands it a slot), or a
	 * cluster limiter rejects it, or its caller abandons it (and takes it out of the queue),
	 * only one of them.
	 */
	private abstract class Waiter {

		private static final int WAITING = 0;

		private static final int STARTED = 1;

		private static final int ABANDONED = 2;

		private static final int REJECTED = 3;

		private final AtomicInteger state = new AtomicInteger(WAITING);

		/** Whether the call may not wait: it only gets one round trip to a permit store. */
		final boolean once;

		Waiter(boolean once) {
			this.once = once;
		}

		/** Claim the call for the slot; {@link #slot(Object)} sees the slot before the state. */
		final boolean claim(Object slot) {
			slot(slot);
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

		final boolean isRejected() {
			return this.state.get() == REJECTED;
		}

		final boolean reject(Supplier<ConcurrencyLimitExceededException> failure) {
			ConcurrencyLimitExceededException ex = failure.get();
			failed(ex);
			if (!this.state.compareAndSet(WAITING, REJECTED)) {
				return false;
			}
			ConcurrencyLimiter.this.queued.decrementAndGet();
			counted();
			rejected(ex);
			return true;
		}

		/** Remember the slot about to be handed over, before the state says so. */
		void slot(Object slot) {
		}

		/** Remember the failure about to be handed over, before the state says so. */
		void failed(ConcurrencyLimitExceededException failure) {
		}

		/** Use the slot just claimed. Must not throw. */
		abstract void started(Object slot);

		/** End the call with the rejection. Must not throw. */
		abstract void rejected(ConcurrencyLimitExceededException failure);

	}

	private final class QueuedTask<T> extends Waiter {

		private final Task<T> task;

		private final ContextPropagator.Captured context;

		private final CompletableFuture<T> result;

		QueuedTask(Task<T> task, ContextPropagator.Captured context, CompletableFuture<T> result, boolean once) {
			super(once);
			this.task = task;
			this.context = context;
			this.result = result;
		}

		@Override
		void started(Object slot) {
			runCall(() -> start(this.task, this.context, this.result, slot), (refusal) -> {
				release(slot);
				this.result.completeExceptionally(NotStartedException.translate(refusal, ConcurrencyLimiter.this.executor));
			});
		}

		@Override
		void rejected(ConcurrencyLimitExceededException failure) {
			runCall(() -> this.result.completeExceptionally(failure),
					(refusal) -> this.result.completeExceptionally(failure));
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

		private final Object slot;

		SlotHolding(Callable<? extends T> callable, Object slot) {
			this.callable = callable;
			this.slot = slot;
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
				release(this.slot);
			}
		}

		void endedWithoutRunning() {
			if (compareAndSet(NOT_STARTED, ENDED)) {
				release(this.slot);
			}
		}

	}

	private final class BlockedCall extends Waiter {

		private final Thread thread;

		private volatile @Nullable Object slot;

		private volatile @Nullable ConcurrencyLimitExceededException failure;

		BlockedCall(Thread thread, boolean once) {
			super(once);
			this.thread = thread;
		}

		@Override
		void slot(Object slot) {
			this.slot = slot;
		}

		@Override
		void failed(ConcurrencyLimitExceededException failure) {
			this.failure = failure;
		}

		/** The slot handed over, once the call is started. */
		@Nullable Object slot() {
			return isStarted() ? this.slot : null;
		}

		/** The rejection handed over, once the call is rejected. */
		@Nullable ConcurrencyLimitExceededException failure() {
			return isRejected() ? this.failure : null;
		}

		@Override
		void started(Object slot) {
			LockSupport.unpark(this.thread);
		}

		@Override
		void rejected(ConcurrencyLimitExceededException failure) {
			LockSupport.unpark(this.thread);
		}

	}

}
