/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.MaxConcurrency;
import io.asynchelpers.annotation.Retry;
import io.asynchelpers.annotation.Timed;
import io.asynchelpers.annotation.WithTimeout;
import io.github.resilience4j.bulkhead.annotation.Bulkhead;
import io.github.resilience4j.timelimiter.annotation.TimeLimiter;

import org.springframework.resilience.annotation.ConcurrencyLimit;
import org.springframework.resilience.annotation.Retryable;

/**
 * The proxied beans under test: each has a trivial {@code call} (what the benchmark
 * measures) and a check method that proves its advice acts.
 */
public final class Targets {

	private Targets() {
	}

	/** Fails every other call, so that a retrying proxy returns on its second attempt. */
	public static class Flaky {

		private final AtomicInteger calls = new AtomicInteger();

		String flakyCall() throws IOException {
			if (this.calls.incrementAndGet() % 2 == 1) {
				throw new IOException("odd call");
			}
			return "even call";
		}

		public int calls() {
			return this.calls.get();
		}

	}

	public static class Plain {

		public String call(String input) {
			return input;
		}

	}

	public static class EmptyAround {

		public String call(String input) {
			return input;
		}

	}

	public static class OursRetry extends Flaky {

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public String call(String input) {
			return input;
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public String check() throws IOException {
			return flakyCall();
		}

	}

	public static class OursTimed {

		@Timed("bench")
		public String call(String input) {
			return input;
		}

	}

	public static class OursTimeout {

		@WithTimeout("1s")
		public String call(String input) {
			return input;
		}

		@WithTimeout("20ms")
		public String check() throws InterruptedException {
			Thread.sleep(5_000);
			return "late";
		}

	}

	public static class OursTimeoutAsync {

		@WithTimeout("1s")
		public CompletableFuture<String> call(String input) {
			return CompletableFuture.completedFuture(input);
		}

		@WithTimeout("20ms")
		public CompletableFuture<String> check() {
			return new CompletableFuture<>();
		}

	}

	public static class OursAll extends Flaky {

		@Timed("bench-all")
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		@WithTimeout("1s")
		public String call(String input) {
			return input;
		}

		@Timed("bench-all-check")
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		@WithTimeout("1s")
		public String check() throws IOException {
			return flakyCall();
		}

	}

	public static class SpringRetryable extends Flaky {

		@Retryable(maxRetries = 3, delay = 1)
		public String call(String input) {
			return input;
		}

		@Retryable(maxRetries = 3, delay = 1)
		public String check() throws IOException {
			return flakyCall();
		}

	}

	public static class SpringConcurrencyLimit {

		private final AtomicInteger inFlight = new AtomicInteger();

		private final AtomicInteger maxInFlight = new AtomicInteger();

		@ConcurrencyLimit(16)
		public String call(String input) {
			return input;
		}

		@ConcurrencyLimit(1)
		public String check() throws InterruptedException {
			this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			Thread.sleep(20);
			this.inFlight.decrementAndGet();
			return "limited";
		}

		public int maxInFlight() {
			return this.maxInFlight.get();
		}

	}

	public static class SpringRetryLegacy extends Flaky {

		@org.springframework.retry.annotation.Retryable(maxAttempts = 4,
				backoff = @org.springframework.retry.annotation.Backoff(delay = 1))
		public String call(String input) {
			return input;
		}

		@org.springframework.retry.annotation.Retryable(maxAttempts = 4,
				backoff = @org.springframework.retry.annotation.Backoff(delay = 1))
		public String check() throws IOException {
			return flakyCall();
		}

	}

	public static class R4jRetry extends Flaky {

		@io.github.resilience4j.retry.annotation.Retry(name = "bench")
		public String call(String input) {
			return input;
		}

		@io.github.resilience4j.retry.annotation.Retry(name = "bench")
		public String check() throws IOException {
			return flakyCall();
		}

	}

	public static class R4jTimeLimiter {

		@TimeLimiter(name = "bench")
		public CompletableFuture<String> call(String input) {
			return CompletableFuture.completedFuture(input);
		}

		@TimeLimiter(name = "check")
		public CompletableFuture<String> check() {
			return new CompletableFuture<>();
		}

	}

	public static class MicrometerTimed {

		@io.micrometer.core.annotation.Timed("bench.micrometer")
		public String call(String input) {
			return input;
		}

	}

	/** Counts the calls in flight, for the checks that a limit limits. */
	public static class InFlight {

		private final AtomicInteger inFlight = new AtomicInteger();

		private final AtomicInteger maxInFlight = new AtomicInteger();

		String limited() throws InterruptedException {
			this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			Thread.sleep(20);
			this.inFlight.decrementAndGet();
			return "limited";
		}

		public int maxInFlight() {
			return this.maxInFlight.get();
		}

	}

	public static class OursMaxConcurrency extends InFlight {

		@MaxConcurrency(limit = 16)
		public String call(String input) {
			return input;
		}

		@MaxConcurrency(limit = 1, maxWait = "10s")
		public String check() throws InterruptedException {
			return limited();
		}

	}

	public static class MicrometerObserved {

		@io.micrometer.observation.annotation.Observed(name = "bench.observed")
		public String call(String input) {
			return input;
		}

	}

	public static class R4jBulkhead extends InFlight {

		@Bulkhead(name = "bench")
		public String call(String input) {
			return input;
		}

		@Bulkhead(name = "check")
		public String check() throws InterruptedException {
			return limited();
		}

	}

}
