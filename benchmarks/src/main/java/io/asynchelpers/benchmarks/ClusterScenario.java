/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.AsyncProgress;
import io.asynchelpers.Outcome;
import io.asynchelpers.ProgressRegistry;
import io.asynchelpers.Task;
import io.asynchelpers.redis.RedisPermitStore;
import io.asynchelpers.redis.RedisProgressStore;
import io.asynchelpers.redis.RedisReplicas;
import io.asynchelpers.redis.RedisServerProcess;
import org.redisson.Redisson;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Issue 15's measurements on a local {@code redis-server} (started here on a free port, as the
 * tests do): the cost of a Redis tracker on a fan-out, the writes a tracker makes, and the
 * cost of a cluster permit against Redisson's {@link RPermitExpirableSemaphore} on the same
 * server. Prints one JSON object; {@code {"skipped": ...}} when there is no
 * {@code redis-server} on this machine.
 */
public final class ClusterScenario {

	private static final int ITEMS = Integer.getInteger("bench.clusterItems", 100_000);

	private static final Duration WRITE_RUN = Duration.ofMillis(Long.getLong("bench.clusterWriteMillis", 3000));

	private static final int PERMIT_PAIRS = Integer.getInteger("bench.permitPairs", 2000);

	private static final Duration THROUGHPUT_RUN = Duration.ofMillis(Long.getLong("bench.permitMillis", 3000));

	private static final int CALLERS = 32;

	private ClusterScenario() {
	}

	public static void main(String[] args) throws Exception {
		RedisServerProcess redis;
		try {
			redis = RedisServerProcess.startOrSkip();
		}
		catch (RuntimeException ex) {
			// startOrSkip aborts the way a skipped test does when the binary is absent.
			System.out.println(Json.write(Map.of("skipped", String.valueOf(ex.getMessage()))));
			System.exit(0);
			return;
		}
		Map<String, Object> results = new LinkedHashMap<>();
		try (Replica replica = new Replica(redis)) {
			results.put("trackerMap", trackerMap(replica));
			results.put("trackerWrites", trackerWrites(replica));
			results.put("permits", permits(replica, redis));
		}
		finally {
			redis.stop();
		}
		System.out.println(Json.write(results));
		System.exit(0);
	}

	/**
	 * {@code asyncMap} of {@link #ITEMS} trivial items, limit 16, on 2 threads, tracked in
	 * memory and tracked in Redis (the tracker flushes every 250 ms, as by default).
	 */
	private static Map<String, Object> trackerMap(Replica replica) throws Exception {
		List<Integer> items = IntStream.range(0, ITEMS).boxed().toList();
		ProgressRegistry inMemory = new ProgressRegistry();
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("items", (long) ITEMS);
		// Both trackers in every round, in alternating order, so that neither pays more for the
		// JIT or for the other's garbage: each figure is the median of its own times.
		boolean[] redisFirst = { false };
		Map<String, Object> rounds = Rounds.run(() -> {
			redisFirst[0] = !redisFirst[0];
			long redis = 0;
			long memory;
			if (redisFirst[0]) {
				redis = mapMicros(replica.helpers, replica.registry, items);
			}
			memory = mapMicros(replica.helpers, inMemory, items);
			if (!redisFirst[0]) {
				redis = mapMicros(replica.helpers, replica.registry, items);
			}
			return Map.of("wallMillis", (memory + redis) / 1000, "inMemoryMicros", memory, "redisMicros", redis);
		}, Set.of("inMemoryMicros", "redisMicros"), Set.of());
		// Microseconds: a map of 100,000 trivial items takes some 30 ms, too short for whole milliseconds.
		result.put("inMemory", Map.of("wallMillis", ((Number) rounds.get("inMemoryMicros")).longValue() / 1000.0));
		result.put("redis", Map.of("wallMillis", ((Number) rounds.get("redisMicros")).longValue() / 1000.0));
		result.put("rounds", rounds.get("rounds"));
		return result;
	}

