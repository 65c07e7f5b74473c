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
 * last batch. Every item runs inside the caller's context captured when the call started.
 * When the executor refuses work because of a shutdown, no further batch starts and every
 * item not started ends as a {@link NotStartedException} failure.
 *
 * @param <I> the type of the items
 * @param <R> the type of the results
 */
final class BatchExecution<I, R> {

	private static final Logger logger = LoggerFactory.getLogger(BatchExecution.class);

	private final List<? extends I> items;

	private final Function<? super I, ? extends Task<? extends R>> taskFunction;

	private final int batchSize;

	private final long delayNanos;

	private final Executor executor;

	private final Pauses pauses;

	private final List<Outcome<R>> outcomes;

	private final CompletableFuture<List<Outcome<R>>> result = new CompletableFuture<>();

	private final AtomicReference<Future<?>> current = new AtomicReference<>();

	private final BoundedExecution.Options options;

	private BatchExecution(List<? extends I> items, Function<? super I, ? extends Task<? extends R>> taskFunction,
			int batchSize, long delayNanos, Executor executor, Pauses pauses, BoundedExecution.Options options) {
		this.options = options;
		this.items = items;
		this.taskFunction = taskFunction;
		this.batchSize = batchSize;
		this.delayNanos = delayNanos;
		this.executor = executor;
		this.pauses = pauses;
		this.outcomes = new ArrayList<>(items.size());
		Completions.whenDone(this.result, (list, ex) -> {
			// However the result was completed (by us, or by the caller), nothing more runs.
			Future<?> inFlight = this.current.get();
			if (inFlight != null) {
				inFlight.cancel(true);
			}
		});
	}

	static <I, R> CompletableFuture<List<Outcome<R>>> run(List<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, int batchSize, long delayNanos,
			Executor executor, Pauses pauses, BoundedExecution.Options options) {
		BatchExecution<I, R> execution = new BatchExecution<>(items, taskFunction, batchSize, delayNanos, executor,
				pauses, options);
		execution.runBatch(0);
		return execution.result;
	}

	private void runBatch(int from) {
		if (this.result.isDone()) {
			return;
		}
		int to = Math.min(from + this.batchSize, this.items.size());
		CompletableFuture<List<Outcome<R>>> batch = BoundedExecution.run(this.items.subList(from, to),
				this.taskFunction, "items", this.batchSize, this.executor, false, null, this.options);
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
			if (batchOutcomes.stream().anyMatch(
					(outcome) -> outcome instanceof Outcome.Failure<R> failure
							&& failure.exception() instanceof NotStartedException)) {
				// The executor shut down during this batch: start no further batch.
				stop(to);
				return;
			}
			try {
				// The pause hands the next batch to the executor: never run on the timer thread.
				track(this.pauses.schedule(() -> runBatch(to), this.delayNanos, (abandoned) -> {
					if (abandoned instanceof RejectedExecutionException) {
						// The executor refused the next batch (shut down): the results so far stand.
						stop(to);
					}
					else {
						this.result.completeExceptionally(abandoned);
					}
				}));
			}
			catch (RejectedExecutionException closedOrShutDown) {
				// The helpers closed (NotStartedException) or the scheduler shut down: as when the
				// pause is abandoned because of a shutdown, the results so far stand.
				stop(to);
			}
		});
	}

	/**
	 * End every item from {@code from} on as not started, and the result with them.
	 */
	private void stop(int from) {
		List<Outcome<R>> all = new ArrayList<>(this.outcomes);
		for (int i = from; i < this.items.size(); i++) {
			all.add(Outcome.failure(new NotStartedException()));
		}
		this.result.complete(Collections.unmodifiableList(all));
	}

	private void track(Future<?> future) {
		this.current.set(future);
		if (this.result.isDone()) {
			future.cancel(true);
		}
	}

}
