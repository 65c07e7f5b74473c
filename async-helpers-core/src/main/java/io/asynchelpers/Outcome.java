/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.Objects;
import java.util.concurrent.CompletionException;

import org.jspecify.annotations.Nullable;

/**
 * The result of one task inside a list of results: either the value it produced or the
 * exception it failed with. Used wherever one failure must not hide the other results
 * ({@link AsyncHelpers#asyncMap}, {@link AsyncHelpers#safeGather},
 * {@link AsyncHelpers#batchProcess}, {@link AsyncHelpers#gatherWithLimitSettled}), so that a
 * failed element is never a {@code null} and never an {@code Object} that callers have to
 * test with {@code instanceof}.
 * <p>
 * On Java 21+ the two cases can be taken apart with a {@code switch} over the sealed type:
 * <pre class="code">
 * switch (outcome) {
 *     case Outcome.Success&lt;Item&gt;(var item) -&gt; store(item);
 *     case Outcome.Failure&lt;Item&gt;(var ex) -&gt; log.warn("enrichment failed", ex);
 * }
 * </pre>
 * Instances are immutable and safe to share between threads.
 *
 * @param <T> the type of the value
 */
public sealed interface Outcome<T> permits Outcome.Success, Outcome.Failure {

	/**
	 * Create a successful outcome.
	 * @param value the value, which may be {@code null} when the task returned {@code null}
	 * @param <T> the type of the value
	 * @return the outcome
	 */
	static <T> Outcome<T> success(@Nullable T value) {
		return new Success<>(value);
	}

	/**
	 * Create a failed outcome.
	 * @param exception the exception the task failed with; a {@link CompletionException}
	 * with a cause is unwrapped to that cause
	 * @param <T> the type the task would have produced
	 * @return the outcome
	 * @throws NullPointerException if {@code exception} is {@code null}
	 */
	static <T> Outcome<T> failure(Throwable exception) {
		return new Failure<>(exception);
	}

	/**
	 * Whether the task produced a value.
	 * @return {@code true} for a {@link Success}
	 */
	boolean isSuccess();

	/**
	 * Whether the task failed.
	 * @return {@code true} for a {@link Failure}
	 */
	default boolean isFailure() {
		return !isSuccess();
	}

	/**
	 * Return the value, or throw the failure: a {@link RuntimeException} or {@link Error} as
	 * it is, a checked exception wrapped in a {@link CompletionException}.
	 * @return the value of a {@link Success}
	 */
	@Nullable T getOrThrow();

	/**
	 * A task that completed with a value.
	 *
	 * @param value the value, {@code null} only when the task itself returned {@code null}
	 * @param <T> the type of the value
	 */
	record Success<T>(@Nullable T value) implements Outcome<T> {

		@Override
		public boolean isSuccess() {
			return true;
		}

		@Override
		public @Nullable T getOrThrow() {
			return this.value;
		}

	}

	/**
	 * A task that failed.
	 *
	 * @param exception the exception it failed with, never wrapped in a
	 * {@link CompletionException}
	 * @param <T> the type the task would have produced
	 */
	record Failure<T>(Throwable exception) implements Outcome<T> {

		/**
		 * Create a failed outcome.
		 * @param exception the exception the task failed with; a {@link CompletionException}
		 * with a cause is unwrapped to that cause
		 * @throws NullPointerException if {@code exception} is {@code null}
		 */
		public Failure {
			Objects.requireNonNull(exception, "exception must not be null");
			// Bounded: a chain of wrappers can loop back on itself.
			for (int depth = 0; depth < 64 && exception instanceof CompletionException
					&& exception.getCause() != null; depth++) {
				exception = exception.getCause();
			}
		}

		@Override
		public boolean isSuccess() {
			return false;
		}

		@Override
		public T getOrThrow() {
			if (this.exception instanceof RuntimeException runtimeException) {
				throw runtimeException;
			}
			if (this.exception instanceof Error error) {
				throw error;
			}
			throw new CompletionException(this.exception);
		}

	}

}
