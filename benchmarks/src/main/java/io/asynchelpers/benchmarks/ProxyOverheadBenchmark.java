/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.asynchelpers.AsyncTimeoutException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * Case 1: what one call costs when nothing fails, through real Spring proxies on one plain
 * context. The setup first proves that every proxy's advice acts (a retry retries, a limit
 * limits, a timeout times out, a timer records), so no case measures a proxy that does
 * nothing. The observed cases run on a second context that has an
 * {@code ObservationRegistry} ({@link ObservedBenchmarkConfiguration}); {@code oursTimed} is
 * the same {@code @Timed} without one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(1)
public class ProxyOverheadBenchmark {

	private final String input = "item-42";

	private AnnotationConfigApplicationContext context;

	private ExecutorService handWrittenPool;

	private Targets.Plain plain;

	private Targets.EmptyAround emptyAround;

	private Targets.OursRetry oursRetry;

	private Targets.OursTimed oursTimed;

	private Targets.OursTimeout oursTimeout;

	private Targets.OursTimeoutAsync oursTimeoutAsync;

	private Targets.OursAll oursAll;

	private Targets.SpringRetryable springRetryable;

	private Targets.SpringConcurrencyLimit springConcurrencyLimit;

	private Targets.SpringRetryLegacy springRetryLegacy;

	private Targets.R4jRetry r4jRetry;

	private Targets.R4jTimeLimiter r4jTimeLimiter;

	private Targets.MicrometerTimed micrometerTimed;

	private Targets.OursMaxConcurrency oursMaxConcurrency;

