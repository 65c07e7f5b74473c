/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/**
 * How to retry: how many times, how long to wait before each retry, and which failures to
 * retry at all. Immutable; derive variants with the {@code with...} methods.
 * <p>
 * {@code maxRetries = 3} allows at most four attempts. The wait before retry {@code n}
 * (counting from 1) is {@code baseDelay * backoffFactor^(n-1)}, capped at {@code maxDelay},
 * then randomised by {@link #jitter()}, unless a {@link #delayFunction()} computes it from
 * the failure or the result ({@code Retry-After}); {@code maxDelay} caps both.
 * <p>
 * <b>Which failures are retried: the cause chain.</b> A failure is retried when it or any
 * of its causes ({@link Throwable#getCause()}, followed to the root) is an instance of a
 * {@link #retryOn()} type, and neither it nor any of its causes is an instance of a
 * {@link #noRetryOn()} type: {@code noRetryOn} wins wherever it appears in the chain. So
 * with {@code retryOn = SocketTimeoutException.class} a {@code ResourceAccessException}
 * caused by a {@code SocketTimeoutException} is retried, and with
 * {@code noRetryOn = IllegalArgumentException.class} an exception wrapping one is not. A
 * chain that loops back on itself is followed at most 64 links deep. The default
 * {@code retryOn = Exception.class} matches any chain holding an {@code Exception},
 * including an {@code Error} caused by one. Suppressed exceptions are not looked at.
 * Interrupts, cancellations and a shutdown are never retried, whatever the lists say (see
 * {@link RetryState#nextDelay(Throwable)}).
 * <p>
 * <b>Retrying on a result.</b> With a {@link #retryOnResult()} predicate, an attempt that
 * returns a result the predicate accepts (a {@code 503} response) is retried like a
 * failure: it counts against {@code maxRetries} and {@code maxDuration} and waits the same
 * backoff. When no attempt is left, {@link #onResultExhausted()} says whether the caller
 * gets that last result or a {@link RetriesExhaustedException} carrying it.
 * <p>
 * <b>One deadline for the whole retry.</b> With a {@link #maxDuration()}, measured from the
 * start of the first attempt, no attempt starts when the pause before it would end past the
 * deadline: the retry ends as if the retries had run out. An attempt that is running is
 * not stopped at the deadline; give it a time limit cut to {@link RetryState#timeLeft()}
 * (as {@link AsyncHelpers#retryWithBackoff(String, Task, RetrySpec, Duration)} does) to
 * bound the caller's wait by the deadline.
 * <p>
 * <b>What is logged</b> (under the {@code io.asynchelpers.RetryState} logger): each failed
 * attempt that will be retried at {@link #retryLogLevel()} ({@code DEBUG} by default), and,
 * once per operation, retries that ran out at {@link #exhaustedLogLevel()} ({@code WARN} by
 * default). A failure that is not retryable, an interrupt, or a cancellation is not logged:
 * the caller receives it.
 *
 * @param maxRetries how many times to retry after the first attempt, {@code >= 0}
 * @param baseDelay the wait before the first retry, {@code >= 0}
 * @param maxDelay the longest wait between attempts, {@code >= baseDelay}
 * @param backoffFactor what each wait is multiplied by for the next, {@code >= 1}
 * @param jitter how waits are randomised
 * @param retryOn the failure types that are retried; an empty list retries no failure
 * @param noRetryOn the failure types that are never retried, even when in {@code retryOn}
 * @param retryLogLevel the level each retried failure is logged at
 * @param exhaustedLogLevel the level the final failure is logged at when the retries ran out
 * @param retryOnResult which results are retried, or {@code null} to accept every result;
 * it sees every result of the operation, {@code null} included
 * @param onResultExhausted what the caller gets when the last attempt returned a result to
 * retry and no attempt is left
 * @param delayFunction computes the pause from the failure or result, or {@code null} to
 * always use the backoff
 * @param maxDuration the deadline of the whole retry from the start of the first attempt,
 * {@code > 0}, or {@code null} for none
 */
