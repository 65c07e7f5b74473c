/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches run one after another, the items of a batch together. The next batch is started
 * through the scheduler, after the pause when there is one, and then on the executor: the
 * pause holds no thread, no user code runs on the timer thread, and a batch whose tasks all
 * complete synchronously cannot start the next one on a deeper stack. No pause follows the
 * last batch.
 *
 * @param <I> the type of the items
 * @param <R> the type of the results
 */
final class BatchExecution<I, R> {

	private static final Logger logger = LoggerFactory.getLogger(AsyncHelpers.class);

	private final List<? extends I> items;

	private final Function<? super I, ? extends Task<? extends R>> taskFunction;

	private final int batchSize;

	private final long delayNanos;

	private final Executor executor;

	private final Pauses pauses;

	private final List<Outcome<R>> outcomes;

	private final CompletableFuture<List<Outcome<R>>> result = new CompletableFuture<>();

	private final AtomicReference<Future<?>> current = new AtomicReference<>();

	private BatchExecution(List<? extends I> items, Function<? super I, ? extends Task<? extends R>> taskFunction,
			int batchSize, long delayNanos, Executor executor, Pauses pauses) {
		this.items = items;
		this.taskFunction = taskFunction;
		this.batchSize = batchSize;
		this.delayNanos = delayNanos;
		this.executor = executor;
		this.pauses = pauses;
		this.outcomes = new ArrayList<>(items.size());
		Completions.whenDone(this.result, (list, ex) -> {
			Future<?> inFlight = this.current.get();
			if (ex != null && inFlight != null) {
				inFlight.cancel(true);
			}
		});
	}

	static <I, R> CompletableFuture<List<Outcome<R>>> run(List<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, int batchSize, long delayNanos,
			Executor executor, Pauses pauses) {
		BatchExecution<I, R> execution = new BatchExecution<>(items, taskFunction, batchSize, delayNanos, executor,
				pauses);
		execution.runBatch(0);
		return execution.result;
	}

	private void runBatch(int from) {
		if (this.result.isDone()) {
			return;
		}
		int to = Math.min(from + this.batchSize, this.items.size());
		CompletableFuture<List<Outcome<R>>> batch = BoundedExecution.run(this.items.subList(from, to),
				this.taskFunction, "items", this.batchSize, this.executor, false, null);
		track(batch);
		Completions.whenDone(batch, (batchOutcomes, ex) -> {
			if (ex != null) {
				// Only cancellation of the whole operation fails a settled batch.
				this.result.completeExceptionally(Exceptions.unwrap(ex));
				return;
			}
			this.outcomes.addAll(batchOutcomes);
			logger.debug("Processed {}/{} items", to, this.items.size());
			if (to >= this.items.size()) {
				this.result.complete(Collections.unmodifiableList(this.outcomes));
				return;
			}
			try {
				track(this.pauses.schedule(() -> runBatchOnExecutor(to), this.delayNanos,
						this.result::completeExceptionally));
			}
			catch (RejectedExecutionException rejected) {
				this.result.completeExceptionally(rejected);
			}
		});
	}

	private void runBatchOnExecutor(int from) {
		// The batch's async tasks start on the thread that starts the batch: not the timer's.
		Completions.whenDone(Task.runOn(this.executor, () -> runBatch(from)), (ignored, ex) -> {
			if (ex != null) {
				this.result.completeExceptionally(Exceptions.unwrap(ex));
			}
		});
	}

	private void track(Future<?> future) {
		this.current.set(future);
		if (this.result.isDone()) {
			future.cancel(true);
		}
	}

}
