/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link AsyncHelpers#retryWithBackoff} and {@link AsyncHelpers#callWithRetry}.
 */
class RetryWithBackoffTests {

	private final RecordingScheduler scheduler = new RecordingScheduler();

	@RegisterExtension
	final Pools pools = Pools.fixed(4, this.scheduler);

	@Test
	void maxRetriesThreeMeansFourAttemptsWithDoublingDelaysAndEarlierFailuresSuppressed() {
		AtomicInteger attempts = new AtomicInteger();
		Task<String> alwaysFails = Task.blocking(() -> {
			throw new IOException("attempt " + attempts.incrementAndGet());
		});

		CompletableFuture<String> result = this.pools.helpers().retryWithBackoff(alwaysFails, RetrySpec.defaults());

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(IOException.class)
			.withMessage("attempt 4")
			.satisfies((last) -> assertThat(last.getSuppressed()).extracting(Throwable::getMessage)
				.containsExactly("attempt 1", "attempt 2", "attempt 3"));
		assertThat(attempts).hasValue(4);
		assertThat(this.scheduler.delays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
				Duration.ofSeconds(4));
	}

	@Test
	void delaysAreCappedAtMaxDelay() {
		RetrySpec spec = RetrySpec.defaults()
			.withMaxRetries(5)
			.withBaseDelay(Duration.ofMillis(100))
			.withBackoffFactor(3)
			.withMaxDelay(Duration.ofMillis(500));

		CompletableFuture<Object> result = this.pools.helpers().retryWithBackoff(Task.blocking(() -> {
			throw new IOException("down");
		}), spec);

		assertThat(result).failsWithin(Duration.ofSeconds(10));
		assertThat(this.scheduler.delays()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(300),
				Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(500));
	}

	@Test
	void succeedsWithTheFirstSuccessfulAttempt() throws Exception {
		AtomicInteger attempts = new AtomicInteger();
		Task<String> flaky = Task.async(() -> (attempts.incrementAndGet() < 3)
				? CompletableFuture.failedFuture(new IOException("flaky")) : CompletableFuture.completedFuture("ok"));

		assertThat(this.pools.helpers().retryWithBackoff(flaky).get(10, TimeUnit.SECONDS)).isEqualTo("ok");
		assertThat(attempts).hasValue(3);
		assertThat(this.scheduler.delays()).hasSize(2);
	}

	@Test
	void onlyListedExceptionTypesAreRetried() {
		AtomicInteger attempts = new AtomicInteger();
		RetrySpec spec = RetrySpec.defaults().withRetryOn(IOException.class);

		CompletableFuture<Object> result = this.pools.helpers().retryWithBackoff(Task.blocking(() -> {
			attempts.incrementAndGet();
			throw new IllegalStateException("not transient");
		}), spec);

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(IllegalStateException.class);
		assertThat(attempts).hasValue(1);
		assertThat(this.scheduler.delays()).isEmpty();
	}

	@Test
	void noRetryOnWinsOverRetryOn() {
		AtomicInteger attempts = new AtomicInteger();
		RetrySpec spec = RetrySpec.defaults().withNoRetryOn(UncheckedIOException.class);

		CompletableFuture<Object> result = this.pools.helpers().retryWithBackoff(Task.blocking(() -> {
			attempts.incrementAndGet();
			throw new UncheckedIOException(new IOException("permanent"));
		}), spec);

		assertThat(result).failsWithin(Duration.ofSeconds(10));
		assertThat(attempts).hasValue(1);
	}

	@Test
	void errorsAreNotRetriedByDefault() {
		AtomicInteger attempts = new AtomicInteger();

		CompletableFuture<Object> result = this.pools.helpers().retryWithBackoff(Task.blocking(() -> {
			attempts.incrementAndGet();
			throw new AssertionError("bug");
		}));

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(AssertionError.class);
		assertThat(attempts).hasValue(1);
	}

	@Test
	void eachRetryLogsAtDebugAndRetriesThatRanOutLogOnceAtWarn() {
		try (LogCapture log = LogCapture.of(RetryState.class)) {
			CompletableFuture<Object> result = this.pools.helpers().retryWithBackoff("fetch", Task.blocking(() -> {
				throw new IOException("down");
			}), RetrySpec.defaults().withMaxRetries(2).withBaseDelay(Duration.ofMillis(500)));

			assertThat(result).failsWithin(Duration.ofSeconds(10));
			assertThat(log.messages(Level.DEBUG)).containsExactly(
					"fetch: attempt 1 of 3 failed: java.io.IOException: down. Retrying in 500ms",
					"fetch: attempt 2 of 3 failed: java.io.IOException: down. Retrying in 1s");
			assertThat(log.messages(Level.WARN))
				.containsExactly("fetch: failed after 3 attempts: java.io.IOException: down");
			assertThat(log.messages(Level.ERROR)).isEmpty();
		}
	}

