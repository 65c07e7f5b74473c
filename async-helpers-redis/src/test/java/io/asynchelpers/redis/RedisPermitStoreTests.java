/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import io.asynchelpers.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisPermitStore} against a real Redis: grants up to the limit over
 * several stores, release with notification, renewal, expiry of a dead holder's leases,
 * release on stop, and the round trips an acquire and a release take.
 */
class RedisPermitStoreTests {

	private static final String KEY = "downstream";

	private static final String ZSET = "asynchelpers:permits:" + KEY;

	@RegisterExtension
	static final RedisServerProcess redis = RedisServerProcess.perTestClass();

	@Test
	void grantsUpToTheLimitOverAllStoresAndReleaseFreesAndNotifies() throws Exception {
		try (PermitReplica a = new PermitReplica(redis, "a", Duration.ofSeconds(10));
				PermitReplica b = new PermitReplica(redis, "b", Duration.ofSeconds(10))) {
			AtomicInteger heardByA = new AtomicInteger();
			a.store.onRelease(KEY, heardByA::incrementAndGet);

			List<String> first = a.store.acquire(KEY, 3, 5).get(5, TimeUnit.SECONDS);
			List<String> second = b.store.acquire(KEY, 5, 5).get(5, TimeUnit.SECONDS);
			List<String> none = b.store.acquire(KEY, 1, 5).get(5, TimeUnit.SECONDS);

			assertThat(first).hasSize(3).allMatch((lease) -> lease.startsWith("a:"));
			assertThat(second).hasSize(2).allMatch((lease) -> lease.startsWith("b:"));
			assertThat(none).isEmpty();
			assertThat(redis.command("ZCARD " + ZSET)).isEqualTo(":5");
			assertThat(a.store.heldLeases()).isEqualTo(3);

			b.store.release(KEY, second.get(0)).get(5, TimeUnit.SECONDS);
			assertThat(redis.command("ZCARD " + ZSET)).isEqualTo(":4");
			assertThat(b.store.heldLeases()).isEqualTo(1);
			// The subscription is set up asynchronously: release again until A has heard one.
			await().untilAsserted(() -> {
				List<String> again = b.store.acquire(KEY, 1, 5).get(5, TimeUnit.SECONDS);
				b.store.release(KEY, again.get(0)).get(5, TimeUnit.SECONDS);
				assertThat(heardByA).hasPositiveValue();
			});
			assertThat(a.store.acquire(KEY, 0, 5).get(5, TimeUnit.SECONDS)).isEmpty();
		}
	}

	@Test
	void renewalKeepsLeasesBeyondTheirTtl() throws Exception {
		try (PermitReplica a = new PermitReplica(redis, "a", Duration.ofSeconds(1))) {
			a.store.acquire(KEY, 2, 2).get(5, TimeUnit.SECONDS);

			await().during(Duration.ofMillis(2500))
				.atMost(Duration.ofSeconds(5))
				.until(() -> redis.command("ZCARD " + ZSET).equals(":2"));
		}
	}

	@Test
	void leasesOfAHolderThatDiedExpireAfterTheTtl() throws Exception {
		try (PermitReplica survivor = new PermitReplica(redis, "survivor", Duration.ofSeconds(1))) {
			PermitReplica dead = new PermitReplica(redis, "dead", Duration.ofSeconds(1));
			assertThat(dead.store.acquire(KEY, 3, 3).get(5, TimeUnit.SECONDS)).hasSize(3);
			assertThat(survivor.store.acquire(KEY, 1, 3).get(5, TimeUnit.SECONDS)).isEmpty();

			dead.kill();

			await().atMost(Duration.ofSeconds(5))
				.until(() -> survivor.store.acquire(KEY, 3, 3).get(5, TimeUnit.SECONDS).size() == 3);
		}
	}

	@Test
	void stopKeepsTheLeasesOfCallsStillRunningAndReleasesThemWhenTheyEnd() throws Exception {
		try (PermitReplica a = new PermitReplica(redis, "a", Duration.ofSeconds(1))) {
			List<String> leases = a.store.acquire(KEY, 2, 5).get(5, TimeUnit.SECONDS);
			assertThat(redis.command("ZCARD " + ZSET)).isEqualTo(":2");

			a.store.stop();

			assertThat(a.store.acquire(KEY, 1, 5)).isCompletedExceptionally();
			// Still renewed while their calls run: present after three TTLs.
			await().during(Duration.ofSeconds(3))
				.atMost(Duration.ofSeconds(10))
				.until(() -> redis.command("EVAL \"return #redis.call('ZRANGEBYSCORE', KEYS[1], "
						+ "redis.call('TIME')[1] * 1000, '+inf')\" 1 " + ZSET).equals(":2"));
			for (String lease : leases) {
				a.store.release(KEY, lease).get(5, TimeUnit.SECONDS);
			}
			assertThat(redis.command("ZCARD " + ZSET)).isEqualTo(":0");
		}
	}

