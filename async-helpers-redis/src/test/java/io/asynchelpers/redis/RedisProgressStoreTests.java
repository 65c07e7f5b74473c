/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import ch.qos.logback.classic.Level;
import io.asynchelpers.AsyncProgress;
import io.asynchelpers.AsyncProgress.State;
import io.asynchelpers.LogCapture;
import io.asynchelpers.ProgressSnapshot;
import io.asynchelpers.ProgressSnapshot.Part;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisProgressStore} against a real Redis: replicas sharing trackers,
 * the bound on writes, Redis lost and back during a job, a replica that dies, retention
 * and deletion.
 */
class RedisProgressStoreTests {

	private static final Duration TTL = Duration.ofSeconds(1);

	@RegisterExtension
	static final RedisServerProcess redis = RedisServerProcess.perTestClass();

	private final ExecutorService workers = Executors.newCachedThreadPool();

	@AfterEach
	void stopWorkers() {
		this.workers.shutdownNow();
	}

	@Test
	void threeReplicasSharingATrackerShowTheClusterTotalsAndTheExactFinalCounts() {
		try (ProgressReplica a = replica("a"); ProgressReplica b = replica("b"); ProgressReplica c = replica("c")) {
			AsyncProgress onA = a.registry.create("import", 1000);
			AsyncProgress onB = b.registry.create("import", 500);
			AsyncProgress onC = c.registry.create("import", 300);
			await().until(() -> parts(a, "import") == 3);

			CompletableFuture.allOf(work(onA, 0), work(onB, 0), work(onC, 0)).join();

			for (ProgressReplica reader : List.of(a, b, c)) {
				await().untilAsserted(() -> assertThat(reader.registry.snapshot("import")).hasValueSatisfying((tracker) -> {
					assertThat(tracker.state()).isEqualTo(State.COMPLETED);
					assertThat(tracker.total()).isEqualTo(1800);
					assertThat(tracker.completed()).isEqualTo(1800);
					assertThat(tracker.failed()).isEqualTo(180);
					assertThat(tracker.succeeded()).isEqualTo(1620);
					assertThat(tracker.eta()).isEqualTo(Duration.ZERO);
					assertThat(tracker.parts()).extracting(Part::replicaId).containsExactlyInAnyOrder("a", "b", "c");
					assertThat(tracker.parts()).noneMatch(Part::stale).allMatch((part) -> part.endedAt() != null);
				}));
			}
			assertThat(hashField("import", "a|completed")).isEqualTo("1000");
			assertThat(hashField("import", "b|failed")).isEqualTo("50");
			assertThat(hashField("import", "c|state")).isEqualTo("COMPLETED");
		}
	}

	@Test
	void writesPerTrackerPerSecondStayBoundedWhateverTheItemRate() {
		try (ProgressReplica a = replica("a"); ProgressReplica b = replica("b"); ProgressReplica c = replica("c")) {
			List<AsyncProgress> trackers = List.of(a.registry.create("busy", 1_000_000),
					b.registry.create("busy", 1_000_000), c.registry.create("busy", 1_000_000));
			await().until(() -> parts(a, "busy") == 3);
			long hsetBefore = RedisReplies.calls(redis, "hset");
			long start = System.nanoTime();

			List<CompletableFuture<Void>> runs = trackers.stream()
				.map((tracker) -> CompletableFuture.runAsync(() -> {
					while (System.nanoTime() - start < Duration.ofMillis(2500).toNanos()) {
						tracker.recordSuccess();
						LockSupport.parkNanos(50_000);
					}
				}, this.workers))
				.toList();
			CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
			double seconds = (System.nanoTime() - start) / 1e9;
			long writes = RedisReplies.calls(redis, "hset") - hsetBefore;

			double perTrackerAndReplica = writes / seconds / trackers.size();
			System.out.printf("Redis progress writes: %d in %.2fs over %d replicas = %.1f per tracker per second"
					+ " and replica, for %d updates%n", writes, seconds, trackers.size(), perTrackerAndReplica,
					trackers.stream().mapToLong(AsyncProgress::completed).sum());
			assertThat(trackers).allSatisfy((tracker) -> assertThat(tracker.completed()).isGreaterThan(2000));
			assertThat(perTrackerAndReplica).isLessThanOrEqualTo(10.0);
		}
	}

