/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Pauses}: many pauses, one timer.
 */
class PausesTests {

	private final AtomicInteger timersScheduled = new AtomicInteger();

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1) {

		@Override
		public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			PausesTests.this.timersScheduled.incrementAndGet();
			return super.schedule(command, delay, unit);
		}

	};

	private final ExecutorService executor = Executors.newFixedThreadPool(2);

	private final Pauses pauses = new Pauses(this.scheduler, this.executor);

	private final List<String> woken = new CopyOnWriteArrayList<>();

	private final List<Throwable> abandoned = new CopyOnWriteArrayList<>();

	PausesTests() {
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	@AfterEach
	void shutDown() {
		this.executor.shutdownNow();
		this.scheduler.shutdownNow();
	}

	@Test
	void pausesWakeInDeadlineOrderWhateverOrderTheyWereScheduledIn() {
		// Each earlier pause takes over the timer from the later ones.
		for (int i = 5; i >= 1; i--) {
			schedule("p" + i, Duration.ofMillis(100L * i));
		}

		await().atMost(Duration.ofSeconds(10)).until(() -> this.woken.size() == 5);
		assertThat(this.woken).containsExactly("p1", "p2", "p3", "p4", "p5");
		assertThat(this.abandoned).isEmpty();
		assertThat(this.pauses.pendingCount()).isZero();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.scheduler.getQueue().isEmpty());
	}

	@Test
	void laterPausesShareTheTimerOfTheEarliest() {
		for (int i = 0; i < 1_000; i++) {
			schedule("p" + i, Duration.ofSeconds(30 + i));
		}

		assertThat(this.timersScheduled).hasValue(1);
		assertThat(this.scheduler.getQueue()).hasSize(1);
		assertThat(this.pauses.pendingCount()).isEqualTo(1_000);
	}

	@Test
	void pausesDueTogetherAllWakeFromOneSweep() {
		for (int i = 0; i < 200; i++) {
			schedule("p" + i, Duration.ofMillis(50));
		}

		await().atMost(Duration.ofSeconds(10)).until(() -> this.woken.size() == 200);
		assertThat(this.pauses.pendingCount()).isZero();
	}

	@Test
	void cancellingThePausesLeavesNoTimerBehind() {
		Future<?> first = schedule("first", Duration.ofSeconds(30));
		Future<?> second = schedule("second", Duration.ofSeconds(20));

		assertThat(first.cancel(false)).isTrue();
		assertThat(first.cancel(false)).isFalse();
		assertThat(this.scheduler.getQueue()).hasSize(1);
		assertThat(second.cancel(false)).isTrue();

		assertThat(first.isCancelled()).isTrue();
		assertThat(first.isDone()).isTrue();
		assertThat(this.pauses.pendingCount()).isZero();
		assertThat(this.scheduler.getQueue()).isEmpty();

		// A pause after that arms the timer again.
		schedule("third", Duration.ofMillis(10));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.woken.contains("third"));
		assertThat(this.woken).containsExactly("third");
	}

	@Test
	void closeAbandonsEveryPendingPauseWithAnExceptionOfItsOwn() {
		for (int i = 0; i < 3; i++) {
			schedule("p" + i, Duration.ofSeconds(30));
		}

		this.pauses.close();

		assertThat(this.abandoned).hasSize(3)
			.allSatisfy((reason) -> assertThat(reason).isInstanceOf(CancellationException.class))
			.doesNotHaveDuplicates();
		assertThat(this.woken).isEmpty();
		assertThat(this.scheduler.getQueue()).isEmpty();
	}

	@Test
	void pausesLeftWhenTheSchedulerRefusesToRearmFailInsteadOfWaitingForever() {
		schedule("soon", Duration.ofMillis(50));
		schedule("later", Duration.ofSeconds(30));
		// Shut down: the armed timer still fires (the default policy), but re-arming is refused.
		this.scheduler.shutdown();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.woken.size() + this.abandoned.size() == 2);
		assertThat(this.woken).containsExactly("soon");
		assertThat(this.abandoned).singleElement().isInstanceOf(RejectedExecutionException.class);
		assertThat(this.pauses.pendingCount()).isZero();
	}

	@Test
	void aWakeThatThrowsFailsItsOperationAndTheOthersStillWake() {
		IllegalStateException boom = new IllegalStateException("boom");
		this.pauses.schedule(new Pauses.Sleeper() {

			@Override
			public void wake() {
				throw boom;
			}

			@Override
			public void abandon(Throwable reason) {
				PausesTests.this.abandoned.add(reason);
			}

		}, TimeUnit.MILLISECONDS.toNanos(20), Pauses.Wake.ON_EXECUTOR);
		this.pauses.schedule(() -> this.woken.add("other"), TimeUnit.MILLISECONDS.toNanos(20), this.abandoned::add,
				Pauses.Wake.ON_EXECUTOR);

		await().atMost(Duration.ofSeconds(10)).until(() -> this.woken.size() + this.abandoned.size() == 2);
		assertThat(this.abandoned).containsExactly(boom);
		assertThat(this.woken).containsExactly("other");
	}

	@Test
	void theLongestPauseDoesNotOverflowIntoAnImmediateOne() {
		schedule("never", Duration.ofNanos(Long.MAX_VALUE));
		schedule("soon", Duration.ofMillis(20));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.woken.contains("soon"));
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !this.woken.contains("never"));
		assertThat(this.pauses.pendingCount()).isOne();
	}

	private Future<?> schedule(String name, Duration delay) {
		return this.pauses.schedule(() -> this.woken.add(name), delay.toNanos(), this.abandoned::add);
	}

}
