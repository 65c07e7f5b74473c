/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code asyncMap} over a million items with limit 64: pending work is never materialised,
 * and memory stays bounded.
 */
class ScaleIT {

	private static final int ITEMS = 1_000_000;

	private static final int LIMIT = 64;

	@Test
	void aMillionItemsCompleteWithoutMaterialisingPendingWork() throws Exception {
		try (Pools pools = Pools.fixed(2)) {
			AsyncHelpers helpers = pools.helpers();
			ThreadPoolExecutor executor = pools.executor();
			AtomicLong pulled = new AtomicLong();
			AtomicLong completed = new AtomicLong();
			AtomicLong widestGap = new AtomicLong();
			Iterable<Integer> lazyItems = () -> new Iterator<>() {
				private int next;

				@Override
				public boolean hasNext() {
					return this.next < ITEMS;
				}

				@Override
				public Integer next() {
					// Items are pulled only into a free slot, and completed only grows: exact.
					widestGap.accumulateAndGet(pulled.incrementAndGet() - completed.get(), Math::max);
					return this.next++;
				}
			};
			MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
			System.gc();
			long baseline = memory.getHeapMemoryUsage().getUsed();
			long[] midRunHeap = new long[1];

			CompletableFuture<List<Outcome<Integer>>> result = helpers.asyncMap(lazyItems, Task.blocking((Integer item) -> {
				long done = completed.incrementAndGet();
				if (done == ITEMS / 2) {
					System.gc();
					midRunHeap[0] = memory.getHeapMemoryUsage().getUsed();
				}
				return item;
			}), LIMIT);
			List<Outcome<Integer>> outcomes = result.get(120, TimeUnit.SECONDS);

			assertThat(outcomes).hasSize(ITEMS);
			assertThat(outcomes.get(ITEMS - 1).getOrThrow()).isEqualTo(ITEMS - 1);
			assertThat(widestGap.get()).as("items taken from the iterable but not yet finished")
				.isLessThanOrEqualTo(LIMIT);
			assertThat(executor.getQueue().size()).isZero();
			// Half the results (~20 MB of outcomes) are live mid-run; materialising the pending half
			// as tasks and futures would add well over 100 MB. The bound is generous on purpose.
			assertThat(midRunHeap[0] - baseline).as("heap growth at the half-way point, bytes")
				.isLessThan(150L * 1024 * 1024);
		}
	}

	@Test
	void aMillionItemsStreamThroughAsyncForEachWithFlatMemory() throws Exception {
		try (Pools pools = Pools.fixed(2)) {
			AsyncHelpers helpers = pools.helpers();
			MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
			AtomicLong sum = new AtomicLong();
			AtomicLong seen = new AtomicLong();
			long[] heapAt = new long[2];
			Iterable<Integer> lazyItems = () -> java.util.stream.IntStream.range(0, ITEMS).iterator();

			long processed = helpers.asyncForEach(lazyItems, Task.blocking((Integer item) -> item), LIMIT,
					(item, outcome) -> {
						sum.addAndGet(outcome.getOrThrow());
						long count = seen.incrementAndGet();
						if (count == ITEMS / 10 || count == ITEMS * 9 / 10) {
							System.gc();
							heapAt[(count == ITEMS / 10) ? 0 : 1] = memory.getHeapMemoryUsage().getUsed();
						}
					})
				.get(120, TimeUnit.SECONDS);

			assertThat(processed).isEqualTo(ITEMS);
			assertThat(sum.get()).isEqualTo((long) ITEMS * (ITEMS - 1) / 2);
			// 800,000 more items done between the two readings: what is kept must not grow with them.
			assertThat(heapAt[1] - heapAt[0]).as("heap growth from 10% to 90% of the items, bytes")
				.isLessThan(16L * 1024 * 1024);
		}
	}

}