	@Test
	void redisStoppedAndRestartedDuringAJobLeavesTheExactFinalCountsAndOneWarningPerReplica() {
		try (LogCapture log = LogCapture.of(RedisProgressStore.class);
				ProgressReplica a = replica("a");
				ProgressReplica b = replica("b")) {
			AsyncProgress onA = a.registry.create("job", 3000);
			AsyncProgress onB = b.registry.create("job", 2000);
			await().until(() -> parts(a, "job") == 2);
			CompletableFuture<Void> job = CompletableFuture.allOf(work(onA, 1_000_000), work(onB, 1_000_000));
			await().until(() -> onA.completed() > 300);

			redis.stop();
			long completedWhenStopped = onA.completed() + onB.completed();
			await().atMost(Duration.ofSeconds(20)).until(() -> !a.store.isReachable() && !b.store.isReachable());
			await().until(() -> onA.completed() + onB.completed() > completedWhenStopped + 500);
			redis.start();
			job.join();

			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(hashField("job", "a|completed")).isEqualTo("3000");
				assertThat(hashField("job", "a|failed")).isEqualTo("300");
				assertThat(hashField("job", "b|completed")).isEqualTo("2000");
				assertThat(hashField("job", "b|failed")).isEqualTo("200");
				assertThat(hashField("job", "b|state")).isEqualTo("COMPLETED");
			});
			assertThat(a.registry.snapshot("job")).hasValueSatisfying((tracker) -> {
				assertThat(tracker.state()).isEqualTo(State.COMPLETED);
				assertThat(tracker.completed()).isEqualTo(5000);
				assertThat(tracker.failed()).isEqualTo(500);
			});
			for (String replica : List.of("a", "b")) {
				assertThat(log.messages(Level.WARN)).filteredOn((message) -> message.startsWith("Replica " + replica + ":"))
					.hasSize(1);
				assertThat(log.messages(Level.INFO)).filteredOn((message) -> message.startsWith("Replica " + replica + ":"))
					.hasSize(1);
			}
		}
	}

	@Test
	void aReplicaThatDiesShowsItsPartStaleAfterTheTtlAndNoLongerKeepsTheTrackerRunning() {
		try (ProgressReplica a = replica("a"); ProgressReplica b = replica("b")) {
			AsyncProgress onA = a.registry.create("job", 10);
			AsyncProgress onB = b.registry.create("job", 10);
			onB.update(4);
			await().until(() -> a.registry.snapshot("job").map(ProgressSnapshot::completed).orElse(0L) == 4);

			b.kill();

			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(part(a, "job", "b").stale()).isTrue());
			assertThat(part(a, "job", "b").completed()).isEqualTo(4);
			assertThat(part(a, "job", "a").stale()).isFalse();
			assertThat(a.registry.snapshot("job").orElseThrow().state()).isEqualTo(State.RUNNING);
			onA.update(10);
			assertThat(a.registry.snapshot("job").orElseThrow().state()).isEqualTo(State.STOPPED);
		}
	}

	@Test
	void aTrackerWhosePartsAllEndedExpiresAfterTheRetentionAndLeavesTheIndex() {
		try (ProgressReplica a = replica("a", Duration.ofSeconds(1))) {
			a.registry.create("short", 2).update(2);
			await().until(() -> "COMPLETED".equals(hashField("short", "a|state")));
			assertThat(Long.parseLong(RedisReplies.reply(redis, "PTTL asynchelpers:progress:t:short")))
				.isBetween(1L, 1000L);

			await().atMost(Duration.ofSeconds(10))
				.until(() -> "0".equals(RedisReplies.reply(redis, "EXISTS asynchelpers:progress:t:short")));
			assertThat(a.registry.snapshots()).extracting(ProgressSnapshot::name).doesNotContain("short");
			assertThat(RedisReplies.reply(redis, "ZSCORE asynchelpers:progress:index short")).isNull();
		}
	}

	@Test
	void aRunningTrackerDoesNotExpireAndANewRunReplacesAnEndedOne() {
		try (ProgressReplica a = replica("a", Duration.ofSeconds(1)); ProgressReplica b = replica("b")) {
			a.registry.create("nightly", 5).update(5);
			await().until(() -> "COMPLETED".equals(hashField("nightly", "a|state")));

			AsyncProgress again = b.registry.create("nightly", 3);
			again.update();

			await().untilAsserted(() -> assertThat(b.registry.snapshot("nightly")).hasValueSatisfying((tracker) -> {
				assertThat(tracker.state()).isEqualTo(State.RUNNING);
				assertThat(tracker.total()).isEqualTo(3);
				assertThat(tracker.parts()).extracting(Part::replicaId).containsExactly("b");
			}));
			assertThat(hashField("nightly", "run")).isEqualTo("2");
			assertThat(RedisReplies.reply(redis, "PTTL asynchelpers:progress:t:nightly")).isEqualTo("-1");
		}
	}

	@Test
	void aTrackerDeletedOnOneReplicaIsGoneFromAllOfThem() {
		try (ProgressReplica a = replica("a"); ProgressReplica b = replica("b")) {
			a.registry.create("doomed", 100);
			AsyncProgress onB = b.registry.create("doomed", 100);
			await().until(() -> parts(a, "doomed") == 2);

			assertThat(a.registry.remove("doomed")).isTrue();
			onB.update();

			await().until(() -> b.registry.find("doomed").isEmpty());
			assertThat(a.registry.snapshots()).isEmpty();
			assertThat(b.registry.snapshots()).isEmpty();
			assertThat(RedisReplies.reply(redis, "EXISTS asynchelpers:progress:t:doomed")).isEqualTo("0");
		}
	}

	@Test
	void uniqueNamesAreNumberedAcrossReplicasAndCarryTheReplicaIdWhileRedisIsDown() {
		try (ProgressReplica a = replica("a"); ProgressReplica b = replica("b")) {
			assertThat(a.registry.createUnique("export", 1).name()).isEqualTo("export-1");
			assertThat(b.registry.createUnique("export", 1).name()).isEqualTo("export-2");

			redis.stop();
			AsyncProgress offline = a.registry.createUnique("export", 10);
			offline.update(3);

			assertThat(offline.name()).isEqualTo("export-a-2");
			assertThat(a.registry.snapshots()).extracting(ProgressSnapshot::name)
				.containsExactly("export-1", "export-a-2");
			redis.start();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> "3".equals(hashField("export-a-2", "a|completed")));
		}
	}

	private ProgressReplica replica(String id) {
		return replica(id, Duration.ofHours(1));
	}

	private ProgressReplica replica(String id, Duration retention) {
		return new ProgressReplica(redis, id, TTL, retention);
	}

	/** Run a tracker's units on a worker: every tenth fails; pause between units. */
	private CompletableFuture<Void> work(AsyncProgress tracker, long pauseNanos) {
		return CompletableFuture.runAsync(() -> {
			for (long i = 0; i < tracker.total(); i++) {
				if (i % 10 == 0) {
					tracker.recordFailure();
				}
				else {
					tracker.recordSuccess();
				}
				if (pauseNanos > 0) {
					LockSupport.parkNanos(pauseNanos);
				}
			}
		}, this.workers);
	}

	private static int parts(ProgressReplica reader, String name) {
		return reader.registry.snapshot(name).map((tracker) -> tracker.parts().size()).orElse(0);
	}

	private static Part part(ProgressReplica reader, String name, String replica) {
		return reader.registry.snapshot(name)
			.orElseThrow()
			.parts()
			.stream()
			.filter((part) -> part.replicaId().equals(replica))
			.findFirst()
			.orElseThrow();
	}

	private static String hashField(String tracker, String field) {
		return RedisReplies.reply(redis, "HGET asynchelpers:progress:t:" + tracker + " " + field);
	}

	static {
		// Awaitility's default of 10s is short for a loaded 2-core machine with restarts.
		org.awaitility.Awaitility.setDefaultTimeout(20, TimeUnit.SECONDS);
	}

}
