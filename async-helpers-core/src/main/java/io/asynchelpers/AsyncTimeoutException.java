/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown, or used to complete a future exceptionally, when an operation did not finish within
 * its time limit. Unchecked, so that it passes through methods that do not declare it (an
 * annotated service method, a {@code CompletableFuture} callback).
 * <p>
 * When this exception is raised the work itself has already been cancelled: the thread that
 * ran a blocking task was interrupted and an asynchronous stage was cancelled.
 */
public final class AsyncTimeoutException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final Duration timeout;

	/**
	 * Create a new instance with the message {@code Operation timed out after <timeout>}.
	 * @param timeout the time limit that was exceeded
	 */
	public AsyncTimeoutException(Duration timeout) {
		this(defaultMessage(timeout), timeout);
	}

	/**
	 * Create a new instance.
	 * @param message the caller's message, or {@code Operation timed out after <timeout>}
	 * @param timeout the time limit that was exceeded
	 */
	public AsyncTimeoutException(String message, Duration timeout) {
		super(message);
		this.timeout = Objects.requireNonNull(timeout, "timeout must not be null");
	}

	/**
	 * Return the time limit that was exceeded.
	 * @return the timeout
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

	static String defaultMessage(Duration timeout) {
		return "Operation timed out after " + Durations.format(timeout);
	}

}