	@Test
	void stopWaitsForTheReleasesInFlightSoThatTheyReachRedisBeforeTheConnectionCloses() throws Exception {
		PermitReplica a = new PermitReplica(redis, "a", Duration.ofSeconds(30));
		List<String> leases = a.store.acquire(KEY, 50, 50).get(5, TimeUnit.SECONDS);
		assertThat(redis.command("ZCARD " + ZSET)).isEqualTo(":50");

		// As calls that end just before shutdown do: released, nobody waits for the answer.
		List<CompletableFuture<Void>> releases = leases.stream().map((lease) -> a.store.release(KEY, lease)).toList();
		a.close();

		assertThat(releases).allSatisfy((release) -> assertThat(release).isCompleted());
		assertThat(redis.command("ZCARD " + ZSET)).isEqualTo(":0");
	}

	@Test
	void aLeaseLostWhileItsHolderCouldNotRenewIsTakenAgainIfThereIsRoomElseWarned() throws Exception {
		try (PermitReplica a = new PermitReplica(redis, "a", Duration.ofSeconds(1));
				PermitReplica b = new PermitReplica(redis, "b", Duration.ofSeconds(1));
				LogCapture log = LogCapture.of(RedisPermitStore.class)) {
			a.store.acquire(KEY, 1, 2).get(5, TimeUnit.SECONDS);

			// As a Redis restart without persistence loses them: taken again while there is room.
			redis.command("DEL " + ZSET);
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.command("ZCARD " + ZSET).equals(":1"));

			redis.command("DEL " + ZSET);
			assertThat(b.store.acquire(KEY, 2, 2).get(5, TimeUnit.SECONDS)).hasSize(2);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(log.messages(Level.WARN)).anySatisfy(
						(message) -> assertThat(message).contains("expired before it could be renewed")));
			assertThat(redis.command("ZCARD " + ZSET)).isEqualTo(":2");
		}
	}

	@Test
	void anAcquireAndAReleaseTakeOneRoundTripEach() throws Exception {
		try (PermitReplica a = new PermitReplica(redis, "a", Duration.ofSeconds(10))) {
			// Load the scripts once (the first call of each may need EVAL after EVALSHA).
			a.store.release(KEY, a.store.acquire(KEY, 1, 5).get(5, TimeUnit.SECONDS).get(0)).get(5, TimeUnit.SECONDS);
			redis.command("CONFIG RESETSTAT");

			long start = System.nanoTime();
			for (int i = 0; i < 200; i++) {
				List<String> leases = a.store.acquire(KEY, 1, 5).get(5, TimeUnit.SECONDS);
				a.store.release(KEY, leases.get(0)).get(5, TimeUnit.SECONDS);
			}
			long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start) / 200;

			long scripts = scriptCalls(info("commandstats"));
			System.out.println("RedisPermitStore: " + (scripts / 200.0) + " round trips (scripts) and " + micros
					+ "us per acquire + release");
			// One script each (a renewal may add one): what runs inside a script is no round trip.
			assertThat(scripts).isBetween(400L, 402L);
		}
	}

	/** The calls of EVAL and EVALSHA: the commands the client sent (those inside scripts are counted apart). */
	private static long scriptCalls(String commandStats) {
		long total = 0;
		for (String line : commandStats.split("\r\n")) {
			int calls = line.indexOf("calls=");
			if ((line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) && calls >= 0) {
				total += Long.parseLong(line.substring(calls + 6, line.indexOf(',', calls)));
			}
		}
		return total;
	}

	private static String info(String section) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), redis.port())) {
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			out.write(("INFO " + section + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			int length = Integer.parseInt(in.readLine().substring(1));
			char[] body = new char[length];
			int read = 0;
			while (read < length) {
				int n = in.read(body, read, length - read);
				if (n < 0) {
					break;
				}
				read += n;
			}
			return new String(body, 0, read);
		}
	}

}
