/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AsyncProgress} and {@link ProgressRegistry} under contention: a repeated,
 * randomised stress test (JCStress and Lincheck would not fit the build's time budget).
 */
class ProgressContentionIT {

	private static final int THREADS = 8;

	@RepeatedTest(5)
	void concurrentUpdatesAreAllCountedAndEachBoundaryIsLoggedOnce(RepetitionInfo repetition) throws Exception {
		Random random = new Random(repetition.getCurrentRepetition());
		int[] increments = new int[THREADS * 100_000];
		long total = 0;
		for (int i = 0; i < increments.length; i++) {
			increments[i] = 1 + random.nextInt(3);
			total += increments[i];
		}
		int step = 1 + random.nextInt(20);
		try (LogCapture log = LogCapture.of(AsyncProgress.class)) {
			AsyncProgress progress = new AsyncProgress("stress", total, step, System::nanoTime, Clock.systemUTC());
			CyclicBarrier start = new CyclicBarrier(THREADS);
			List<Thread> workers = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int offset = t * 100_000;
				Thread worker = new Thread(() -> {
					await(start);
					for (int i = 0; i < 100_000; i++) {
						progress.update(increments[offset + i]);
					}
				});
				worker.start();
				workers.add(worker);
			}
			for (Thread worker : workers) {
				worker.join();
			}

			assertThat(progress.completed()).isEqualTo(total);
			assertThat(progress.isComplete()).isTrue();
			List<String> lines = log.messages(Level.INFO);
			List<String> boundaries = lines.stream()
				.filter((line) -> line.contains(" passed "))
				.map((line) -> line.replaceAll(".* passed (\\d+)%.*", "$1"))
				.toList();
			List<String> expected = new ArrayList<>();
			for (int percent = step; percent < 100; percent += step) {
				expected.add(Integer.toString(percent));
			}
			assertThat(boundaries).as("step %d%%", step).containsExactlyInAnyOrderElementsOf(expected);
			assertThat(lines).filteredOn((line) -> line.contains("completed")).hasSize(1);
		}
	}

	@Test
	void theRegistryStaysConsistentUnderConcurrentCreateUpdateFindAndRemove() throws Exception {
		ProgressRegistry registry = new ProgressRegistry(Duration.ZERO, 10_000, 10, System::nanoTime,
				Clock.systemUTC());
		ConcurrentHashMap<String, AtomicInteger> live = new ConcurrentHashMap<>();
		AtomicLong added = new AtomicLong();
		AtomicLong removed = new AtomicLong();
		registry.addListener(new ProgressRegistry.Listener() {
			@Override
			public void onAdded(AsyncProgress progress) {
				added.incrementAndGet();
			}

			@Override
			public void onRemoved(AsyncProgress progress) {
				removed.incrementAndGet();
			}
		});
		CyclicBarrier start = new CyclicBarrier(THREADS);
		List<Thread> workers = new ArrayList<>();
		List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			Thread worker = new Thread(() -> {
				await(start);
				try {
					for (int i = 0; i < 2_000; i++) {
						String name = "t" + thread + "-" + (i % 50);
						AsyncProgress progress = registry.find(name).orElse(null);
						if (progress == null || progress.isComplete()) {
							registry.create(name, 3).update(1);
						}
						else if (i % 7 == 0) {
							registry.remove(name);
						}
						else {
							progress.update(1);
						}
						registry.trackers();
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			});
			worker.start();
			workers.add(worker);
		}
		for (Thread worker : workers) {
			worker.join();
		}

		assertThat(failures).isEmpty();
		// Finished trackers expire at once (retention 0): what is left is running.
		assertThat(registry.trackers()).allMatch((progress) -> !progress.isComplete());
		assertThat(added.get() - removed.get()).isEqualTo(registry.trackers().size());
		assertThat(live).isEmpty();
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
