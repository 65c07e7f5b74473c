/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.Outcome;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Case 2: a bounded map of {@code n} trivial tasks, limit 16, on a 2-thread pool. Scores are
 * per whole map; the report divides by {@code n} for the time per task.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(1)
public class BoundedMapBenchmark {

	static final int LIMIT = 16;

	private static final IntUnaryOperator WORK = (i) -> i * 2;

	@Param({ "10000", "1000000" })
	public int n;

	private ExecutorService pool;

	private ScheduledThreadPoolExecutor scheduler;

	private Scheduler reactorScheduler;

	private AsyncHelpers helpers;

	private List<Integer> items;

	@Setup(Level.Trial)
	public void setUp() {
		this.pool = Executors.newFixedThreadPool(2);
		this.scheduler = new ScheduledThreadPoolExecutor(1);
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.reactorScheduler = Schedulers.fromExecutorService(this.pool);
		this.helpers = new AsyncHelpers(this.pool, this.scheduler);
		this.items = IntStream.range(0, this.n).boxed().toList();
		List<Outcome<Integer>> check = MapVariants.asyncMap(this.helpers, this.items, WORK, LIMIT);
		if (check.size() != this.n || check.get(this.n - 1).getOrThrow() != (this.n - 1) * 2) {
			throw new IllegalStateException("asyncMap gave a wrong result");
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.pool.shutdownNow();
		this.scheduler.shutdownNow();
	}

	@Benchmark
	public List<Integer> sequentialFloor() {
		return MapVariants.sequential(this.n, WORK);
	}

	@Benchmark
	public List<Outcome<Integer>> oursAsyncMap() {
		return MapVariants.asyncMap(this.helpers, this.items, WORK, LIMIT);
	}

	@Benchmark
	public List<Integer> oursGatherWithLimit() {
		return MapVariants.gatherWithLimit(this.helpers, this.n, WORK, LIMIT);
	}

	@Benchmark
	public List<Integer> handWrittenSemaphore() {
		return MapVariants.semaphore(this.n, WORK, LIMIT, this.pool);
	}

	@Benchmark
	public List<Integer> handWrittenWindow() {
		return MapVariants.window(this.n, WORK, LIMIT, this.pool);
	}

	@Benchmark
	public List<Integer> reactorFlatMapSequential() {
		return MapVariants.reactor(this.n, WORK, LIMIT, this.reactorScheduler);
	}

	@Benchmark
	public List<Integer> unboundedSupplyAsync() {
		return MapVariants.unbounded(this.n, WORK, this.pool);
	}

}
