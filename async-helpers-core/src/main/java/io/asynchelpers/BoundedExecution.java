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

	/** What {@link #pull()} returns when there is no next item (an item may be {@code null}). */
	private static final Object NO_ITEM = new Object();

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

	/** Whether the input is a collection: then items never started can still be reported. */
	private final boolean knownSize;

	/** False for streaming: outcomes go to the listener only and are never stored. */
	private final boolean keepResults;

	/** Running tasks of a streaming execution, which has no result slots to find them in. */
	private final Map<Integer, CompletableFuture<?>> streaming;

	private final AtomicInteger finished = new AtomicInteger();

	/** The caller's context, captured when the call started: every task and callback runs in it. */
	private final ContextPropagator.Captured context;

	private final @Nullable AsyncProgress progress;

	/** Set once a task was refused because of a shutdown: no more items are started. */
	private volatile boolean stopped;

	/**
	 * Set just before the engine itself completes the result, so that a completion by anyone
	 * else (the caller) can be told apart: that one ends the tracker as cancelled.
	 */
	private volatile boolean completedByEngine;

	private final AtomicInteger workInProgress = new AtomicInteger();

	// Only touched by the thread that currently runs drain().
	private int started;

	private @Nullable I pendingItem;

	private @Nullable Task<? extends R> madeTask;

	/** Calls the task function for {@link #pendingItem}: one object per run, not per item. */
	private final Runnable makeTask;

	private boolean exhausted;

	private BoundedExecution(Iterator<? extends I> items, int sizeHint,
			Function<? super I, ? extends Task<? extends R>> taskFunction, String itemName, int limit,
			Executor executor, boolean failFast, @Nullable Listener<? super I, R> listener,
			Function<List<Outcome<R>>, X> finisher, boolean keepResults, Options options) {
		this.items = items;
		this.makeTask = () -> this.madeTask = taskFunction.apply(this.pendingItem);
		this.context = options.context();
		this.progress = options.progress();
		this.knownSize = sizeHint >= 0;
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
			// Any completion by the caller (cancel, complete, orTimeout) stops the work too.
			cancelRunning();
			if (!this.completedByEngine) {
				endProgressAsCancelled();
			}
		});
	}

	/**
	 * Start running the items and return the future of their outcomes, in input order.
	 */
	static <I, R> CompletableFuture<List<Outcome<R>>> run(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, String itemName, int limit,
			Executor executor, boolean failFast, @Nullable Listener<? super I, R> listener, Options options) {
		return run(items, taskFunction, itemName, limit, executor, failFast, listener, Function.identity(), options);
	}

	/**
	 * Start running the items and return the future of the finisher applied to their
	 * outcomes (in input order). The finisher runs on the thread that completes the last task;
	 * if it throws, the future fails with that exception.
	 */
	static <I, R, X> CompletableFuture<X> run(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, String itemName, int limit,
			Executor executor, boolean failFast, @Nullable Listener<? super I, R> listener,
			Function<List<Outcome<R>>, X> finisher, Options options) {
		return start(items, taskFunction, itemName, limit, executor, failFast, listener, finisher, true, options);
	}

	/**
	 * Start running the items without keeping their outcomes: each goes to the listener as it
	 * completes, so memory does not grow with the number of items. The future completes with
	 * the finisher applied to an empty list once every item is done.
	 */
	static <I, R, X> CompletableFuture<X> stream(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, int limit, Executor executor,
			Listener<? super I, R> listener, Function<List<Outcome<R>>, X> finisher, Options options) {
		return start(items, taskFunction, "items", limit, executor, false, listener, finisher, false, options);
	}

	private static <I, R, X> CompletableFuture<X> start(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, String itemName, int limit,
			Executor executor, boolean failFast, @Nullable Listener<? super I, R> listener,
			Function<List<Outcome<R>>, X> finisher, boolean keepResults, Options options) {
		int sizeHint = (items instanceof Collection<?> collection) ? collection.size() : -1;
		BoundedExecution<I, R, X> execution = new BoundedExecution<>(items.iterator(), sizeHint, taskFunction,
				itemName, limit, executor, failFast, listener, finisher, keepResults, options);
		execution.drain();
		return execution.result;
	}

	private void drain() {
		if (this.workInProgress.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			try {
				if (this.stopped) {
					reportNotStarted();
				}
				else {
					startWhileSlotsFree();
				}
				if (this.exhausted && this.finished.get() == this.started && !this.result.isDone()) {
					finish();
				}
			}
			catch (Throwable ex) {
				// Our own bug or a misbehaving executor or decorator: fail the run rather than
				// leave the counter raised and the result hanging.
				this.exhausted = true;
				failResult(ex);
			}
			missed = this.workInProgress.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/**
	 * After a shutdown refused a task: start nothing more. Each item of a collection that was
	 * not started yet ends as a {@link NotStartedException} failure (its task is never made); a
	 * lazy iterable is not pulled any further.
	 */
	private void reportNotStarted() {
		while (!this.exhausted && !this.result.isDone()) {
			if (!this.knownSize) {
				this.exhausted = true;
				return;
			}
			Object item = pull();
			if (item == NO_ITEM) {
				return;
			}
			taskDone(claimIndex(), cast(item), null, new NotStartedException());
		}
	}

	private void finish() {
		X value;
		try {
			value = this.finisher.apply(this.keepResults ? this.slots.outcomes(this.started) : List.of());
		}
		catch (Throwable ex) {
			failResult(ex);
			return;
		}
		this.completedByEngine = true;
		if (this.stopped && this.progress != null) {
			// Ended before the result completes, so whoever sees the result sees the end state.
			this.progress.stop();
		}
		this.result.complete(value);
	}

	/**
	 * Fail the result from inside the engine (a failed input, a fail-fast failure), ending the
	 * tracker as failed first.
	 */
	private void failResult(Throwable failure) {
		if (this.result.isDone()) {
			return;
		}
		this.completedByEngine = true;
		if (this.progress != null) {
			if (this.stopped) {
				this.progress.stop();
			}
			else {
				this.progress.fail(Exceptions.unwrap(failure));
			}
		}
		this.result.completeExceptionally(failure);
	}

	private void startWhileSlotsFree() {
		// Free slots are derived, not counted: only completions touch a shared counter.
		while (!this.exhausted && !this.stopped && !this.result.isDone()
				&& this.started - this.finished.get() < this.limit) {
			Object item = pull();
			if (item == NO_ITEM) {
				return;
			}
			start(claimIndex(), cast(item));
		}
	}

	/**
	 * Take the next item, or {@link #NO_ITEM} once the input is exhausted or failed. An input
	 * that throws (a lazy iterable) fails the whole result rather than silently ending short.
	 */
	private @Nullable Object pull() {
		try {
			if (this.items.hasNext()) {
				return this.items.next();
			}
		}
		catch (Throwable ex) {
			failResult(ex);
		}
		this.exhausted = true;
		return NO_ITEM;
	}

	private int claimIndex() {
		int index = this.started++;
		if (this.keepResults) {
			this.slots.ensure(index);
		}
		return index;
	}

	@SuppressWarnings("unchecked")
	private @Nullable I cast(@Nullable Object item) {
		return (I) item;
	}

	private void start(int index, @Nullable I item) {
		Task<? extends R> task;
		try {
			if (item == null) {
				throw new NullPointerException(this.itemName + "[" + index + "] must not be null");
			}
			// The task function is the caller's code: it runs in the caller's context too.
			this.pendingItem = item;
			this.context.run(this.makeTask);
			task = this.madeTask;
			if (task == null) {
				throw new NullPointerException("task function returned null for " + this.itemName + "[" + index + "]");
			}
		}
		catch (Throwable ex) {
			taskDone(index, item, null, ex);
			return;
		}
		finally {
			this.pendingItem = null;
			this.madeTask = null;
		}
		if (task instanceof Task.Blocking<? extends R> blocking) {
			// The common case, without a dependent stage per task: the future reports back itself.
			EngineTask running = new EngineTask(blocking.callable(), index, item);
			track(index, running);
			running.submitTo(this.executor);
		}
		else {
			CompletableFuture<? extends R> running = task.start(this.executor, this.context);
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
		if (failure instanceof NotStartedException) {
			this.stopped = true;
		}
		else {
			count(failure);
		}
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
			failResult(failure);
		}
		Listener<? super I, R> listener = this.listener;
		if (listener != null) {
			Outcome<R> outcome = (failure != null) ? Outcome.failure(failure) : Outcome.success(value);
			try {
				this.context.run(() -> listener.onComplete(index, item, outcome));
			}
			catch (Throwable listenerFailure) {
				// A listener (logging, progress) must not be able to stall the window.
				logger.warn("Listener failed for {}[{}]", this.itemName, index, listenerFailure);
			}
		}
		this.finished.incrementAndGet();
		drain();
	}

	/**
	 * Count a finished item on the tracker: an item that failed after the run had already
	 * ended (interrupted by the cancellation) is neither a success nor a failure.
	 */
	private void count(@Nullable Throwable failure) {
		AsyncProgress tracker = this.progress;
		if (tracker == null) {
			return;
		}
		if (failure == null) {
			tracker.recordSuccess();
		}
		else if (!this.result.isDone()) {
			tracker.recordFailure();
		}
	}

	/**
	 * The result was completed by someone else than the engine (cancelled, or completed by the
	 * caller): the run is cut short, and its tracker ends as cancelled.
	 */
	private void endProgressAsCancelled() {
		AsyncProgress tracker = this.progress;
		if (tracker != null) {
			tracker.cancel();
		}
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
			super(callable, BoundedExecution.this.context);
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
	 * Told about each item as it completes, on the thread that completed it, inside the
	 * caller's context. The item is {@code null} when a lazy iterable yielded {@code null}
	 * (the outcome is then a failure).
	 */
	@FunctionalInterface
	interface Listener<I, R> {

		void onComplete(int index, @Nullable I item, Outcome<R> outcome);

	}

	/**
	 * What a run carries besides its items: the caller's context and an optional tracker.
	 *
	 * @param context the caller's context, captured when the call started
	 * @param progress the tracker to count items on and end with the run, or {@code null}
	 */
	record Options(ContextPropagator.Captured context, @Nullable AsyncProgress progress) {

		static final Options NONE = new Options(ContextPropagator.none().capture(), null);

	}

}
