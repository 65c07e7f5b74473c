/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Adversarial review of the cluster-scoped {@link ConcurrencyLimiter} (ClusterPermits):
 * each test states the part of the contract it attacks. Tests marked DEFECT failed on
 * integ at d185f36; the others are attacks that held and stay as regression guards.
 */
class ClusterLimiterReviewTests {

	private static final String KEY = "downstream";

	@RegisterExtension
	final Pools pools = Pools.fixed(8);

	private final FakePermitStore fake = new FakePermitStore();

	@AfterEach
	void closeStore() {
		this.fake.close();
	}

	private ConcurrencyLimiter limiter(PermitStore store, int limit, int queueCapacity, PermitFailureMode mode) {
		return this.pools.helpers().concurrencyLimiter("review", limit, queueCapacity, store, KEY, mode);
	}

	// ---------------------------------------------------------------- defects

	/**
	 * DEFECT. Contract: "A call that may not wait (queueCapacity 0 ...) still takes one round
	 * trip to the store, and is rejected if the store has no lease for it." When this replica
	 * itself holds every lease, pump() computes wanted = limit - held = 0 and returns without
	 * asking and without setting 'starved', so the call sits in the queue until a running
	 * call ends (here: forever), instead of being rejected.
	 */
	@Test
	void submitThatMayNotWaitIsRejectedWhenThisReplicaHoldsEveryLease() throws Exception {
		ConcurrencyLimiter limiter = limiter(this.fake, 1, 0, PermitFailureMode.REJECT);
		CompletableFuture<Void> release = new CompletableFuture<>();
		limiter.submit(Task.async(() -> release));
		await().until(() -> limiter.active() == 1);

		CompletableFuture<String> second = limiter.submit(Task.blocking(() -> "never"));

		try {
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> second.get(5, TimeUnit.SECONDS))
				.withCauseInstanceOf(ConcurrencyLimitExceededException.class);
			assertThat(limiter.queued()).isZero();
		}
		finally {
			release.complete(null);
		}
	}

	/**
	 * DEFECT. Contract: "blocking call waits at most maxWait" / Duration.ZERO "rejects at
	 * once when no slot is free" (after one store round trip in cluster scope). Same cause
	 * as above: with every lease held by this replica, call(.., ZERO) parks in 50 ms steps
	 * until a running call ends - unbounded.
	 */
	@Test
	void blockingCallWithZeroWaitReturnsWhenThisReplicaHoldsEveryLease() throws Exception {
		ConcurrencyLimiter limiter = limiter(this.fake, 1, Integer.MAX_VALUE, PermitFailureMode.REJECT);
		CompletableFuture<Void> release = new CompletableFuture<>();
		limiter.submit(Task.async(() -> release));
		await().until(() -> limiter.active() == 1);

		CompletableFuture<String> caller = CompletableFuture.supplyAsync(() -> {
			try {
				return limiter.call(() -> "ran", Duration.ZERO);
			}
			catch (ConcurrencyLimitExceededException ex) {
				return "rejected";
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, this.pools.executor());

		try {
			assertThat(caller.get(5, TimeUnit.SECONDS)).isEqualTo("rejected");
		}
		finally {
			release.complete(null);
		}
	}

	/**
	 * DEFECT. A limiter that may not wait (queueCapacity 0) is starved once (another
	 * replica holds the only lease); the other replica then gives the lease back. From then
	 * on every call is rejected without asking the store, forever: 'starved' is only reset
	 * by a release heard or a poll *while calls wait*, and calls that may not wait are
	 * rejected by afterDrain() as soon as they queue while 'starved' is set.
	 */
	@Test
	void aLimiterThatMayNotWaitRecoversAfterTheStoreHadNoLeaseOnce() throws Exception {
		ConcurrencyLimiter limiter = limiter(this.fake, 1, 0, PermitFailureMode.REJECT);
		List<String> taken = this.fake.take(KEY, 1, 1);
		CompletableFuture<String> rejected = limiter.submit(Task.blocking(() -> "never"));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> rejected.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(ConcurrencyLimitExceededException.class);

		// The other replica is done: the store has its only lease free again.
		this.fake.free(KEY, taken.get(0));
		assertThat(this.fake.held(KEY)).isZero();
		// Let the poll scheduled by the starvation fire (it finds nobody waiting).
		await().until(() -> this.pools.scheduler().getQueue().isEmpty());
		int requestsBefore = this.fake.requests.size();

		CompletableFuture<String> free = limiter.submit(Task.blocking(() -> "free"));

		assertThat(free).as("a call on an idle cluster (no lease held anywhere), requests to the store before: %s",
				requestsBefore)
			.succeedsWithin(Duration.ofSeconds(5))
			.isEqualTo("free");
	}

	/**
	 * DEFECT (liveness). Same stale 'starved' flag, for a limiter whose calls may wait: the
	 * store had no lease, the waiter left (cancelled), the release was heard while nobody
	 * waited and the poll fired while nobody waited. A call queued afterwards is never asked
	 * for: afterDrain() returns early while 'starved' and no poll is scheduled, so it waits
	 * for a release notification of the key that may never come, although the store is empty.
	 */
	@Test
	void aCallQueuedAfterAReleaseThatNobodyWaitedForIsStillServed() throws Exception {
		ConcurrencyLimiter limiter = limiter(this.fake, 1, Integer.MAX_VALUE, PermitFailureMode.REJECT);
		List<String> taken = this.fake.take(KEY, 1, 1);
		CompletableFuture<String> first = limiter.submit(Task.blocking(() -> "never"));
		// Starved: the answer came short and the poll is scheduled.
		await().until(() -> this.pools.scheduler().getQueue().size() == 1);
		first.cancel(true);
		assertThat(limiter.queued()).isZero();

		this.fake.free(KEY, taken.get(0));
		await().until(() -> this.pools.scheduler().getQueue().isEmpty());

		CompletableFuture<String> next = limiter.submit(Task.blocking(() -> "served"));

		assertThat(next).as("a call on an idle cluster (no lease held anywhere)")
			.succeedsWithin(Duration.ofSeconds(5))
			.isEqualTo("served");
	}

	/**
	 * DEFECT (quantified). Contract: at most N calls in flight across all replicas; Javadoc
	 * of active() admits that calls started under the LOCAL fallback "may briefly" run
	 * alongside cluster leases. It is not brief: the overlap lasts as long as the fallback
	 * calls run, and reaches limit + max(1, limit / knownReplicas) per replica - here 4
	 * calls with a limit of 2 (2x), and active() = 4 > limit. Cluster-wide, if every replica
	 * fell back (Redis restart), up to about 2 x limit.
	 */
	@Test
	void callsStartedUnderTheLocalFallbackCountAgainstTheLimitOnceTheStoreIsBack() throws Exception {
		this.fake.replicas = 1;
		ConcurrencyLimiter limiter = limiter(this.fake, 2, Integer.MAX_VALUE, PermitFailureMode.LOCAL);
		InFlightCounter counter = new InFlightCounter();
		CompletableFuture<Void> release = new CompletableFuture<>();
		List<CompletableFuture<Integer>> calls = new ArrayList<>();
		java.util.function.Supplier<Task<Integer>> holder = () -> Task.async(() -> {
			counter.enter();
			return release.handle((none, ex) -> {
				counter.exit();
				return 1;
			});
		});
		this.fake.down = true;
		calls.add(limiter.submit(holder.get()));
		calls.add(limiter.submit(holder.get()));
		await().until(() -> counter.current() == 2);

		this.fake.down = false;
		calls.add(limiter.submit(holder.get()));
		calls.add(limiter.submit(holder.get()));
		// The store is back, but the two fallback calls still run: the queued ones must wait
		// for them, over several polls of the store (the defect started them at once).
		await().during(Duration.ofMillis(600))
			.atMost(Duration.ofSeconds(5))
			.until(() -> counter.current() <= 2 && limiter.active() <= 2);
		release.complete(null);
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

		assertThat(counter.max()).as("calls in flight with a limit of 2").isLessThanOrEqualTo(2);
		assertThat(counter.started()).isEqualTo(4);
	}

	/**
	 * DEFECT. Contract: "the scheduler's thread never starts a call" / granted leases are
	 * "handed to the waiting calls on the helpers' executor (never on the store's thread)".
	 * When the executor refuses the hand-off (a bounded pool that is saturated, not only a
	 * shutdown), runCall() runs start() inline on the store's thread, and start() of an
	 * async task calls the user's supplier right there.
	 */
	@Test
	void asyncUserCodeNeverRunsOnTheStoreThreadWhenTheExecutorIsSaturated() throws Exception {
		ThreadPoolExecutor bounded = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new SynchronousQueue<>());
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		CountDownLatch busy = new CountDownLatch(1);
		try {
			AsyncHelpers helpers = new AsyncHelpers(bounded, scheduler);
			ConcurrencyLimiter limiter = helpers.concurrencyLimiter("saturated", 1, 10, this.fake, KEY,
					PermitFailureMode.REJECT);
			List<String> taken = this.fake.take(KEY, 1, 1);
			AtomicReference<String> ranOn = new AtomicReference<>();
			CompletableFuture<String> queued = limiter.submit(Task.async(() -> {
				ranOn.set(Thread.currentThread().getName());
				return CompletableFuture.completedFuture("ran");
			}));
			await().until(() -> limiter.queued() == 1);
			bounded.execute(() -> {
				try {
					busy.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});

			// The release is heard and granted on the store's thread, the executor refuses.
			this.fake.free(KEY, taken.get(0));

			await().atMost(Duration.ofSeconds(5)).until(queued::isDone);
			assertThat(ranOn.get()).as("the thread the user's supplier ran on")
				.isNotEqualTo(FakePermitStore.THREAD_NAME);
		}
		finally {
			busy.countDown();
			bounded.shutdownNow();
			scheduler.shutdownNow();
		}
	}

	/**
	 * DEFECT (same root cause as submitThatMayNotWaitIsRejectedWhenThisReplicaHoldsEveryLease,
	 * LOCAL mode). While the store is unreachable in LOCAL mode and the local fallback limit
	 * is taken, a call that may not wait (queueCapacity 0) is neither started nor rejected:
	 * afterDrain() returns for a local limit > 0 without rejecting the calls that may not
	 * wait, so it waits for a local call to end (here: forever).
	 */
	@Test
	void submitThatMayNotWaitIsRejectedWhenTheLocalFallbackLimitIsTaken() throws Exception {
		this.fake.replicas = 2;
		ConcurrencyLimiter limiter = limiter(this.fake, 2, 0, PermitFailureMode.LOCAL);
		CompletableFuture<Void> release = new CompletableFuture<>();
		this.fake.down = true;
		limiter.submit(Task.async(() -> release));
		await().until(() -> limiter.active() == 1);

		CompletableFuture<String> second = limiter.submit(Task.blocking(() -> "never"));

		try {
			assertThat(second).as("a call that may not wait, with the local limit of 1 taken")
				.failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(ConcurrencyLimitExceededException.class);
		}
		finally {
			release.complete(null);
		}
	}

	/**
	 * DEFECT (resource leak; not in the listed contract). Every cluster-scoped limiter
	 * subscribes to its key's releases on its first request (ClusterPermits.subscribe) and
	 * never unsubscribes (there is no close()): the store keeps a strong reference to every
	 * limiter ever created, and every release runs the listeners of all of them. 200
	 * short-lived limiters leave 200 listeners behind.
	 */
	@Test
	@Disabled("Known and documented (AsyncHelpers.concurrencyLimiter with a PermitStore): a limiter listens to its "
			+ "store for as long as the store lives; create one per key and share it, as the annotations do")
	void shortLivedClusterLimitersDoNotLeaveListenersBehind() throws Exception {
		PermitStore store = PermitStore.inMemory();
		for (int i = 0; i < 200; i++) {
			ConcurrencyLimiter limiter = limiter(store, 1, Integer.MAX_VALUE, PermitFailureMode.REJECT);
			assertThat(limiter.submit(Task.blocking(() -> 1)).get(10, TimeUnit.SECONDS)).isEqualTo(1);
		}
		java.lang.reflect.Field permitsField = InMemoryPermitStore.class.getDeclaredField("permits");
		permitsField.setAccessible(true);
		Object permits = ((java.util.Map<?, ?>) permitsField.get(store)).get(KEY);
		java.lang.reflect.Field listenersField = permits.getClass().getDeclaredField("listeners");
		listenersField.setAccessible(true);
		assertThat((List<?>) listenersField.get(permits)).as("release listeners left by 200 limiters no longer used")
			.hasSizeLessThan(200);
	}

	// ---------------------------------------------------------------- attacks that held

	/** Held: a grant that arrives after every waiter was cancelled is given back, not leaked. */
	@Test
	void aGrantArrivingAfterEveryWaiterCancelledIsGivenBack() throws Exception {
		this.fake.delayMillis = 100;
		ConcurrencyLimiter limiter = limiter(this.fake, 3, Integer.MAX_VALUE, PermitFailureMode.REJECT);
		List<CompletableFuture<String>> calls = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			calls.add(limiter.submit(Task.blocking(() -> "never")));
		}
		calls.forEach((call) -> call.cancel(true));
		assertThat(limiter.queued()).isZero();

		await().until(() -> !this.fake.granted.isEmpty());
		await().untilAsserted(() -> {
			assertThat(this.fake.held(KEY)).isZero();
			assertThat(limiter.active()).isZero();
		});
		assertThat(this.fake.released).doesNotHaveDuplicates();
		assertThat(new HashSet<>(this.fake.released)).isEqualTo(this.fake.granted);
	}

	/** Held: limit 1, heavy mixed submit/call contention over three limiters on one key. */
	@Test
	void limitOneUnderHeavyMixedContentionIsNeverExceeded() throws Exception {
		this.fake.delayMillis = 0;
		List<ConcurrencyLimiter> replicas = List.of(limiter(this.fake, 1, Integer.MAX_VALUE, PermitFailureMode.REJECT),
				limiter(this.fake, 1, Integer.MAX_VALUE, PermitFailureMode.REJECT),
				limiter(this.fake, 1, Integer.MAX_VALUE, PermitFailureMode.REJECT));
		InFlightCounter counter = new InFlightCounter();
		List<CompletableFuture<?>> all = new ArrayList<>();
		java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newCachedThreadPool();
		for (int i = 0; i < 120; i++) {
			ConcurrencyLimiter limiter = replicas.get(i % 3);
			if (i % 3 == 0) {
				all.add(CompletableFuture.supplyAsync(() -> {
					try {
						return limiter.call(() -> {
							counter.enter();
							counter.exit();
							return 1;
						}, Duration.ofSeconds(60));
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}, callers));
			}
			else {
				all.add(limiter.submit(Task.blocking(() -> {
					counter.enter();
					counter.exit();
					return 1;
				})));
			}
		}
		try {
			CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(counter.started()).isEqualTo(120);
		assertThat(counter.max()).isEqualTo(1);
		await().untilAsserted(() -> assertThat(this.fake.held(KEY)).isZero());
		assertThat(replicas).allSatisfy((limiter) -> {
			assertThat(limiter.active()).isZero();
			assertThat(limiter.queued()).isZero();
		});
	}

	/**
	 * Held: interrupting a blocked call just as it is handed a lease: it either runs (and the
	 * interrupt is still pending) or throws InterruptedException with the flag set; the lease
	 * goes back exactly once either way.
	 */
	@Test
	void interruptRacingAGrantNeverLeaksALeaseNorSwallowsTheInterrupt() throws Exception {
		ConcurrencyLimiter limiter = limiter(this.fake, 1, Integer.MAX_VALUE, PermitFailureMode.REJECT);
		for (int i = 0; i < 100; i++) {
			List<String> taken = this.fake.take(KEY, 1, 1);
			AtomicReference<String> outcome = new AtomicReference<>();
			java.util.concurrent.atomic.AtomicBoolean interruptSent = new java.util.concurrent.atomic.AtomicBoolean();
			Thread caller = new Thread(() -> {
				try {
					limiter.call(() -> "ran", Duration.ofSeconds(20));
					// The interrupt may come after the call returned: nobody may clear it then either.
					while (!interruptSent.get()) {
						Thread.onSpinWait();
					}
					outcome.set(Thread.currentThread().isInterrupted() ? "ran, flag kept" : "ran, flag lost");
				}
				catch (InterruptedException ex) {
					outcome.set(Thread.currentThread().isInterrupted() ? "interrupted, flag kept" : "interrupted, flag lost");
				}
				catch (Exception ex) {
					outcome.set("failed: " + ex);
				}
			});
			caller.start();
			await().until(() -> limiter.queued() == 1);
			this.fake.free(KEY, taken.get(0));
			caller.interrupt();
			interruptSent.set(true);
			caller.join(10_000);
			assertThat(outcome.get()).isIn("ran, flag kept", "interrupted, flag kept");
			await().untilAsserted(() -> {
				assertThat(this.fake.held(KEY)).isZero();
				assertThat(limiter.active()).isZero();
				assertThat(limiter.queued()).isZero();
			});
		}
		assertThat(this.fake.released).doesNotHaveDuplicates();
	}

	/** Held: asyncMap under a REJECT limiter whose store is down: every item is a failure outcome. */
	@Test
	void asyncMapUnderALimiterWhoseStoreIsDownEndsEveryItem() throws Exception {
		ConcurrencyLimiter limiter = limiter(this.fake, 3, Integer.MAX_VALUE, PermitFailureMode.REJECT);
		this.fake.down = true;
		List<Outcome<Integer>> outcomes = this.pools.helpers()
			.asyncMap(IntStream.range(0, 30).boxed().toList(), (item) -> Task.blocking(() -> item), limiter)
			.get(30, TimeUnit.SECONDS);
		assertThat(outcomes).hasSize(30).noneMatch(Outcome::isSuccess);
		assertThat(limiter.rejected()).isEqualTo(30);
		assertThat(limiter.queued()).isZero();
		assertThat(limiter.active()).isZero();
	}

}
