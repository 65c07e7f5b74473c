/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.ConcurrencyLimiter;
import io.asynchelpers.RetrySpec;
import io.asynchelpers.Task;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.resilience.annotation.ConcurrencyLimit;
import org.springframework.resilience.annotation.EnableResilientMethods;

/**
 * Cases 2 (peak heap), 3 (retry under failure) and 4 (timeouts): whole-run measurements that
 * JMH's per-operation model does not fit. Prints one JSON object for the report.
 */
public final class Scenarios {

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private static final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private Scenarios() {
	}

	/**
	 * Rounds run and discarded before measuring: one round is too little for the JIT (the
	 * first rounds of every variant run 10 to 50 % slower).
	 */
	private static final int WARM_UP_ROUNDS = Rounds.WARM_UP;

	private static final int MEASURED_ROUNDS = Rounds.MEASURED;

	/** Per-round figures where the lowest round, not the highest, is the worst. */
	private static final Set<String> LOWEST_IS_WORST = Set.of("succeeded", "timedOut");

	/**
	 * Runs the named parts ({@code heap}, {@code retry}, {@code timeouts}; all without
	 * arguments) and prints one JSON object.
	 */
	public static void main(String[] args) throws Exception {
		Set<String> parts = (args.length > 0) ? Set.of(args) : Set.of("heap", "retry", "timeouts", "limit");
		Map<String, Object> results = new LinkedHashMap<>();
		if (parts.contains("heap")) {
			results.put("heap", peakHeap());
		}
		if (parts.contains("retry")) {
			results.put("retry", retryUnderFailure());
		}
		if (parts.contains("timeouts")) {
			results.put("timeouts", timeouts());
		}
		if (parts.contains("limit")) {
			results.put("limit", concurrencyLimit());
		}
		System.out.println(Json.write(results));
		System.exit(0);
	}

	/**
	 * Run a whole-run measurement {@link #WARM_UP_ROUNDS} times unrecorded, then
	 * {@link #MEASURED_ROUNDS} times: the median wall time with its range, and for every
	 * other figure the worst round.
	 */
	private static Map<String, Object> rounds(Callable<Map<String, Object>> round) throws Exception {
		for (int i = 0; i < WARM_UP_ROUNDS; i++) {
			round.call();
		}
		List<Map<String, Object>> measured = new ArrayList<>();
		for (int i = 0; i < MEASURED_ROUNDS; i++) {
			measured.add(round.call());
		}
		Map<String, Object> summary = new LinkedHashMap<>();
		long[] walls = measured.stream().mapToLong((r) -> (Long) r.get("wallMillis")).sorted().toArray();
		summary.put("wallMillis", walls[walls.length / 2]);
		summary.put("wallMillisMin", walls[0]);
		summary.put("wallMillisMax", walls[walls.length - 1]);
		for (String key : measured.get(0).keySet()) {
			if (!key.equals("wallMillis")) {
				LongStream values = measured.stream().mapToLong((r) -> ((Number) r.get(key)).longValue());
				summary.put(key, LOWEST_IS_WORST.contains(key) ? values.min().getAsLong() : values.max().getAsLong());
			}
		}
		summary.put("rounds", (long) MEASURED_ROUNDS);
		return summary;
	}

	// Case 2: peak heap of the bounded map

