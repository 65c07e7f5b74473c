/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The pauses of a {@link Retry}: the wait before retry {@code n} is
 * {@code delay * multiplier^(n-1)}, capped at {@code maxDelay}, then randomised by
 * {@code jitter}. Every attribute left empty falls back to {@code asynchelpers.retry.*}.
 * Durations are written as in configuration ({@code "500ms"}, {@code "2s"},
 * {@code "PT1M"}) or as {@code ${...}} placeholders.
 */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Backoff {

	/**
	 * The wait before the first retry, for instance {@code "500ms"}. Empty means
	 * {@code asynchelpers.retry.base-delay}.
	 * @return the first delay
	 */
	String delay() default "";

	/**
	 * The longest wait between two attempts. Empty means {@code asynchelpers.retry.max-delay}.
	 * @return the largest delay
	 */
	String maxDelay() default "";

	/**
	 * What each wait is multiplied by for the next, {@code >= 1}. Zero means unset:
	 * {@code asynchelpers.retry.backoff-factor} applies.
	 * @return the multiplier
	 */
	double multiplier() default 0;

	/**
	 * {@link #multiplier()} as a string, so that it can be a {@code ${...}} placeholder. Wins
	 * over {@code multiplier} when set.
	 * @return the multiplier, or empty
	 */
	String multiplierString() default "";

	/**
	 * How waits are randomised: {@code "none"}, {@code "full"} (between zero and the
	 * backoff) or {@code "equal"} (between half the backoff and the backoff). Empty means
	 * {@code asynchelpers.retry.jitter}.
	 * @return the jitter
	 */
	String jitter() default "";

}
