/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import org.jspecify.annotations.Nullable;

/**
 * Thrown (or completing a future exceptionally) when every attempt of a retried operation
 * returned a result that {@link RetrySpec#retryOnResult()} wanted retried and the spec says
 * {@link OnResultExhausted#THROW}. Carries the last result; failures of earlier attempts,
 * if any, are attached as {@linkplain #getSuppressed() suppressed}.
 */
public final class RetriesExhaustedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient @Nullable Object lastResult;

	private final int attempts;

	/**
	 * Create a new instance.
	 * @param message the message
	 * @param lastResult the result of the last attempt, may be {@code null}
	 * @param attempts how many attempts ran
	 */
	public RetriesExhaustedException(String message, @Nullable Object lastResult, int attempts) {
		super(message);
		this.lastResult = lastResult;
		this.attempts = attempts;
	}

	/**
	 * Return the result of the last attempt. Not serialized.
	 * @return the result, or {@code null}
	 */
	public @Nullable Object getLastResult() {
		return this.lastResult;
	}

	/**
	 * Return how many attempts ran.
	 * @return the count, {@code >= 1}
	 */
	public int getAttempts() {
		return this.attempts;
	}

}
