/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.MaxConcurrency;
import io.asynchelpers.annotation.Retry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code @MaxConcurrency} beans for the interceptor tests. Each counts, itself, how many of
 * its calls are in flight at once, from the moment the method is invoked until its work
 * ends. Public, so that CGLIB can subclass them from any class loader.
 */
public final class LimitedServices {

	private LimitedServices() {
	}

	/** Counts the calls in flight and remembers the highest count. */
	public static class InFlight {

		public final AtomicInteger current = new AtomicInteger();

		public final AtomicInteger max = new AtomicInteger();

		public final AtomicInteger invocations = new AtomicInteger();

		void enter() {
			this.invocations.incrementAndGet();
			this.max.accumulateAndGet(this.current.incrementAndGet(), Math::max);
		}

		void exit() {
			this.current.decrementAndGet();
		}

	}

	/** One method per return kind, limited to two calls at once. */
	public static class Limited extends InFlight {

		@MaxConcurrency(limit = 2, name = "blocking")
		public String blocking(CountDownLatch gate) throws InterruptedException {
			enter();
			try {
				gate.await();
				return "done";
			}
			finally {
				exit();
			}
		}

		@MaxConcurrency(limitString = "${test.limit:2}", name = "stage")
		public CompletableFuture<String> stage(CompletableFuture<String> work) {
			enter();
			return work.whenComplete((value, ex) -> exit());
		}

		@MaxConcurrency(limit = 2, name = "mono")
		public Mono<String> mono(CompletableFuture<String> work) {
			enter();
			return Mono.fromFuture(work).doOnTerminate(this::exit).doOnCancel(this::exit);
		}

		@MaxConcurrency(limit = 2, name = "flux")
		public Flux<String> flux(CompletableFuture<String> work) {
			enter();
			return Flux.from(Mono.fromFuture(work)).doOnTerminate(this::exit).doOnCancel(this::exit);
		}

	}

	/** A limit of one, waiting at most 100 ms or rejecting at once. */
	public static class Single extends InFlight {

		@MaxConcurrency(limit = 1, maxWait = "100ms", name = "waits")
		public String waits(CountDownLatch gate) throws InterruptedException {
			enter();
			try {
				gate.await();
				return "done";
			}
			finally {
				exit();
			}
		}

		@MaxConcurrency(limit = 1, policy = MaxConcurrency.Policy.REJECT, name = "rejects")
		public String rejects(CountDownLatch gate) throws InterruptedException {
			enter();
			try {
				gate.await();
				return "done";
			}
			finally {
				exit();
			}
		}

		@MaxConcurrency(limit = 1, policy = MaxConcurrency.Policy.REJECT, name = "stage-rejects")
		public CompletableFuture<String> stageRejects(CompletableFuture<String> work) {
			enter();
			return work.whenComplete((value, ex) -> exit());
		}

		@MaxConcurrency(limit = 1, queueCapacity = "1", name = "stage-queue")
		public CompletableFuture<String> stageQueue(CompletableFuture<String> work) {
			enter();
			return work.whenComplete((value, ex) -> exit());
		}

		@MaxConcurrency(limit = 1, queueCapacity = "1", name = "flux-queue")
		public Flux<String> fluxQueue(CompletableFuture<String> work) {
			enter();
			return Flux.from(Mono.fromFuture(work)).doOnTerminate(this::exit).doOnCancel(this::exit);
		}

		@MaxConcurrency(limit = 1, name = "failing")
		public String failing() throws IOException {
			throw new IOException("down");
		}

	}

	/**
	 * Fails its very first attempt, then pauses 500 ms before retrying; every later attempt
	 * succeeds at once. A limit of one that rejects: a second call during the pause only
	 * gets through if the pausing call holds no slot.
	 */
	public static class RetriedAndLimited {

		public final AtomicInteger attempts = new AtomicInteger();

		@Retry(maxRetries = 1, backoff = @Backoff(delay = "500ms"))
		@MaxConcurrency(limit = 1, policy = MaxConcurrency.Policy.REJECT)
		public String blocking() throws IOException {
			return attempt();
		}

		@Retry(maxRetries = 1, backoff = @Backoff(delay = "500ms"))
		@MaxConcurrency(limit = 1, policy = MaxConcurrency.Policy.REJECT)
		public CompletableFuture<String> stage() {
			try {
				return CompletableFuture.completedFuture(attempt());
			}
			catch (IOException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}

		private String attempt() throws IOException {
			if (this.attempts.incrementAndGet() == 1) {
				throw new IOException("first attempt");
			}
			return "attempt " + this.attempts.get();
		}

	}

	/** A limit that is not above zero. */
	public static class NoLimit {

		@MaxConcurrency
		public String call() {
			return "never";
		}

	}

}