	private static long mapMicros(AsyncHelpers helpers, ProgressRegistry registry, List<Integer> items) {
		// Creating the tracker (a round trip to Redis for its number) is not the fan-out's cost.
		AsyncProgress progress = registry.createUnique("bench-map", items.size());
		long start = System.nanoTime();
		List<Outcome<Integer>> outcomes = helpers.asyncMap(items, Task.blocking((Integer i) -> i + 1), 16, progress)
			.join();
		long wall = System.nanoTime() - start;
		if (outcomes.size() != items.size() || progress.succeeded() != items.size() || !progress.isComplete()) {
			throw new IllegalStateException("The map did not do its work: " + progress);
		}
		registry.remove(progress.name());
		return TimeUnit.NANOSECONDS.toMicros(wall);
	}

	/**
	 * One tracker updated as fast as two threads can for {@link #WRITE_RUN}: the Redis
	 * script calls per second this replica makes meanwhile (its 1-per-second heartbeat
	 * included), read from {@code INFO commandstats}.
	 */
	private static Map<String, Object> trackerWrites(Replica replica) throws Exception {
		AsyncProgress progress = replica.registry.createUnique("bench-writes", Long.MAX_VALUE / 1000);
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong updates = new AtomicLong();
		long before = replica.scriptCalls();
		long start = System.nanoTime();
		List<Thread> updaters = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			Thread updater = new Thread(() -> {
				while (running.get()) {
					progress.update();
					updates.incrementAndGet();
				}
			});
			updater.start();
			updaters.add(updater);
		}
		Thread.sleep(WRITE_RUN.toMillis());
		running.set(false);
		for (Thread updater : updaters) {
			updater.join();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		long calls = replica.scriptCalls() - before;
		progress.cancel();
		replica.registry.remove(progress.name());
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("seconds", Math.round(seconds * 100) / 100.0);
		result.put("updates", updates.get());
		result.put("scriptCalls", calls);
		result.put("writesPerSecond", Math.round(calls / seconds * 10) / 10.0);
		return result;
	}

	/**
	 * Acquire + release of one permit: sequential latency and round trips, then throughput
	 * with {@link #CALLERS} asynchronous callers, ours and Redisson's on the same server.
	 */
	private static Map<String, Object> permits(Replica replica, RedisServerProcess redis) throws Exception {
		Map<String, Object> result = new LinkedHashMap<>();
		RedisPermitStore store = replica.permits;
		result.put("ours", permitFigures(replica, () -> store.acquire("bench", 1, 1000).thenCompose((leases) -> {
			if (leases.size() != 1) {
				throw new IllegalStateException("No lease granted under a limit of 1000");
			}
			return store.release("bench", leases.get(0));
		})));
		Config config = new Config();
		config.useSingleServer().setAddress("redis://127.0.0.1:" + redis.port());
		RedissonClient redisson = Redisson.create(config);
		try {
			RPermitExpirableSemaphore semaphore = redisson.getPermitExpirableSemaphore("bench-redisson");
			semaphore.trySetPermits(1000);
			result.put("redisson", permitFigures(replica,
					() -> semaphore.tryAcquireAsync(0, 10, TimeUnit.SECONDS).thenCompose((id) -> {
						if (id == null) {
							throw new IllegalStateException("No Redisson permit out of 1000");
						}
						return semaphore.releaseAsync(id);
					})));
		}
		finally {
			redisson.shutdown();
		}
		return result;
	}

