/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.time.Duration;
import java.util.List;

import io.asynchelpers.ConcurrencyLimiter;
import io.asynchelpers.RetrySpec;
import org.jspecify.annotations.Nullable;

/**
 * What {@link AsyncHelpersInterceptor} does for one method of one target class, worked out
 * on the method's first call and kept: its {@link MethodSpec}, the {@link Route} its calls
 * take, and for a method whose only layer is {@code @MaxConcurrency}, its limiter. A call
 * then costs one map lookup by {@link java.lang.reflect.Method} and one class comparison,
 * instead of a lookup by target class, one by method and one for the limiter, followed by
 * the layer checks that pick the route.
 * <p>
 * Plans of the same {@code Method} on different target classes (a method inherited by
 * several beans) are chained through {@link #next()}; the first is the one looked at first.
 * Immutable, so a plan read from the map without a lock is complete.
 *
 * @param targetType the class of the target the plan is for: its runtime class, or the
 * class a {@link org.springframework.aop.TargetClassAware} target (a proxy) reports; {@code null}
 * for invocations without a target
 * @param spec the method's spec
 * @param route the way its calls go
 * @param limiter the limiter of a {@link Route#LIMIT} method, else {@code null}
 * @param blockingWait how long a {@link Route#LIMIT} call waits for a slot, else {@code null}
 * @param next the plan of the same method for another target class, or {@code null}
 */
record InvocationPlan(@Nullable Class<?> targetType, MethodSpec spec, Route route,
		@Nullable ConcurrencyLimiter limiter, @Nullable Duration blockingWait, @Nullable InvocationPlan next) {

	/**
	 * Return the plan of this chain for a target class, if there is one.
	 * @param type the target's runtime class, or {@code null}
	 * @return the plan, or {@code null}
	 */
	@Nullable InvocationPlan find(@Nullable Class<?> type) {
		for (InvocationPlan plan = this; plan != null; plan = plan.next) {
			if (plan.targetType == type) {
				return plan;
			}
		}
		return null;
	}

	/**
	 * The way a method's calls go, from its return kind and its layers: the common shapes of
	 * a blocking method each have a route of their own, free of the chain of layers.
	 */
	enum Route {

		/** A blocking method with {@code @Timed} alone. */
		TIMED,

		/** A blocking method with {@code @Timed} around a plain retry (see {@link #of}). */
		TIMED_RETRY,

		/** A blocking method with a plain retry (see {@link #of}). */
		RETRY,

		/** A blocking method with {@code @WithTimeout} alone, on the caller's thread. */
		TIMEOUT,

		/** A blocking method with {@code @MaxConcurrency} alone. */
		LIMIT,

		/** A blocking method with any other layers: the chain of layers. */
		CHAIN,

		/** A method returning a {@code CompletionStage}. */
		STAGE,

		/** A method returning a {@code Mono} or a {@code Flux}. */
		REACTIVE;

		/**
		 * The route of a spec. A plain retry is {@code @Retry}, with {@code @Timed} outside
		 * it or {@code @WithTimeout} (on the caller's thread) inside it or both, in that
		 * order, with no retry on results and no retry deadline: a retry deadline takes the
		 * chain, as it starts before the first attempt and cuts the time limit of each
		 * attempt to the time left.
		 * @param spec the spec
		 * @return its route
		 */
		static Route of(MethodSpec spec) {
			switch (spec.returnKind()) {
				case STAGE:
					return STAGE;
				case MONO:
				case FLUX:
					return REACTIVE;
				default:
					break;
			}
			List<Layer> layers = spec.layers();
			if (layers.size() == 1) {
				Layer only = layers.get(0);
				MethodSpec.Timeout timeout = spec.timeout();
				if (only == Layer.TIMED) {
					return TIMED;
				}
				if (only == Layer.TIMEOUT && timeout != null && !timeout.isolate()) {
					return TIMEOUT;
				}
				if (only == Layer.MAX_CONCURRENCY) {
					return LIMIT;
				}
			}
			if (isPlainRetry(spec, layers)) {
				return (layers.get(0) == Layer.TIMED) ? TIMED_RETRY : RETRY;
			}
			return CHAIN;
		}

		private static boolean isPlainRetry(MethodSpec spec, List<Layer> layers) {
			int size = layers.size();
			int retryAt = (size > 1 && layers.get(0) == Layer.TIMED) ? 1 : 0;
			RetrySpec retry = spec.retry();
			if (retry == null || retry.retryOnResult() != null || retry.maxDuration() != null
					|| layers.get(retryAt) != Layer.RETRY) {
				return false;
			}
			if (size == retryAt + 1) {
				return true;
			}
			MethodSpec.Timeout timeout = spec.timeout();
			return size == retryAt + 2 && layers.get(retryAt + 1) == Layer.TIMEOUT && timeout != null
					&& !timeout.isolate();
		}

	}

}
