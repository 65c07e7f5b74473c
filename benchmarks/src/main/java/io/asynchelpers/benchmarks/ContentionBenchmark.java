/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.util.concurrent.TimeUnit;

import io.asynchelpers.AsyncTimeoutException;
import io.micrometer.core.instrument.MeterRegistry;
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

import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * Issue 16, case 2: throughput of the same proxied beans as {@link ProxyOverheadBenchmark}
 * when several caller threads call them at once (one shared context and bean per run, so
 * the timeout sweep, the meter cache and the spec cache are shared as in a service).
 * {@code benchmarks/run.sh} runs each benchmark with {@code -t 1}, {@code -t 2} and
 * {@code -t 8}, one fork per JMH run, the thread counts taking turns; the report shows each
 * fork's figures, not only the mean. The setup first proves that every advice acts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class ContentionBenchmark {

	private final String input = "item-42";

	private AnnotationConfigApplicationContext context;

	private Targets.OursRetry oursRetry;

	private Targets.OursTimed oursTimed;

	private Targets.OursTimeout oursTimeout;

	private Targets.OursAll oursAll;

	private Targets.SpringRetryable springRetryable;

	private Targets.MicrometerTimed micrometerTimed;

	private Targets.R4jRetry r4jRetry;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		this.context = new AnnotationConfigApplicationContext(BenchmarkConfiguration.class);
		this.oursRetry = this.context.getBean(Targets.OursRetry.class);
		this.oursTimed = this.context.getBean(Targets.OursTimed.class);
		this.oursTimeout = this.context.getBean(Targets.OursTimeout.class);
		this.oursAll = this.context.getBean(Targets.OursAll.class);
		this.springRetryable = this.context.getBean(Targets.SpringRetryable.class);
		this.micrometerTimed = this.context.getBean(Targets.MicrometerTimed.class);
		this.r4jRetry = this.context.getBean(Targets.R4jRetry.class);
		ProxyOverheadBenchmark.AdviceChecks.retries("our @Retry", this.oursRetry::check, this.oursRetry);
		ProxyOverheadBenchmark.AdviceChecks.retries("our three annotations", this.oursAll::check, this.oursAll);
		ProxyOverheadBenchmark.AdviceChecks.retries("Spring Framework @Retryable", this.springRetryable::check,
				this.springRetryable);
		ProxyOverheadBenchmark.AdviceChecks.retries("Resilience4j @Retry", this.r4jRetry::check, this.r4jRetry);
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		this.oursTimed.call("check");
		ProxyOverheadBenchmark.AdviceChecks
			.require(registry.get("asynchelpers.timed").tag("name", "bench").timer().count() == 1, "our @Timed records");
		this.micrometerTimed.call("check");
		ProxyOverheadBenchmark.AdviceChecks.require(registry.get("bench.micrometer").timer().count() == 1,
				"Micrometer @Timed records");
		try {
			this.oursTimeout.check();
			throw new IllegalStateException("our blocking @WithTimeout did not time out");
		}
		catch (AsyncTimeoutException expected) {
			// acts
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.context.close();
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
	public String oursAllThree() {
		return this.oursAll.call(this.input);
	}

	@Benchmark
	public String springRetryable() {
		return this.springRetryable.call(this.input);
	}

	@Benchmark
	public String micrometerTimed() {
		return this.micrometerTimed.call(this.input);
	}

	@Benchmark
	public String resilience4jRetry() {
		return this.r4jRetry.call(this.input);
	}

}