	private static Map<String, Object> permitFigures(Replica replica, Supplier<CompletionStage<?>> pair)
			throws Exception {
		for (int i = 0; i < PERMIT_PAIRS / 4; i++) {
			pair.get().toCompletableFuture().get(5, TimeUnit.SECONDS);
		}
		long scriptsBefore = replica.scriptCalls();
		long[] nanos = new long[PERMIT_PAIRS];
		for (int i = 0; i < PERMIT_PAIRS; i++) {
			long start = System.nanoTime();
			pair.get().toCompletableFuture().get(5, TimeUnit.SECONDS);
			nanos[i] = System.nanoTime() - start;
		}
		long scripts = replica.scriptCalls() - scriptsBefore;
		Arrays.sort(nanos);
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong done = new AtomicLong();
		List<CompletableFuture<Void>> loops = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < CALLERS; i++) {
			CompletableFuture<Void> loop = new CompletableFuture<>();
			loop(pair, running, done, loop);
			loops.add(loop);
		}
		Thread.sleep(THROUGHPUT_RUN.toMillis());
		running.set(false);
		CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		double seconds = (System.nanoTime() - start) / 1e9;
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("medianMicros", nanos[nanos.length / 2] / 1000.0);
		figures.put("p99Micros", nanos[(int) (nanos.length * 0.99)] / 1000.0);
		// Both stores send every command as a Lua script (EVAL / EVALSHA), so the script calls
		// the server ran over the pairs are the round trips; this replica's heartbeat and
		// renewals (a few per second) make it a little above the true figure. (INFO's other
		// counters also count the commands each script runs inside Redis.)
		figures.put("scriptsPerPair", Math.round(scripts * 100.0 / PERMIT_PAIRS) / 100.0);
		figures.put("pairsPerSecond", Math.round(done.get() / seconds));
		figures.put("callers", (long) CALLERS);
		return figures;
	}

	private static void loop(Supplier<CompletionStage<?>> pair, AtomicBoolean running, AtomicLong done,
			CompletableFuture<Void> finished) {
		if (!running.get()) {
			finished.complete(null);
			return;
		}
		pair.get().whenComplete((ignored, ex) -> {
			if (ex != null) {
				finished.completeExceptionally(ex);
				return;
			}
			done.incrementAndGet();
			loop(pair, running, done, finished);
		});
	}

	/**
	 * One replica: a Lettuce connection, its heartbeat, a Redis tracker store and a permit
	 * store, and helpers on a 2-thread pool.
	 */
	private static final class Replica implements AutoCloseable {

		final ExecutorService executor = Executors.newFixedThreadPool(2);

		final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

		final AsyncHelpers helpers = new AsyncHelpers(this.executor, this.scheduler);

		final LettuceConnectionFactory connectionFactory;

		final RedisReplicas membership;

		final RedisProgressStore progressStore;

		final ProgressRegistry registry;

		final RedisPermitStore permits;

		Replica(RedisServerProcess redis) throws Exception {
			this.connectionFactory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
			this.connectionFactory.afterPropertiesSet();
			this.connectionFactory.start();
			ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(this.connectionFactory);
			this.membership = new RedisReplicas(template, "asynchelpers", "bench", Duration.ofSeconds(1),
					Duration.ofSeconds(10), this.scheduler);
			this.progressStore = new RedisProgressStore(template, this.membership, "asynchelpers",
					Duration.ofMillis(250), Duration.ofMinutes(1), Duration.ofSeconds(2), this.scheduler);
			this.registry = new ProgressRegistry(Duration.ofMinutes(1), 100, 10, System::nanoTime, Clock.systemUTC(),
					this.progressStore);
			this.permits = new RedisPermitStore(template, "asynchelpers", "bench", Duration.ofSeconds(10),
					RedisPermitStore.defaultTimeout(Duration.ofSeconds(10)), this.scheduler, this.membership::knownReplicas);
			this.membership.start();
			this.progressStore.start();
			this.permits.start();
			// Ready when the permit store answers (wanted = 0 only checks that).
			this.permits.acquire("ready", 0, 1).get(10, TimeUnit.SECONDS);
		}

		/** Script calls the server has run ({@code EVAL} and {@code EVALSHA}). */
		long scriptCalls() {
			Properties stats = commandStats();
			return calls(stats, "cmdstat_evalsha") + calls(stats, "cmdstat_eval");
		}

		private Properties commandStats() {
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				return connection.serverCommands().info("commandstats");
			}
		}

		private static long calls(Properties stats, String command) {
			String value = stats.getProperty(command);
			if (value == null) {
				return 0;
			}
			for (String part : value.split(",")) {
				if (part.startsWith("calls=")) {
					return Long.parseLong(part.substring("calls=".length()));
				}
			}
			return 0;
		}

		@Override
		public void close() {
			this.permits.stop();
			this.progressStore.close();
			this.membership.close();
			this.connectionFactory.destroy();
			this.scheduler.shutdownNow();
			this.executor.shutdownNow();
		}

	}

}
