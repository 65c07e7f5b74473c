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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for cluster-scoped {@link ConcurrencyLimiter}s: the local limiter's contract, kept
 * with leases of a {@link PermitStore} as slots, on the in-memory store and on a fake one
 * that is slow, stingy, deaf or unreachable.
 */
class ClusterConcurrencyLimiterTests {

	private static final String KEY = "downstream";

	@RegisterExtension
	final Pools pools = Pools.fixed(8);

	private final FakePermitStore fake = new FakePermitStore();

	@AfterEach
	void closeStore() {
		this.fake.close();
	}

	private ConcurrencyLimiter limiter(PermitStore store, int limit) {
		return limiter(store, limit, PermitFailureMode.REJECT);
	}

	private ConcurrencyLimiter limiter(PermitStore store, int limit, PermitFailureMode failureMode) {
		return this.pools.helpers().concurrencyLimiter("cluster", limit, Integer.MAX_VALUE, store, KEY, failureMode);
	}

	/** Async tasks that hold their permit until {@code release} completes. */
	private static List<CompletableFuture<Integer>> holdPermits(ConcurrencyLimiter limiter, int count,
			CompletableFuture<Void> release) {
		List<CompletableFuture<Integer>> held = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			held.add(limiter.submit(Task.async(() -> release.thenApply((none) -> 0))));
		}
		return held;
	}

	@Test
	void limitIsNeverExceededByLimitersSharingAKeyOnTheInMemoryStore() throws Exception {
		PermitStore store = PermitStore.inMemory();
		List<ConcurrencyLimiter> replicas = List.of(limiter(store, 3), limiter(store, 3), limiter(store, 3));
		InFlightCounter counter = new InFlightCounter();
		List<CompletableFuture<Integer>> results = new ArrayList<>();
		for (int i = 0; i < 90; i++) {
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
			results.add(replicas.get(i % 3).submit(task));
		}

		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

		assertThat(results).extracting(CompletableFuture::join)
			.containsExactlyElementsOf(IntStream.range(0, 90).boxed().toList());
		assertThat(counter.max()).isLessThanOrEqualTo(3).isGreaterThan(1);
		assertThat(replicas).allSatisfy((limiter) -> {
			assertThat(limiter.active()).isZero();
			assertThat(limiter.queued()).isZero();
			assertThat(limiter.clusterKey()).isEqualTo(KEY);
		});
		assertThat(((InMemoryPermitStore) store).held(KEY)).isZero();
	}

	@Test
	void limitIsNeverExceededWithBlockingCallersOnSeveralLimiters() throws Exception {
		this.fake.delayMillis = 1;
		List<ConcurrencyLimiter> replicas = List.of(limiter(this.fake, 4), limiter(this.fake, 4), limiter(this.fake, 4));
		InFlightCounter counter = new InFlightCounter();
		List<CompletableFuture<Integer>> callers = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			ConcurrencyLimiter limiter = replicas.get(i % 3);
			callers.add(CompletableFuture.supplyAsync(() -> {
				try {
					return limiter.call(() -> {
						counter.enter();
						try {
							Thread.sleep(3);
							return 1;
						}
						finally {
							counter.exit();
						}
					}, Duration.ofSeconds(20));
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}, this.pools.executor()));
		}

		CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

		assertThat(counter.started()).isEqualTo(30);
		assertThat(counter.max()).isLessThanOrEqualTo(4).isGreaterThan(1);
		await().untilAsserted(() -> assertThat(this.fake.held(KEY)).isZero());
	}

	@Test
	void callsStartInArrivalOrderWithinALimiter() throws Exception {
		this.fake.delayMillis = 5;
		ConcurrencyLimiter limiter = limiter(this.fake, 1);
		List<Integer> started = new CopyOnWriteArrayList<>();
		List<CompletableFuture<Integer>> results = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			int value = i;
			results.add(limiter.submit(Task.async(() -> {
				started.add(value);
				return CompletableFuture.completedFuture(value);
			})));
		}

		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

		assertThat(started).containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
	}

	@Test
	void leasesAreAskedForInBatchesCappedByTheLimit() throws Exception {
		this.fake.delayMillis = 50;
		ConcurrencyLimiter limiter = limiter(this.fake, 5);
		CompletableFuture<Void> release = new CompletableFuture<>();

		List<CompletableFuture<Integer>> held = holdPermits(limiter, 12, release);
		await().until(() -> limiter.active() == 5);
		release.complete(null);
		CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

		// One request for the first call, one for the 11 that queued meanwhile (capped at the 4
		// permits left); then the calls hand their leases on, or give them back and ask again.
		assertThat(this.fake.requests.subList(0, 2)).containsExactly(1, 4);
		assertThat(this.fake.requests).hasSizeLessThanOrEqualTo(8)
			.allSatisfy((wanted) -> assertThat(wanted).isBetween(1, 5));
		await().untilAsserted(() -> assertThat(this.fake.held(KEY)).isZero());
		assertThat(this.fake.released).doesNotHaveDuplicates();
		assertThat(new HashSet<>(this.fake.released)).isEqualTo(this.fake.granted);
	}

	@Test
	void aReplicaWithABacklogDoesNotKeepThePermitsFromTheOthers() throws Exception {
		PermitStore store = PermitStore.inMemory();
		ConcurrencyLimiter busy = limiter(store, 1);
		ConcurrencyLimiter other = limiter(store, 1);
		List<CompletableFuture<Integer>> backlog = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			backlog.add(busy.submit(Task.blocking(() -> {
				Thread.sleep(5);
				return 1;
			})));
		}
		await().until(() -> busy.active() == 1);

		CompletableFuture<Integer> turn = other.submit(Task.blocking(() -> 2));

		assertThat(turn.get(10, TimeUnit.SECONDS)).isEqualTo(2);
		assertThat(busy.queued()).as("the busy replica's backlog when the other got its turn").isPositive();
		CompletableFuture.allOf(backlog.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
	}

	@Test
	void everyLeaseIsReleasedExactlyOnceHoweverTheCallsEnd() throws Exception {
		ConcurrencyLimiter limiter = limiter(this.fake, 3);
		List<CompletableFuture<Object>> results = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			int kind = i % 4;
			CompletableFuture<Object> result = limiter.submit(switch (kind) {
				case 0 -> Task.blocking(() -> "ok");
				case 1 -> Task.blocking(() -> {
					throw new IllegalStateException("boom");
				});
				case 2 -> Task.async(() -> CompletableFuture.failedFuture(new IllegalStateException("async boom")));
				default -> Task.async(CompletableFuture::new);
			});
			if (kind == 3) {
				// Cancelled while queued or while running.
				result.cancel(true);
			}
			results.add(result);
		}

		await().untilAsserted(() -> {
			assertThat(results).allMatch(CompletableFuture::isDone);
			assertThat(limiter.active()).isZero();
			assertThat(limiter.queued()).isZero();
			assertThat(this.fake.held(KEY)).isZero();
		});
		assertThat(this.fake.released).doesNotHaveDuplicates();
		assertThat(new HashSet<>(this.fake.released)).isEqualTo(this.fake.granted);
	}

	@Test
	void cancellingAQueuedCallRemovesItAndItNeverRuns() throws Exception {
		ConcurrencyLimiter other = limiter(this.fake, 2);
		ConcurrencyLimiter limiter = limiter(this.fake, 2);
		CompletableFuture<Void> release = new CompletableFuture<>();
		List<CompletableFuture<Integer>> held = holdPermits(other, 2, release);
		await().until(() -> other.active() == 2);
		AtomicBoolean ran = new AtomicBoolean();

		CompletableFuture<Integer> queued = limiter.submit(Task.blocking(() -> {
			ran.set(true);
			return 1;
		}));
		CompletableFuture<Integer> next = limiter.submit(Task.blocking(() -> 2));
		await().until(() -> limiter.queued() == 2);
		queued.cancel(true);

		assertThat(limiter.queued()).isEqualTo(1);
		release.complete(null);
		assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo(2);
		CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		assertThat(ran).isFalse();
		await().untilAsserted(() -> assertThat(this.fake.held(KEY)).isZero());
	}

	@Test
	void blockingCallWaitsAtMostMaxWaitAndIsRejected() {
		ConcurrencyLimiter other = limiter(this.fake, 1);
		ConcurrencyLimiter limiter = limiter(this.fake, 1);
		CompletableFuture<Void> release = new CompletableFuture<>();
		holdPermits(other, 1, release);
		await().until(() -> other.active() == 1);
		long start = System.nanoTime();

		assertThatExceptionOfType(ConcurrencyLimitExceededException.class)
			.isThrownBy(() -> limiter.call(() -> "never", Duration.ofMillis(300)))
			.withMessageContaining("no slot freed up within");

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(limiter.rejected()).isEqualTo(1);
		assertThat(limiter.queued()).isZero();
		release.complete(null);
	}

	@Test
	void blockingCallIsWokenByAReleaseElsewhere() throws Exception {
		List<String> taken = this.fake.take(KEY, 1, 1);
		ConcurrencyLimiter limiter = limiter(this.fake, 1);
		CompletableFuture<String> caller = CompletableFuture.supplyAsync(() -> {
			try {
				return limiter.call(() -> "ran", Duration.ofSeconds(20));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, this.pools.executor());
		await().until(() -> limiter.queued() == 1);

		this.fake.free(KEY, taken.get(0));

		assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
	}

	@Test
	void pollFindsLeasesThatExpiredWithoutARelease() throws Exception {
		this.fake.notifying = false;
		List<String> taken = this.fake.take(KEY, 2, 2);
		ConcurrencyLimiter limiter = limiter(this.fake, 2);
		CompletableFuture<String> queued = limiter.submit(Task.blocking(() -> "ran"));
		await().until(() -> limiter.queued() == 1);
		int requestsWhileFull = this.fake.requests.size();

		// As a dead replica's leases expire: nobody is told.
		taken.forEach((lease) -> this.fake.free(KEY, lease));

		assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
		assertThat(requestsWhileFull).isLessThanOrEqualTo(2);
	}

	@Test
	void partialGrantsStillServeEveryCallWithinTheLimit() throws Exception {
		this.fake.grantAtMost = 1;
		ConcurrencyLimiter limiter = limiter(this.fake, 3);
		InFlightCounter counter = new InFlightCounter();
		List<CompletableFuture<Integer>> results = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			results.add(limiter.submit(Task.blocking(() -> {
				counter.enter();
				try {
					Thread.sleep(2);
					return 1;
				}
				finally {
					counter.exit();
				}
			})));
		}

		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

		assertThat(counter.started()).isEqualTo(30);
		assertThat(counter.max()).isLessThanOrEqualTo(3);
		await().untilAsserted(() -> assertThat(this.fake.held(KEY)).isZero());
	}

	@Test
	void userCodeNeverRunsOnTheStoreOrSchedulerThread() throws Exception {
		this.fake.notifying = false;
		List<String> taken = this.fake.take(KEY, 1, 1);
		ConcurrencyLimiter limiter = limiter(this.fake, 1);
		List<String> threads = new CopyOnWriteArrayList<>();
		List<CompletableFuture<Integer>> results = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			results.add(limiter.submit(Task.async(() -> {
				threads.add(Thread.currentThread().getName());
				return CompletableFuture.completedFuture(1);
			})));
		}
		// Woken by the poll (on the scheduler) and granted on the store's thread.
		this.fake.free(KEY, taken.get(0));

		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

		String schedulerThread = this.pools.scheduler().submit(() -> Thread.currentThread().getName()).get();
		assertThat(threads).hasSize(10)
			.doesNotContain(FakePermitStore.THREAD_NAME, schedulerThread);
	}

	@Test
	void callsThatMayNotWaitGetOneRoundTripToTheStore() throws Exception {
		ConcurrencyLimiter limiter = this.pools.helpers()
			.concurrencyLimiter("no-wait", 1, 0, this.fake, KEY, PermitFailureMode.REJECT);

		assertThat(limiter.submit(Task.blocking(() -> "free")).get(10, TimeUnit.SECONDS)).isEqualTo("free");
		assertThat(limiter.call(() -> "free too", Duration.ZERO)).isEqualTo("free too");
		await().until(() -> this.fake.held(KEY) == 0);

		List<String> taken = this.fake.take(KEY, 1, 1);
		CompletableFuture<String> rejected = limiter.submit(Task.blocking(() -> "never"));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> rejected.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(ConcurrencyLimitExceededException.class)
			.withMessageContaining("may not wait");
		assertThatExceptionOfType(ConcurrencyLimitExceededException.class)
			.isThrownBy(() -> limiter.call(() -> "never", Duration.ZERO));
		assertThat(limiter.rejected()).isEqualTo(2);
		assertThat(limiter.queued()).isZero();
		this.fake.free(KEY, taken.get(0));
	}

	@Test
	void rejectModeRejectsWhileTheStoreIsUnreachableWithOneWarnAndRecovers() throws Exception {
		ConcurrencyLimiter limiter = limiter(this.fake, 2);
		try (LogCapture log = LogCapture.of(ClusterPermits.class)) {
			this.fake.down = true;

			CompletableFuture<String> first = limiter.submit(Task.blocking(() -> "never"));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> first.get(10, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(ConcurrencyLimitExceededException.class)
				.withMessageContaining("permit store is unreachable")
				.withCauseInstanceOf(IllegalStateException.class);
			for (int i = 0; i < 5; i++) {
				assertThat(limiter.submit(Task.blocking(() -> "never"))).isCompletedExceptionally();
				assertThatExceptionOfType(ConcurrencyLimitExceededException.class)
					.isThrownBy(() -> limiter.call(() -> "never", Duration.ofSeconds(5)))
					.withMessageContaining("permit store is unreachable");
			}
			assertThat(limiter.rejected()).isEqualTo(11);
			assertThat(log.messages(Level.WARN)).hasSize(1).first().asString().contains("unreachable");

			this.fake.down = false;
			await().until(() -> log.messages(Level.INFO).size() == 1);
			assertThat(limiter.submit(Task.blocking(() -> "back")).get(10, TimeUnit.SECONDS)).isEqualTo("back");
			assertThat(log.messages(Level.WARN)).hasSize(1);
			assertThat(log.messages(Level.INFO).get(0)).contains("answers again");
		}
	}

	@Test
	void localModeLimitsToTheLimitDividedByTheReplicasWhileTheStoreIsUnreachable() throws Exception {
		this.fake.replicas = 2;
		ConcurrencyLimiter limiter = limiter(this.fake, 4, PermitFailureMode.LOCAL);
		InFlightCounter counter = new InFlightCounter();
		try (LogCapture log = LogCapture.of(ClusterPermits.class)) {
			this.fake.down = true;
			List<CompletableFuture<Integer>> results = new ArrayList<>();
			for (int i = 0; i < 30; i++) {
				results.add(limiter.submit(Task.blocking(() -> {
					counter.enter();
					try {
						Thread.sleep(3);
						return 1;
					}
					finally {
						counter.exit();
					}
				})));
			}

			CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

			assertThat(counter.started()).isEqualTo(30);
			assertThat(counter.max()).isLessThanOrEqualTo(2).isGreaterThan(0);
			assertThat(limiter.rejected()).isZero();
			assertThat(log.messages(Level.WARN)).hasSize(1).first().asString().contains("limits its calls to 2");

			this.fake.down = false;
			await().until(() -> log.messages(Level.INFO).size() == 1);
			assertThat(limiter.submit(Task.blocking(() -> 5)).get(10, TimeUnit.SECONDS)).isEqualTo(5);
			assertThat(this.fake.granted).isNotEmpty();
		}
	}

	@Test
	void callsReleaseUnderTheModeTheyStartedIn() throws Exception {
		this.fake.replicas = 1;
		ConcurrencyLimiter limiter = limiter(this.fake, 2, PermitFailureMode.LOCAL);
		CompletableFuture<Void> leaseCallEnds = new CompletableFuture<>();
		CompletableFuture<Integer> leaseCall = limiter.submit(Task.async(() -> leaseCallEnds.thenApply((none) -> 1)));
		await().until(() -> limiter.active() == 1);
		assertThat(this.fake.granted).hasSize(1);
		String lease = this.fake.granted.iterator().next();

		this.fake.down = true;
		CompletableFuture<Void> localCallEnds = new CompletableFuture<>();
		// Needs a request to find the store down; it then starts under the local limit of 2.
		CompletableFuture<Integer> localCall = limiter.submit(Task.async(() -> localCallEnds.thenApply((none) -> 2)));
		await().until(() -> limiter.active() == 2);
		this.fake.down = false;
		// The store is back; the call on the local slot still counts against the limit of 2,
		// so a third call starts (on a lease) only once it has ended.
		CompletableFuture<Integer> third = limiter.submit(Task.blocking(() -> 3));
		localCallEnds.complete(null);
		assertThat(localCall.get(10, TimeUnit.SECONDS)).isEqualTo(2);
		assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo(3);
		leaseCallEnds.complete(null);
		assertThat(leaseCall.get(10, TimeUnit.SECONDS)).isEqualTo(1);

		// The lease went back to the store, the local slot did not: no release of an unknown lease.
		await().untilAsserted(() -> assertThat(this.fake.held(KEY)).isZero());
		assertThat(this.fake.released).contains(lease).doesNotHaveDuplicates();
		assertThat(new HashSet<>(this.fake.released)).isEqualTo(this.fake.granted);
	}

	@Test
	void asyncMapAndGatherShareOneLimiter() throws Exception {
		ConcurrencyLimiter limiter = limiter(PermitStore.inMemory(), 3);
		InFlightCounter counter = new InFlightCounter();
		AsyncHelpers helpers = this.pools.helpers();
		java.util.function.Function<Integer, Task<Integer>> work = (item) -> Task.blocking(() -> {
			counter.enter();
			try {
				Thread.sleep(2);
				return item * 2;
			}
			finally {
				counter.exit();
			}
		});

		CompletableFuture<List<Outcome<Integer>>> mapped = helpers.asyncMap(IntStream.range(0, 40).boxed().toList(),
				work, limiter);
		CompletableFuture<List<Integer>> gathered = helpers
			.gatherWithLimit(IntStream.range(0, 40).mapToObj(work::apply).toList(), limiter);

		assertThat(mapped.get(30, TimeUnit.SECONDS)).extracting(Outcome::getOrThrow)
			.containsExactlyElementsOf(IntStream.range(0, 40).map((i) -> i * 2).boxed().toList());
		assertThat(gathered.get(30, TimeUnit.SECONDS))
			.containsExactlyElementsOf(IntStream.range(0, 40).map((i) -> i * 2).boxed().toList());
		assertThat(counter.max()).isLessThanOrEqualTo(3).isGreaterThan(1);
	}

	@Test
	void asyncMapUnderALocalLimiterKeepsItsLimit() throws Exception {
		ConcurrencyLimiter limiter = this.pools.helpers().concurrencyLimiter("local", 2);
		InFlightCounter counter = new InFlightCounter();

		List<Outcome<Integer>> outcomes = this.pools.helpers()
			.asyncMap(IntStream.range(0, 20).boxed().toList(), (item) -> Task.blocking(() -> {
				counter.enter();
				try {
					Thread.sleep(2);
					return item;
				}
				finally {
					counter.exit();
				}
			}), limiter)
			.get(30, TimeUnit.SECONDS);

		assertThat(outcomes).hasSize(20).allMatch(Outcome::isSuccess);
		assertThat(counter.max()).isLessThanOrEqualTo(2);
	}

	@Test
	void badArgumentsFailAtOnceNamingThem() {
		AsyncHelpers helpers = this.pools.helpers();
		PermitStore store = PermitStore.inMemory();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> helpers.concurrencyLimiter("x", 1, 1, store, " ", PermitFailureMode.REJECT))
			.withMessageContaining("key");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> helpers.concurrencyLimiter("x", 0, 1, store, KEY, PermitFailureMode.REJECT))
			.withMessageContaining("limit");
		assertThatIllegalArgumentException().isThrownBy(() -> store.acquire(KEY, -1, 1)).withMessageContaining("wanted");
	}

}