	private Targets.R4jBulkhead r4jBulkhead;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		this.context = new AnnotationConfigApplicationContext(BenchmarkConfiguration.class);
		this.handWrittenPool = Executors.newFixedThreadPool(2);
		this.plain = new Targets.Plain();
		this.emptyAround = this.context.getBean(Targets.EmptyAround.class);
		this.oursRetry = this.context.getBean(Targets.OursRetry.class);
		this.oursTimed = this.context.getBean(Targets.OursTimed.class);
		this.oursTimeout = this.context.getBean(Targets.OursTimeout.class);
		this.oursTimeoutAsync = this.context.getBean(Targets.OursTimeoutAsync.class);
		this.oursAll = this.context.getBean(Targets.OursAll.class);
		this.springRetryable = this.context.getBean(Targets.SpringRetryable.class);
		this.springConcurrencyLimit = this.context.getBean(Targets.SpringConcurrencyLimit.class);
		this.springRetryLegacy = this.context.getBean(Targets.SpringRetryLegacy.class);
		this.r4jRetry = this.context.getBean(Targets.R4jRetry.class);
		this.r4jTimeLimiter = this.context.getBean(Targets.R4jTimeLimiter.class);
		this.micrometerTimed = this.context.getBean(Targets.MicrometerTimed.class);
		this.oursMaxConcurrency = this.context.getBean(Targets.OursMaxConcurrency.class);
		this.r4jBulkhead = this.context.getBean(Targets.R4jBulkhead.class);
		AdviceChecks.verify(this);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.handWrittenPool.shutdownNow();
		this.context.close();
	}

	@Benchmark
	public String direct() {
		return this.plain.call(this.input);
	}

	@Benchmark
	public String emptyAroundProxy() {
		return this.emptyAround.call(this.input);
	}

	@Benchmark
	public String oursRetry() {
		return this.oursRetry.call(this.input);
	}

	@Benchmark
	public String oursTimed() {
		return this.oursTimed.call(this.input);
	}

	@Benchmark
	public String oursTimeoutBlocking() {
		return this.oursTimeout.call(this.input);
	}

	@Benchmark
	public String oursTimeoutAsync() {
		return this.oursTimeoutAsync.call(this.input).join();
	}

	@Benchmark
	public String oursAllThree() {
		return this.oursAll.call(this.input);
	}

	@Benchmark
	public String springRetryable() {
		return this.springRetryable.call(this.input);
	}

	@Benchmark
	public String springConcurrencyLimit() {
		return this.springConcurrencyLimit.call(this.input);
	}

	@Benchmark
	public String oursMaxConcurrency() {
		return this.oursMaxConcurrency.call(this.input);
	}

	@Benchmark
	public String resilience4jBulkhead() {
		return this.r4jBulkhead.call(this.input);
	}

	@Benchmark
	public String springRetryLegacy() {
		return this.springRetryLegacy.call(this.input);
	}

	@Benchmark
	public String resilience4jRetry() {
		return this.r4jRetry.call(this.input);
	}

	@Benchmark
	public String resilience4jTimeLimiter() {
		return this.r4jTimeLimiter.call(this.input).join();
	}

	@Benchmark
	public String micrometerTimed() {
		return this.micrometerTimed.call(this.input);
	}

	@Benchmark
	public String oursTimedObserved(Observed observed) {
		return observed.oursTimed.call(this.input);
	}

	@Benchmark
	public String micrometerObserved(Observed observed) {
		return observed.micrometerObserved.call(this.input);
	}

	/**
	 * The floor of any observed call: one Observation on the same registry (Micrometer's meter
	 * handler on it) with the two keys {@code ObservedAspect} gives its own, around the plain
	 * call, with no proxy and no aspect. Whatever makes each call an Observation on this
	 * registry pays at least this.
	 */
	@Benchmark
	public String observationAlone(Observed observed) {
		Observation observation = Observation.createNotStarted("bench.floor", observed.registry)
			.lowCardinalityKeyValue("class", "MicrometerObserved")
			.lowCardinalityKeyValue("method", "call");
		observation.start();
		try (Observation.Scope scope = observation.openScope()) {
			return this.plain.call(this.input);
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * The observed cases' own context, set up only in the forks that measure them, so that
	 * their calls do not shape how the JIT compiles the shared proxy code of the other cases.
	 */
	@State(Scope.Benchmark)
	public static class Observed {

		private AnnotationConfigApplicationContext context;

		private Targets.OursTimed oursTimed;

		private Targets.MicrometerObserved micrometerObserved;

		private ObservationRegistry registry;

		@Setup(Level.Trial)
		public void setUp() {
			this.context = new AnnotationConfigApplicationContext(ObservedBenchmarkConfiguration.class);
			this.registry = this.context.getBean(ObservationRegistry.class);
			this.oursTimed = this.context.getBean(Targets.OursTimed.class);
			this.micrometerObserved = this.context.getBean(Targets.MicrometerObserved.class);
			MeterRegistry registry = this.context.getBean(MeterRegistry.class);
			this.oursTimed.call("check");
			AdviceChecks.require(registry.get("asynchelpers.call").tag("name", "bench").timer().count() == 1
					&& registry.get("asynchelpers.timed").tag("name", "bench").timer().count() == 1,
					"our observed @Timed observes and records");
			this.micrometerObserved.call("check");
			AdviceChecks.require(registry.get("bench.observed").timer().count() == 1, "Micrometer @Observed observes");
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.context.close();
		}

	}

	@Benchmark
	public String handWrittenTimeout() throws Exception {
		return this.handWrittenPool.submit(() -> this.plain.call(this.input)).get(1, TimeUnit.SECONDS);
	}

	/**
	 * Proves each advice acts before anything is measured; a failed check fails the run.
	 */
	static final class AdviceChecks {

		private AdviceChecks() {
		}

		static void verify(ProxyOverheadBenchmark b) throws Exception {
			require(!AopUtils.isAopProxy(b.plain), "the direct call must not be proxied");
			require(AopUtils.isAopProxy(b.emptyAround) && Arrays.stream(((Advised) b.emptyAround).getAdvisors())
				.anyMatch((advisor) -> advisor.toString().contains("EmptyAroundAspect")), "empty @Around applies");
			retries("our @Retry", b.oursRetry::check, b.oursRetry);
			retries("our three annotations", b.oursAll::check, b.oursAll);
			retries("Spring Framework @Retryable", b.springRetryable::check, b.springRetryable);
			retries("Spring Retry @Retryable", b.springRetryLegacy::check, b.springRetryLegacy);
			retries("Resilience4j @Retry", b.r4jRetry::check, b.r4jRetry);
			MeterRegistry registry = b.context.getBean(MeterRegistry.class);
			b.oursTimed.call("check");
			require(registry.get("asynchelpers.timed").tag("name", "bench").timer().count() == 1, "our @Timed records");
			b.micrometerTimed.call("check");
			require(registry.get("bench.micrometer").timer().count() == 1, "Micrometer @Timed records");
			require(registry.find("asynchelpers.call").timers().isEmpty(), "our @Timed without registry observes nothing");
			try {
				b.oursTimeout.check();
				throw new IllegalStateException("our blocking @WithTimeout did not time out");
			}
			catch (AsyncTimeoutException expected) {
				// acts
			}
			require(timesOut(b.oursTimeoutAsync.check()), "our async @WithTimeout times out");
			require(timesOut(b.r4jTimeLimiter.check()), "Resilience4j @TimeLimiter times out");
			limitsToOne(b.springConcurrencyLimit::check);
			require(b.springConcurrencyLimit.maxInFlight() == 1, "@ConcurrencyLimit(1) limits");
			limitsToOne(b.oursMaxConcurrency::check);
			require(b.oursMaxConcurrency.maxInFlight() == 1, "our @MaxConcurrency(limit = 1) limits");
			limitsToOne(b.r4jBulkhead::check);
			require(b.r4jBulkhead.maxInFlight() == 1, "Resilience4j @Bulkhead (1 concurrent call) limits");
		}

		/**
		 * Four calls at once on a limit of one, on four threads of their own (the common pool
		 * has one thread on two cores, which would serialise them whatever the limit), waited
		 * for.
		 */
		private static void limitsToOne(Check check) throws Exception {
			ExecutorService callers = Executors.newFixedThreadPool(4);
			CompletableFuture<?>[] calls = new CompletableFuture<?>[4];
			for (int i = 0; i < calls.length; i++) {
				calls[i] = CompletableFuture.runAsync(() -> {
					try {
						check.call();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}, callers);
			}
			try {
				CompletableFuture.allOf(calls).get(10, TimeUnit.SECONDS);
			}
			finally {
				callers.shutdownNow();
			}
		}

		interface Check {

			String call() throws Exception;

		}

		static void retries(String what, Check check, Targets.Flaky target) throws Exception {
			int before = ((Targets.Flaky) unwrap(target)).calls();
			check.call();
			int attempts = ((Targets.Flaky) unwrap(target)).calls() - before;
			require(attempts == 2, what + " retries (attempts: " + attempts + ")");
		}

		private static Object unwrap(Object proxy) throws Exception {
			return (proxy instanceof Advised advised) ? advised.getTargetSource().getTarget() : proxy;
		}

		private static boolean timesOut(CompletableFuture<String> future) throws InterruptedException {
			try {
				future.get(5, TimeUnit.SECONDS);
				return false;
			}
			catch (ExecutionException ex) {
				return ex.getCause() instanceof AsyncTimeoutException || ex.getCause() instanceof TimeoutException;
			}
			catch (TimeoutException ex) {
				return false;
			}
		}

		static void require(boolean condition, String what) {
			if (!condition) {
				throw new IllegalStateException("Advice check failed: " + what);
			}
		}

	}

}
