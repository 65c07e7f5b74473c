/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import io.asynchelpers.AsyncHelpers;
import org.jspecify.annotations.Nullable;

/**
 * Wraps each annotated call, around all of its layers, to observe it as the caller sees it.
 * The auto-configuration provides {@link ObservationInvocationObserver} when a Micrometer
 * {@code ObservationRegistry} exists and {@link #NONE} otherwise; with {@code NONE} the
 * interceptor does not call it at all.
 * <p>
 * Called on the caller's thread, once per call (for a {@code Mono} or {@code Flux}: once when
 * the method is called, and the returned publisher is the caller's). An implementation must
 * call {@link Call#proceed(AsyncHelpers)} exactly once (per subscription, for a publisher) and
 * hand back what it returns, or a publisher or stage that completes as it does; exceptions
 * thrown by {@code proceed} are the method's and must be rethrown as they are.
 */
@FunctionalInterface
public interface InvocationObserver {

	/** Observes nothing: the interceptor skips it. */
	InvocationObserver NONE = (spec, helpers, call) -> call.proceed(helpers);

	/**
	 * Run one call, observed.
	 * @param spec the method's spec
	 * @param helpers the helpers the call would run with
	 * @param call the call through its layers
	 * @return what the call returns (a value, a {@code CompletableFuture}, a {@code Mono} or
	 * a {@code Flux})
	 * @throws Throwable what the call threw
	 */
	@Nullable Object observe(MethodSpec spec, AsyncHelpers helpers, Call call) throws Throwable;

	/**
	 * The annotated call, through the interceptor's layers.
	 */
	@FunctionalInterface
	interface Call {

		/**
		 * Run the call.
		 * @param helpers the helpers to run its retries and time limits with: the ones given
		 * to {@link #observe}, or a view of them from
		 * {@link AsyncHelpers#withEventListener}, to hear of the call's retries and time
		 * limits
		 * @return what the method returns (for a {@code Mono} or {@code Flux}, a lazy
		 * publisher that invokes it on subscription)
		 * @throws Throwable what the method threw
		 */
		@Nullable Object proceed(AsyncHelpers helpers) throws Throwable;

	}

}
