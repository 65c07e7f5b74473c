/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.MaxConcurrency;
import io.asynchelpers.annotation.Retry;
import io.asynchelpers.annotation.Timed;
import io.asynchelpers.annotation.WithTimeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.scheduling.annotation.Async;
import org.springframework.transaction.annotation.Transactional;

/**
 * Annotated beans for the interceptor tests. Public, so that CGLIB can subclass them from
 * any class loader.
 */
public final class TestServices {

	private TestServices() {
	}

	/** Fails a given number of times, then succeeds; counts attempts and their threads. */
	public static class Flaky {

		public final AtomicInteger attempts = new AtomicInteger();

		public final List<String> threads = new CopyOnWriteArrayList<>();

		public volatile int failures = 2;

		private String attempt() throws IOException {
			this.threads.add(Thread.currentThread().getName());
			int attempt = this.attempts.incrementAndGet();
			if (attempt <= this.failures) {
				throw new IOException("attempt " + attempt);
			}
			return "ok after " + attempt;
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public String blocking() throws IOException {
			return attempt();
		}

		@Retry(backoff = @Backoff(delay = "${test.retry.delay:1ms}"))
		public String fromProperties() throws IOException {
			return attempt();
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"), noRetryOn = IOException.class)
		public String notRetried() throws IOException {
			return attempt();
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public void nothingReturned() throws IOException {
			attempt();
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public CompletableFuture<String> async() {
			try {
				return CompletableFuture.completedFuture(attempt());
			}
			catch (IOException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public Mono<String> mono() {
			return Mono.fromCallable(this::attempt);
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public Flux<String> flux() {
			return Flux.defer(() -> {
				try {
					return Flux.just("a", attempt());
				}
				catch (IOException ex) {
					return Flux.error(ex);
				}
			});
		}

		public String selfInvocation() throws IOException {
			return blocking();
		}

	}

	/** Retries every public method once; one method overrides it. */
	@Retry(maxRetries = 1, backoff = @Backoff(delay = "1ms"))
	public static class ClassLevel {

		public final AtomicInteger attempts = new AtomicInteger();

		public String inherits() throws IOException {
			throw new IOException("attempt " + this.attempts.incrementAndGet());
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public String overrides() throws IOException {
			throw new IOException("attempt " + this.attempts.incrementAndGet());
		}

	}

	/**
	 * One method inherited by beans of several classes, each class with its own
	 * annotations: the interceptor sees the same {@code Method} for all of them.
	 */
	public static class SharedBase {

		public final AtomicInteger attempts = new AtomicInteger();

		public String call() throws IOException {
			throw new IOException("attempt " + this.attempts.incrementAndGet());
		}

	}

	@Retry(maxRetries = 1, backoff = @Backoff(delay = "1ms"))
	public static class SharedRetriedOnce extends SharedBase {

	}

	@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
	public static class SharedRetriedThrice extends SharedBase {

	}

	@MaxConcurrency(limit = 1, policy = MaxConcurrency.Policy.REJECT)
	public static class SharedLimited extends SharedBase {

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@Retry(maxRetries = 4, backoff = @Backoff(delay = "1ms"))
	public @interface RetryFourTimes {

	}

	public static class MetaAnnotated {

		public final AtomicInteger attempts = new AtomicInteger();

		@RetryFourTimes
		public String call() throws IOException {
			throw new IOException("attempt " + this.attempts.incrementAndGet());
		}

	}

	/** Slow in several ways. */
	public static class Slow {

		public final AtomicBoolean sawInterrupt = new AtomicBoolean();

		public final AtomicBoolean finishedBusyLoop = new AtomicBoolean();

		public final List<Thread> threads = new CopyOnWriteArrayList<>();

		public volatile CompletableFuture<String> pending = new CompletableFuture<>();

		@WithTimeout("100ms")
		public String sleepy() throws InterruptedException {
			this.threads.add(Thread.currentThread());
			try {
				Thread.sleep(30_000);
			}
			catch (InterruptedException ex) {
				this.sawInterrupt.set(true);
				throw ex;
			}
			return "late";
		}

		@WithTimeout(value = "100ms", isolate = true)
		public String ignoresInterrupts() {
			long end = System.nanoTime() + 2_000_000_000L;
			while (System.nanoTime() < end) {
				Thread.onSpinWait();
			}
			this.finishedBusyLoop.set(true);
			return "late";
		}

		@WithTimeout(value = "${test.timeout:100ms}", message = "catalogue too slow")
		public CompletableFuture<String> neverCompletes() {
			return this.pending;
		}

		@WithTimeout("5s")
		public String fast() {
			return "fast";
		}

		@WithTimeout("150ms")
		public Flux<Long> endlessFlux() {
			return Flux.interval(Duration.ofMillis(20));
		}

		@WithTimeout("150ms")
		public Mono<String> silentMono() {
			return Mono.never();
		}

		@Timed("mono")
		public Mono<String> timedMono() {
			return Mono.just("timed mono");
		}

		@Timed("lookup")
		public String timedBlocking() {
			return "timed";
		}

		@Timed
		public CompletableFuture<String> timedAsync() {
			return this.pending;
		}

	}

	/** All three annotations on one method. */
	public static class Stacked {

		public final AtomicInteger attempts = new AtomicInteger();

		@Timed("stacked")
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"), name = "stacked")
		@WithTimeout(value = "150ms", name = "stacked")
		public String all() throws InterruptedException {
			int attempt = this.attempts.incrementAndGet();
			if (attempt <= 2) {
				Thread.sleep(30_000);
			}
			return "attempt " + attempt;
		}

	}

	/**
	 * {@code @Retry} with {@code @Timed} outside it, {@code @WithTimeout} inside it or both:
	 * the shapes blocking calls take without a chain of layers.
	 */
	public static class RetryShapes {

		public final AtomicInteger attempts = new AtomicInteger();

		@Retry(maxRetries = 2, backoff = @Backoff(delay = "1ms"), name = "retry-timeout")
		@WithTimeout("150ms")
		public String slowOnce() throws InterruptedException {
			if (this.attempts.incrementAndGet() == 1) {
				Thread.sleep(30_000);
			}
			return "attempt " + this.attempts.get();
		}

		@Timed("timed-retry")
		@Retry(maxRetries = 2, backoff = @Backoff(delay = "1ms"))
		public String failsOnce() throws IOException {
			if (this.attempts.incrementAndGet() == 1) {
				throw new IOException("first attempt");
			}
			return "attempt " + this.attempts.get();
		}

		@Timed("in-time")
		@Retry(maxRetries = 2, backoff = @Backoff(delay = "1ms"))
		@WithTimeout("5s")
		public String inTime() {
			return "attempt " + this.attempts.incrementAndGet();
		}

		@Timed("never-in-time")
		@Retry(maxRetries = 1, backoff = @Backoff(delay = "1ms"))
		@WithTimeout("50ms")
		public String neverInTime() throws InterruptedException {
			this.attempts.incrementAndGet();
			Thread.sleep(30_000);
			return "late";
		}

	}

	/** @Retry together with Spring's @Async. */
	public static class AsyncRetried {

		public final List<String> threads = new CopyOnWriteArrayList<>();

		@Async
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public CompletableFuture<String> call() {
			this.threads.add(Thread.currentThread().getName());
			if (this.threads.size() <= 2) {
				throw new IllegalStateException("attempt " + this.threads.size());
			}
			return CompletableFuture.completedFuture("done");
		}

	}

	/** @Retry together with @Transactional. */
	public static class TransactionalRetried {

		public final AtomicInteger attempts = new AtomicInteger();

		@Transactional
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public String call() {
			if (this.attempts.incrementAndGet() <= 2) {
				throw new IllegalStateException("attempt " + this.attempts.get());
			}
			return "committed";
		}

	}

	/** Cannot be proxied by subclassing. */
	public static final class FinalService {

		@Retry
		public String call() {
			return "never proxied";
		}

	}

	/** An annotated final method cannot be intercepted by a subclass. */
	public static class FinalMethod {

		@Timed
		public final String call() {
			return "never intercepted";
		}

	}

	/** An attribute that is not a duration. */
	public static class BadDelay {

		@Retry(backoff = @Backoff(delay = "soon"))
		public String call() {
			return "never called";
		}

	}

	/** A negative number of retries other than -1 (unset). */
	public static class NegativeRetries {

		@Retry(maxRetries = -2)
		public String call() {
			return "never called";
		}

	}

	/** A placeholder that the environment cannot resolve. */
	public static class MissingPlaceholder {

		@WithTimeout("${nowhere.timeout}")
		public String call() {
			return "never called";
		}

	}

	/** A duration too long for {@link java.time.Duration}. */
	public static class EndlessTimeout {

		@WithTimeout("999999999999999999d")
		public String call() {
			return "never called";
		}

	}

	/** A private method cannot be intercepted by any proxy. */
	public static class PrivateMethod {

		public String call() {
			return hidden();
		}

		@Retry
		private String hidden() {
			return "never retried";
		}

	}

	/** A static method cannot be intercepted by any proxy. */
	public static class StaticMethod {

		@Timed
		public static String call() {
			return "never timed";
		}

	}

	/** A private method meta-annotated with {@code @Retry}. */
	public static class MetaAnnotatedPrivateMethod {

		public String call() {
			return hidden();
		}

		@RetryFourTimes
		private String hidden() {
			return "never retried";
		}

	}

	/** Base class of a class-level annotated bean, as a framework's would be. */
	public static class FrameworkBase {

		public final String describe() {
			return "a final method of an unannotated superclass";
		}

	}

	/**
	 * Class-level annotations cover public methods only: private and static helpers, and
	 * the final methods of an unannotated superclass, are not mistakes.
	 */
	@Timed
	public static class ClassLevelWithHelpers extends FrameworkBase {

		public String call() {
			return helper() + format();
		}

		private String helper() {
			return "helped";
		}

		public static String format() {
			return ".";
		}

	}

	/** Returns {@code null} where a stage is expected. */
	public static class NullReturning {

		public final AtomicInteger attempts = new AtomicInteger();

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "50ms"))
		public CompletableFuture<String> stage() {
			this.attempts.incrementAndGet();
			return null;
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "50ms"))
		public Mono<String> mono() {
			this.attempts.incrementAndGet();
			return null;
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "50ms"))
		public Flux<String> flux() {
			this.attempts.incrementAndGet();
			return null;
		}

	}

	/** A generic interface, implemented with a stage as its type argument. */
	public interface Source<T> {

		T fetch();

	}

	/** Fails twice with a failed future, then succeeds. */
	public static class FailingSource implements Source<CompletableFuture<String>> {

		public final AtomicInteger attempts = new AtomicInteger();

		@Override
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public CompletableFuture<String> fetch() {
			int attempt = this.attempts.incrementAndGet();
			return (attempt <= 2) ? CompletableFuture.failedFuture(new IOException("attempt " + attempt))
					: CompletableFuture.completedFuture("ok after " + attempt);
		}

	}

	/** The method is declared by a generic superclass: its return type is only a type variable. */
	public abstract static class GenericSource<T> implements Source<T> {

		@Override
		@WithTimeout("100ms")
		public T fetch() {
			return pending();
		}

		protected abstract T pending();

	}

	/** Never completes. */
	public static class PendingSource extends GenericSource<CompletableFuture<String>> {

		public final CompletableFuture<String> pending = new CompletableFuture<>();

		@Override
		protected CompletableFuture<String> pending() {
			return this.pending;
		}

	}

	/** Reactive methods for the Flux and Mono tests. */
	public static class Streams {

		public final AtomicInteger attempts = new AtomicInteger();

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public Flux<String> cancelledAttempt() {
			return Flux.defer(() -> {
				this.attempts.incrementAndGet();
				return Flux.error(new CancellationException("upstream cancelled"));
			});
		}

		@Timed
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		@WithTimeout("10s")
		public Flux<String> endless() {
			return Flux.just("first").concatWith(Flux.never());
		}

		@Timed
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		@WithTimeout("10s")
		public CompletableFuture<String> endlessStage() {
			return new CompletableFuture<>();
		}

	}

	/** One method, three annotations, one name. */
	public static class PricingClient {

		public final AtomicInteger attempts = new AtomicInteger();

		@Timed("pricing.lookup")
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		@WithTimeout("5s")
		public String price() throws IOException {
			if (this.attempts.incrementAndGet() == 1) {
				throw new IOException("attempt 1");
			}
			return "42";
		}

		@Timed("pricing.stream")
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public Flux<String> prices() {
			return Flux.defer(() -> (this.attempts.incrementAndGet() == 1) ? Flux.error(new IOException("attempt 1"))
					: Flux.just("42"));
		}

	}

	/** Retry log levels of its own, one from a placeholder. */
	public static class QuietRetries {

		@Retry(maxRetries = 1, backoff = @Backoff(delay = "1ms"), attemptLogLevel = "trace",
				logLevel = "${test.retry.log-level:info}")
		public Flux<String> call() {
			return Flux.error(new IOException("down"));
		}

	}

	/** A log level that does not exist. */
	public static class BadLogLevel {

		@Retry(logLevel = "loud")
		public String call() {
			return "never called";
		}

	}

}
