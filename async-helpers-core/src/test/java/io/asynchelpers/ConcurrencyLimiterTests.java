/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ConcurrencyLimiter}.
 */
class ConcurrencyLimiterTests {

	@RegisterExtension
	final Pools pools = Pools.fixed(8);

	@AfterEach
	void clearMdc() {
		MDC.clear();
	}

	@Test
	void limitIsNeverExceededWhileManyAsyncAndBlockingCallsOverlap() throws Exception {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("overlap", 3);
		InFlightCounter counter = new InFlightCounter();
		List<CompletableFuture<Integer>> results = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			int value = i;
			Task<Integer> task = (i % 2 == 0) ? Task.blocking(() -> {
				counter.enter();
				try {
					Thread.sleep(2);
					return value;
				}
				finally {
					counter.exit();
				}
			}) : Task.async(() -> {
				counter.enter();
				return this.pools.helpers().delay(Duration.ofMillis(2)).handle((none, ex) -> {
					counter.exit();
					return value;
				});
			});
			results.add(limiter.submit(task));
		}

		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

		assertThat(results).extracting(CompletableFuture::join).containsExactlyElementsOf(
				java.util.stream.IntStream.range(0, 60).boxed().toList());
		assertThat(counter.max()).isLessThanOrEqualTo(3).isGreaterThan(1);
		assertThat(limiter.active()).isZero();
		assertThat(limiter.queued()).isZero();
	}

	@Test
	void submitReturnsAtOnceAndQueuesWhileTheLimitIsFull() {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("queue", 1);
		CompletableFuture<String> first = new CompletableFuture<>();
		AtomicBoolean secondStarted = new AtomicBoolean();
		CompletableFuture<String> running = limiter.submit(Task.async(() -> first));

		CompletableFuture<String> queued = limiter.submit(Task.async(() -> {
			secondStarted.set(true);
			return CompletableFuture.completedFuture("second");
		}));

		assertThat(queued).isNotDone();
		assertThat(secondStarted).isFalse();
		assertThat(limiter.active()).isEqualTo(1);
		assertThat(limiter.queued()).isEqualTo(1);
		first.complete("first");
		assertThat(running).isCompletedWithValue("first");
		assertThat(queued).isCompletedWithValue("second");
		assertThat(limiter.active()).isZero();
		assertThat(limiter.queued()).isZero();
	}

	@Test
	void queuedCallsStartInArrivalOrder() {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("order", 1);
		CompletableFuture<Integer> gate = new CompletableFuture<>();
		limiter.submit(Task.async(() -> gate));
		List<Integer> started = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 20; i++) {
			int index = i;
			limiter.submit(Task.async(() -> {
				started.add(index);
				return CompletableFuture.completedFuture(index);
			}));
		}

		gate.complete(-1);

		assertThat(started).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
	}

	@Test
	void aSlotIsFreedBeforeTheResultCompletesSoThatAContinuationCanTakeIt() {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("chain", 1, 0);

		CompletableFuture<String> chained = limiter.submit(Task.async(() -> CompletableFuture.completedFuture("a")))
			.thenCompose((first) -> limiter.submit(Task.async(() -> CompletableFuture.completedFuture(first + "b"))));

		assertThat(chained).isCompletedWithValue("ab");
		assertThat(limiter.rejected()).isZero();
	}

	@Test
	void aFullQueueRejectsWithTheDedicatedExceptionAndCountsIt() {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("full", 1, 1);
		limiter.submit(Task.async(CompletableFuture::new));
		limiter.submit(Task.async(CompletableFuture::new));
		AtomicBoolean ran = new AtomicBoolean();

		CompletableFuture<Object> rejected = limiter.submit(Task.async(() -> {
			ran.set(true);
			return CompletableFuture.completedFuture(null);
		}));

		assertThat(rejected).isCompletedExceptionally();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(rejected::get)
			.havingCause()
			.isInstanceOfSatisfying(ConcurrencyLimitExceededException.class, (ex) -> {
				assertThat(ex.getLimiterName()).isEqualTo("full");
				assertThat(ex.getLimit()).isEqualTo(1);
				assertThat(ex).hasMessageContaining("queue of 1 is full");
			});
		assertThat(ran).isFalse();
		assertThat(limiter.rejected()).isEqualTo(1);
	}

	@Test
	void cancellingAQueuedCallFreesItsPlaceAndItNeverStarts() {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("cancel-queued", 1, 1);
		CompletableFuture<Object> gate = new CompletableFuture<>();
		limiter.submit(Task.async(() -> gate));
		AtomicBoolean cancelledOneRan = new AtomicBoolean();
		CompletableFuture<Object> cancelled = limiter.submit(Task.async(() -> {
			cancelledOneRan.set(true);
			return CompletableFuture.completedFuture(null);
		}));

		cancelled.cancel(true);
		CompletableFuture<Object> next = limiter.submit(Task.async(() -> CompletableFuture.completedFuture("next")));

		assertThat(limiter.rejected()).isZero();
		assertThat(limiter.queued()).isEqualTo(1);
		gate.complete(null);
		assertThat(next).isCompletedWithValue("next");
		assertThat(cancelledOneRan).isFalse();
		assertThat(limiter.active()).isZero();
	}

	@Test
	void cancellingARunningCallInterruptsItsWorkAndFreesTheSlot() throws Exception {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("cancel-running", 1);
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		CompletableFuture<Object> call = limiter.submit(Task.blocking(() -> {
			running.countDown();
			try {
				Thread.sleep(60_000);
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
				throw ex;
			}
			return null;
		}));
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

		call.cancel(true);

		assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> limiter.active() == 0);
		assertThat(limiter.submit(Task.async(() -> CompletableFuture.completedFuture("free"))).get(10,
				TimeUnit.SECONDS)).isEqualTo("free");
	}

	@Test
	void theSlotIsFreedWhenACallFailsOrItsSupplierThrowsOrTheExecutorRefusesIt() throws Exception {
		ThreadPoolExecutor executor = this.pools.executor();
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("failures", 1, 0);

		CompletableFuture<Object> failed = limiter.submit(Task.blocking(() -> {
			throw new IllegalStateException("boom");
		}));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(IllegalStateException.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> limiter.active() == 0);
		CompletableFuture<Object> threw = limiter.submit(Task.async(() -> {
			throw new IllegalStateException("supplier");
		}));
		assertThat(threw).isCompletedExceptionally();
		assertThat(limiter.active()).isZero();
		executor.shutdown();
		CompletableFuture<Object> refused = limiter.submit(Task.blocking(() -> "never"));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(NotStartedException.class);

		assertThat(limiter.active()).isZero();
		assertThat(limiter.rejected()).isZero();
	}

	@Test
	void aBlockingCallWaitsAtMostMaxWaitThenIsRejectedWithoutRunning() {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("wait", 1);
		limiter.submit(Task.async(CompletableFuture::new));
		AtomicBoolean ran = new AtomicBoolean();
		long start = System.nanoTime();

		assertThatExceptionOfType(ConcurrencyLimitExceededException.class)
			.isThrownBy(() -> limiter.call(() -> ran.getAndSet(true), Duration.ofMillis(100)))
			.withMessageContaining("no slot freed up within 100");

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
		assertThat(ran).isFalse();
		assertThat(limiter.queued()).isZero();
		assertThat(limiter.rejected()).isEqualTo(1);
	}

	@Test
	void aBlockingCallWithZeroMaxWaitIsRejectedAtOnce() {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("reject", 1);
		limiter.submit(Task.async(CompletableFuture::new));

		assertThatExceptionOfType(ConcurrencyLimitExceededException.class)
			.isThrownBy(() -> limiter.call(() -> "never", Duration.ZERO))
			.withMessageContaining("may not wait");
		assertThat(limiter.queued()).isZero();
	}

	@Test
	void aBlockingCallWithAnArgumentHoldsASlotWhileItRunsAndGivesItBack() throws Exception {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("argument", 1);

		String result = limiter.call((String name) -> {
			assertThat(limiter.active()).isOne();
			// The only slot is taken: a call that may not wait is rejected meanwhile.
			assertThatExceptionOfType(ConcurrencyLimitExceededException.class)
				.isThrownBy(() -> limiter.call((String other) -> other, "never", Duration.ZERO));
			return "hello " + name;
		}, "world", Duration.ZERO);

		assertThat(result).isEqualTo("hello world");
		assertThat(limiter.active()).isZero();
		assertThat(limiter.rejected()).isEqualTo(1);
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> limiter.call((String name) -> {
				throw new IllegalStateException(name);
			}, "boom", Duration.ZERO))
			.withMessage("boom");
		assertThat(limiter.active()).isZero();
	}

	@Test
	void aBlockedCallRunsOnItsOwnThreadAsSoonAsASlotFrees() throws Exception {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("blocked", 1);
		CompletableFuture<String> gate = new CompletableFuture<>();
		limiter.submit(Task.async(() -> gate));
		AtomicReference<Thread> ranOn = new AtomicReference<>();
		CompletableFuture<String> caller = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				caller.complete(limiter.call(() -> {
					ranOn.set(Thread.currentThread());
					return "ran";
				}, Duration.ofSeconds(30)));
			}
			catch (Exception ex) {
				caller.completeExceptionally(ex);
			}
		});
		thread.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> limiter.queued() == 1);
		assertThat(caller).isNotDone();

		gate.complete("done");

		assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
		assertThat(ranOn.get()).isSameAs(thread);
		assertThat(limiter.active()).isZero();
	}

	@Test
	void anInterruptDuringTheWaitIsRethrownWithTheFlagKept() throws Exception {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("interrupt", 1);
		limiter.submit(Task.async(CompletableFuture::new));
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		AtomicBoolean flagKept = new AtomicBoolean();
		AtomicBoolean ran = new AtomicBoolean();
		Thread thread = new Thread(() -> {
			try {
				limiter.call(() -> ran.getAndSet(true), Duration.ofSeconds(60));
			}
			catch (Exception ex) {
				thrown.set(ex);
				flagKept.set(Thread.currentThread().isInterrupted());
			}
		});
		thread.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> limiter.queued() == 1);

		thread.interrupt();
		thread.join(10_000);

		assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
		assertThat(flagKept).isTrue();
		assertThat(ran).isFalse();
		assertThat(limiter.queued()).isZero();
		assertThat(limiter.rejected()).isZero();
	}

	@Test
	void aQueuedCallRunsInTheContextItsCallerHadWhenItWasSubmitted() throws Exception {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("context", 1);
		CompletableFuture<Object> gate = new CompletableFuture<>();
		limiter.submit(Task.async(() -> gate));
		MDC.put("request", "r-1");
		CompletableFuture<String> blocking = limiter.submit(Task.blocking(() -> MDC.get("request")));
		CompletableFuture<String> async = limiter
			.submit(Task.async(() -> CompletableFuture.completedFuture(MDC.get("request"))));
		MDC.clear();

		gate.complete(null);

		assertThat(blocking.get(10, TimeUnit.SECONDS)).isEqualTo("r-1");
		assertThat(async.get(10, TimeUnit.SECONDS)).isEqualTo("r-1");
		assertThat(MDC.get("request")).isNull();
	}

	@Test
	void aHundredThousandQueuedCallsThatCompleteAtOnceDoNotGrowTheStack() {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("deep", 1);
		CompletableFuture<Integer> gate = new CompletableFuture<>();
		limiter.submit(Task.async(() -> gate));
		AtomicInteger done = new AtomicInteger();
		for (int i = 0; i < 100_000; i++) {
			limiter.submit(Task.async(() -> CompletableFuture.completedFuture(1))).thenRun(done::incrementAndGet);
		}

		gate.complete(0);

		assertThat(done).hasValue(100_000);
		assertThat(limiter.active()).isZero();
	}

	@Test
	void cancellingQueuedCallsWhileSlotsFreeUpNeverLosesOrDoublesASlot() throws Exception {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("storm", 4);
		InFlightCounter counter = new InFlightCounter();
		List<CompletableFuture<Object>> calls = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			calls.add(limiter.submit(Task.blocking(() -> {
				counter.enter();
				try {
					Thread.sleep(0, 100_000);
					return null;
				}
				finally {
					counter.exit();
				}
			})));
		}
		for (int i = 0; i < calls.size(); i += 3) {
			calls.get(i).cancel(true);
		}

		for (CompletableFuture<Object> call : calls) {
			try {
				call.get(30, TimeUnit.SECONDS);
			}
			catch (CancellationException | ExecutionException ex) {
				// cancelled ones
			}
		}

		await().atMost(Duration.ofSeconds(10)).until(() -> limiter.active() == 0);
		assertThat(limiter.queued()).isZero();
		assertThat(counter.max()).isLessThanOrEqualTo(4);
	}

	@Test
	void badArgumentsNameTheParameterAndTheValue() {
		AsyncHelpers helpers = this.pools.helpers();
		assertThatIllegalArgumentException().isThrownBy(() -> helpers.concurrencyLimiter("x", 0))
			.withMessage("limit must be > 0, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> helpers.concurrencyLimiter("x", 1, -1))
			.withMessage("queueCapacity must be >= 0, was -1");
		ConcurrencyLimiter limiter = helpers.concurrencyLimiter("x", 1);
		assertThatIllegalArgumentException().isThrownBy(() -> limiter.call(() -> 1, Duration.ofMillis(-1)))
			.withMessage("maxWait must be >= 0, was PT-0.001S");
	}

}
