/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.util.Locale;

import io.asynchelpers.ConcurrencyLimiter;

import org.jspecify.annotations.Nullable;

/**
 * Told what the annotated calls did, to record it as metrics. The auto-configuration
 * provides a Micrometer implementation when Micrometer is present and {@link #NONE}
 * otherwise. Called on the thread that finished the call; implementations must be
 * thread-safe and fast.
 */
public interface InvocationMetrics {

	/** Records nothing. */
	InvocationMetrics NONE = new InvocationMetrics() {
	};

	/**
	 * A {@code @Timed} call finished.
	 * @param spec the method's spec
	 * @param nanos how long it took
	 * @param failure what it failed with, or {@code null}
	 */
	default void timed(MethodSpec spec, long nanos, @Nullable Throwable failure) {
	}

	/**
	 * A {@code @Retry} call finished.
	 * @param spec the method's spec
	 * @param attempts how many attempts were made
	 * @param success whether the last one succeeded
	 */
	default void retried(MethodSpec spec, int attempts, boolean success) {
	}

	/**
	 * A {@code @WithTimeout} call (or attempt) finished.
	 * @param spec the method's spec
	 * @param outcome {@code success}, {@code timeout} or {@code failure}
	 */
	default void timeout(MethodSpec spec, TimeoutOutcome outcome) {
	}

	/**
	 * The concurrency limiter of a {@code @MaxConcurrency} method was created, on its first
	 * call: from then on its counts ({@link ConcurrencyLimiter#active()},
	 * {@link ConcurrencyLimiter#queued()}, {@link ConcurrencyLimiter#rejected()}) may be read
	 * at any time. Called once per method and target class, or once per key for a limiter
	 * shared by key (local or cluster-scoped), with the spec of the first method called.
	 * @param spec the method's spec
	 * @param limiter the method's limiter
	 */
	default void concurrencyLimited(MethodSpec spec, ConcurrencyLimiter limiter) {
	}

	/**
	 * How a call with a time limit ended.
	 */
	enum TimeoutOutcome {

		/** Finished in time. */
		SUCCESS,

		/** Ran out of time. */
		TIMEOUT,

		/** Failed in time. */
		FAILURE;

		/**
		 * The tag value.
		 * @return the lower-case name
		 */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
