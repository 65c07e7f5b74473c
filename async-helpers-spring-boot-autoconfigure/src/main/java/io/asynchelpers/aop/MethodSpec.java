/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.time.Duration;
import java.util.List;

import io.asynchelpers.RetrySpec;
import org.jspecify.annotations.Nullable;

/**
 * What the annotations of one method, on one target class, ask for: resolved once (with
 * placeholders and property fallbacks applied) and cached, so that a call only looks it up.
 *
 * @param className the simple name of the target class, for tags
 * @param methodName the method's name, for tags
 * @param name the one name of the method in logs and in the {@code name} tag of all its
 * meters: the {@code @Timed} value if set, else the {@code @Retry} name, else the
 * {@code @WithTimeout} name, else the {@code @MaxConcurrency} name, else
 * {@code SimpleClassName.method}
 * @param returnKind how the method returns its result
 * @param retry the retry spec, or {@code null} if the method is not retried
 * @param timeout the time limit, or {@code null}
 * @param layers the layers that apply, outermost first
 * @param maxConcurrency the concurrency limit, or {@code null}
 */
public record MethodSpec(String className, String methodName, String name, ReturnKind returnKind,
		@Nullable RetrySpec retry, @Nullable Timeout timeout, List<Layer> layers,
		@Nullable MaxConcurrency maxConcurrency) {

	/**
	 * Identity equality: a spec is resolved once per method and target class and then shared,
	 * and metrics look their meters up by spec on every call, which must not hash the
	 * whole record each time.
	 * @param other the other object
	 * @return whether it is this very spec
	 */
	@Override
	public boolean equals(@Nullable Object other) {
		return this == other;
	}

	@Override
	public int hashCode() {
		return System.identityHashCode(this);
	}

	/**
	 * Whether the call must be re-invocable (a fresh invocation for each attempt, or one that
	 * runs on another thread).
	 * @return {@code true} for retried or isolated calls
	 */
	boolean reinvokes() {
		return this.retry != null || (this.timeout != null && this.timeout.isolate());
	}

	/**
	 * How a method hands back its result.
	 */
	public enum ReturnKind {

		/** A plain value or {@code void}: the call blocks the caller. */
		BLOCKING,

		/** A {@code CompletionStage} or {@code CompletableFuture}. */
		STAGE,

		/** A Reactor {@code Mono}. */
		MONO,

		/** A Reactor {@code Flux}. */
		FLUX

	}

	/**
	 * A {@code @WithTimeout}, resolved.
	 *
	 * @param duration the time limit
	 * @param message the failure's message, or {@code null} for
	 * {@code "Operation timed out after {timeout}"}
	 * @param isolate whether a blocking call runs on the executor instead of the caller's
	 * thread
	 */
	public record Timeout(Duration duration, @Nullable String message, boolean isolate) {
	}

	/**
	 * A {@code @MaxConcurrency}, resolved.
	 *
	 * @param limit how many calls run at once
	 * @param reject whether a call beyond the limit is rejected at once instead of waiting
	 * @param maxWait how long a blocking call waits for a slot
	 * @param queueCapacity how many calls may wait for a slot
	 * @param cluster whether the limit holds over all replicas (permits from the store)
	 * @param key the key of a limit shared with other methods (always set for a cluster
	 * limit), or {@code null} for a limit of this method alone
	 */
	public record MaxConcurrency(int limit, boolean reject, Duration maxWait, int queueCapacity, boolean cluster,
			@Nullable String key) {

		/**
		 * A local limit of one method alone.
		 * @param limit how many calls run at once
		 * @param reject whether a call beyond the limit is rejected at once
		 * @param maxWait how long a blocking call waits for a slot
		 * @param queueCapacity how many calls may wait for a slot
		 */
		public MaxConcurrency(int limit, boolean reject, Duration maxWait, int queueCapacity) {
			this(limit, reject, maxWait, queueCapacity, false, null);
		}

		/**
		 * How long a blocking call may wait: zero when it is rejected at once.
		 * @return the wait
		 */
		public Duration blockingWait() {
			return this.reject ? Duration.ZERO : this.maxWait;
		}

		/**
		 * How many calls may wait in the queue: none when they are rejected at once.
		 * @return the queue's capacity
		 */
		public int queueLimit() {
			return this.reject ? 0 : this.queueCapacity;
		}

	}

}
