/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The caller's MDC, captured when a call starts, is in place for every piece of its work on
 * whichever thread, and gone from the pool's threads afterwards.
 */
class ContextPropagationTests {

	@RegisterExtension
	final Pools pools = Pools.fixed(1);

	private final Queue<String> seen = new ConcurrentLinkedQueue<>();

	@AfterEach
	void clearMdc() {
		MDC.clear();
	}

	private String see() {
		String value = String.valueOf(MDC.get("request"));
		this.seen.add(value);
		return value;
	}

	@Test
	void everyAttemptOfABlockingRetrySeesTheCallersMdc() {
		AtomicInteger attempts = new AtomicInteger();
		MDC.put("request", "r-1");

		CompletableFuture<String> result = this.pools.helpers().retryWithBackoff(Task.blocking(() -> {
			see();
			if (attempts.incrementAndGet() < 3) {
				throw new IOException("down");
			}
			return "ok";
		}), RetrySpec.defaults().withBaseDelay(Duration.ofMillis(10)));
		MDC.clear();

		assertThat(result).succeedsWithin(Duration.ofSeconds(10));
		assertThat(this.seen).containsExactly("r-1", "r-1", "r-1");
	}

	@Test
	void everyAttemptOfAnAsyncRetrySeesTheCallersMdc() {
		AtomicInteger attempts = new AtomicInteger();
		MDC.put("request", "r-2");

		CompletableFuture<String> result = this.pools.helpers().retryWithBackoff(Task.async(() -> {
			see();
			return (attempts.incrementAndGet() < 3) ? CompletableFuture.failedFuture(new IOException("down"))
					: CompletableFuture.completedFuture("ok");
		}), RetrySpec.defaults().withBaseDelay(Duration.ofMillis(10)));
		MDC.clear();

		assertThat(result).succeedsWithin(Duration.ofSeconds(10));
		assertThat(this.seen).containsExactly("r-2", "r-2", "r-2");
	}

	@Test
	void everyMappedFilteredAndBatchedItemSeesTheCallersMdc() {
		List<Integer> items = IntStream.range(0, 6).boxed().toList();
		MDC.put("request", "r-3");

		CompletableFuture<List<Outcome<String>>> mapped = this.pools.helpers().asyncMap(items,
				Task.blocking((Integer i) -> see()), 2);
		CompletableFuture<List<Integer>> filtered = this.pools.helpers().asyncFilter(items,
				Task.blocking((Integer i) -> see() != null), 2);
		CompletableFuture<List<Outcome<String>>> batched = this.pools.helpers().batchProcess(items,
				Task.blocking((Integer i) -> see()), 2, Duration.ofMillis(5));
		CompletableFuture<Long> streamed = this.pools.helpers().asyncForEach(items, Task.blocking((Integer i) -> i), 2,
				(item, outcome) -> see());
		MDC.clear();

		assertThat(CompletableFuture.allOf(mapped, filtered, batched, streamed)).succeedsWithin(Duration.ofSeconds(10));
		assertThat(this.seen).hasSize(24).containsOnly("r-3");
	}

	@Test
	void aPoolThreadCarriesNoCallersMdcIntoLaterWork() {
		MDC.put("request", "r-4");
		assertThat(this.pools.helpers().ensureAsync(this::see)).succeedsWithin(Duration.ofSeconds(10));
		MDC.clear();

		CompletableFuture<String> later = CompletableFuture.supplyAsync(() -> String.valueOf(MDC.get("request")),
				this.pools.executor());

		assertThat(later).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("null");
	}

	@Test
	void withNoPropagatorTasksSeeNoCallersMdc() {
		AsyncHelpers plain = new AsyncHelpers(this.pools.executor(), this.pools.scheduler(), AsyncDefaults.standard(),
				System::nanoTime, ContextPropagator.none());
		MDC.put("request", "r-5");

		assertThat(plain.ensureAsync(this::see)).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("null");
	}

}
