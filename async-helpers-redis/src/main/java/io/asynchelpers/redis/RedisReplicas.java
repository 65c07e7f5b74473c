/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * This replica's membership of the cluster: a heartbeat in a Redis sorted set
 * ({@code <prefix>:replicas}, member the replica id, score the server's time of its last
 * beat in milliseconds), and the count of replicas whose last beat is younger than the
 * TTL. A replica that dies stops beating; the others see it stale once the TTL has passed.
 * A replica that stops cleanly removes itself at once.
 * <p>
 * Times come from the Redis server ({@code TIME} inside the scripts), never from the
 * replicas' clocks, so clock skew between machines cannot make a live replica look stale.
 * Every call is non-blocking (Spring Data Redis's reactive template over Lettuce); the
 * scheduler only starts a beat, it never waits for Redis.
 */
public final class RedisReplicas implements SmartLifecycle, AutoCloseable {

	/**
	 * The lifecycle phase of the Redis stores: they stop after the helpers' executors have
	 * drained ({@code Integer.MAX_VALUE / 2}), so the last counts are written, and before
	 * Lettuce's connection factory (phase 0) closes the connection they write on.
	 */
	public static final int PHASE = Integer.MAX_VALUE / 4;

	private static final Logger logger = LoggerFactory.getLogger(RedisReplicas.class);

	/** KEYS[1] the set; ARGV[1] the replica id, ARGV[2] the TTL in ms. Returns the live count. */
	private static final RedisScript<Long> BEAT = RedisScript.of("""
			local now = redis.call('TIME')
			local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
			redis.call('ZADD', KEYS[1], ms, ARGV[1])
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms - 10 * tonumber(ARGV[2]))
			return redis.call('ZCOUNT', KEYS[1], ms - tonumber(ARGV[2]), '+inf')
			""", Long.class);

	/** KEYS[1] the set; ARGV[1] the TTL in ms. Returns the ids of live replicas. */
	private static final RedisScript<List> LIVE = RedisScript.of("""
			local now = redis.call('TIME')
			local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
			return redis.call('ZRANGEBYSCORE', KEYS[1], ms - tonumber(ARGV[1]), '+inf')
			""", List.class);

	private final ReactiveStringRedisTemplate redis;

	private final String key;

	private final String replicaId;

	private final Duration ttl;

	private final AtomicInteger knownReplicas = new AtomicInteger(1);

	private final AtomicBoolean reachable = new AtomicBoolean(true);

	private final ScheduledExecutorService scheduler;

	private final Duration interval;

	private @Nullable ScheduledFuture<?> beating;

	/** The last beat sent, so that leaving waits for it: a late beat would re-add this replica. */
	private volatile CompletableFuture<?> lastBeat = CompletableFuture.completedFuture(null);

	private boolean running;

	/**
	 * Create this replica's membership: it joins the cluster when {@linkplain #start()
	 * started} and beats every {@code interval} until {@linkplain #stop() stopped}.
	 * @param redis the template (over Boot's Lettuce connection)
	 * @param keyPrefix the prefix of every key this module writes, e.g. {@code asynchelpers}
	 * @param replicaId this replica's id, unique in the cluster
	 * @param interval how often to beat, {@code > 0} and well below {@code ttl}
	 * @param ttl how long after its last beat a replica counts as gone
	 * @param scheduler starts the beats (never waits for Redis)
	 */
	public RedisReplicas(ReactiveStringRedisTemplate redis, String keyPrefix, String replicaId, Duration interval,
			Duration ttl, ScheduledExecutorService scheduler) {
		this.redis = redis;
		this.key = keyPrefix + ":replicas";
		this.replicaId = replicaId;
		this.ttl = ttl;
		if (interval.isZero() || interval.isNegative() || interval.compareTo(ttl) >= 0) {
			throw new IllegalArgumentException(
					"interval must be > 0 and < ttl (" + ttl + "), was " + interval);
		}
		this.scheduler = scheduler;
		this.interval = interval;
	}

	/**
	 * Join the cluster: beat now and every {@code interval} from now on.
	 */
	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		beat();
		this.beating = this.scheduler.scheduleAtFixedRate(this::beat, this.interval.toMillis(),
				this.interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Return this replica's id.
	 * @return the id
	 */
	public String replicaId() {
		return this.replicaId;
	}

	/**
	 * Return the TTL after which a silent replica counts as gone.
	 * @return the TTL
	 */
	public Duration ttl() {
		return this.ttl;
	}

	/**
	 * Return how many replicas were live at the last beat that reached Redis, this one
	 * included: never less than 1.
	 * @return the replica count last seen
	 */
	public int knownReplicas() {
		return Math.max(1, this.knownReplicas.get());
	}

	/**
	 * Whether the last beat reached Redis.
	 * @return {@code false} after a beat failed, until one succeeds again
	 */
	public boolean isReachable() {
		return this.reachable.get();
	}

	/**
	 * Return the ids of the live replicas, read from Redis now.
	 * @return the ids, or a failed future when Redis is unreachable
	 */
	@SuppressWarnings("unchecked")
	public CompletableFuture<Set<String>> liveReplicas() {
		return this.redis.execute(LIVE, List.of(this.key), List.of(Long.toString(this.ttl.toMillis())))
			.next()
			.map((ids) -> Set.<String>copyOf((List<String>) ids))
			.defaultIfEmpty(Set.of())
			.transform(RedisCalls::offThread)
			.toFuture();
	}

	private synchronized void beat() {
		if (!this.running) {
			return;
		}
		this.lastBeat = this.redis
			.execute(BEAT, List.of(this.key), List.of(this.replicaId, Long.toString(this.ttl.toMillis())))
			.next()
			.doOnNext((count) -> {
				this.knownReplicas.set(count.intValue());
				if (this.reachable.compareAndSet(false, true)) {
					logger.info("Replica {}: Redis is reachable again, {} replicas live", this.replicaId, count);
				}
			})
			.doOnError((ex) -> {
				if (this.reachable.compareAndSet(true, false)) {
					logger.warn("Replica {}: cannot reach Redis for its heartbeat ({}); keeps trying, quietly",
							this.replicaId, ex.toString());
				}
			})
			.transform(RedisCalls::offThread)
			.toFuture();
	}

	/**
	 * Stop beating and leave the cluster at once (best effort: if Redis is unreachable the
	 * replica goes stale after the TTL instead). Waits up to 2 seconds for the last beat in
	 * flight, then for the removal.
	 */
	@Override
	public void stop() {
		CompletableFuture<?> inFlight;
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.running = false;
			if (this.beating != null) {
				this.beating.cancel(false);
			}
			inFlight = this.lastBeat;
		}
		try {
			inFlight.handle((count, ex) -> null).get(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			// Redis is slow or gone: leave anyway, the TTL covers a late beat.
		}
		try {
			this.redis.opsForZSet().remove(this.key, this.replicaId).block(Duration.ofSeconds(2));
		}
		catch (RuntimeException ex) {
			logger.debug("Replica {} could not leave the cluster cleanly; it goes stale after {}", this.replicaId,
					this.ttl, ex);
		}
	}

	/**
	 * The same as {@link #stop()}, for use without a Spring lifecycle.
	 */
	@Override
	public void close() {
		stop();
	}

}
