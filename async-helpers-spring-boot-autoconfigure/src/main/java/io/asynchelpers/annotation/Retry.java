/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.function.Predicate;

/**
 * Retry the annotated method, or every public method of the annotated type, with
 * exponential backoff when it fails.
 * <p>
 * How the pause is spent depends on the return type. A method returning a plain value (or
 * {@code void}) is retried on the calling thread, which alone waits during the pause, so
 * thread-bound context (a transaction, a security context) is intact in every attempt. A
 * method returning {@code CompletionStage}/{@code CompletableFuture} (or, with Reactor,
 * {@code Mono}/{@code Flux}) is re-invoked for each attempt after a pause scheduled on the
 * helpers' scheduler: no thread is held while it waits.
 * <p>
 * Every attribute left unset falls back to the {@code asynchelpers.retry.*} properties.
 * String attributes accept {@code ${...}} placeholders. A method's own annotation wins over
 * its type's. May be used as a meta-annotation. An attribute that cannot be resolved (a
 * delay of {@code "soon"}, a log level of {@code "loud"}) fails start-up.
 * <p>
 * Each retried failure is logged at {@link #attemptLogLevel()} ({@code DEBUG} by default),
 * and the last failure once at {@link #logLevel()} ({@code WARN} by default) when the
 * retries run out; the caller gets the last failure with the earlier ones as suppressed
 * exceptions. A {@code null} returned instead of a stage is never retried.
 * <p>
 * {@link #retryOn()} and {@link #noRetryOn()} look at the whole cause chain: a failure is
 * retried when it or any of its causes is of a {@code retryOn} type and neither it nor any
 * cause is of a {@code noRetryOn} type ({@code noRetryOn} wins). So
 * {@code retryOn = SocketTimeoutException.class} retries a {@code ResourceAccessException}
 * caused by a {@code SocketTimeoutException}.
 * <p>
 * For HTTP clients: {@link #retryOnResult()} retries on a result (a 503 response),
 * {@link #delayFunction()} takes the pause from the failure or result (a
 * {@code Retry-After} header) and {@link #maxDuration()} bounds the whole retry.
 * <p>
 * Calls from inside the same bean ({@code this.method()}) are not intercepted: call the
 * method through the bean's proxy (inject the bean, or split the class). On a private,
 * static or final method, or in a final class, the annotation fails start-up rather than
 * being ignored.
 */
@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface Retry {

	/**
	 * How many times to retry after the first attempt; {@code 3} allows four attempts.
	 * {@code -1} (the default) means unset: {@code asynchelpers.retry.max-retries} applies;
	 * any other negative value fails start-up.
	 * @return the number of retries
	 */
	int maxRetries() default -1;

	/**
	 * {@link #maxRetries()} as a string, so that it can be a {@code ${...}} placeholder. Wins
	 * over {@code maxRetries} when set.
	 * @return the number of retries, or empty
	 */
	String maxRetriesString() default "";

	/**
	 * How long to wait between attempts.
	 * @return the backoff
	 */
	Backoff backoff() default @Backoff;

	/**
	 * The failure types that are retried (subtypes included), when the failure or any of its
	 * causes is of one (see the class description). Empty means unset:
	 * {@code asynchelpers.retry.retry-on} applies.
	 * @return the retried types
	 */
	Class<? extends Throwable>[] retryOn() default {};

	/**
	 * The failure types that are never retried, even when they match {@link #retryOn()}:
	 * one anywhere in the failure's cause chain keeps it from being retried.
	 * Empty means unset: {@code asynchelpers.retry.no-retry-on} applies.
	 * @return the types that are not retried
	 */
	Class<? extends Throwable>[] noRetryOn() default {};

	/**
	 * The level each retried failure is logged at: {@code error}, {@code warn},
	 * {@code info}, {@code debug} or {@code trace}. Empty means
	 * {@code asynchelpers.retry.attempt-log-level} ({@code debug} unless configured).
	 * @return the level, or empty
	 */
	String attemptLogLevel() default "";

	/**
	 * The level the last failure is logged at, once, when the retries ran out:
	 * {@code error}, {@code warn}, {@code info}, {@code debug} or {@code trace}. Empty means
	 * {@code asynchelpers.retry.log-level} ({@code warn} unless configured). A failure that
	 * is not retried is not logged: the caller receives it.
	 * @return the level, or empty
	 */
	String logLevel() default "";

	/**
	 * The name of the method in the retry log and in the {@code name} tag of its metrics.
	 * A method has one name for all of them: the value of its {@link Timed @Timed} if it has
	 * one, else this name, else the name of its {@link WithTimeout @WithTimeout}, else of its
	 * {@link MaxConcurrency @MaxConcurrency}, else {@code SimpleClassName.method}.
	 * @return the name, or empty for the default
	 */
	String name() default "";

	/**
	 * Retry when the method returns a result this predicate accepts (a
	 * {@code ResponseEntity} with status 503), not only when it throws: the result counts
	 * against {@link #maxRetries()} and {@link #maxDuration()} and waits the same backoff as a
	 * failure. The class must implement {@code java.util.function.Predicate}; it is created
	 * once per method as a bean through the application's bean factory, so its constructor
	 * arguments and {@code @Autowired} members are injected. It sees every result, including
	 * {@code null} (a {@code void} method, an empty {@code Mono}); one that throws ends the
	 * retry with its exception. For a {@code CompletionStage} the result is the stage's
	 * value, for a {@code Mono} the emitted value; a {@code Flux} has no single result, so
	 * the attribute on a {@code Flux} method fails start-up. {@code Predicate.class} (the
	 * default) retries on failures only.
	 * @return the predicate type
	 */
	@SuppressWarnings("rawtypes")
	Class<? extends Predicate> retryOnResult() default Predicate.class;

	/**
	 * What the caller gets when the last attempt returned a result {@link #retryOnResult()}
	 * wanted retried and no attempt is left: {@code return-last} (that result) or
	 * {@code throw} (an {@code io.asynchelpers.RetriesExhaustedException} carrying it). Empty
	 * means {@code asynchelpers.retry.on-result-exhausted} ({@code return-last} unless
	 * configured).
	 * @return {@code return-last}, {@code throw}, or empty
	 */
	String onResultExhausted() default "";

	/**
	 * Computes the pause before each retry from the attempt's number and its failure or
	 * result, for instance from a {@code Retry-After} header; the class must implement
	 * {@code io.asynchelpers.RetryDelayFunction} (the starter ships
	 * {@code io.asynchelpers.aop.RetryAfterDelay}). Created as a bean, as
	 * {@link #retryOnResult()} is. When it returns {@code null} the backoff applies; its
	 * pauses are never longer than {@link Backoff#maxDelay()}. {@code void.class} (the
	 * default) always uses the backoff.
	 * @return the function type
	 */
	Class<?> delayFunction() default void.class;

	/**
	 * One deadline for the whole retry, measured from the start of the first attempt, for
	 * instance {@code "10s"} or {@code "${client.retry-budget}"}: no attempt starts when the
	 * pause before it would end past it, and the time limit of each attempt
	 * ({@link WithTimeout @WithTimeout}, nested inside the retry by default) is cut to the
	 * time left, so that the caller's wait is bounded by the deadline. Without a time limit
	 * an attempt that is running is not stopped at the deadline. Empty means
	 * {@code asynchelpers.retry.max-duration} (none unless configured).
	 * @return the deadline, or empty
	 */
	String maxDuration() default "";

}