	private static Map<String, Object> peakHeap() throws Exception {
		Map<String, Object> heap = new LinkedHashMap<>();
		for (int n : new int[] { 100_000, 1_000_000 }) {
			ExecutorService pool = Executors.newFixedThreadPool(2);
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
			AsyncHelpers helpers = new AsyncHelpers(pool, scheduler);
			List<Integer> items = IntStream.range(0, n).boxed().toList();
			MapVariants.asyncMap(helpers, items, (i) -> 1, 16);
			MapVariants.window(n, (i) -> 1, 16, pool);
			heap.put("oursAsyncMap_" + n, peakMegabytes(() -> MapVariants.asyncMap(helpers, items, (i) -> 1, 16)));
			heap.put("oursAsyncForEach_" + n, peakMegabytes(() -> {
				LongAdder sum = new LongAdder();
				long processed = helpers.asyncForEach(items, Task.blocking((Integer i) -> 1), 16,
						(item, outcome) -> sum.add(outcome.getOrThrow())).join();
				return List.of(processed, sum.sum());
			}));
			heap.put("handWrittenWindow_" + n, peakMegabytes(() -> MapVariants.window(n, (i) -> 1, 16, pool)));
			heap.put("unboundedSupplyAsync_" + n, peakMegabytes(() -> MapVariants.unbounded(n, (i) -> 1, pool)));
			pool.shutdownNow();
			scheduler.shutdownNow();
		}
		return heap;
	}

