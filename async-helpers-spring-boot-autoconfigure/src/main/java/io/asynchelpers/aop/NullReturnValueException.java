/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

/**
 * The result of a call to an annotated method that returned {@code null} where a
 * {@code CompletionStage}, {@code Mono} or {@code Flux} was expected. A programming error,
 * not a transient failure: {@code @Retry} never retries it, whatever its {@code retryOn}
 * says, so the caller learns of it at once rather than after every backoff.
 */
public final class NullReturnValueException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param method the method, as {@code PricingClient.price()}
	 * @param expected what it should have returned, as {@code CompletionStage}
	 * @param empty how to return nothing instead, as {@code CompletableFuture.completedFuture(null)}
	 */
	NullReturnValueException(String method, String expected, String empty) {
		super(method + " returned null instead of a " + expected + "; return " + empty + " for no result");
	}

}
