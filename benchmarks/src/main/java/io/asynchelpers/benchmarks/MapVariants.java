/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.Outcome;
import io.asynchelpers.Task;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The same bounded map written each way a user might: ours, and the hand-written and
 * library alternatives. Each maps {@code 0..n-1} through {@code work} with at most
 * {@code limit} tasks on the executor at once (except the floor and the unbounded case).
 */
final class MapVariants {

	private MapVariants() {
	}

	static List<Integer> sequential(int n, IntUnaryOperator work) {
		List<Integer> results = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			results.add(work.applyAsInt(i));
		}
		return results;
	}

	static List<Outcome<Integer>> asyncMap(AsyncHelpers helpers, List<Integer> items, IntUnaryOperator work, int limit) {
		return helpers.asyncMap(items, Task.blocking((Integer i) -> work.applyAsInt(i)), limit).join();
	}

	static List<Integer> gatherWithLimit(AsyncHelpers helpers, int n, IntUnaryOperator work, int limit) {
		List<Task<Integer>> tasks = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			int item = i;
			tasks.add(Task.blocking(() -> work.applyAsInt(item)));
		}
		return helpers.gatherWithLimit(tasks, limit).join();
	}

	/** The usual hand-written version: the submitting thread blocks on a semaphore. */
	static List<Integer> semaphore(int n, IntUnaryOperator work, int limit, Executor executor) {
		Semaphore permits = new Semaphore(limit);
		List<CompletableFuture<Integer>> futures = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			int item = i;
			permits.acquireUninterruptibly();
			futures.add(CompletableFuture.supplyAsync(() -> work.applyAsInt(item), executor)
				.whenComplete((value, ex) -> permits.release()));
		}
		List<Integer> results = new ArrayList<>(n);
		for (CompletableFuture<Integer> future : futures) {
			results.add(future.join());
		}
		return results;
	}

	/** A hand-written non-blocking window: start {@code limit}, each completion starts the next. */
	static List<Integer> window(int n, IntUnaryOperator work, int limit, Executor executor) {
		Integer[] results = new Integer[n];
		AtomicInteger next = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		CompletableFuture<Void> all = new CompletableFuture<>();
		Runnable[] startNext = new Runnable[1];
		startNext[0] = () -> {
			int item = next.getAndIncrement();
			if (item >= n) {
				return;
			}
			CompletableFuture.supplyAsync(() -> work.applyAsInt(item), executor).whenComplete((value, ex) -> {
				results[item] = value;
				if (done.incrementAndGet() == n) {
					all.complete(null);
				}
				else {
					startNext[0].run();
				}
			});
		};
		for (int i = 0; i < Math.min(limit, n); i++) {
			startNext[0].run();
		}
		if (n == 0) {
			all.complete(null);
		}
		all.join();
		return java.util.Arrays.asList(results);
	}

	static List<Integer> reactor(int n, IntUnaryOperator work, int limit, Scheduler scheduler) {
		return Flux.range(0, n)
			.flatMapSequential((i) -> Mono.fromCallable(() -> work.applyAsInt(i)).subscribeOn(scheduler), limit)
			.collectList()
			.block();
	}

	/** No bound: every task submitted at once (the materialised baseline). */
	static List<Integer> unbounded(int n, IntUnaryOperator work, Executor executor) {
		List<CompletableFuture<Integer>> futures = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			int item = i;
			futures.add(CompletableFuture.supplyAsync(() -> work.applyAsInt(item), executor));
		}
		List<Integer> results = new ArrayList<>(n);
		for (CompletableFuture<Integer> future : futures) {
			results.add(future.join());
		}
		return results;
	}

}