	/**
	 * Peak live heap above the pre-run baseline while the map runs: the heap in use right
	 * after each garbage collection (the JVM's last-GC report), sampled every millisecond.
	 * Garbage not yet collected is not counted, so the number follows what the map keeps
	 * (results, pending tasks), not how fast it allocates.
	 */
	private static double peakMegabytes(Supplier<List<?>> run) throws Exception {
		System.gc();
		Thread.sleep(100);
		long baseline = memory.getHeapMemoryUsage().getUsed();
		AtomicLong peak = new AtomicLong(baseline);
		AtomicInteger stop = new AtomicInteger();
		Thread sampler = new Thread(() -> {
			while (stop.get() == 0) {
				peak.accumulateAndGet(usedAfterLastGc(), Math::max);
				try {
					Thread.sleep(1);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		});
		sampler.start();
		List<?> result = run.get();
		// One collection with the result still referenced: what the map hands back counts too.
		System.gc();
		Thread.sleep(50);
		stop.set(1);
		sampler.join();
		peak.accumulateAndGet(usedAfterLastGc(), Math::max);
		if (result.isEmpty()) {
			throw new IllegalStateException("no results");
		}
		return round(Math.max(0, peak.get() - baseline) / (1024.0 * 1024.0));
	}

	private static long usedAfterLastGc() {
		long newest = -1;
		long used = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (collector instanceof com.sun.management.GarbageCollectorMXBean sun) {
				com.sun.management.GcInfo info = sun.getLastGcInfo();
				if (info != null && info.getEndTime() > newest) {
					newest = info.getEndTime();
					used = info.getMemoryUsageAfterGc().values().stream().mapToLong((usage) -> usage.getUsed()).sum();
				}
			}
		}
		return used;
	}

	// Case 3: 1,000 concurrent operations that fail twice, 100 ms fixed delay

	private static final int OPERATIONS = 1_000;

	private static final Duration DELAY = Duration.ofMillis(100);

	private static Map<String, Object> retryUnderFailure() throws Exception {
		Map<String, Object> retry = new LinkedHashMap<>();
		retry.put("idealMillis", 2 * DELAY.toMillis());
		retry.put("ours", measureRetry("ours", (pool, scheduler) -> {
			AsyncHelpers helpers = new AsyncHelpers(pool, scheduler);
			RetrySpec spec = RetrySpec.defaults().withBaseDelay(DELAY).withBackoffFactor(1);
			List<CompletableFuture<String>> all = new ArrayList<>();
			Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
			for (int i = 0; i < OPERATIONS; i++) {
				int id = i;
				all.add(helpers.retryWithBackoff(Task.async(() -> failTwice(attempts, id)), spec));
			}
			return all;
		}));
		retry.put("springRetryTemplate", measureRetry("spring", (pool, scheduler) -> {
			// RetryTemplate sleeps on the calling thread: 1,000 concurrent operations need 1,000 threads.
			RetryTemplate template = new RetryTemplate(RetryPolicy.builder().maxRetries(3).delay(DELAY).build());
			ExecutorService callers = Executors.newCachedThreadPool();
			Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
			List<CompletableFuture<String>> all = new ArrayList<>();
			for (int i = 0; i < OPERATIONS; i++) {
				int id = i;
				all.add(CompletableFuture.supplyAsync(() -> {
					try {
						return template.execute(() -> failTwice(attempts, id).join());
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}, callers));
			}
			CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).whenComplete((v, ex) -> callers.shutdown());
			return all;
		}));
		retry.put("resilience4j", measureRetry("resilience4j", (pool, scheduler) -> {
			Retry r4j = Retry.of("bench", RetryConfig.custom().maxAttempts(4).waitDuration(DELAY).build());
			Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
			List<CompletableFuture<String>> all = new ArrayList<>();
			for (int i = 0; i < OPERATIONS; i++) {
				int id = i;
				Supplier<CompletionStage<String>> decorated = Retry.decorateCompletionStage(r4j, scheduler,
						() -> failTwice(attempts, id));
				all.add(decorated.get().toCompletableFuture());
			}
			return all;
		}));
		retry.put("handWrittenScheduler", measureRetry("hand", (pool, scheduler) -> {
			Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
			List<CompletableFuture<String>> all = new ArrayList<>();
			for (int i = 0; i < OPERATIONS; i++) {
				int id = i;
				CompletableFuture<String> result = new CompletableFuture<>();
				handWrittenAttempt(attempts, id, scheduler, result, 1);
				all.add(result);
			}
			return all;
		}));
		return retry;
	}

	private static void handWrittenAttempt(Map<Integer, AtomicInteger> attempts, int id,
			ScheduledExecutorService scheduler, CompletableFuture<String> result, int attempt) {
		failTwice(attempts, id).whenComplete((value, ex) -> {
			if (ex == null) {
				result.complete(value);
			}
			else if (attempt > 3) {
				result.completeExceptionally(ex);
			}
			else {
				scheduler.schedule(() -> handWrittenAttempt(attempts, id, scheduler, result, attempt + 1),
						DELAY.toMillis(), TimeUnit.MILLISECONDS);
			}
		});
	}

	private static CompletableFuture<String> failTwice(Map<Integer, AtomicInteger> attempts, int id) {
		int attempt = attempts.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
		return (attempt <= 2) ? CompletableFuture.failedFuture(new IllegalStateException("attempt " + attempt))
				: CompletableFuture.completedFuture("ok " + id);
	}

	private interface RetryRun {

		List<CompletableFuture<String>> start(ExecutorService pool, ScheduledExecutorService scheduler) throws Exception;

	}

	private static Map<String, Object> measureRetry(String name, RetryRun run) throws Exception {
		return rounds(() -> measureRetryOnce(run));
	}

	private static Map<String, Object> measureRetryOnce(RetryRun run) throws Exception {
		Pools pools = Pools.started(2);
		ThreadPoolExecutor pool = pools.pool();
		ScheduledThreadPoolExecutor scheduler = pools.scheduler();
		int baseline = pools.baselineThreads();
		threads.resetPeakThreadCount();
		long start = System.nanoTime();
		List<CompletableFuture<String>> all = run.start(pool, scheduler);
		CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		int peakExtra = threads.getPeakThreadCount() - baseline;
		long succeeded = all.stream().filter((future) -> !future.isCompletedExceptionally()).count();
		pool.shutdownNow();
		scheduler.shutdownNow();
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("wallMillis", millis);
		result.put("peakExtraThreads", peakExtra);
		result.put("succeeded", succeeded);
		return result;
	}

	// Case 4: 10,000 calls that each time out at 10 ms

	private static final int CALLS = 10_000;

	private static final Duration LIMIT = Duration.ofMillis(10);

	private static Map<String, Object> timeouts() throws Exception {
		Map<String, Object> timeouts = new LinkedHashMap<>();
		timeouts.put("oursBlocking", measureTimeouts((helpers, pool, scheduler) -> {
			List<CompletableFuture<String>> all = new ArrayList<>();
			for (int i = 0; i < CALLS; i++) {
				all.add(helpers.runWithTimeout(Task.blocking(() -> {
					Thread.sleep(10_000);
					return "late";
				}), LIMIT));
			}
			return all;
		}));
		timeouts.put("oursAsync", measureTimeouts((helpers, pool, scheduler) -> {
			List<CompletableFuture<String>> all = new ArrayList<>();
			for (int i = 0; i < CALLS; i++) {
				all.add(helpers.runWithTimeout(Task.async(CompletableFuture::new), LIMIT));
			}
			return all;
		}));
		timeouts.put("resilience4jAsync", measureTimeouts((helpers, pool, scheduler) -> {
			TimeLimiter limiter = TimeLimiter
				.of(TimeLimiterConfig.custom().timeoutDuration(LIMIT).cancelRunningFuture(true).build());
			List<CompletableFuture<String>> all = new ArrayList<>();
			for (int i = 0; i < CALLS; i++) {
				all.add(limiter.executeCompletionStage(scheduler, () -> new CompletableFuture<String>())
					.toCompletableFuture());
			}
			return all;
		}));
		return timeouts;
	}

	private interface TimeoutRun {

		List<CompletableFuture<String>> start(AsyncHelpers helpers, ExecutorService pool,
				ScheduledExecutorService scheduler);

	}

	private static Map<String, Object> measureTimeouts(TimeoutRun run) throws Exception {
		return rounds(() -> measureTimeoutsOnce(run));
	}

	private static Map<String, Object> measureTimeoutsOnce(TimeoutRun run) throws Exception {
		Pools pools = Pools.started(8);
		ThreadPoolExecutor pool = pools.pool();
		ScheduledThreadPoolExecutor scheduler = pools.scheduler();
		int baseline = pools.baselineThreads();
		AsyncHelpers helpers = new AsyncHelpers(pool, scheduler);
		long start = System.nanoTime();
		List<CompletableFuture<String>> all = run.start(helpers, pool, scheduler);
		CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).exceptionally((ex) -> null).get(60,
				TimeUnit.SECONDS);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		long timedOut = all.stream().filter(CompletableFuture::isCompletedExceptionally).count();
		// Cancelled tasks still queued are skipped as the workers reach them: give them a moment.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while ((!pool.getQueue().isEmpty() || pool.getActiveCount() > 0) && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("wallMillis", millis);
		result.put("timedOut", timedOut);
		result.put("extraThreadsAfter", threads.getThreadCount() - baseline);
		result.put("schedulerQueueAfter", scheduler.getQueue().size());
		result.put("executorQueueAfter", pool.getQueue().size());
		result.put("tasksStillRunning", pool.getActiveCount());
		pool.shutdownNow();
		scheduler.shutdownNow();
		return result;
	}

