/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.asynchelpers.ConcurrencyLimitExceededException;
import io.asynchelpers.ConcurrencyLimiter;
import io.asynchelpers.LogCapture;
import io.asynchelpers.PermitFailureMode;
import io.asynchelpers.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cluster-scoped limiters of several replicas on a real Redis: the limit is never exceeded
 * (measured by the callee) under 3 replicas x 50 concurrent callers, a replica killed while
 * holding permits loses them after the lease TTL, and Redis stopped and restarted is
 * handled by both failure modes.
 */
class ClusterLimitOnRedisTests {

	private static final String KEY = "downstream";

	@RegisterExtension
	static final RedisServerProcess redis = RedisServerProcess.perTestClass();

	private final List<PermitReplica> replicas = new ArrayList<>();

	private final ExecutorService callers = Executors.newCachedThreadPool();

	@AfterEach
	void stopReplicas() {
		this.callers.shutdownNow();
		this.replicas.forEach(PermitReplica::close);
	}

	private PermitReplica replica(String id, Duration leaseTtl) {
		PermitReplica replica = new PermitReplica(redis, id, leaseTtl, () -> 2);
		this.replicas.add(replica);
		return replica;
	}

	private Task<Integer> work(CalleeCounter callee, Duration duration) {
		return Task.blocking(() -> call(callee, duration));
	}

	private static int call(CalleeCounter callee, Duration duration) throws InterruptedException {
		callee.enter();
		try {
			Thread.sleep(duration.toMillis());
			return 1;
		}
		finally {
			callee.exit();
		}
	}

	@Test
	void limitIsNeverExceededUnderThreeReplicasOfFiftyConcurrentCallers() throws Exception {
		int limit = 5;
		CalleeCounter callee = new CalleeCounter();
		List<CompletableFuture<Integer>> calls = new ArrayList<>();
		for (int r = 0; r < 3; r++) {
			PermitReplica replica = replica("r" + r, Duration.ofSeconds(2));
			ConcurrencyLimiter limiter = replica.limiter(KEY, limit, PermitFailureMode.REJECT);
			for (int i = 0; i < 50; i++) {
				if (i % 2 == 0) {
					// Async: submit never blocks the caller.
					calls.add(limiter.submit(work(callee, Duration.ofMillis(10))));
				}
				else {
					// Blocking: the caller's own thread waits, bounded.
					calls.add(CompletableFuture.supplyAsync(() -> {
						try {
							return limiter.call(() -> call(callee, Duration.ofMillis(10)), Duration.ofSeconds(60));
						}
						catch (Exception ex) {
							throw new IllegalStateException(ex);
						}
					}, this.callers));
				}
			}
		}

		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

		assertThat(callee.calls()).isEqualTo(150);
		assertThat(callee.peak()).isEqualTo(limit);
		// Every lease given back, or (a release that timed out on a loaded machine) expired.
		await().atMost(Duration.ofSeconds(20)).until(() -> liveLeases().equals(":0"));
	}

	@Test
	void aReplicaKilledWhileHoldingPermitsLosesThemAfterTheTtlAndTheOthersGoOn() throws Exception {
		Duration ttl = Duration.ofSeconds(1);
		PermitReplica doomed = new PermitReplica(redis, "doomed", ttl);
		PermitReplica survivor = replica("survivor", ttl);
		ConcurrencyLimiter doomedLimiter = doomed.limiter(KEY, 3, PermitFailureMode.REJECT);
		CompletableFuture<Void> never = new CompletableFuture<>();
		for (int i = 0; i < 3; i++) {
			doomedLimiter.submit(Task.async(() -> never));
		}
		await().until(() -> doomedLimiter.active() == 3);
		CalleeCounter callee = new CalleeCounter();
		ConcurrencyLimiter limiter = survivor.limiter(KEY, 3, PermitFailureMode.REJECT);
		List<CompletableFuture<Integer>> calls = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			calls.add(limiter.submit(work(callee, Duration.ofMillis(5))));
		}
		assertThat(limiter.queued()).isEqualTo(10);

		doomed.kill();

		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
		assertThat(callee.calls()).isEqualTo(10);
		assertThat(callee.peak()).isLessThanOrEqualTo(3);
	}

	@Test
	void rejectModeRejectsWhileRedisIsDownAndRecovers() throws Exception {
		PermitReplica replica = replica("r", Duration.ofSeconds(1));
		ConcurrencyLimiter limiter = replica.limiter(KEY, 2, PermitFailureMode.REJECT);
		assertThat(limiter.submit(Task.blocking(() -> "up")).get(10, TimeUnit.SECONDS)).isEqualTo("up");
		try (LogCapture log = LogCapture.of(Class.forName("io.asynchelpers.ClusterPermits"))) {
			redis.stop();

			CompletableFuture<String> rejected = limiter.submit(Task.blocking(() -> "never"));
			ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
					() -> rejected.get(10, TimeUnit.SECONDS));
			assertThat(failure.getCause()).isInstanceOf(ConcurrencyLimitExceededException.class)
				.hasMessageContaining("permit store is unreachable");
			assertThat(org.junit.jupiter.api.Assertions.assertThrows(ConcurrencyLimitExceededException.class,
					() -> limiter.call(() -> "never", Duration.ofSeconds(5))))
				.hasMessageContaining("permit store is unreachable");

			redis.start();

			await().atMost(Duration.ofSeconds(30))
				.until(() -> log.messages(Level.INFO).stream().anyMatch((message) -> message.contains("answers again")));
			assertThat(limiter.submit(Task.blocking(() -> "back")).get(10, TimeUnit.SECONDS)).isEqualTo("back");
			assertThat(log.messages(Level.WARN)).hasSize(1);
		}
	}

	@Test
	void localModeLimitsLocallyWhileRedisIsDownAndRecovers() throws Exception {
		PermitReplica replica = replica("r", Duration.ofSeconds(1));
		// 4 over 2 replicas last known: 2 here while Redis is down.
		ConcurrencyLimiter limiter = replica.limiter(KEY, 4, PermitFailureMode.LOCAL);
		assertThat(limiter.submit(Task.blocking(() -> "up")).get(10, TimeUnit.SECONDS)).isEqualTo("up");
		try (LogCapture log = LogCapture.of(Class.forName("io.asynchelpers.ClusterPermits"))) {
			redis.stop();
			CalleeCounter callee = new CalleeCounter();
			List<CompletableFuture<Integer>> calls = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				calls.add(limiter.submit(work(callee, Duration.ofMillis(10))));
			}

			CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			assertThat(callee.calls()).isEqualTo(20);
			assertThat(callee.peak()).isLessThanOrEqualTo(2);
			assertThat(log.messages(Level.WARN)).hasSize(1).first().asString().contains("limits its calls to 2");

			redis.start();

			await().atMost(Duration.ofSeconds(30))
				.until(() -> log.messages(Level.INFO).stream().anyMatch((message) -> message.contains("answers again")));
			CompletableFuture<Void> held = new CompletableFuture<>();
			limiter.submit(Task.async(() -> held));
			await().until(() -> redis.command("ZCARD asynchelpers:permits:" + KEY).equals(":1"));
			held.complete(null);
		}
	}

	/** Leases whose expiry lies ahead, by Redis's clock (expired ones stay until a script prunes them). */
	private static String liveLeases() {
		return redis.command("EVAL \"return #redis.call('ZRANGEBYSCORE', KEYS[1], redis.call('TIME')[1] * 1000, '+inf')\" 1 "
				+ "asynchelpers:permits:" + KEY);
	}

}
