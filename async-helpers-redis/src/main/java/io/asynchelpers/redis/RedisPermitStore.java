/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import io.asynchelpers.PermitStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The permits of cluster-scoped concurrency limits in Redis, shared by every replica that
 * points at the same server: the leases of a key are the members of the sorted set
 * {@code <prefix>:permits:<key>}, each scored with its expiry (milliseconds of the Redis
 * server's clock, read with {@code TIME} inside the scripts, so the replicas' clocks play no
 * part).
 * <ul>
 * <li>{@link #acquire}: one script, one round trip: drop expired leases, then grant
 * {@code min(wanted, limit - ZCARD)} of the candidate ids the caller sent. If the answer does
 * not come within the operation timeout, the candidates are released (best effort) and the
 * future fails.</li>
 * <li>{@link #release}: one script, one round trip: {@code ZREM} and, if the lease was
 * there, {@code PUBLISH} of the key on {@code <prefix>:permits:released}, which every
 * replica's store listens to (Spring Data Redis's reactive pub/sub) to tell its
 * {@link #onRelease listeners}.</li>
 * <li>Renewal: every third of the lease TTL, one script per key renews all the leases this
 * store holds for it. A lease that is gone (expired, or lost with a Redis restart) is taken
 * again if the key has room; otherwise it is lost and a WARN says so.</li>
 * </ul>
 * <b>When more than {@code limit} calls can run.</b> Leases cannot stop code that is already
 * running, so the limit holds as long as every holder can renew. It does not hold:
 * <ul>
 * <li>when a holder cannot renew for longer than the TTL while its calls go on: a pause of
 * the whole process (a long GC, a frozen VM), or this replica cut off from Redis while the
 * others still reach it; its leases expire and others take them;</li>
 * <li>when Redis restarts without its data (no persistence, a failover to a replica that had
 * not received the latest writes): every lease is gone at once, and calls that ask before
 * the holders' next renewal (a third of the TTL) can take the whole limit again;</li>
 * <li>with {@code PermitFailureMode.LOCAL}, while calls started on the local fallback limit
 * still run after Redis came back: this replica admits no more than {@code limit} calls in
 * all, but the leases taken by others do not count its fallback calls.</li>
 * </ul>
 * Every call is non-blocking ({@code ReactiveStringRedisTemplate} over Lettuce); the
 * scheduler's thread only starts renewals. Failures to release or renew are logged once
 * (WARN) until Redis answers again (INFO): the leases concerned expire by their TTL.
 * <p>
 * As a {@link SmartLifecycle} at {@link RedisReplicas#PHASE}, it subscribes and starts
 * renewing when started (also on first use without a lifecycle), and stops renewing and
 * listening after the helpers' executors have drained and before Lettuce's connection
 * closes: it waits (at most twice the operation timeout) for the commands it sent and has no
 * answer to yet, and for what their answers set off (a grant no call wants any more goes
 * back), so that the releases of calls that ended reach Redis before the connection goes.
 * Leases of calls still running are not released then (see {@link #stop()}). After it
 * stopped, {@link #acquire} fails.
 */
public final class RedisPermitStore implements PermitStore, SmartLifecycle, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisPermitStore.class);

	/**
	 * KEYS[1] the set; ARGV[1] the limit, ARGV[2] the TTL in ms, ARGV[3..] candidate ids.
	 * Returns the ids granted.
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> ACQUIRE = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local ttl = tonumber(ARGV[2])
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
			local free = tonumber(ARGV[1]) - redis.call('ZCARD', KEYS[1])
			local granted = {}
			for i = 3, #ARGV do
				if free <= 0 then break end
				redis.call('ZADD', KEYS[1], now + ttl, ARGV[i])
				granted[#granted + 1] = ARGV[i]
				free = free - 1
			end
			if #granted > 0 then redis.call('PEXPIRE', KEYS[1], 2 * ttl) end
			return granted
			""", List.class);

	/**
	 * KEYS[1] the set; ARGV[1] the channel, ARGV[2] the key (the message), ARGV[3..] the
	 * ids. Returns how many were removed.
	 */
	private static final RedisScript<Long> RELEASE = RedisScript.of("""
			local removed = redis.call('ZREM', KEYS[1], unpack(ARGV, 3))
			if removed > 0 then redis.call('PUBLISH', ARGV[1], ARGV[2]) end
			return removed
			""", Long.class);

	/**
	 * KEYS[1] the set; ARGV[1] the limit, ARGV[2] the TTL in ms, ARGV[3..] the ids held.
	 * Returns the ids taken again ({@code +id}) and lost ({@code -id}).
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> RENEW = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local ttl = tonumber(ARGV[2])
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
			local changed = {}
			for i = 3, #ARGV do
				if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
					redis.call('ZADD', KEYS[1], now + ttl, ARGV[i])
				elseif redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
					redis.call('ZADD', KEYS[1], now + ttl, ARGV[i])
					changed[#changed + 1] = '+' .. ARGV[i]
				else
					changed[#changed + 1] = '-' .. ARGV[i]
				end
			end
			redis.call('PEXPIRE', KEYS[1], 2 * ttl)
			return changed
			""", List.class);

	private final ReactiveStringRedisTemplate redis;

	private final String keyPrefix;

	private final String channel;

	private final String leasePrefix;

	private final Duration leaseTtl;

	private final Duration timeout;

	private final ScheduledExecutorService scheduler;

	private final IntSupplier knownReplicas;

	private final AtomicLong leaseIds = new AtomicLong();

	/** The leases this store holds, by key, renewed until released. */
	private final Map<String, Held> held = new ConcurrentHashMap<>();

	private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();

	private final AtomicBoolean reachable = new AtomicBoolean(true);

	/**
	 * Commands sent and not answered yet, each counted until what its answer sets off has
	 * run (a release, a renewal's re-release, the listeners of a grant): {@link #stop()} waits
	 * for none to be left.
	 */
	private final AtomicInteger inFlight = new AtomicInteger();

	/** How many {@link #stop()} calls wait for {@link #inFlight} to reach 0 (they are notified). */
	private final AtomicInteger draining = new AtomicInteger();

	private @Nullable ScheduledFuture<?> renewing;

	private @Nullable Disposable subscription;

	private volatile boolean running;

	private volatile boolean stopped;

	/**
	 * Create a store.
	 * @param redis the template (over Boot's Lettuce connection)
	 * @param keyPrefix the prefix of every key, e.g. {@code asynchelpers}
	 * @param replicaId this replica's id, part of every lease id (so a lease in Redis shows
	 * its holder)
	 * @param leaseTtl how long a lease lives without renewal; renewed every third of it
	 * @param timeout how long to wait for Redis's answer before an operation counts as
	 * failed (Lettuce queues commands while it reconnects, so a stopped Redis would
	 * otherwise make callers wait), well below {@code leaseTtl}
	 * @param scheduler starts renewals (never waits for Redis)
	 * @param knownReplicas the replicas last known, e.g. {@link RedisReplicas#knownReplicas()}
	 * @throws IllegalArgumentException if a duration is not positive or {@code timeout} is
	 * not below {@code leaseTtl}
	 */
	public RedisPermitStore(ReactiveStringRedisTemplate redis, String keyPrefix, String replicaId, Duration leaseTtl,
			Duration timeout, ScheduledExecutorService scheduler, IntSupplier knownReplicas) {
		if (leaseTtl.toMillis() < 3) {
			throw new IllegalArgumentException("leaseTtl must be at least 3ms, was " + leaseTtl);
		}
		if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(leaseTtl) >= 0) {
			throw new IllegalArgumentException("timeout must be > 0 and < leaseTtl (" + leaseTtl + "), was " + timeout);
		}
		this.redis = redis;
		this.keyPrefix = keyPrefix + ":permits:";
		this.channel = keyPrefix + ":permits:released";
		this.leasePrefix = replicaId + ":" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + ":";
		this.leaseTtl = leaseTtl;
		this.timeout = timeout;
		this.scheduler = scheduler;
		this.knownReplicas = knownReplicas;
	}

	/**
	 * The operation timeout that suits a lease TTL: a third of it, at most 2 seconds.
	 * @param leaseTtl the lease TTL
	 * @return the timeout
	 */
	public static Duration defaultTimeout(Duration leaseTtl) {
		Duration third = leaseTtl.dividedBy(3);
		return (third.compareTo(Duration.ofSeconds(2)) < 0) ? third : Duration.ofSeconds(2);
	}

	/**
	 * Subscribe to releases and start renewing: one renewal script per key every third of
	 * the lease TTL.
	 */
	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.stopped = false;
		// Deferred and off this thread: the listener container takes its connection when created,
		// with a blocking connect that may wait for Lettuce's connect timeout while Redis is down.
		this.subscription = Flux.defer(() -> this.redis.listenToChannel(this.channel))
			.doOnNext((message) -> released(message.getMessage()))
			.retryWhen(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofSeconds(1)))
			.transform(RedisCalls::offThread)
			.subscribe();
		// Connect now, off this thread, so that the first acquire's time limit is spent on the
		// command rather than on setting up the connection (a failure here is the next call's).
		Mono.defer(() -> this.redis.execute((connection) -> connection.ping()).next())
			.transform(RedisCalls::offThread)
			.subscribe((pong) -> {
			}, (ex) -> logger.debug("Could not connect to Redis yet", ex));
		long period = Math.max(1, this.leaseTtl.toMillis() / 3);
		this.renewing = this.scheduler.scheduleAtFixedRate(this::renewAll, period, period, TimeUnit.MILLISECONDS);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return RedisReplicas.PHASE;
	}

	/**
	 * Return the lease TTL.
	 * @return the TTL
	 */
	public Duration leaseTtl() {
		return this.leaseTtl;
	}

	@Override
	public CompletableFuture<List<String>> acquire(String key, int wanted, int limit) {
		checkKey(key);
		if (wanted < 0) {
			throw new IllegalArgumentException("wanted must be >= 0, was " + wanted);
		}
		if (limit <= 0) {
			throw new IllegalArgumentException("limit must be > 0, was " + limit);
		}
		// Counted before the check, as stop() sets stopped before it waits: either this sees the
		// stop and fails, or stop() waits for this request.
		sent();
		try {
			return acquireCounted(key, wanted, limit);
		}
		catch (RuntimeException | Error ex) {
			answered();
			throw ex;
		}
	}

	/** {@link #acquire}, counted in flight: answered when done, or at once if stopped. */
	private CompletableFuture<List<String>> acquireCounted(String key, int wanted, int limit) {
		if (this.stopped) {
			answered();
			return CompletableFuture.failedFuture(new IllegalStateException("RedisPermitStore is stopped"));
		}
		if (!this.running) {
			synchronized (this) {
				if (this.stopped) {
					answered();
					return CompletableFuture.failedFuture(new IllegalStateException("RedisPermitStore is stopped"));
				}
				start();
			}
		}
		List<String> args = new ArrayList<>(wanted + 2);
		args.add(Integer.toString(limit));
		args.add(Long.toString(this.leaseTtl.toMillis()));
		for (int i = 0; i < wanted; i++) {
			args.add(this.leasePrefix + this.leaseIds.incrementAndGet());
		}
		Held keyHeld = this.held.computeIfAbsent(key, (name) -> new Held());
		keyHeld.limit = limit;
		CompletableFuture<List<String>> result = new CompletableFuture<>();
		this.redis.execute(ACQUIRE, List.of(this.keyPrefix + key), args)
			.next()
			.map(RedisPermitStore::strings)
			.defaultIfEmpty(List.of())
			.timeout(this.timeout)
			.transform(RedisCalls::offThread)
			.toFuture()
			.whenComplete((ids, ex) -> {
				try {
					if (ex != null) {
						if (wanted > 0) {
							// It may have been granted before the answer was lost: give it back, or it expires.
							releaseQuietly(key, args.subList(2, args.size()));
						}
						result.completeExceptionally(ex);
					}
					else {
						reachable();
						keyHeld.ids.addAll(ids);
						result.complete(ids);
					}
				}
				finally {
					// After the caller's stages ran: the leases nobody wants any more are on their way back.
					answered();
				}
			});
		return result;
	}

	@Override
	public CompletableFuture<Void> release(String key, String lease) {
		checkKey(key);
		Held keyHeld = this.held.get(key);
		if (keyHeld != null) {
			keyHeld.ids.remove(lease);
		}
		return releaseQuietly(key, List.of(lease));
	}

	@Override
	public AutoCloseable onRelease(String key, Runnable listener) {
		checkKey(key);
		List<Runnable> keyListeners = this.listeners.computeIfAbsent(key, (name) -> new CopyOnWriteArrayList<>());
		keyListeners.add(listener);
		return () -> keyListeners.remove(listener);
	}

	@Override
	public int knownReplicas() {
		return Math.max(1, this.knownReplicas.getAsInt());
	}

	/**
	 * Return how many leases this store holds now, over all keys: a snapshot.
	 * @return the number of leases held
	 */
	public int heldLeases() {
		return this.held.values().stream().mapToInt((keyHeld) -> keyHeld.ids.size()).sum();
	}

	/**
	 * Stop granting and listening, then wait for the commands in flight: the releases of
	 * calls that ended, and the grants whose leases no call wants any more and go back. It
	 * blocks the caller (a lifecycle thread) until none is left, at most twice the operation
	 * timeout (a command that times out sets off at most one more, the release of what it may
	 * have been granted); what is still unanswered then expires after the lease's TTL.
	 * <p>
	 * Leases still held are not released here: they belong to calls that are still running
	 * (the helpers' executors have drained by this phase, but an asynchronous call may outlive
	 * them), and releasing them would let other replicas start calls beyond the limit while
	 * these run. They are renewed until their calls end and release them, for as long as the
	 * connection lasts; once it is closed (the process is going away) they expire after the
	 * lease's TTL, which is as long as other replicas may wait for the permits of a replica
	 * that stopped mid-call.
	 */
	@Override
	public void stop() {
		boolean wasRunning;
		synchronized (this) {
			this.stopped = true;
			wasRunning = this.running;
			this.running = false;
			if (wasRunning && this.renewing != null && heldLeases() == 0) {
				this.renewing.cancel(false);
			}
		}
		if (wasRunning) {
			Disposable listening = this.subscription;
			if (listening != null) {
				listening.dispose();
			}
		}
		// Every caller waits, also a second one (a lifecycle stop and a destroy method at once).
		awaitAnswers();
		int held = heldLeases();
		if (held > 0) {
			logger.debug("Stopped with {} permit(s) in use: renewed until their calls end (while the connection"
					+ " lasts), then released; else they expire after {}", held, this.leaseTtl);
		}
	}

	private void awaitAnswers() {
		long deadline = System.nanoTime() + 2 * this.timeout.toNanos();
		this.draining.incrementAndGet();
		try {
			synchronized (this.inFlight) {
				long left;
				while (this.inFlight.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
					TimeUnit.NANOSECONDS.timedWait(this.inFlight, left);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.draining.decrementAndGet();
		}
		int unanswered = this.inFlight.get();
		if (unanswered > 0) {
			logger.debug("Stopped with {} Redis command(s) unanswered after {}: the leases concerned expire after {}",
					unanswered, this.timeout.multipliedBy(2), this.leaseTtl);
		}
	}

	/** A command is sent: counted until {@link #answered()}. */
	private void sent() {
		this.inFlight.incrementAndGet();
	}

	/** A command's answer (or failure) was handled, and what it set off was sent. */
	private void answered() {
		if (this.inFlight.decrementAndGet() == 0 && this.draining.get() > 0) {
			synchronized (this.inFlight) {
				this.inFlight.notifyAll();
			}
		}
	}

	/**
	 * The same as {@link #stop()}, for use without a Spring lifecycle.
	 */
	@Override
	public void close() {
		stop();
	}

	@Override
	public String toString() {
		return "RedisPermitStore[" + this.keyPrefix + "*, lease TTL " + this.leaseTtl + ", " + heldLeases()
				+ " leases held]";
	}

	private CompletableFuture<Void> releaseQuietly(String key, List<String> ids) {
		List<String> args = new ArrayList<>(ids.size() + 2);
		args.add(this.channel);
		args.add(key);
		args.addAll(ids);
		sent();
		return this.redis.execute(RELEASE, List.of(this.keyPrefix + key), args)
			.next()
			.timeout(this.timeout)
			.transform(RedisCalls::offThread)
			.toFuture()
			.handle((removed, ex) -> {
				answered();
				if (ex != null) {
					unreachable("release " + ids.size() + " permit(s) of " + key, ex);
					throw new CompletionException(ex);
				}
				reachable();
				return null;
			});
	}

	private void renewAll() {
		if (this.stopped && heldLeases() == 0) {
			// Stopped, and the last call that held a lease has ended: nothing left to keep.
			ScheduledFuture<?> renewing = this.renewing;
			if (renewing != null) {
				renewing.cancel(false);
			}
			return;
		}
		this.held.forEach((key, keyHeld) -> {
			List<String> ids = List.copyOf(keyHeld.ids);
			if (!ids.isEmpty()) {
				renew(key, keyHeld, ids);
			}
		});
	}

	private void renew(String key, Held keyHeld, List<String> ids) {
		List<String> args = new ArrayList<>(ids.size() + 2);
		args.add(Integer.toString(keyHeld.limit));
		args.add(Long.toString(this.leaseTtl.toMillis()));
		args.addAll(ids);
		sent();
		this.redis.execute(RENEW, List.of(this.keyPrefix + key), args)
			.next()
			.map(RedisPermitStore::strings)
			.timeout(this.timeout)
			.transform(RedisCalls::offThread)
			// After the answer's re-releases were sent.
			.doFinally((signal) -> answered())
			.subscribe((changed) -> {
				reachable();
				renewed(key, keyHeld, changed);
			}, (ex) -> unreachable("renew " + ids.size() + " permit(s) of " + key, ex));
	}

	private void renewed(String key, Held keyHeld, List<String> changed) {
		List<String> releasedMeanwhile = new ArrayList<>();
		for (String change : changed) {
			String lease = change.substring(1);
			if (change.charAt(0) == '-') {
				if (keyHeld.ids.contains(lease)) {
					logger.warn("Permit {} of {} expired before it could be renewed (its holder could not renew for "
							+ "longer than {}) and the limit is taken by others: until its call ends, more calls than the "
							+ "limit may run", lease, key, this.leaseTtl);
				}
			}
			else if (!keyHeld.ids.contains(lease)) {
				// Taken again by a renewal that crossed its release: release it again.
				releasedMeanwhile.add(lease);
			}
			else {
				logger.debug("Permit {} of {} had expired and was taken again", lease, key);
			}
		}
		if (!releasedMeanwhile.isEmpty()) {
			releaseQuietly(key, releasedMeanwhile);
		}
	}

	private void released(String key) {
		List<Runnable> keyListeners = this.listeners.get(key);
		if (keyListeners == null) {
			return;
		}
		for (Runnable listener : keyListeners) {
			try {
				listener.run();
			}
			catch (RuntimeException ex) {
				logger.warn("A listener of the permits of {} failed", key, ex);
			}
		}
	}

	private void reachable() {
		if (this.reachable.compareAndSet(false, true)) {
			logger.info("Redis answers again: permits are released and renewed again");
		}
	}

	private void unreachable(String what, Throwable ex) {
		if (this.reachable.compareAndSet(true, false)) {
			logger.warn("Cannot reach Redis to {} ({}); permits not released or renewed expire after {}; "
					+ "logged once until Redis answers again", what, ex.toString(), this.leaseTtl);
		}
	}

	@SuppressWarnings("unchecked")
	private static List<String> strings(Object list) {
		return List.copyOf((List<String>) list);
	}

	private static void checkKey(String key) {
		if (key == null) {
			throw new NullPointerException("key must not be null");
		}
	}

	/**
	 * The leases held for one key, and the limit last asked with (for renewals).
	 */
	private static final class Held {

		private final Set<String> ids = ConcurrentHashMap.newKeySet();

		private volatile int limit = Integer.MAX_VALUE;

	}

}
