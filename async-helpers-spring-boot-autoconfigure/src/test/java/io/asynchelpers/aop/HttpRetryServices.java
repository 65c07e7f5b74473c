/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.Retry;
import io.asynchelpers.annotation.WithTimeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Annotated beans for the HTTP-client retry tests: retry on a result, Retry-After, one
 * deadline, the cause chain. Public, so that CGLIB can subclass them from any class loader.
 */
public final class HttpRetryServices {

	private HttpRetryServices() {
	}

	/** The statuses to retry: a bean, which the predicate is autowired with. */
	public record RetriedStatuses(Set<Integer> statuses) {
	}

	/** Retries a response whose status is one of the {@link RetriedStatuses}. */
	public static class RetriedStatus implements Predicate<ResponseEntity<?>> {

		private final RetriedStatuses retried;

		public RetriedStatus(RetriedStatuses retried) {
			this.retried = retried;
		}

		@Override
		public boolean test(ResponseEntity<?> response) {
			return this.retried.statuses().contains(response.getStatusCode().value());
		}

	}

	static HttpHeaders retryAfter(String value) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, value);
		return headers;
	}

	/** Answers 503 (with {@code Retry-After: 1}) {@link #unavailable} times, then 200. */
	public static class StatusClient {

		public final AtomicInteger attempts = new AtomicInteger();

		public volatile int unavailable = 2;

		ResponseEntity<String> next() {
			return (this.attempts.incrementAndGet() <= this.unavailable)
					? ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).headers(retryAfter("1")).body("busy")
					: ResponseEntity.ok("ok");
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"), retryOnResult = RetriedStatus.class)
		public ResponseEntity<String> blocking() {
			return next();
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"), retryOnResult = RetriedStatus.class)
		public CompletableFuture<ResponseEntity<String>> async() {
			return CompletableFuture.supplyAsync(this::next);
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"), retryOnResult = RetriedStatus.class)
		public Mono<ResponseEntity<String>> mono() {
			return Mono.fromSupplier(this::next);
		}

		@Retry(maxRetries = 1, backoff = @Backoff(delay = "1ms"), retryOnResult = RetriedStatus.class,
				onResultExhausted = "throw")
		public ResponseEntity<String> throwingBlocking() {
			return next();
		}

		@Retry(maxRetries = 1, backoff = @Backoff(delay = "1ms"), retryOnResult = RetriedStatus.class,
				onResultExhausted = "${test.on-result-exhausted:throw}")
		public CompletableFuture<ResponseEntity<String>> throwingAsync() {
			return CompletableFuture.completedFuture(next());
		}

		@Retry(maxRetries = 1, backoff = @Backoff(delay = "1ms"), retryOnResult = RetriedStatus.class,
				onResultExhausted = "throw")
		public Mono<ResponseEntity<String>> throwingMono() {
			return Mono.fromSupplier(this::next);
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms", maxDelay = "25ms"),
				retryOnResult = RetriedStatus.class, delayFunction = RetryAfterDelay.class)
		public ResponseEntity<String> retryAfterResult() {
			return next();
		}

	}

	/**
	 * Fails twice with a 429 carrying {@code Retry-After: 1}, then succeeds; the 25ms
	 * {@code maxDelay} caps the second the server asks for, so the test need not wait it.
	 */
	public static class RateLimitedClient {

		public final AtomicInteger attempts = new AtomicInteger();

		static HttpClientErrorException tooManyRequests() {
			return HttpClientErrorException.create(HttpStatus.TOO_MANY_REQUESTS, "Too Many Requests", retryAfter("1"),
					new byte[0], StandardCharsets.UTF_8);
		}

		static WebClientResponseException webClientTooManyRequests() {
			return WebClientResponseException.create(429, "Too Many Requests", retryAfter("1"), new byte[0],
					StandardCharsets.UTF_8);
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms", maxDelay = "25ms"), delayFunction = RetryAfterDelay.class)
		public String blocking() {
			if (this.attempts.incrementAndGet() < 3) {
				throw tooManyRequests();
			}
			return "ok";
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms", maxDelay = "25ms"), delayFunction = RetryAfterDelay.class)
		public CompletableFuture<String> async() {
			return (this.attempts.incrementAndGet() < 3) ? CompletableFuture.failedFuture(tooManyRequests())
					: CompletableFuture.completedFuture("ok");
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms", maxDelay = "25ms"), delayFunction = RetryAfterDelay.class)
		public Mono<String> mono() {
			return Mono.defer(() -> (this.attempts.incrementAndGet() < 3) ? Mono.error(webClientTooManyRequests())
					: Mono.just("ok"));
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms", maxDelay = "25ms"), delayFunction = RetryAfterDelay.class)
		public Flux<String> flux() {
			return Flux.defer(() -> (this.attempts.incrementAndGet() < 3) ? Flux.error(webClientTooManyRequests())
					: Flux.just("o", "k"));
		}

	}

	/** Never answers in time: each attempt's 60s limit is cut to the 300ms deadline. */
	public static class DeadlineClient {

		public final AtomicInteger attempts = new AtomicInteger();

		@Retry(maxRetries = 10, backoff = @Backoff(delay = "1ms"), maxDuration = "300ms")
		@WithTimeout("60s")
		public String blocking() throws InterruptedException {
			this.attempts.incrementAndGet();
			Thread.sleep(60_000);
			return "late";
		}

		@Retry(maxRetries = 10, backoff = @Backoff(delay = "1ms"), maxDuration = "300ms")
		@WithTimeout("60s")
		public CompletableFuture<String> async() {
			this.attempts.incrementAndGet();
			return new CompletableFuture<>();
		}

		@Retry(maxRetries = 10, backoff = @Backoff(delay = "1ms"), maxDuration = "300ms")
		@WithTimeout("60s")
		public Mono<String> mono() {
			this.attempts.incrementAndGet();
			return Mono.never();
		}

		@Retry(maxRetries = 10, backoff = @Backoff(delay = "1ms"), maxDuration = "${test.max-duration:300ms}")
		@WithTimeout("60s")
		public Flux<String> flux() {
			this.attempts.incrementAndGet();
			return Flux.never();
		}

		@Retry(maxRetries = 10, backoff = @Backoff(delay = "1ms"))
		public String fromProperties() throws IOException {
			throw new IOException("down");
		}

	}

	/** Throws what RestClient throws on a read timeout: the SocketTimeoutException is a cause. */
	public static class WrappingClient {

		public final AtomicInteger attempts = new AtomicInteger();

		static ResourceAccessException readTimedOut() {
			return new ResourceAccessException("I/O error on GET request", new SocketTimeoutException("Read timed out"));
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"), retryOn = SocketTimeoutException.class)
		public String blocking() {
			if (this.attempts.incrementAndGet() < 3) {
				throw readTimedOut();
			}
			return "ok";
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"), retryOn = SocketTimeoutException.class)
		public CompletableFuture<String> async() {
			return (this.attempts.incrementAndGet() < 3) ? CompletableFuture.failedFuture(readTimedOut())
					: CompletableFuture.completedFuture("ok");
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"), retryOn = SocketTimeoutException.class)
		public Mono<String> mono() {
			return Mono.defer(() -> (this.attempts.incrementAndGet() < 3) ? Mono.error(readTimedOut()) : Mono.just("ok"));
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"), retryOn = SocketTimeoutException.class)
		public Flux<String> flux() {
			return Flux.defer(() -> (this.attempts.incrementAndGet() < 3) ? Flux.error(readTimedOut()) : Flux.just("ok"));
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"), retryOn = SocketTimeoutException.class)
		public String connectionReset() {
			this.attempts.incrementAndGet();
			throw new ResourceAccessException("I/O error on GET request", new IOException("Connection reset"));
		}

	}

	/** A Flux has no single result to judge. */
	public static class FluxRetriedOnResult {

		@Retry(retryOnResult = RetriedStatus.class)
		public Flux<ResponseEntity<String>> statuses() {
			return Flux.empty();
		}

	}

	/** A deadline that is no duration. */
	public static class BadMaxDuration {

		@Retry(maxDuration = "soon")
		public String call() {
			return "ok";
		}

	}

	/** Needs a bean nobody defines. */
	public static class NeedsMissingBean implements Predicate<Object> {

		public NeedsMissingBean(Semaphore missing) {
		}

		@Override
		public boolean test(Object result) {
			return false;
		}

	}

	/** A predicate that cannot be created. */
	public static class UncreatablePredicate {

		@Retry(retryOnResult = NeedsMissingBean.class)
		public String call() {
			return "ok";
		}

	}

	/** A delay function that is none. */
	public static class NotADelayFunction {

		@Retry(delayFunction = String.class)
		public String call() {
			return "ok";
		}

	}

}
