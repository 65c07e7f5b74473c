/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.Serial;

import org.jspecify.annotations.Nullable;

/**
 * A call was turned away by a {@link ConcurrencyLimiter}: every slot was taken and the call
 * could not wait for one (the queue was full, the blocking wait ran out, or waiting was not
 * allowed), or, for a cluster-scoped limit, its {@link PermitStore} was unreachable (the
 * store's failure is then the cause). The call itself never started, so it is safe to try
 * again later.
 */
public class ConcurrencyLimitExceededException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	private final String limiterName;

	private final int limit;

	/**
	 * Create a new instance.
	 * @param limiterName the name of the limiter that rejected the call
	 * @param limit how many calls the limiter lets run at once
	 * @param reason why the call could not wait, for the message
	 */
	public ConcurrencyLimitExceededException(String limiterName, int limit, String reason) {
		super(limiterName + ": " + limit + " of " + limit + " calls already running; " + reason);
		this.limiterName = limiterName;
		this.limit = limit;
	}

	/**
	 * Create a new instance with a message of its own and a cause, for instance for a call
	 * that needed a cluster permit while the permit store was unreachable.
	 * @param limiterName the name of the limiter that rejected the call
	 * @param limit how many calls the limiter lets run at once
	 * @param message the whole message
	 * @param cause why, or {@code null}
	 */
	public ConcurrencyLimitExceededException(String limiterName, int limit, String message,
			@Nullable Throwable cause) {
		super(message, cause);
		this.limiterName = limiterName;
		this.limit = limit;
	}

	/**
	 * Return the name of the limiter that rejected the call.
	 * @return the name
	 */
	public String getLimiterName() {
		return this.limiterName;
	}

	/**
	 * Return how many calls the limiter lets run at once.
	 * @return the limit
	 */
	public int getLimit() {
		return this.limit;
	}

}
