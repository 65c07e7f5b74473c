/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

/**
 * What the caller gets when the last attempt returned a result that
 * {@link RetrySpec#retryOnResult()} wanted retried, but no attempt is left (retries ran out,
 * or the next pause would end past {@link RetrySpec#maxDuration()}).
 */
public enum OnResultExhausted {

	/** The last result, as if it had been accepted. The default. */
	RETURN_LAST,

	/** A {@link RetriesExhaustedException} carrying the last result. */
	THROW

}
