/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import io.asynchelpers.RetryDelayFunction;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * A {@link RetryDelayFunction} that waits as long as the server asked in its
 * {@code Retry-After} header (on a {@code 429 Too Many Requests} or a
 * {@code 503 Service Unavailable}), for {@code @Retry(delayFunction = RetryAfterDelay.class)}
 * or {@link io.asynchelpers.RetrySpec#withDelayFunction}.
 * <p>
 * The header is read from the first {@link RestClientResponseException} (what
 * {@code RestClient} and {@code RestTemplate} throw) or {@code WebClientResponseException}
 * (what {@code WebClient} throws; looked for only when Spring WebFlux is on the class path)
 * in the failure's cause chain, or, when the method is retried on its result, from a
 * {@link HttpEntity} result (a {@code ResponseEntity}). Its value is either a number of
 * seconds ({@code Retry-After: 120}) or an HTTP date
 * ({@code Retry-After: Wed, 21 Oct 2026 07:28:00 GMT}), read against this function's clock;
 * a date in the past means no wait. Without the header, or with one that is neither, the
 * retry's backoff applies. The wait is capped at the retry's {@code maxDelay}, and a wait
 * that would end past its {@code maxDuration} ends the retry.
 * <p>
 * Thread-safe and stateless: one instance may serve every method. Needs Spring Web on the
 * class path.
 */
public final class RetryAfterDelay implements RetryDelayFunction {

	private static final boolean webClientPresent = ClassUtils.isPresent(
			"org.springframework.web.reactive.function.client.WebClientResponseException",
			RetryAfterDelay.class.getClassLoader());

	/** How many causes are followed at most, also in a chain that loops. */
	private static final int MAX_CAUSE_DEPTH = 64;

	private final Clock clock;

	/**
	 * Create a function that reads HTTP dates against the system clock.
	 */
	public RetryAfterDelay() {
		this(Clock.systemUTC());
	}

	/**
	 * Create a function that reads HTTP dates against the given clock.
	 * @param clock the clock that "now" is read from
	 */
	public RetryAfterDelay(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Return the wait the server asked for, or {@code null} to use the backoff.
	 * @param attempt the number of the attempt that just ended, counting from 1
	 * @param failure the attempt's failure, or {@code null}
	 * @param result the attempt's result when it is retried on its result, else {@code null}
	 * @return the wait, {@link Duration#ZERO} for a date in the past, or {@code null} when
	 * there is no usable {@code Retry-After}
	 */
	@Override
	public @Nullable Duration delay(int attempt, @Nullable Throwable failure, @Nullable Object result) {
		String retryAfter = (failure != null) ? retryAfterOf(failure)
				: (result instanceof HttpEntity<?> entity) ? entity.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)
						: null;
		return (retryAfter != null) ? parse(retryAfter) : null;
	}

	private static @Nullable String retryAfterOf(Throwable failure) {
		int depth = 0;
		for (Throwable link = failure; link != null && depth < MAX_CAUSE_DEPTH; link = link.getCause(), depth++) {
			HttpHeaders headers = null;
			if (link instanceof RestClientResponseException response) {
				headers = response.getResponseHeaders();
			}
			else if (webClientPresent) {
				headers = WebClientHeaders.of(link);
			}
			if (headers != null) {
				return headers.getFirst(HttpHeaders.RETRY_AFTER);
			}
		}
		return null;
	}

	/**
	 * The wait a {@code Retry-After} value asks for: delta-seconds or an HTTP date.
	 * @param value the header's value
	 * @return the wait, or {@code null} if the value is neither
	 */
	@Nullable Duration parse(String value) {
		String trimmed = value.trim();
		if (!trimmed.isEmpty() && trimmed.chars().allMatch(Character::isDigit)) {
			try {
				return Duration.ofSeconds(Long.parseLong(trimmed));
			}
			catch (NumberFormatException ex) {
				// More seconds than a long holds: as good as forever, which maxDelay caps.
				return Duration.ofSeconds(Long.MAX_VALUE);
			}
		}
		try {
			ZonedDateTime date = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
			Duration wait = Duration.between(this.clock.instant(), date.toInstant());
			return wait.isNegative() ? Duration.ZERO : wait;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/**
	 * WebFlux's exception, in a class of its own so that it is loaded only when WebFlux is
	 * present.
	 */
	private static final class WebClientHeaders {

		static @Nullable HttpHeaders of(Throwable failure) {
			return (failure instanceof WebClientResponseException response) ? response.getHeaders() : null;
		}

	}

}
