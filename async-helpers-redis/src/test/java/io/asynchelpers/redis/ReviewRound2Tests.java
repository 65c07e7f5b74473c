/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Second adversarial review round: {@link RedisPermitStore#stop()} waiting for the commands in
 * flight (af7c85b). Each test states the clause it attacks; each failed on every run against
 * that commit.
 */
class ReviewRound2Tests {

	private static final String KEY = "downstream";

	private static final String ZSET = "asynchelpers:permits:" + KEY;

	@RegisterExtension
	static final RedisServerProcess redis = RedisServerProcess.perTestClass();

	/**
	 * "After it stopped, acquire fails", and stop() waits for the commands in flight. An
	 * acquire that passed the {@code running} check before stop() began but is counted in
	 * flight only later (after its candidate ids are built) is not waited for: stop() returns,
	 * then the command goes out and is granted. Many candidates widen the window between the
	 * check and {@code sent()} so that the test can stop the store inside it.
	 */
	@Test
	void anAcquireStartedBeforeStopIsNotWaitedForAndIsGrantedAfterStopReturned() throws Exception {
		PermitReplica a = new PermitReplica(redis, "a", Duration.ofSeconds(30));
		try {
			AtomicReference<CompletableFuture<List<String>>> grant = new AtomicReference<>();
			Thread caller = new Thread(() -> grant.set(a.store.acquire(KEY, 500_000, 1)));
			caller.start();
			// Past the stopped check, building its candidates.
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> leaseIds(a.store) > 0);

			a.store.stop();
			boolean answeredWhenStopReturned = grant.get() != null && grant.get().isDone();
			caller.join(10_000);

			Throwable failure = grant.get().handle((ids, ex) -> ex).get(10, TimeUnit.SECONDS);
			// Either stop() waited for it (answered before it returned), or it failed: never
			// granted after stop() returned.
			assertThat(answeredWhenStopReturned || failure != null)
				.as("an acquire under way when stop() was called is waited for or fails, not granted after stop() "
						+ "returned (granted " + grant.get().getNow(null) + ", ZCARD " + redis.command("ZCARD " + ZSET)
						+ ")")
				.isTrue();
		}
		finally {
			a.close();
		}
	}

	/**
	 * stop() called twice, as the Spring lifecycle's stop and the bean's destroy method
	 * ({@code close}) may be, here at the same time: the second returns at once while the
	 * first still waits for the releases in flight, and the connection closed after it loses
	 * them. The same releases reach Redis with a single stop().
	 */
	@Test
	void aSecondStopReturnsBeforeTheReleasesInFlightAndTheyNeverReachRedis() throws Exception {
		PermitReplica a = new PermitReplica(redis, "a", Duration.ofSeconds(30));
		List<String> leases = a.store.acquire(KEY, 5, 5).get(5, TimeUnit.SECONDS);
		assertThat(redis.command("ZCARD " + ZSET)).isEqualTo(":5");
		// Redis holds every command for 1.5 s, well within the 2 s operation timeout.
		redis.command("CLIENT PAUSE 1500 ALL");
		// As calls that end just before shutdown do: released, nobody waits for the answer.
		leases.forEach((lease) -> a.store.release(KEY, lease));
		Thread firstStop = new Thread(a.store::stop);
		firstStop.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> !a.store.isRunning());

		// The second stop, then the connection closes (PermitReplica.close: store.stop(), then
		// the executors, then the connection factory).
		a.close();
		firstStop.join(10_000);

		await().ignoreExceptions()
			.atMost(Duration.ofSeconds(6))
			.untilAsserted(() -> assertThat(redis.command("ZCARD " + ZSET))
				.as("leases left in Redis after the releases were sent and the store stopped")
				.isEqualTo(":0"));
	}

	private static long leaseIds(RedisPermitStore store) {
		return ((AtomicLong) field(store, "leaseIds")).get();
	}

	private static Object field(RedisPermitStore store, String name) {
		try {
			Field field = RedisPermitStore.class.getDeclaredField(name);
			field.setAccessible(true);
			return field.get(store);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
