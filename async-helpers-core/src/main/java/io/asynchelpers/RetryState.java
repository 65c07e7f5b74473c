/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The retry decisions of one operation: count the attempts, decide whether and after how
 * long to retry a failure, log as the {@link RetrySpec} says, and hand the earlier failures
 * to the last one as suppressed exceptions. The helpers' own retry loops (scheduled and on
 * the caller's thread) use it, and so can an integration that drives its own attempts (a
 * Reactor {@code retryWhen}), so that every path counts, waits, logs and reports alike.
 * <p>
 * With a {@link RetrySpec#maxDuration()}, the deadline is measured on the state's monotonic
 * clock from the start of the first attempt ({@link #beginAttempt()}); no further attempt
 * is allowed when the pause before it would end past the deadline, and {@link #timeLeft()}
 * tells an attempt how much of it is left, so that its own time limit can be cut to it.
 * <p>
 * Threading: one instance per operation. Attempts run one after another, each handing over
 * to the next through a future, a scheduler or a reactive signal, which orders the calls;
 * {@link #attempts()} may be read from any thread.
 */
public final class RetryState {

	/** Set when retries ran out on a result that was handed to the caller. */
	private volatile boolean exhaustedOnResult;

	private static final Logger logger = LoggerFactory.getLogger(RetryState.class);

	/** Returned by {@link #onFailure} when the operation must not be retried. */
	static final long GIVE_UP = -1;

	/**
	 * Returned by {@link #onResult} when the result was to be retried, no attempt is left,
	 * and the spec says to throw: fail with {@link #exhaustedBy(Object)}.
	 */
	static final long THROW_EXHAUSTED = -2;

	private final String name;

	private final RetrySpec spec;

	private final DoubleSupplier random;

	private final LongSupplier nanoClock;

	private final AsyncEvents events;

	private volatile long startNanos;

	/**
	 * The failures of the earlier attempts, suppressed in the last one when the retries end:
	 * {@code null}, the one {@link Throwable}, or a {@code List} of them once there are two
	 * (most operations fail at most once: no list for them). Written and read by one attempt
	 * at a time.
	 */
	private @Nullable Object earlierFailures;

	private volatile int attempts;

	/**
	 * Create the decisions of one operation, with jitter drawn from
	 * {@link ThreadLocalRandom}.
	 * @param name the operation's name, for the log
	 * @param spec how to retry
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public RetryState(String name, RetrySpec spec) {
		this(Checks.notNull(name, "name"), Checks.notNull(spec, "spec"),
				() -> ThreadLocalRandom.current().nextDouble(), System::nanoTime);
	}

	/**
	 * Create the decisions of one operation whose deadline ({@link RetrySpec#maxDuration()})
	 * is measured on the given monotonic clock, with jitter drawn from
	 * {@link ThreadLocalRandom}.
	 * @param name the operation's name, for the log
	 * @param spec how to retry
	 * @param nanoClock the monotonic clock, in nanoseconds, as {@link System#nanoTime()}
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public RetryState(String name, RetrySpec spec, LongSupplier nanoClock) {
		this(Checks.notNull(name, "name"), Checks.notNull(spec, "spec"),
				() -> ThreadLocalRandom.current().nextDouble(), Checks.notNull(nanoClock, "nanoClock"));
	}

	RetryState(String name, RetrySpec spec, DoubleSupplier random) {
		this(name, spec, random, System::nanoTime);
	}

	RetryState(String name, RetrySpec spec, DoubleSupplier random, LongSupplier nanoClock) {
		this(name, spec, random, nanoClock, AsyncEvents.NONE);
	}

	RetryState(String name, RetrySpec spec, DoubleSupplier random, LongSupplier nanoClock, AsyncEvents events) {
		this.name = name;
		this.spec = spec;
		this.random = random;
		this.nanoClock = nanoClock;
		this.events = events;
	}

	RetrySpec spec() {
		return this.spec;
	}

	String name() {
		return this.name;
	}

	/**
	 * Count an attempt that is about to start. The first one starts the
	 * {@link RetrySpec#maxDuration() deadline}.
	 * @return the attempt's number, counting from 1
	 */
	public int beginAttempt() {
		// One writer at a time (see the class Javadoc): no lost update.
		int next = this.attempts + 1;
		if (next == 1) {
			this.startNanos = this.nanoClock.getAsLong();
		}
		this.attempts = next;
		return next;
	}

	/**
	 * Return how much of the {@link RetrySpec#maxDuration() deadline} is left: the whole
	 * duration before the first attempt, zero once it has passed. An attempt's own time limit
	 * cut to it keeps the caller's wait within the deadline. May be called from any thread.
	 * @return the time left, or {@code null} if the spec has no deadline
	 */
	public @Nullable Duration timeLeft() {
		Duration maxDuration = this.spec.maxDuration();
		if (maxDuration == null) {
			return null;
		}
		if (this.attempts == 0) {
			return maxDuration;
		}
		long left = Durations.saturatedNanos(maxDuration) - (this.nanoClock.getAsLong() - this.startNanos);
		return Duration.ofNanos(Math.max(0, left));
	}

	/**
	 * Return how many attempts have started.
	 * @return the count
	 */
	public int attempts() {
		return this.attempts;
	}

	/**
	 * Return an attempt's time limit cut to what is left of the
	 * {@link RetrySpec#maxDuration() deadline}: {@code limit} itself when there is no
	 * deadline or more than {@code limit} is left, else the time left, at least a nanosecond
	 * (an attempt at the very end then fails at once rather than running without a limit).
	 * May be called from any thread.
	 * @param limit the attempt's own time limit, {@code > 0}
	 * @return the limit to apply
	 * @throws IllegalArgumentException if {@code limit} is not positive
	 */
	public Duration limitToTimeLeft(Duration limit) {
		Checks.positive(limit, "limit");
		Duration left = timeLeft();
		if (left == null || left.compareTo(limit) >= 0) {
			return limit;
		}
		return left.isZero() ? Duration.ofNanos(1) : left;
	}

	/**
	 * Decide what to do after the current attempt failed: see {@link #onFailure(Throwable)}.
	 * @param failure the attempt's failure, unwrapped from any {@code CompletionException}
	 * @return the pause before the next attempt, or {@code null} to give up, in which case
	 * {@code failure} now carries the earlier failures as suppressed exceptions
	 * @throws NullPointerException if {@code failure} is {@code null}
	 * @throws IllegalStateException if no attempt has begun ({@link #beginAttempt()})
	 */
	public @Nullable Duration nextDelay(Throwable failure) {
		Checks.notNull(failure, "failure");
		checkAttemptBegun("nextDelay");
		long delay = onFailure(failure);
		return (delay == GIVE_UP) ? null : Duration.ofNanos(delay);
	}

	private void checkAttemptBegun(String method) {
		if (this.attempts == 0) {
			throw new IllegalStateException(this.name + ": no attempt has begun; call beginAttempt() before " + method
					+ "()");
		}
	}

	/**
	 * Decide what to do after the current attempt failed. An interrupt (see
	 * {@link #isInterrupt(Throwable)}), a cancellation or a {@link NotStartedException} (the
	 * application is shutting down) is never retried: it is a request to stop. A retried
	 * failure is logged at the spec's {@link RetrySpec#retryLogLevel() retry level}, retries
	 * that ran out once at its {@link RetrySpec#exhaustedLogLevel() exhausted level}; a
	 * failure that is not retried is only logged at DEBUG, since the caller receives it. A
	 * retryable failure is not retried either when the pause before the next attempt (the
	 * spec's {@link RetrySpec#delayFunction()}, else its backoff) would end past its
	 * {@link RetrySpec#maxDuration()}; that is logged as retries that ran out. An exception
	 * thrown by the delay function is thrown from here, the failure suppressed in it.
	 * @return the nanoseconds to wait before the next attempt, or {@link #GIVE_UP}; after
	 * {@code GIVE_UP} the failure carries the earlier failures as suppressed exceptions
	 */
	long onFailure(Throwable failure) {
		if (isInterrupt(failure) || failure instanceof CancellationException
				|| failure instanceof NotStartedException) {
			// A request to stop (or a shutdown that refuses the next attempt), not a failed attempt.
			attachEarlierFailures(failure);
			logger.debug("{}: attempt {} was interrupted or cancelled: not retried", this.name, this.attempts);
			return GIVE_UP;
		}
		if (!this.spec.isRetryable(failure)) {
			attachEarlierFailures(failure);
			logger.debug("{}: attempt {} failed with a non-retryable {}", this.name, this.attempts,
					failure.getClass().getName());
			return GIVE_UP;
		}
		if (this.attempts > this.spec.maxRetries()) {
			attachEarlierFailures(failure);
			Level level = this.spec.exhaustedLogLevel();
			if (logger.isEnabledForLevel(level)) {
				logger.atLevel(level).log("{}: failed after {} attempts: {}", this.name, this.attempts,
						failure.toString());
			}
			publishExhausted(failure);
			return GIVE_UP;
		}
		long delay = delayNanos(failure, null);
		if (pastDeadline(delay)) {
			attachEarlierFailures(failure);
			Level level = this.spec.exhaustedLogLevel();
			if (logger.isEnabledForLevel(level)) {
				logger.atLevel(level).log("{}: failed after {} attempts: {}; no retry, the next would start after "
						+ "the {} deadline", this.name, this.attempts, failure.toString(),
						Durations.format(this.spec.maxDuration()));
			}
			publishExhausted(failure);
			return GIVE_UP;
		}
		rememberFailure(failure);
		Level level = this.spec.retryLogLevel();
		if (logger.isEnabledForLevel(level)) {
			logger.atLevel(level).log("{}: attempt {} of {} failed: {}. Retrying in {}", this.name, this.attempts,
					(long) this.spec.maxRetries() + 1, failure.toString(), Durations.format(Duration.ofNanos(delay)));
		}
		publishScheduled(delay, failure);
		return delay;
	}

	/**
	 * Decide what to do after the current attempt returned a result: see
	 * {@link #onResult(Object)}.
	 * @param result the attempt's result, may be {@code null}
	 * @return the pause before the next attempt, or {@code null} to hand the result to the
	 * caller
	 * @throws RetriesExhaustedException if the result was to be retried, no attempt is left
	 * and the spec says {@link OnResultExhausted#THROW}
	 * @throws RuntimeException what the spec's result predicate or delay function threw: the
	 * retry ends, and the caller must receive it
	 * @throws IllegalStateException if no attempt has begun ({@link #beginAttempt()})
	 */
	public @Nullable Duration nextDelayAfterResult(@Nullable Object result) {
		checkAttemptBegun("nextDelayAfterResult");
		long delay = onResult(result);
		if (delay == THROW_EXHAUSTED) {
			throw exhaustedBy(result);
		}
		return (delay == GIVE_UP) ? null : Duration.ofNanos(delay);
	}

	/**
	 * Decide what to do after the current attempt returned a result. Without a
	 * {@link RetrySpec#retryOnResult()} predicate, or when it rejects the result, the result is
	 * the operation's. Otherwise the result is retried as a failure is (logged at the retry
	 * level, counted against {@code maxRetries} and the deadline); when no attempt is left it
	 * is logged once at the exhausted level and the spec's
	 * {@link RetrySpec#onResultExhausted()} decides.
	 * @return the nanoseconds to wait, {@link #GIVE_UP} to hand the result to the caller, or
	 * {@link #THROW_EXHAUSTED}
	 */
	long onResult(@Nullable Object result) {
		var retryOnResult = this.spec.retryOnResult();
		if (retryOnResult == null) {
			succeeded();
			return GIVE_UP;
		}
		boolean retry;
		try {
			retry = retryOnResult.test(result);
		}
		catch (RuntimeException | Error ex) {
			attachEarlierFailures(ex);
			throw ex;
		}
		if (!retry) {
			this.earlierFailures = null;
			succeeded();
			return GIVE_UP;
		}
		String what = (result != null) ? result.getClass().getName() : "null";
		if (this.attempts > this.spec.maxRetries()) {
			return resultExhausted(what, "");
		}
		long delay = delayNanos(null, result);
		if (pastDeadline(delay)) {
			return resultExhausted(what, "; no retry, the next would start after the "
					+ Durations.format(this.spec.maxDuration()) + " deadline");
		}
		Level level = this.spec.retryLogLevel();
		if (logger.isEnabledForLevel(level)) {
			logger.atLevel(level).log("{}: attempt {} of {} returned a result to retry ({}). Retrying in {}",
					this.name, this.attempts, (long) this.spec.maxRetries() + 1, what,
					Durations.format(Duration.ofNanos(delay)));
		}
		publishScheduled(delay, null);
		return delay;
	}

	private long resultExhausted(String what, String why) {
		publishExhausted(null);
		Level level = this.spec.exhaustedLogLevel();
		if (logger.isEnabledForLevel(level)) {
			logger.atLevel(level).log("{}: attempt {} returned a result to retry ({}) and retries ran out{}: {}",
					this.name, this.attempts, what, why,
					(this.spec.onResultExhausted() == OnResultExhausted.THROW) ? "failing"
							: "returning the last result");
		}
		if (this.spec.onResultExhausted() == OnResultExhausted.THROW) {
			return THROW_EXHAUSTED;
		}
		this.earlierFailures = null;
		this.exhaustedOnResult = true;
		return GIVE_UP;
	}

	/**
	 * Whether the operation ended by handing its caller the last result it was to retry,
	 * because no attempt was left and the spec says {@link OnResultExhausted#RETURN_LAST}:
	 * the caller has a result, but the retry did not succeed, and metrics count it as failed
	 * (as Resilience4j counts a result whose retries ran out).
	 * @return {@code true} once retries ran out on a result that was returned
	 */
	public boolean exhaustedOnResult() {
		return this.exhaustedOnResult;
	}

	/**
	 * The failure for a result that was to be retried when none is left, carrying the
	 * earlier failures as suppressed exceptions.
	 */
	RetriesExhaustedException exhaustedBy(@Nullable Object result) {
		RetriesExhaustedException ex = new RetriesExhaustedException(this.name + ": retries ran out after "
				+ this.attempts + " attempts; the last result was to be retried too", result, this.attempts);
		attachEarlierFailures(ex);
		return ex;
	}

	/**
	 * The pause before the next attempt: the delay function's, capped at {@code maxDelay},
	 * else the backoff with jitter.
	 */
	private long delayNanos(@Nullable Throwable failure, @Nullable Object result) {
		RetryDelayFunction function = this.spec.delayFunction();
		if (function != null) {
			Duration computed;
			try {
				computed = function.delay(this.attempts, failure, result);
			}
			catch (RuntimeException | Error ex) {
				if (failure != null) {
					ex.addSuppressed(failure);
				}
				attachEarlierFailures(ex);
				throw ex;
			}
			if (computed != null) {
				long nanos = Math.max(0, Durations.saturatedNanos(computed));
				return Math.min(nanos, Durations.saturatedNanos(this.spec.maxDelay()));
			}
		}
		return this.spec.delayBeforeRetryNanos(this.attempts, this.random);
	}

	/**
	 * Whether a pause of {@code delay} from now would end past the deadline.
	 */
	private boolean pastDeadline(long delay) {
		Duration maxDuration = this.spec.maxDuration();
		if (maxDuration == null) {
			return false;
		}
		long elapsed = this.nanoClock.getAsLong() - this.startNanos;
		return delay > Durations.saturatedNanos(maxDuration) - elapsed;
	}

	/**
	 * Tell the state that the operation succeeded (for an integration that drives its own
	 * attempts and does not hand results to {@link #nextDelayAfterResult(Object)}, which does
	 * this itself): when it took more than one attempt, an {@link AsyncEvent.Recovered} event
	 * goes to the listeners of the helpers that made this state.
	 */
	public void succeeded() {
		int attempts = this.attempts;
		if (attempts > 1) {
			this.events.publish((now) -> new AsyncEvent.Recovered(this.name, now, attempts));
		}
	}

	private void publishScheduled(long delayNanos, @Nullable Throwable failure) {
		int attempt = this.attempts;
		this.events.publish((now) -> new AsyncEvent.RetryScheduled(this.name, now, attempt,
				Duration.ofNanos(delayNanos), failure));
	}

	private void publishExhausted(@Nullable Throwable failure) {
		int attempts = this.attempts;
		this.events.publish((now) -> new AsyncEvent.RetriesExhausted(this.name, now, attempts, failure));
	}

	/**
	 * Whether a failure is a request to stop rather than a failed attempt: an
	 * {@link InterruptedException}, a {@link ClosedByInterruptException}, or an
	 * {@link InterruptedIOException} other than a {@link SocketTimeoutException} (which
	 * extends it, but means the peer was slow, not that this thread was told to stop).
	 * @param failure the failure
	 * @return {@code true} if no further attempt may start
	 */
	static boolean isInterrupt(Throwable failure) {
		return failure instanceof InterruptedException || failure instanceof ClosedByInterruptException
				|| (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException));
	}

	@SuppressWarnings("unchecked")
	private void rememberFailure(Throwable failure) {
		Object earlier = this.earlierFailures;
		if (earlier == null) {
			this.earlierFailures = failure;
		}
		else if (earlier instanceof Throwable first) {
			List<Throwable> failures = new ArrayList<>(4);
			failures.add(first);
			failures.add(failure);
			this.earlierFailures = failures;
		}
		else {
			((List<Throwable>) earlier).add(failure);
		}
	}

	@SuppressWarnings("unchecked")
	private void attachEarlierFailures(Throwable last) {
		Object earlier = this.earlierFailures;
		this.earlierFailures = null;
		if (earlier instanceof Throwable one) {
			suppress(last, one);
		}
		else if (earlier != null) {
			for (Throwable failure : (List<Throwable>) earlier) {
				suppress(last, failure);
			}
		}
	}

	private static void suppress(Throwable last, Throwable earlier) {
		if (earlier != last) {
			last.addSuppressed(earlier);
		}
	}

}
