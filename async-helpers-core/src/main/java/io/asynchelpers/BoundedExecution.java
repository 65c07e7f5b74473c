/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task per input item with at most {@code limit} of them in flight, without any
 * thread ever blocking to wait for a slot: a counter of free slots plus "start the next one
 * when one completes".
 * <p>
 * Items are pulled from the iterator only when a slot is free, so neither tasks nor
 * runnables nor futures for pending items are created up front: memory is bounded by the
 * limit (plus the result list). All pulling and starting happens in {@link #drain()}, which
 * one thread at a time runs (a work-in-progress counter hands the job to whichever thread
 * arrives first). A task that completes synchronously therefore adds to the current
 * drain's work instead of recursing into a new one, so the stack stays flat even for a
 * million already-completed stages or a caller-runs rejection policy.
 * <p>
 * In fail-fast mode the first failure completes the result exceptionally; completing or
 * cancelling the result cancels (interrupts) every task still running and starts no more.
 * Running tasks are found through their result slots (a task's future sits in its slot
 * until its outcome replaces it), so that following them costs no shared set.
 *
 * @param <I> the type of the input items
 * @param <R> the type of the task results
 * @param <X> the type of the final result made from the outcomes
 */
final class BoundedExecution<I, R, X> {

	private static final Logger logger = LoggerFactory.getLogger(BoundedExecution.class);

	private final Iterator<? extends I> items;

	private final Function<? super I, ? extends Task<? extends R>> taskFunction;

	private final String itemName;

	private final Executor executor;

	private final boolean failFast;

	private final @Nullable Listener<? super I, R> listener;

	private final Function<List<Outcome<R>>, X> finisher;

	// Returned to the caller as it is (never a dependent stage), so that cancelling it reaches us.
	private final CompletableFuture<X> result = new CompletableFuture<>();

	private final ResultSlots slots;

	private final int limit;

	/** False for streaming: outcomes go to the listener only and are never stored. */
	private final boolean keepResults;

	/** Running tasks of a streaming execution, which has no result slots to find them in. */
	private final Map<Integer, CompletableFuture<?>> streaming;

	private final AtomicInteger finished = new AtomicInteger();

	private final AtomicInteger workInProgress = new AtomicInteger();

	// Only touched by the thread that currently runs drain().
	private int started;

	private boolean exhausted;

	private BoundedExecution(Iterator<? extends I> items, int sizeHint,
			Function<? super I, ? extends Task<? extends R>> taskFunction, String itemName, int limit,
			Executor executor, boolean failFast, @Nullable Listener<? super I, R> listener,
			Function<List<Outcome<R>>, X> finisher, boolean keepResults) {
		this.items = items;
		this.finisher = finisher;
		this.keepResults = keepResults;
		this.streaming = keepResults ? Map.of() : new ConcurrentHashMap<>();
		this.taskFunction = taskFunction;
		this.itemName = itemName;
		this.executor = executor;
		this.failFast = failFast;
		this.listener = listener;
		this.slots = new ResultSlots(keepResults ? sizeHint : 0);
		this.limit = limit;
		Completions.whenDone(this.result, (list, ex) -> {
			if (ex != null) {
				cancelRunning();
			}
		});
	}

	/**
	 * Start running the items and return the future of their outcomes, in input order.
	 */
	static <I, R> CompletableFuture<List<Outcome<R>>> run(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, String itemName, int limit,
			Executor executor, boolean failFast, @Nullable Listener<? super I, R> listener) {
		return run(items, taskFunction, itemName, limit, executor, failFast, listener, Function.identity());
	}

	/**
	 * Start running the items and return the future of the finisher applied to their
	 * outcomes (in input order). The finisher runs on the thread that completes the last task;
	 * if it throws, the future fails with that exception.
	 */
	static <I, R, X> CompletableFuture<X> run(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, String itemName, int limit,
			Executor executor, boolean failFast, @Nullable Listener<? super I, R> listener,
			Function<List<Outcome<R>>, X> finisher) {
		return start(items, taskFunction, itemName, limit, executor, failFast, listener, finisher, true);
	}

	/**
	 * Start running the items without keeping their outcomes: each goes to the listener as it
	 * completes, so memory does not grow with the number of items. The future completes with
	 * the finisher applied to an empty list once every item is done.
	 */
	static <I, R, X> CompletableFuture<X> stream(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, int limit, Executor executor,
			Listener<? super I, R> listener, Function<List<Outcome<R>>, X> finisher) {
		return start(items, taskFunction, "items", limit, executor, false, listener, finisher, false);
	}

	private static <I, R, X> CompletableFuture<X> start(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, String itemName, int limit,
			Executor executor, boolean failFast, @Nullable Listener<? super I, R> listener,
			Function<List<Outcome<R>>, X> finisher, boolean keepResults) {
		int sizeHint = (items instanceof Collection<?> collection) ? collection.size() : -1;
		BoundedExecution<I, R, X> execution = new BoundedExecution<>(items.iterator(), sizeHint, taskFunction,
				itemName, limit, executor, failFast, listener, finisher, keepResults);
		execution.drain();
		return execution.result;
	}

	private void drain() {
		if (this.workInProgress.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			startWhileSlotsFree();
			if (this.exhausted && this.finished.get() == this.started && !this.result.isDone()) {
				finish();
			}
			missed = this.workInProgress.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void finish() {
		try {
			this.result.complete(this.finisher.apply(this.keepResults ? this.slots.outcomes(this.started) : List.of()));
		}
		catch (Throwable ex) {
			this.result.completeExceptionally(ex);
		}
	}

	private void startWhileSlotsFree() {
		// Free slots are derived, not counted: only completions touch a shared counter.
		while (!this.exhausted && !this.result.isDone() && this.started - this.finished.get() < this.limit) {
			I item;
			try {
				if (!this.items.hasNext()) {
					this.exhausted = true;
					return;
				}
				item = this.items.next();
			}
			catch (Throwable ex) {
				// The input itself failed (a lazy iterable that throws): nothing more can be
				// pulled, so the whole result fails rather than silently ending short.
				this.exhausted = true;
				this.result.completeExceptionally(ex);
				return;
			}
			int index = this.started++;
			if (this.keepResults) {
				this.slots.ensure(index);
			}
			start(index, item);
		}
	}

	private void start(int index, @Nullable I item) {
		Task<? extends R> task;
		try {
			if (item == null) {
				throw new NullPointerException(this.itemName + "[" + index + "] must not be null");
			}
			task = this.taskFunction.apply(item);
			if (task == null) {
				throw new NullPointerException("task function returned null for " + this.itemName + "[" + index + "]");
			}
		}
		catch (Throwable ex) {
			taskDone(index, item, null, ex);
			return;
		}
		if (task instanceof Task.Blocking<? extends R> blocking) {
			// The common case, without a dependent stage per task: the future reports back itself.
			EngineTask running = new EngineTask(blocking.callable(), index, item);
			track(index, running);
			running.submitTo(this.executor);
		}
		else {
			CompletableFuture<? extends R> running = task.start(this.executor);
			if (!running.isDone()) {
				track(index, running);
				if (running.isDone()) {
					// Completed between the check and the tracking: taskDone may have missed it.
					untrack(index);
				}
			}
			Completions.whenDone(running, (value, ex) -> taskDone(index, item, value, ex));
		}
		if (this.result.isDone()) {
			// Cancelled while we were starting it: make sure it does not run on.
			cancelRunning();
		}
	}

	private void taskDone(int index, @Nullable I item, @Nullable R value, @Nullable Throwable ex) {
		Throwable failure = (ex != null) ? Exceptions.unwrap(ex) : null;
		if (!this.keepResults) {
			untrack(index);
		}
		else if (failure != null) {
			this.slots.setFailure(index, failure);
		}
		else {
			this.slots.setSuccess(index, value);
		}
		if (failure != null && this.failFast) {
			this.result.completeExceptionally(failure);
		}
		if (this.listener != null && item != null) {
			Outcome<R> outcome = (failure != null) ? Outcome.failure(failure) : Outcome.success(value);
			try {
				this.listener.onComplete(index, item, outcome);
			}
			catch (Throwable listenerFailure) {
				// A listener (logging, progress) must not be able to stall the window.
				logger.warn("Listener failed for {}[{}]", this.itemName, index, listenerFailure);
			}
		}
		this.finished.incrementAndGet();
		drain();
	}

	private void track(int index, CompletableFuture<?> running) {
		if (this.keepResults) {
			this.slots.publish(index, running);
		}
		else {
			this.streaming.put(index, running);
		}
	}

	private void untrack(int index) {
		if (!this.keepResults) {
			this.streaming.remove(index);
		}
	}

	private void cancelRunning() {
		if (this.keepResults) {
			this.slots.forEachRunning((running) -> running.cancel(true));
		}
		else {
			this.streaming.values().forEach((running) -> running.cancel(true));
		}
	}

	/**
	 * A blocking task of this execution: reports its own completion, however it completes.
	 */
	private final class EngineTask extends InterruptibleFuture<R> {

		private final int index;

		private final @Nullable I item;

		EngineTask(Callable<? extends R> callable, int index, @Nullable I item) {
			super(callable);
			this.index = index;
			this.item = item;
		}

		@Override
		void onCompletion() {
			R value = null;
			Throwable failure = null;
			try {
				value = getNow(null);
			}
			catch (CancellationException | CompletionException ex) {
				failure = ex;
			}
			taskDone(this.index, this.item, value, failure);
		}

	}

	/**
	 * Told about each item as it completes, on the thread that completed it.
	 */
	@FunctionalInterface
	interface Listener<I, R> {

		void onComplete(int index, I item, Outcome<R> outcome);

	}

}
