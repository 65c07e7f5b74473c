/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link AsyncProgress}.
 */
class AsyncProgressTests {

	private final AtomicLong nanos = new AtomicLong();

	private final Clock wallClock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

	private AsyncProgress progress(long total, int logEveryPercent) {
		return new AsyncProgress("import", total, logEveryPercent, this.nanos::get, this.wallClock);
	}

	@Test
	void eachTenPercentBoundaryIsLoggedExactlyOnceEvenWhenOneUpdateJumpsSeveral() {
		try (LogCapture log = LogCapture.of(AsyncProgress.class)) {
			AsyncProgress progress = progress(100, 10);
			this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());

			progress.update(35);
			progress.update(1);
			progress.update(4);
			progress.update(60);
			progress.update(5);

			List<String> infos = log.messages(Level.INFO);
			assertThat(infos).filteredOn((line) -> line.contains("passed"))
				.extracting((line) -> line.replaceAll(".*passed (\\d+)%.*", "$1"))
				.containsExactly("10", "20", "30", "40", "50", "60", "70", "80", "90");
			assertThat(infos).filteredOn((line) -> line.contains("completed")).hasSize(1);
			assertThat(infos).hasSize(10);
		}
	}

	@Test
	void theLogLineCarriesCountsRateAndEta() {
		try (LogCapture log = LogCapture.of(AsyncProgress.class)) {
			AsyncProgress progress = progress(200, 10);
			this.nanos.addAndGet(Duration.ofSeconds(4).toNanos());

			progress.update(20);

			assertThat(log.messages(Level.INFO))
				.containsExactly("import: passed 10% - 20/200 (10.0%) - Rate: 5.0/s - ETA: 36s");
		}
	}

	@Test
	void aCustomStepLogsAtItsOwnBoundariesAndAtCompletion() {
		try (LogCapture log = LogCapture.of(AsyncProgress.class)) {
			AsyncProgress progress = progress(100, 25);

			for (int i = 0; i < 100; i++) {
				progress.update();
			}

			assertThat(log.messages(Level.INFO)).hasSize(4).last().asString().contains("completed 100/100");
		}
	}

	@Test
	void aStepThatDoesNotDivideAHundredStillLogsCompletionOnce() {
		try (LogCapture log = LogCapture.of(AsyncProgress.class)) {
			AsyncProgress progress = progress(100, 30);

			progress.update(100);

			assertThat(log.messages(Level.INFO)).hasSize(4)
				.filteredOn((line) -> line.contains("completed"))
				.hasSize(1);
		}
	}

	@Test
	void completedIsCappedAtTotal() {
		AsyncProgress progress = progress(10, 10);

		progress.update(7);
		progress.update(7);
		progress.update(Long.MAX_VALUE);

		assertThat(progress.completed()).isEqualTo(10);
		assertThat(progress.isComplete()).isTrue();
		assertThat(progress.percentage()).isEqualTo(100.0);
	}

	@Test
	void rateEtaAndElapsedFollowTheMonotonicClockAndFreezeAtCompletion() {
		AsyncProgress progress = progress(100, 10);
		assertThat(progress.eta()).as("unknown before any work").isNull();
		assertThat(progress.ratePerSecond()).isZero();

		this.nanos.addAndGet(Duration.ofSeconds(10).toNanos());
		progress.update(25);

		assertThat(progress.elapsed()).isEqualTo(Duration.ofSeconds(10));
		assertThat(progress.ratePerSecond()).isCloseTo(2.5, within(1e-9));
		assertThat(progress.eta()).isEqualTo(Duration.ofSeconds(30));
		assertThat(progress.percentage()).isEqualTo(25.0);
		assertThat(progress.startedAt()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));

		this.nanos.addAndGet(Duration.ofSeconds(10).toNanos());
		progress.update(75);
		this.nanos.addAndGet(Duration.ofSeconds(100).toNanos());

		assertThat(progress.elapsed()).isEqualTo(Duration.ofSeconds(20));
		assertThat(progress.eta()).isEqualTo(Duration.ZERO);
		assertThat(progress.ratePerSecond()).isCloseTo(5.0, within(1e-9));
	}

	@Test
	void aTotalOfZeroIsCompleteAtOnce() {
		try (LogCapture log = LogCapture.of(AsyncProgress.class)) {
			AsyncProgress progress = progress(0, 10);

			assertThat(progress.isComplete()).isTrue();
			assertThat(progress.percentage()).isEqualTo(100.0);
			assertThat(progress.eta()).isEqualTo(Duration.ZERO);
			progress.update(5);
			assertThat(progress.completed()).isZero();
			assertThat(log.messages(Level.INFO)).singleElement().asString().contains("completed 0/0");
		}
	}

	@Test
	void concurrentUpdatesAreAllCountedAndEachBoundaryIsLoggedOnce() throws Exception {
		try (LogCapture log = LogCapture.of(AsyncProgress.class)) {
			int threads = 8;
			int perThread = 20_000;
			AsyncProgress progress = progress((long) threads * perThread, 10);
			CountDownLatch start = new CountDownLatch(1);
			List<Thread> workers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				Thread worker = new Thread(() -> {
					try {
						start.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
					for (int i = 0; i < perThread; i++) {
						progress.update();
					}
				});
				worker.start();
				workers.add(worker);
			}

			start.countDown();
			for (Thread worker : workers) {
				worker.join();
			}

			assertThat(progress.completed()).isEqualTo((long) threads * perThread);
			assertThat(log.messages(Level.INFO)).hasSize(10).doesNotHaveDuplicates();
		}
	}

}