	@Test
	void jitterKeepsDelaysWithinItsBounds() {
		RetrySpec full = RetrySpec.defaults().withJitter(Jitter.FULL);
		RetrySpec equal = RetrySpec.defaults().withJitter(Jitter.EQUAL);
		long backoff = Duration.ofSeconds(4).toNanos();

		assertThat(full.delayBeforeRetryNanos(3, () -> 0.0)).isZero();
		assertThat(full.delayBeforeRetryNanos(3, () -> 0.999)).isLessThan(backoff).isGreaterThan(backoff * 99 / 100);
		assertThat(equal.delayBeforeRetryNanos(3, () -> 0.0)).isEqualTo(backoff / 2);
		assertThat(equal.delayBeforeRetryNanos(3, () -> 0.999)).isLessThan(backoff);
		for (int i = 0; i < 1000; i++) {
			assertThat(full.delayBeforeRetry(3)).isBetween(Duration.ZERO, Duration.ofSeconds(4));
			assertThat(equal.delayBeforeRetry(3)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
		}
		assertThat(RetrySpec.defaults().delayBeforeRetry(3)).isEqualTo(Duration.ofSeconds(4));
	}

	@Test
	void aThousandConcurrentBackoffsHoldNoThreads() throws Exception {
		// A cached pool grows a thread for every task that blocks: sleeping in backoff would show.
		ThreadPoolExecutor cached = (ThreadPoolExecutor) Executors.newCachedThreadPool();
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
		timer.setRemoveOnCancelPolicy(true);
		try {
			AsyncHelpers scheduled = new AsyncHelpers(cached, timer);
			RetrySpec spec = RetrySpec.defaults().withBaseDelay(Duration.ofMillis(300)).withBackoffFactor(1);
			ConcurrentHashMap<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
			int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
			List<CompletableFuture<Integer>> results = new ArrayList<>();
			for (int i = 0; i < 1000; i++) {
				int id = i;
				results.add(scheduled.retryWithBackoff(Task.blocking(() -> {
					if (attempts.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet() <= 2) {
						throw new IOException("transient");
					}
					return id;
				}), spec));
			}

			await().atMost(Duration.ofSeconds(10)).until(() -> scheduled.pendingPauses() >= 900);
			int threadsDuringBackoff = ManagementFactory.getThreadMXBean().getThreadCount();
			// The pauses share one timer instead of a scheduler entry each (two for an instant,
			// while an earlier timer replaces a later one).
			assertThat(timer.getQueue()).hasSizeLessThan(3);

			CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
			assertThat(results).allSatisfy((result) -> assertThat(result).isCompleted());
			assertThat(threadsDuringBackoff - threadsBefore).isLessThan(50);
			assertThat(cached.getLargestPoolSize()).isLessThan(50);
		}
		finally {
			cached.shutdownNow();
			timer.shutdownNow();
		}
	}

	@Test
	void cancellingTheResultCancelsThePendingPause() {
		try (Pools real = Pools.fixed(4)) {
			AtomicInteger attempts = new AtomicInteger();
			CompletableFuture<Object> result = real.helpers().retryWithBackoff(Task.blocking(() -> {
				attempts.incrementAndGet();
				throw new IOException("down");
			}), RetrySpec.defaults().withBaseDelay(Duration.ofSeconds(30)));
			await().atMost(Duration.ofSeconds(10)).until(() -> real.scheduler().getQueue().size() == 1);

			result.cancel(true);

			assertThat(real.scheduler().getQueue()).isEmpty();
			assertThat(attempts).hasValue(1);
		}
	}

	@Test
	void callWithRetryRunsEveryAttemptOnTheCallersThread() throws Exception {
		List<Thread> threads = new ArrayList<>();
		RetrySpec spec = RetrySpec.defaults().withBaseDelay(Duration.ofMillis(1));

		String result = this.pools.helpers().callWithRetry("local", () -> {
			threads.add(Thread.currentThread());
			if (threads.size() < 3) {
				throw new IOException("transient");
			}
			return "done";
		}, spec);

		assertThat(result).isEqualTo("done");
		assertThat(threads).hasSize(3).containsOnly(Thread.currentThread());
		assertThat(this.scheduler.delays()).isEmpty();
	}

	@Test
	void callWithRetryRethrowsTheLastFailureWithEarlierOnesSuppressed() {
		AtomicInteger attempts = new AtomicInteger();
		RetrySpec spec = RetrySpec.defaults().withMaxRetries(2).withBaseDelay(Duration.ZERO);

		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.pools.helpers().callWithRetry("local", () -> {
			throw new IOException("attempt " + attempts.incrementAndGet());
		}, spec)).withMessage("attempt 3").satisfies((ex) -> assertThat(ex.getSuppressed()).hasSize(2));
	}

	@Test
	void callWithRetryInterruptedDuringAPauseKeepsTheInterruptFlag() {
		RetrySpec spec = RetrySpec.defaults().withBaseDelay(Duration.ofSeconds(30));
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(InterruptedException.class)
				.isThrownBy(() -> this.pools.helpers().callWithRetry("local", () -> {
					throw new IOException("down");
				}, spec))
				.satisfies((ex) -> assertThat(ex.getSuppressed()).hasSize(1));
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

}
