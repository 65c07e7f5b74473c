/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Something a service may act on happened to one of the helpers' operations: an attempt
 * failed and a retry is scheduled, retries ran out, an operation recovered after retries, a
 * time limit was reached, or a call was rejected by a concurrency limit. Events go to every
 * {@link AsyncEventListener} of the {@link AsyncHelpers} that ran the operation (see
 * {@link AsyncHelpers#withEventListener(AsyncEventListener)}).
 * <p>
 * Events are immutable snapshots. A failure is the exception itself: its message can carry
 * customer data, so whoever shows events to people decides whether to show it.
 */
public sealed interface AsyncEvent permits AsyncEvent.RetryScheduled, AsyncEvent.RetriesExhausted,
		AsyncEvent.Recovered, AsyncEvent.TimeLimitReached, AsyncEvent.CallRejected {

	/**
	 * Return the operation's name (for an annotated method: its one name, see {@code @Timed}).
	 * @return the name
	 */
	String name();

	/**
	 * Return when it happened.
	 * @return the wall-clock instant
	 */
	Instant timestamp();

	/**
	 * Return what kind of event this is.
	 * @return the kind
	 */
	Kind kind();

	/**
	 * The kinds of event.
	 */
	enum Kind {

		/** An attempt failed and the next one is scheduled after a pause. */
		RETRY_SCHEDULED,

		/** The retries ran out: the operation failed. */
		RETRIES_EXHAUSTED,

		/** The operation succeeded after one or more retries. */
		RECOVERED,

		/** A time limit was reached: the work was cancelled. */
		TIME_LIMIT_REACHED,

		/** A concurrency limit rejected a call. */
		CALL_REJECTED

	}

	/**
	 * An attempt failed and a retry is scheduled.
	 *
	 * @param name the operation's name
	 * @param timestamp when the retry was scheduled
	 * @param attempt the number of the attempt that failed, from 1
	 * @param delay the pause before the next attempt
	 * @param failure what the attempt failed with, or {@code null} when it returned a result
	 * that is retried ({@link RetrySpec#retryOnResult()})
	 */
	record RetryScheduled(String name, Instant timestamp, int attempt, Duration delay,
			@Nullable Throwable failure) implements AsyncEvent {

		@Override
		public Kind kind() {
			return Kind.RETRY_SCHEDULED;
		}

	}

	/**
	 * The retries ran out.
	 *
	 * @param name the operation's name
	 * @param timestamp when the operation gave up
	 * @param attempts how many attempts ran
	 * @param failure the last failure (with the earlier ones suppressed), or {@code null} when
	 * the last attempt returned a result that was to be retried
	 */
	record RetriesExhausted(String name, Instant timestamp, int attempts,
			@Nullable Throwable failure) implements AsyncEvent {

		@Override
		public Kind kind() {
			return Kind.RETRIES_EXHAUSTED;
		}

	}

	/**
	 * The operation succeeded after retries.
	 *
	 * @param name the operation's name
	 * @param timestamp when the successful attempt ended
	 * @param attempts how many attempts ran, the successful one included ({@code > 1})
	 */
	record Recovered(String name, Instant timestamp, int attempts) implements AsyncEvent {

		@Override
		public Kind kind() {
			return Kind.RECOVERED;
		}

	}

	/**
	 * A time limit was reached and the work was cancelled.
	 *
	 * @param name the operation's name
	 * @param timestamp when the limit was reached
	 * @param limit the time limit
	 */
	record TimeLimitReached(String name, Instant timestamp, Duration limit) implements AsyncEvent {

		@Override
		public Kind kind() {
			return Kind.TIME_LIMIT_REACHED;
		}

	}

	/**
	 * A concurrency limit rejected a call.
	 *
	 * @param name the operation's name
	 * @param timestamp when the call was rejected
	 * @param limit the limit that was full
	 */
	record CallRejected(String name, Instant timestamp, int limit) implements AsyncEvent {

		@Override
		public Kind kind() {
			return Kind.CALL_REJECTED;
		}

	}

}
