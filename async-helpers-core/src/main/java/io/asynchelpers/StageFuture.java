/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A future that follows a {@link CompletionStage} it does not own and passes its own
 * cancellation on to that stage. A new future rather than the stage itself, so that a
 * failure the helpers decide on (a timeout) never completes the caller's stage.
 *
 * @param <T> the type of the result
 */
final class StageFuture<T> extends CompletableFuture<T> {

	private static final Logger logger = LoggerFactory.getLogger(StageFuture.class);

	private final CompletionStage<? extends T> stage;

	private StageFuture(CompletionStage<? extends T> stage) {
		this.stage = stage;
	}

	static <T> CompletableFuture<T> of(CompletionStage<? extends T> stage) {
		StageFuture<T> future = new StageFuture<>(stage);
		Completions.whenDone(stage, (value, ex) -> {
			if (ex != null) {
				future.completeExceptionally(Exceptions.unwrap(ex));
			}
			else {
				future.complete(value);
			}
		});
		return future;
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		if (cancelled) {
			try {
				this.stage.toCompletableFuture().cancel(mayInterruptIfRunning);
			}
			catch (UnsupportedOperationException ex) {
				// A minimal stage that cannot be cancelled: its work runs on, our result is
				// already cancelled.
				logger.debug("Could not cancel {}: it does not support toCompletableFuture()", this.stage);
			}
		}
		return cancelled;
	}

}