public record RetrySpec(int maxRetries, Duration baseDelay, Duration maxDelay, double backoffFactor, Jitter jitter,
		List<Class<? extends Throwable>> retryOn, List<Class<? extends Throwable>> noRetryOn, Level retryLogLevel,
		Level exhaustedLogLevel, @Nullable Predicate<Object> retryOnResult, OnResultExhausted onResultExhausted,
		@Nullable RetryDelayFunction delayFunction, @Nullable Duration maxDuration) {

	/** How many causes are followed at most, also in a chain that loops. */
	private static final int MAX_CAUSE_DEPTH = 64;

	private static final RetrySpec DEFAULTS = new RetrySpec(3, Duration.ofSeconds(1), Duration.ofSeconds(60), 2.0,
			Jitter.NONE, List.of(Exception.class), List.of());

	/**
	 * Create a new instance, checking every argument.
	 * @param maxRetries how many times to retry after the first attempt
	 * @param baseDelay the wait before the first retry
	 * @param maxDelay the longest wait between attempts
	 * @param backoffFactor what each wait is multiplied by for the next
	 * @param jitter how waits are randomised
	 * @param retryOn the failure types that are retried
	 * @param noRetryOn the failure types that are never retried
	 * @param retryLogLevel the level each retried failure is logged at
	 * @param exhaustedLogLevel the level the final failure is logged at when the retries ran out
	 * @param retryOnResult which results are retried, or {@code null} for none
	 * @param onResultExhausted what the caller gets when retrying on results ran out
	 * @param delayFunction computes the pause from the failure or result, or {@code null}
	 * @param maxDuration the deadline of the whole retry, or {@code null} for none
	 * @throws IllegalArgumentException if a value is out of range, naming it
	 * @throws NullPointerException if a non-nullable argument or a list element is
	 * {@code null}
	 */
	public RetrySpec {
		Checks.notNegative(maxRetries, "maxRetries");
		Checks.notNegative(baseDelay, "baseDelay");
		Checks.notNegative(maxDelay, "maxDelay");
		if (maxDelay.compareTo(baseDelay) < 0) {
			throw new IllegalArgumentException(
					"maxDelay must be >= baseDelay (" + baseDelay + "), was " + maxDelay);
		}
		if (!(backoffFactor >= 1.0) || Double.isInfinite(backoffFactor)) {
			throw new IllegalArgumentException("backoffFactor must be >= 1 and finite, was " + backoffFactor);
		}
		Checks.notNull(jitter, "jitter");
		retryOn = throwableTypes(retryOn, "retryOn");
		noRetryOn = throwableTypes(noRetryOn, "noRetryOn");
		Checks.notNull(retryLogLevel, "retryLogLevel");
		Checks.notNull(exhaustedLogLevel, "exhaustedLogLevel");
		Checks.notNull(onResultExhausted, "onResultExhausted");
		if (maxDuration != null) {
			Checks.positive(maxDuration, "maxDuration");
		}
	}

	/**
	 * Create a new instance that retries on failures only, with no deadline, the pause always
	 * from the backoff.
	 * @param maxRetries how many times to retry after the first attempt
	 * @param baseDelay the wait before the first retry
	 * @param maxDelay the longest wait between attempts
	 * @param backoffFactor what each wait is multiplied by for the next
	 * @param jitter how waits are randomised
	 * @param retryOn the failure types that are retried
	 * @param noRetryOn the failure types that are never retried
	 * @param retryLogLevel the level each retried failure is logged at
	 * @param exhaustedLogLevel the level the final failure is logged at when the retries ran out
	 * @throws IllegalArgumentException if a value is out of range, naming it
	 * @throws NullPointerException if an argument or list element is {@code null}
	 */
	public RetrySpec(int maxRetries, Duration baseDelay, Duration maxDelay, double backoffFactor, Jitter jitter,
			List<Class<? extends Throwable>> retryOn, List<Class<? extends Throwable>> noRetryOn, Level retryLogLevel,
			Level exhaustedLogLevel) {
		this(maxRetries, baseDelay, maxDelay, backoffFactor, jitter, retryOn, noRetryOn, retryLogLevel,
				exhaustedLogLevel, null, OnResultExhausted.RETURN_LAST, null, null);
	}

	/**
	 * Create a new instance that logs each retry at {@code DEBUG} and exhausted retries at
	 * {@code WARN}.
	 * @param maxRetries how many times to retry after the first attempt
	 * @param baseDelay the wait before the first retry
	 * @param maxDelay the longest wait between attempts
	 * @param backoffFactor what each wait is multiplied by for the next
	 * @param jitter how waits are randomised
	 * @param retryOn the failure types that are retried
	 * @param noRetryOn the failure types that are never retried
	 * @throws IllegalArgumentException if a value is out of range, naming it
	 * @throws NullPointerException if an argument or list element is {@code null}
	 */
	public RetrySpec(int maxRetries, Duration baseDelay, Duration maxDelay, double backoffFactor, Jitter jitter,
			List<Class<? extends Throwable>> retryOn, List<Class<? extends Throwable>> noRetryOn) {
		this(maxRetries, baseDelay, maxDelay, backoffFactor, jitter, retryOn, noRetryOn, Level.DEBUG, Level.WARN);
	}

	/**
	 * Copy a list of failure types, checking each: a class that reached it through a raw type
	 * or a configuration binder and is not a {@link Throwable} would never match, silently.
	 */
	private static List<Class<? extends Throwable>> throwableTypes(List<Class<? extends Throwable>> types,
			String name) {
		List<Class<? extends Throwable>> copy = List.copyOf(Checks.noNullElements(types, name));
		for (int i = 0; i < copy.size(); i++) {
			Class<?> type = copy.get(i);
			if (!Throwable.class.isAssignableFrom(type)) {
				throw new IllegalArgumentException(name + "[" + i + "] must be a Throwable type, was " + type.getName());
			}
		}
		return copy;
	}

	/**
	 * The seed's defaults: 3 retries, 1 s base delay, 60 s cap, factor 2.0, no jitter, retry
	 * any {@link Exception}, or an {@link Error} caused by one (see the class's rule for the
	 * cause chain), but no other {@link Error}.
	 * @return the default spec
	 */
	public static RetrySpec defaults() {
		return DEFAULTS;
	}

	/**
	 * A copy with another {@code maxRetries}.
	 * @param maxRetries how many times to retry after the first attempt
	 * @return the new spec
	 */
	public RetrySpec withMaxRetries(int maxRetries) {
		return new RetrySpec(maxRetries, this.baseDelay, this.maxDelay, this.backoffFactor, this.jitter, this.retryOn,
				this.noRetryOn, this.retryLogLevel, this.exhaustedLogLevel, this.retryOnResult, this.onResultExhausted, this.delayFunction,
				this.maxDuration);
	}

	/**
	 * A copy with another {@code baseDelay}; {@code maxDelay} is raised to it if it was lower.
	 * @param baseDelay the wait before the first retry
	 * @return the new spec
	 */
	public RetrySpec withBaseDelay(Duration baseDelay) {
		Checks.notNull(baseDelay, "baseDelay");
		Duration max = (this.maxDelay.compareTo(baseDelay) < 0) ? baseDelay : this.maxDelay;
		return new RetrySpec(this.maxRetries, baseDelay, max, this.backoffFactor, this.jitter, this.retryOn,
				this.noRetryOn, this.retryLogLevel, this.exhaustedLogLevel, this.retryOnResult, this.onResultExhausted, this.delayFunction,
				this.maxDuration);
	}

	/**
	 * A copy with another {@code maxDelay}.
	 * @param maxDelay the longest wait between attempts
	 * @return the new spec
	 */
	public RetrySpec withMaxDelay(Duration maxDelay) {
		return new RetrySpec(this.maxRetries, this.baseDelay, maxDelay, this.backoffFactor, this.jitter, this.retryOn,
				this.noRetryOn, this.retryLogLevel, this.exhaustedLogLevel, this.retryOnResult, this.onResultExhausted, this.delayFunction,
				this.maxDuration);
	}

	/**
	 * A copy with another {@code backoffFactor}.
	 * @param backoffFactor what each wait is multiplied by for the next
	 * @return the new spec
	 */
	public RetrySpec withBackoffFactor(double backoffFactor) {
		return new RetrySpec(this.maxRetries, this.baseDelay, this.maxDelay, backoffFactor, this.jitter, this.retryOn,
				this.noRetryOn, this.retryLogLevel, this.exhaustedLogLevel, this.retryOnResult, this.onResultExhausted, this.delayFunction,
				this.maxDuration);
	}

	/**
	 * A copy with another {@code jitter}.
	 * @param jitter how waits are randomised
	 * @return the new spec
	 */
	public RetrySpec withJitter(Jitter jitter) {
		return new RetrySpec(this.maxRetries, this.baseDelay, this.maxDelay, this.backoffFactor, jitter, this.retryOn,
				this.noRetryOn, this.retryLogLevel, this.exhaustedLogLevel, this.retryOnResult, this.onResultExhausted, this.delayFunction,
				this.maxDuration);
	}

	/**
	 * A copy that retries only these failure types (none when empty).
	 * @param retryOn the failure types that are retried
	 * @return the new spec
	 * @throws NullPointerException if {@code retryOn} or one of its elements is {@code null},
	 * naming it
	 */
	@SafeVarargs
	public final RetrySpec withRetryOn(Class<? extends Throwable>... retryOn) {
		return new RetrySpec(this.maxRetries, this.baseDelay, this.maxDelay, this.backoffFactor, this.jitter,
				Arrays.asList(Checks.notNull(retryOn, "retryOn")), this.noRetryOn, this.retryLogLevel, this.exhaustedLogLevel, this.retryOnResult, this.onResultExhausted, this.delayFunction,
				this.maxDuration);
	}

	/**
	 * A copy that never retries these failure types.
	 * @param noRetryOn the failure types that are never retried
	 * @return the new spec
	 * @throws NullPointerException if {@code noRetryOn} or one of its elements is {@code null},
	 * naming it
	 */
	@SafeVarargs
	public final RetrySpec withNoRetryOn(Class<? extends Throwable>... noRetryOn) {
		return new RetrySpec(this.maxRetries, this.baseDelay, this.maxDelay, this.backoffFactor, this.jitter,
				this.retryOn, Arrays.asList(Checks.notNull(noRetryOn, "noRetryOn")), this.retryLogLevel,
				this.exhaustedLogLevel, this.retryOnResult, this.onResultExhausted, this.delayFunction, this.maxDuration);
	}

	/**
	 * A copy that logs at other levels.
	 * @param retryLogLevel the level each retried failure is logged at
	 * @param exhaustedLogLevel the level the final failure is logged at when the retries ran out
	 * @return the new spec
	 */
	public RetrySpec withLogLevels(Level retryLogLevel, Level exhaustedLogLevel) {
		return new RetrySpec(this.maxRetries, this.baseDelay, this.maxDelay, this.backoffFactor, this.jitter,
				this.retryOn, this.noRetryOn, retryLogLevel, exhaustedLogLevel, this.retryOnResult, this.onResultExhausted,
				this.delayFunction, this.maxDuration);
	}

	/**
	 * Whether a failure should be retried (ignoring how many attempts are left), by the
	 * cause-chain rule of the class description: some link of the chain is a {@code retryOn}
	 * type and none is a {@code noRetryOn} type.
	 * @param failure the failure, unwrapped from any {@code CompletionException}
	 * @return {@code true} if it is retryable
	 */
	public boolean isRetryable(Throwable failure) {
		Objects.requireNonNull(failure, "failure must not be null");
		boolean matched = false;
		int depth = 0;
		for (Throwable link = failure; link != null && depth < MAX_CAUSE_DEPTH; link = link.getCause(), depth++) {
			if (depth > 0 && link == failure) {
				break;
			}
			if (isInstanceOfAny(link, this.noRetryOn)) {
				return false;
			}
			matched = matched || isInstanceOfAny(link, this.retryOn);
		}
		return matched;
	}

	private static boolean isInstanceOfAny(Throwable failure, List<Class<? extends Throwable>> types) {
		for (Class<? extends Throwable> type : types) {
			if (type.isInstance(failure)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A copy that retries an attempt whose result the predicate accepts, handing the caller
	 * the last result when no attempt is left (see {@link #withOnResultExhausted}). The
	 * predicate sees every result, {@code null} included; one that throws (a
	 * {@code ClassCastException} on a result of another type) ends the retry and the caller
	 * receives its exception. It runs on the thread that saw the attempt end and must not
	 * block.
	 * @param retryOnResult which results are retried, or {@code null} to accept every result
	 * @return the new spec
	 */
	@SuppressWarnings("unchecked")
	public RetrySpec withRetryOnResult(@Nullable Predicate<?> retryOnResult) {
		return new RetrySpec(this.maxRetries, this.baseDelay, this.maxDelay, this.backoffFactor, this.jitter,
				this.retryOn, this.noRetryOn, this.retryLogLevel, this.exhaustedLogLevel,
				(Predicate<Object>) retryOnResult, this.onResultExhausted, this.delayFunction, this.maxDuration);
	}

	/**
	 * A copy that says what the caller gets when retrying on results ran out.
	 * @param onResultExhausted the last result, or a {@link RetriesExhaustedException}
	 * @return the new spec
	 */
	public RetrySpec withOnResultExhausted(OnResultExhausted onResultExhausted) {
		return new RetrySpec(this.maxRetries, this.baseDelay, this.maxDelay, this.backoffFactor, this.jitter,
				this.retryOn, this.noRetryOn, this.retryLogLevel, this.exhaustedLogLevel, this.retryOnResult,
				onResultExhausted, this.delayFunction, this.maxDuration);
	}

	/**
	 * A copy whose pauses are computed from the failure or the result when the function
	 * returns one, capped at {@code maxDelay}, else taken from the backoff.
	 * @param delayFunction computes the pause, or {@code null} to always use the backoff
	 * @return the new spec
	 */
	public RetrySpec withDelayFunction(@Nullable RetryDelayFunction delayFunction) {
		return new RetrySpec(this.maxRetries, this.baseDelay, this.maxDelay, this.backoffFactor, this.jitter,
				this.retryOn, this.noRetryOn, this.retryLogLevel, this.exhaustedLogLevel, this.retryOnResult,
				this.onResultExhausted, delayFunction, this.maxDuration);
	}

	/**
	 * A copy with one deadline for the whole retry, measured from the start of the first
	 * attempt: no attempt starts when the pause before it would end past it.
	 * @param maxDuration the deadline, {@code > 0}, or {@code null} for none
	 * @return the new spec
	 * @throws IllegalArgumentException if {@code maxDuration} is not positive
	 */
	public RetrySpec withMaxDuration(@Nullable Duration maxDuration) {
		return new RetrySpec(this.maxRetries, this.baseDelay, this.maxDelay, this.backoffFactor, this.jitter,
				this.retryOn, this.noRetryOn, this.retryLogLevel, this.exhaustedLogLevel, this.retryOnResult,
				this.onResultExhausted, this.delayFunction, maxDuration);
	}

	/**
	 * The backoff before a retry, before jitter: {@code baseDelay * backoffFactor^(retry-1)},
	 * capped at {@code maxDelay}.
	 * @param retry the retry number, counting from 1
	 * @return the delay
	 * @throws IllegalArgumentException if {@code retry < 1}
	 */
	public Duration backoff(int retry) {
		return Duration.ofNanos(backoffNanos(retry));
	}

	/**
	 * The wait before a retry with jitter applied, drawn from {@link ThreadLocalRandom}.
	 * @param retry the retry number, counting from 1
	 * @return the delay to wait
	 */
	public Duration delayBeforeRetry(int retry) {
		return Duration.ofNanos(delayBeforeRetryNanos(retry, () -> ThreadLocalRandom.current().nextDouble()));
	}

	long delayBeforeRetryNanos(int retry, DoubleSupplier random) {
		return this.jitter.apply(backoffNanos(retry), random);
	}

	private long backoffNanos(int retry) {
		if (retry < 1) {
			throw new IllegalArgumentException("retry must be >= 1, was " + retry);
		}
		long base = Durations.saturatedNanos(this.baseDelay);
		long max = Durations.saturatedNanos(this.maxDelay);
		double nanos = base * Math.pow(this.backoffFactor, retry - 1);
		return (nanos >= max) ? max : (long) nanos;
	}

}