	/**
	 * A fixed pool and a one-thread scheduler with all their threads started, and the JVM's
	 * thread count once they are: the baseline that "extra threads" are counted from.
	 */
	// Case 5: a concurrency limit under load

	private static final int LIMITED_CALLS = 1_000;

	private static final int CALL_LIMIT = 10;

	private static final long WORK_MILLIS = 10;

	/**
	 * 1,000 calls at once against a limit of 10, each holding its slot for 10 ms of blocking
	 * work: the ideal is 100 rounds of 10 ms. Ours queues the calls beyond the limit and runs
	 * them on an executor of 10 threads (the caller submits all of them without waiting);
	 * Spring Framework 7's {@code @ConcurrencyLimit} blocks each caller until a slot is free,
	 * so 1,000 concurrent calls need 1,000 calling threads. Threads held counts the threads
	 * the run uses above the JVM's idle set, our executor's own included.
	 */
	private static Map<String, Object> concurrencyLimit() throws Exception {
		Map<String, Object> limit = new LinkedHashMap<>();
		limit.put("idealMillis", (LIMITED_CALLS / CALL_LIMIT) * WORK_MILLIS);
		limit.put("executorThreads", (long) CALL_LIMIT);
		limit.put("ours", rounds(Scenarios::limitOursOnce));
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(
				SpringLimitConfiguration.class)) {
			SpringLimited limited = context.getBean(SpringLimited.class);
			limit.put("springConcurrencyLimit", rounds(() -> limitSpringOnce(limited)));
		}
		return limit;
	}

	private static Map<String, Object> limitOursOnce() throws Exception {
		Pools pools = Pools.started(CALL_LIMIT);
		AsyncHelpers helpers = new AsyncHelpers(pools.pool(), pools.scheduler());
		ConcurrencyLimiter limiter = helpers.concurrencyLimiter("bench", CALL_LIMIT);
		int idle = pools.baselineThreads() - CALL_LIMIT;
		threads.resetPeakThreadCount();
		long start = System.nanoTime();
		List<CompletableFuture<Integer>> all = new ArrayList<>(LIMITED_CALLS);
		for (int i = 0; i < LIMITED_CALLS; i++) {
			int id = i;
			all.add(limiter.submit(Task.blocking(() -> work(id))));
		}
		long submitted = System.nanoTime();
		CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
		long end = System.nanoTime();
		int held = threads.getPeakThreadCount() - idle;
		pools.pool().shutdownNow();
		pools.scheduler().shutdownNow();
		return limitResult(start, submitted, end, held, all);
	}

	private static Map<String, Object> limitSpringOnce(SpringLimited limited) throws Exception {
		Thread.sleep(200);
		int idle = threads.getThreadCount();
		threads.resetPeakThreadCount();
		ExecutorService callers = Executors.newCachedThreadPool();
		long start = System.nanoTime();
		List<CompletableFuture<Integer>> all = new ArrayList<>(LIMITED_CALLS);
		for (int i = 0; i < LIMITED_CALLS; i++) {
			int id = i;
			all.add(CompletableFuture.supplyAsync(() -> limited.work(id), callers));
		}
		long submitted = System.nanoTime();
		CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
		long end = System.nanoTime();
		int held = threads.getPeakThreadCount() - idle;
		callers.shutdownNow();
		callers.awaitTermination(10, TimeUnit.SECONDS);
		return limitResult(start, submitted, end, held, all);
	}

	private static Map<String, Object> limitResult(long start, long submitted, long end, int held,
			List<CompletableFuture<Integer>> all) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("wallMillis", TimeUnit.NANOSECONDS.toMillis(end - start));
		result.put("submitMillis", TimeUnit.NANOSECONDS.toMillis(submitted - start));
		result.put("threadsHeld", held);
		result.put("succeeded", all.stream().filter((future) -> !future.isCompletedExceptionally()).count());
		return result;
	}

	private static int work(int id) {
		try {
			Thread.sleep(WORK_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		return id;
	}

	/** Spring Framework 7's own annotation, on its own context. */
	@Configuration(proxyBeanMethods = false)
	@EnableResilientMethods
	static class SpringLimitConfiguration {

		@Bean
		SpringLimited springLimited() {
			return new SpringLimited();
		}

	}

	public static class SpringLimited {

		@ConcurrencyLimit(CALL_LIMIT)
		public int work(int id) {
			return Scenarios.work(id);
		}

	}

	private record Pools(ThreadPoolExecutor pool, ScheduledThreadPoolExecutor scheduler, int baselineThreads) {

		static Pools started(int poolThreads) throws InterruptedException {
			ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(poolThreads);
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
			scheduler.setRemoveOnCancelPolicy(true);
			pool.prestartAllCoreThreads();
			scheduler.prestartAllCoreThreads();
			Thread.sleep(200);
			return new Pools(pool, scheduler, threads.getThreadCount());
		}

	}

	private static double round(double value) {
		return Math.round(value * 10) / 10.0;
	}

}
