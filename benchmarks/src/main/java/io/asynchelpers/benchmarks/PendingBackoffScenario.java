/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.RetrySpec;
import io.asynchelpers.Task;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

/**
 * Issue 16, case 3: {@value #DEFAULT_OPERATIONS} {@code CompletableFuture} operations in
 * retry backoff at once. Each operation's first attempt fails, its retry waits
 * {@link #DELAY} and succeeds. Once all are started and waiting, a full GC: the live heap
 * above the baseline taken just before, divided by the number of operations, is what one
 * pending operation costs (its returned future included; the failure is one shared
 * exception, so no stack trace is counted). Threads are counted above the two pools set up
 * before the baseline. Each round checks that no retry had started when the heap was read
 * and that every operation then succeeded on its second attempt.
 */
public final class PendingBackoffScenario {

	static final int DEFAULT_OPERATIONS = 100_000;

	static final int OPERATIONS = Integer.getInteger("bench.pending", DEFAULT_OPERATIONS);

	static final Duration DELAY = Duration.ofMillis(Long.getLong("bench.pendingDelayMillis", 2_000));

	private static final IOException FIRST_ATTEMPT_FAILS = new IOException("first attempt fails");

	private static final String OK = "ok";

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private static final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private PendingBackoffScenario() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, Object> results = new LinkedHashMap<>();
		results.put("operations", (long) OPERATIONS);
		results.put("delayMillis", DELAY.toMillis());
		results.put("ours", measure((pool, scheduler) -> {
			AsyncHelpers helpers = new AsyncHelpers(pool, scheduler);
			RetrySpec spec = RetrySpec.defaults().withMaxRetries(1).withBaseDelay(DELAY).withBackoffFactor(1);
			return (attempts, id) -> helpers.retryWithBackoff(Task.async(() -> attempt(attempts, id)), spec);
		}));
		results.put("resilience4j", measure((pool, scheduler) -> {
			Retry retry = Retry.of("pending", RetryConfig.custom().maxAttempts(2).waitDuration(DELAY).build());
			return (attempts, id) -> Retry
				.decorateCompletionStage(retry, scheduler, () -> attempt(attempts, id))
				.get()
				.toCompletableFuture();
		}));
		results.put("handWrittenScheduler", measure((pool, scheduler) -> (attempts, id) -> {
			CompletableFuture<String> result = new CompletableFuture<>();
			attempt(attempts, id).whenComplete((value, ex) -> {
				if (ex == null) {
					result.complete(value);
				}
				else {
					scheduler.schedule(() -> attempt(attempts, id).whenComplete((again, failure) -> {
						if (failure == null) {
							result.complete(again);
						}
						else {
							result.completeExceptionally(failure);
						}
					}), DELAY.toMillis(), TimeUnit.MILLISECONDS);
				}
			});
			return result;
		}));
		System.out.println(Json.write(results));
		System.exit(0);
	}

	/** Starts one operation: the id's attempts are counted in {@code attempts}. */
	interface Operation {

		CompletableFuture<String> start(AtomicIntegerArray attempts, int id);

	}

	interface Variant {

		Operation prepare(ThreadPoolExecutor pool, ScheduledExecutorService scheduler);

	}

	private static CompletableFuture<String> attempt(AtomicIntegerArray attempts, int id) {
		return (attempts.incrementAndGet(id) == 1) ? CompletableFuture.failedFuture(FIRST_ATTEMPT_FAILS)
				: CompletableFuture.completedFuture(OK);
	}

	private static Map<String, Object> measure(Variant variant) throws Exception {
		// Heap per operation varies little between rounds: fewer rounds than the timed scenarios.
		return Rounds.run(() -> round(variant), Set.of("bytesPerOperation"), Set.of("succeeded"));
	}

	private static Map<String, Object> round(Variant variant) throws Exception {
		ThreadPoolExecutor pool = (ThreadPoolExecutor) java.util.concurrent.Executors.newFixedThreadPool(2);
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		pool.prestartAllCoreThreads();
		scheduler.prestartAllCoreThreads();
		Operation operation = variant.prepare(pool, scheduler);
		AtomicIntegerArray attempts = new AtomicIntegerArray(OPERATIONS);
		CompletableFuture<?>[] results = new CompletableFuture<?>[OPERATIONS];
		long baseline = liveHeap();
		int baselineThreads = threads.getThreadCount();
		threads.resetPeakThreadCount();
		long start = System.nanoTime();
		for (int i = 0; i < OPERATIONS; i++) {
			results[i] = operation.start(attempts, i);
		}
		long startedNanos = System.nanoTime() - start;
		long pending = liveHeap();
		long heapReadNanos = System.nanoTime() - start;
		long retriedEarly = 0;
		for (int i = 0; i < OPERATIONS; i++) {
			retriedEarly += (attempts.get(i) > 1) ? 1 : 0;
		}
		int peakExtraThreads = threads.getPeakThreadCount() - baselineThreads;
		CompletableFuture.allOf(results).get(DELAY.toMillis() + 60_000, TimeUnit.MILLISECONDS);
		long succeeded = 0;
		for (int i = 0; i < OPERATIONS; i++) {
			succeeded += (OK.equals(results[i].join()) && attempts.get(i) == 2) ? 1 : 0;
		}
		pool.shutdownNow();
		scheduler.shutdownNow();
		if (retriedEarly > 0) {
			System.err.println("pending backoff: " + retriedEarly + " retries started before the heap was read ("
					+ TimeUnit.NANOSECONDS.toMillis(heapReadNanos) + " ms): raise -Dbench.pendingDelayMillis");
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("wallMillis", TimeUnit.NANOSECONDS.toMillis(startedNanos));
		result.put("bytesPerOperation", Math.max(0, pending - baseline) / OPERATIONS);
		result.put("peakExtraThreads", (long) peakExtraThreads);
		result.put("retriesBeforeHeapRead", retriedEarly);
		result.put("succeeded", succeeded);
		return result;
	}

	/** Heap in use right after a full collection (System.gc() is one with G1 and the serial and parallel collectors). */
	private static long liveHeap() throws InterruptedException {
		System.gc();
		System.gc();
		Thread.sleep(50);
		return memory.getHeapMemoryUsage().getUsed();
	}

}
