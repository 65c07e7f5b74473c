/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * The failure of a piece of work that was never started because the helpers, or their
 * executor, are shutting down (in a Spring application: the application context is
 * closing). It is the one type every such item fails with, whatever rejected it: the
 * executor's rejection policy, Spring's {@code TaskRejectedException}, or the helpers
 * themselves, for an operation that needs a pause once they are
 * {@link AsyncHelpers#close() closed}.
 * <p>
 * A fan-out that meets it stops taking items: {@link AsyncHelpers#asyncMap asyncMap} and
 * its siblings end every item they did not start with this failure, and a progress tracker
 * of the run ends as {@link AsyncProgress.State#STOPPED stopped}, not completed.
 * <p>
 * A plain rejection by a saturated but running executor (the {@code abort} policy, a full
 * queue) is not this: it stays a {@link RejectedExecutionException} for that one item and
 * the run goes on.
 */
public final class NotStartedException extends RejectedExecutionException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance with the standard message.
	 */
	public NotStartedException() {
		this("Not started: the application is shutting down");
	}

	/**
	 * Create a new instance.
	 * @param message what was shut down
	 */
	public NotStartedException(String message) {
		super(message);
	}

	/**
	 * Create a new instance.
	 * @param message what was shut down
	 * @param cause the rejection that told of it
	 */
	public NotStartedException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	/**
	 * Translate what an executor threw on {@code execute}: a rejection that has a
	 * {@code NotStartedException} in its cause chain, or that came from an
	 * {@link ExecutorService} which is shut down, becomes a {@code NotStartedException};
	 * anything else is returned as it is.
	 * @param rejection what the executor threw
	 * @param executor the executor that threw it
	 * @return the failure to report for the task
	 */
	static Throwable translate(Throwable rejection, Object executor) {
		for (Throwable cause = rejection; cause != null; cause = cause.getCause()) {
			if (cause instanceof NotStartedException notStarted) {
				return notStarted;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		if (rejection instanceof RejectedExecutionException && executor instanceof ExecutorService service
				&& service.isShutdown()) {
			return new NotStartedException("Not started: the executor is shut down", rejection);
		}
		return rejection;
	}

	/**
	 * Whether a failure means the work was never started because of a shutdown.
	 */
	static boolean isNotStarted(@Nullable Throwable failure) {
		return failure instanceof NotStartedException;
	}

}
