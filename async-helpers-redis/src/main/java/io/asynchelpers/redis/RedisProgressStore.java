/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.asynchelpers.AsyncProgress;
import io.asynchelpers.AsyncProgress.State;
import io.asynchelpers.ProgressSnapshot;
import io.asynchelpers.ProgressSnapshot.Part;
import io.asynchelpers.ProgressStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Progress trackers shared by the replicas of a service, in Redis: each tracker name is one
 * cluster tracker made of one part per replica that created or joined it (how parts merge:
 * {@link ProgressSnapshot}).
 * <p>
 * <b>Keys</b> (all under the prefix, {@code asynchelpers} by default):
 * {@code <prefix>:progress:t:<name>} a hash with the run number and, per replica, its
 * part's state, total, completed and failed counts and its start, end and last-update times
 * (Redis server time in ms, so clocks of the replicas never matter);
 * {@code <prefix>:progress:index} a sorted set of the tracker names by start time;
 * {@code <prefix>:progress:seq:<prefix of createUnique>} the numbers of
 * {@link #uniqueName}; {@code <prefix>:progress:deleted:<name>} the run a deletion removed,
 * for the retention (at least a minute), so replicas still running it drop it too.
 * <p>
 * <b>Joining.</b> A replica's tracker is attached to the cluster tracker of its name by a
 * Lua script, atomically, at its first write: joined if another live replica's part is
 * running, otherwise started as a new run (the old parts are dropped), or created. A
 * part's start is the server's time less the part's elapsed time, so a part attached late
 * (Redis was down) still starts when it started. If Redis loses the tracker (a restart
 * without persistence), the next write of each part recreates it with its run and counts.
 * <p>
 * <b>Writes</b> are batched: every {@code flushInterval} a flusher started on the given
 * scheduler writes each tracker whose state or counts changed since its last write, one
 * script call per tracker (so at most {@code 1s / flushInterval} writes per tracker per
 * second and replica, whatever the item rate), and never a second one for a tracker while
 * one is in flight. A write carries the part's absolute counts, so a write repeated after
 * an outage never counts twice and the last write leaves the exact final counts. The
 * scheduler only starts the writes (non-blocking, on Lettuce); their completions run on
 * Lettuce's threads and only record what was written. When every live part of a tracker
 * has ended, its hash expires after {@code retention}; the index forgets names whose hash
 * is gone when it is next read.
 * <p>
 * <b>When Redis cannot be reached</b> the work goes on and counts stay in the local
 * trackers: one WARN when writes start failing, one INFO when one succeeds again, and then
 * everything not written yet is written, trackers created meanwhile attached. Reads fail
 * (the registry then shows its local trackers) and {@link #uniqueName} numbers locally,
 * with this replica's id in the name.
 * <p>
 * <b>Stale parts.</b> A part whose replica is not among the live replicas (its heartbeat,
 * {@link RedisReplicas}, is older than the replica TTL) is shown stale: a running stale
 * part no longer keeps its tracker running.
 * <p>
 * A {@link SmartLifecycle} in the phase of {@link RedisReplicas#PHASE}: the flusher runs
 * between {@link #start()} and {@link #stop()}, and stopping writes what is left (the
 * trackers have ended by then: the executors drain in an earlier phase), waiting for it a
 * bounded time.
 */
public final class RedisProgressStore implements ProgressStore, SmartLifecycle, AutoCloseable {

	/** The most trackers a read returns: the newest ones. */
	static final int MAX_READ = 1000;

	/** A deleted tracker's tombstone stays for the retention, and at least this long. */
	private static final Duration TOMBSTONE_MIN = Duration.ofMinutes(1);

	private static final Logger logger = LoggerFactory.getLogger(RedisProgressStore.class);

	/**
	 * Attach and write one part. KEYS[1] the tracker's hash, KEYS[2] the index, KEYS[3] the
	 * replicas' heartbeat set, KEYS[4] the tracker's tombstone. ARGV: 1 the run this part is
	 * attached to ('' for a new local tracker), 2 the replica id, 3 state, 4 total,
	 * 5 completed, 6 failed, 7 replica TTL ms, 8 retention ms, 9 the tracker's name, 10 the
	 * part's elapsed ms (its start and end follow from it and the server's time). A new
	 * local tracker joins the run if another live replica's part is running and starts a
	 * new run otherwise; an attached part whose hash is gone recreates it with its run
	 * (Redis lost its data) unless the tombstone says that run was deleted (returns -1), and
	 * one whose hash holds another run joins it. Returns the run.
	 */
	private static final RedisScript<Long> WRITE = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local rid = ARGV[2]
			local live = now - tonumber(ARGV[7])
			local elapsed = tonumber(ARGV[10])
			local function others_running()
			  local all = redis.call('HGETALL', KEYS[1])
			  for i = 1, #all, 2 do
			    local f = all[i]
			    if string.sub(f, -6) == '|state' and all[i + 1] == 'RUNNING' then
			      local r = string.sub(f, 1, -7)
			      if r ~= rid then
			        local beat = redis.call('ZSCORE', KEYS[3], r)
			        if beat and tonumber(beat) >= live then return true end
			      end
			    end
			  end
			  return false
			end
			local run = redis.call('HGET', KEYS[1], 'run')
			local attach = false
			if ARGV[1] ~= '' then
			  if not run then
			    if redis.call('GET', KEYS[4]) == ARGV[1] then return -1 end
			    run = ARGV[1]
			    redis.call('HSET', KEYS[1], 'run', run)
			    redis.call('ZADD', KEYS[2], now - elapsed, ARGV[9])
			    attach = true
			  elseif run ~= ARGV[1] then
			    redis.call('PERSIST', KEYS[1])
			    attach = true
			  end
			else
			  if run and others_running() then
			    redis.call('PERSIST', KEYS[1])
			  else
			    run = tostring((tonumber(run) or 0) + 1)
			    redis.call('DEL', KEYS[1])
			    redis.call('HSET', KEYS[1], 'run', run)
			    redis.call('ZADD', KEYS[2], now - elapsed, ARGV[9])
			  end
			  attach = true
			end
			if attach then
			  redis.call('HSET', KEYS[1], rid .. '|start', now - elapsed)
			  redis.call('HDEL', KEYS[1], rid .. '|end')
			end
			redis.call('HSET', KEYS[1], rid .. '|state', ARGV[3], rid .. '|total', ARGV[4],
			  rid .. '|completed', ARGV[5], rid .. '|failed', ARGV[6], rid .. '|at', now)
			if ARGV[3] ~= 'RUNNING' then
			  if redis.call('HEXISTS', KEYS[1], rid .. '|end') == 0 then
			    local start = tonumber(redis.call('HGET', KEYS[1], rid .. '|start')) or now
			    redis.call('HSET', KEYS[1], rid .. '|end', math.min(now, start + elapsed))
			  end
			  if not others_running() then
			    redis.call('PEXPIRE', KEYS[1], ARGV[8])
			  end
			end
			return tonumber(run)
			""", Long.class);

	/**
	 * Read trackers. KEYS[1] the index, KEYS[2] the heartbeat set. ARGV: 1 the prefix of the
	 * trackers' hashes, 2 replica TTL ms, 3 the most trackers to read, 4 one name ('' for
	 * all). Returns {now ms, live replica ids, name, hash fields and values, name, ...};
	 * drops names whose hash is gone from the index.
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> READ = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local live = redis.call('ZRANGEBYSCORE', KEYS[2], now - tonumber(ARGV[2]), '+inf')
			local names
			if ARGV[4] ~= '' then
			  names = { ARGV[4] }
			else
			  names = redis.call('ZRANGE', KEYS[1], -tonumber(ARGV[3]), -1)
			end
			local out = { tostring(now), live }
			for _, name in ipairs(names) do
			  local h = redis.call('HGETALL', ARGV[1] .. name)
			  if #h == 0 then
			    redis.call('ZREM', KEYS[1], name)
			  else
			    table.insert(out, name)
			    table.insert(out, h)
			  end
			end
			return out
			""", List.class);

	/**
	 * KEYS[1] the tracker's hash, KEYS[2] the index, KEYS[3] its tombstone; ARGV[1] the name,
	 * ARGV[2] how long the tombstone stays (ms). The tombstone holds the deleted run, so the
	 * replicas still running it learn it was deleted (not lost). Returns 1 if it was there.
	 */
	private static final RedisScript<Long> DELETE = RedisScript.of("""
			local run = redis.call('HGET', KEYS[1], 'run')
			if run then
			  redis.call('SET', KEYS[3], run, 'PX', ARGV[2])
			end
			local n = redis.call('DEL', KEYS[1])
			redis.call('ZREM', KEYS[2], ARGV[1])
			return n
			""", Long.class);

	private final ReactiveStringRedisTemplate redis;

	private final RedisReplicas replicas;

	private final String trackerKeyPrefix;

	private final String indexKey;

	private final String sequenceKeyPrefix;

	private final String replicasKey;

	private final String tombstoneKeyPrefix;

	private final Duration flushInterval;

	private final Duration retention;

	private final Duration timeout;

	private final ScheduledExecutorService scheduler;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final AtomicBoolean reachable = new AtomicBoolean(true);

	/** When {@link #reachable} last changed, on {@link System#nanoTime()}. */
	private final AtomicLong changedAt = new AtomicLong(System.nanoTime());

	private @Nullable ScheduledFuture<?> flushing;

	private boolean running;

	/**
	 * Create a store; it writes once {@linkplain #start() started}.
	 * @param redis the template (over Boot's Lettuce connection)
	 * @param replicas this replica's membership: its id, and the heartbeats that tell live
	 * replicas from stale ones
	 * @param keyPrefix the prefix of every key, the same as the {@code replicas}'
	 * @param flushInterval how often changed trackers are written, {@code > 0}
	 * @param retention how long a tracker whose parts have all ended is kept in Redis
	 * @param timeout how long one Redis call may take before it counts as failed, {@code > 0}
	 * @param scheduler starts the flushes (never waits for Redis)
	 * @throws IllegalArgumentException if a duration is out of range, naming it
	 */
	public RedisProgressStore(ReactiveStringRedisTemplate redis, RedisReplicas replicas, String keyPrefix,
			Duration flushInterval, Duration retention, Duration timeout, ScheduledExecutorService scheduler) {
		this.redis = redis;
		this.replicas = replicas;
		this.trackerKeyPrefix = keyPrefix + ":progress:t:";
		this.indexKey = keyPrefix + ":progress:index";
		this.sequenceKeyPrefix = keyPrefix + ":progress:seq:";
		this.replicasKey = keyPrefix + ":replicas";
		this.tombstoneKeyPrefix = keyPrefix + ":progress:deleted:";
		this.flushInterval = positive(flushInterval, "flushInterval");
		if (retention.isNegative()) {
			throw new IllegalArgumentException("retention must be >= 0, was " + retention);
		}
		this.retention = retention;
		this.timeout = positive(timeout, "timeout");
		this.scheduler = scheduler;
	}

	private static Duration positive(Duration value, String name) {
		if (value.isZero() || value.isNegative()) {
			throw new IllegalArgumentException(name + " must be > 0, was " + value);
		}
		return value;
	}

	@Override
	public String replicaId() {
		return this.replicas.replicaId();
	}

	/**
	 * Number the run with {@code INCR} on {@code <prefix>:progress:seq:<prefix>}, so the
	 * name is unique in the cluster. Blocks the caller for that one round trip, at most the
	 * timeout; while Redis is known to be unreachable, or when the call fails, returns
	 * {@code prefix-<replica id>-<localNumber>} at once, which no other replica can make.
	 */
	@Override
	public String uniqueName(String prefix, long localNumber) {
		if (this.reachable.get()) {
			long started = System.nanoTime();
			try {
				Long number = this.redis.opsForValue()
					.increment(this.sequenceKeyPrefix + prefix)
					.timeout(this.timeout)
					.transform(RedisCalls::offThread)
					.toFuture()
					.get(this.timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
				if (number != null) {
					markReachable(started);
					return prefix + "-" + number;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException ex) {
				markUnreachable(ex, started);
			}
		}
		return prefix + "-" + replicaId() + "-" + localNumber;
	}

	@Override
	public void track(AsyncProgress progress, Runnable onDetached) {
		this.entries.put(progress.name(), new Entry(progress, onDetached));
	}

	@Override
	public void untrack(AsyncProgress progress) {
		Entry entry = this.entries.get(progress.name());
		if (entry != null && entry.progress == progress) {
			entry.untracked = true;
		}
	}

	/**
	 * Delete the tracker's hash and index entry, and forget this replica's tracker of that
	 * name (it is not written again). The other replicas drop theirs at their next write.
	 */
	@Override
	public CompletionStage<Boolean> delete(String name) {
		this.entries.remove(name);
		List<String> keys = List.of(this.trackerKeyPrefix + name, this.indexKey, this.tombstoneKeyPrefix + name);
		String tombstoneMillis = Long.toString(Math.max(TOMBSTONE_MIN.toMillis(), this.retention.toMillis()));
		return call(this.redis.execute(DELETE, keys, List.of(name, tombstoneMillis))
			.next()
			.map((count) -> count > 0)
			.defaultIfEmpty(false)
			.timeout(this.timeout)
			.transform(RedisCalls::offThread)
			.toFuture());
	}

	/**
	 * Read the cluster's trackers in one round trip (a script returns the live replicas, the
	 * server time and every tracker's hash, the newest {@value #MAX_READ} at most), overlay
	 * this replica's parts with the live values of its trackers, and add the local trackers
	 * not written yet.
	 */
	@Override
	public CompletionStage<List<ProgressSnapshot>> snapshots(List<AsyncProgress> local) {
		return read("").thenApply((result) -> {
			List<ProgressSnapshot> trackers = new ArrayList<>();
			Set<String> shown = new HashSet<>();
			result.trackers.forEach((name, hash) -> {
				trackers.add(merge(name, hash, result, find(local, name)));
				shown.add(name);
			});
			for (AsyncProgress progress : local) {
				if (!shown.contains(progress.name()) && isPending(progress)) {
					trackers.add(ProgressSnapshot.of(progress));
				}
			}
			trackers.sort(Comparator.comparing(ProgressSnapshot::startedAt));
			return trackers;
		});
	}

	@Override
	public CompletionStage<Optional<ProgressSnapshot>> snapshot(String name, @Nullable AsyncProgress local) {
		return read(name).thenApply((result) -> {
			Map<String, String> hash = result.trackers.get(name);
			if (hash != null) {
				return Optional.of(merge(name, hash, result, local));
			}
			return (local != null && isPending(local)) ? Optional.of(ProgressSnapshot.of(local)) : Optional.empty();
		});
	}

	/** Whether this local tracker has not been attached to a cluster tracker yet. */
	private boolean isPending(AsyncProgress progress) {
		Entry entry = this.entries.get(progress.name());
		return entry != null && entry.progress == progress && entry.run == 0;
	}

	private static @Nullable AsyncProgress find(List<AsyncProgress> local, String name) {
		for (AsyncProgress progress : local) {
			if (progress.name().equals(name)) {
				return progress;
			}
		}
		return null;
	}

	private ProgressSnapshot merge(String name, Map<String, String> hash, ReadResult result,
			@Nullable AsyncProgress local) {
		String me = replicaId();
		Entry entry = (local != null) ? this.entries.get(name) : null;
		long run = parseLong(hash.get("run"));
		boolean overlay = entry != null && entry.progress == local && entry.run == run;
		Map<String, Map<String, String>> byReplica = new HashMap<>();
		hash.forEach((field, value) -> {
			int separator = field.lastIndexOf('|');
			if (separator > 0) {
				byReplica.computeIfAbsent(field.substring(0, separator), (id) -> new HashMap<>())
					.put(field.substring(separator + 1), value);
			}
		});
		List<Part> parts = new ArrayList<>();
		byReplica.forEach((replica, fields) -> {
			Instant startedAt = Instant.ofEpochMilli(parseLong(fields.get("start")));
			Instant updatedAt = Instant.ofEpochMilli(parseLong(fields.get("at")));
			String end = fields.get("end");
			Instant endedAt = (end != null) ? Instant.ofEpochMilli(parseLong(end)) : null;
			if (overlay && replica.equals(me)) {
				State state = local.state();
				long failed = local.failed();
				long completed = Math.max(failed, local.completed());
				Instant ended = state.isEnded() ? ((endedAt != null) ? endedAt : result.now) : null;
				parts.add(new Part(replica, state, local.total(), completed, completed - failed, failed, startedAt,
						ended, result.now, false));
			}
			else {
				State state = State.valueOf(fields.getOrDefault("state", State.RUNNING.name()));
				long failed = parseLong(fields.get("failed"));
				long completed = Math.max(failed, parseLong(fields.get("completed")));
				boolean stale = !result.live.contains(replica) && !replica.equals(me);
				parts.add(new Part(replica, state, parseLong(fields.get("total")), completed, completed - failed,
						failed, startedAt, endedAt, updatedAt, stale));
			}
		});
		return ProgressSnapshot.merge(name, parts, result.now);
	}

	@SuppressWarnings("unchecked")
	private CompletableFuture<ReadResult> read(String name) {
		List<String> args = List.of(this.trackerKeyPrefix, Long.toString(this.replicas.ttl().toMillis()),
				Integer.toString(MAX_READ), name);
		return call(this.redis.execute(READ, List.of(this.indexKey, this.replicasKey), args)
			.next()
			.timeout(this.timeout)
			.transform(RedisCalls::offThread)
			.toFuture()
			.thenApply((raw) -> {
				List<Object> reply = (List<Object>) raw;
				Instant now = Instant.ofEpochMilli(Long.parseLong(String.valueOf(reply.get(0))));
				Set<String> live = new HashSet<>((List<String>) reply.get(1));
				Map<String, Map<String, String>> trackers = new java.util.LinkedHashMap<>();
				for (int i = 2; i + 1 < reply.size(); i += 2) {
					List<Object> flat = (List<Object>) reply.get(i + 1);
					Map<String, String> hash = new HashMap<>();
					for (int j = 0; j + 1 < flat.size(); j += 2) {
						hash.put(String.valueOf(flat.get(j)), String.valueOf(flat.get(j + 1)));
					}
					trackers.put(String.valueOf(reply.get(i)), hash);
				}
				return new ReadResult(now, live, trackers);
			}));
	}

	/** Note the outcome of a call for the once-only outage log, and pass it on. */
	private <T> CompletableFuture<T> call(CompletableFuture<T> future) {
		long started = System.nanoTime();
		return future.whenComplete((value, ex) -> {
			if (ex == null) {
				markReachable(started);
			}
			else {
				markUnreachable(ex, started);
			}
		});
	}

	private static long parseLong(@Nullable String value) {
		if (value == null) {
			return 0;
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/**
	 * Write each tracker that changed since its last write (and is not being written), and
	 * forget dropped trackers once written. Runs on the scheduler; only starts calls.
	 */
	void flush() {
		for (Entry entry : this.entries.values()) {
			try {
				if (!entry.isDirty()) {
					if (entry.untracked) {
						this.entries.remove(entry.progress.name(), entry);
					}
				}
				else if (entry.writing.compareAndSet(false, true)) {
					write(entry);
				}
			}
			catch (RuntimeException ex) {
				// One tracker's write must not stop the others' (nor the flusher).
				entry.writing.set(false);
				markUnreachable(ex, System.nanoTime());
			}
		}
	}

	private CompletableFuture<Void> write(Entry entry) {
		AsyncProgress progress = entry.progress;
		State state = progress.state();
		long failed = progress.failed();
		long completed = Math.max(failed, progress.completed());
		long run = entry.run;
		List<String> args = List.of((run != 0) ? Long.toString(run) : "", replicaId(), state.name(),
				Long.toString(progress.total()), Long.toString(completed), Long.toString(failed),
				Long.toString(this.replicas.ttl().toMillis()), Long.toString(Math.max(1, this.retention.toMillis())),
				progress.name(), Long.toString(progress.elapsed().toMillis()));
		List<String> keys = List.of(this.trackerKeyPrefix + progress.name(), this.indexKey, this.replicasKey,
				this.tombstoneKeyPrefix + progress.name());
		CompletableFuture<Void> written = call(this.redis.execute(WRITE, keys, args)
			.next()
			.timeout(this.timeout)
			.transform(RedisCalls::offThread)
			.toFuture())
			.handle((result, ex) -> {
				entry.writing.set(false);
				if (ex != null || result == null) {
					return null;
				}
				if (result < 0) {
					this.entries.remove(progress.name(), entry);
					if (!entry.untracked) {
						detach(entry);
					}
				}
				else {
					entry.run = result;
					entry.written = new Written(state, completed, failed);
				}
				return null;
			});
		entry.lastWrite = written;
		return written;
	}

	private static void detach(Entry entry) {
		try {
			entry.onDetached.run();
		}
		catch (RuntimeException ex) {
			logger.warn("Dropping tracker '{}' after its removal from the cluster failed", entry.progress.name(), ex);
		}
	}

	/**
	 * A call that started at {@code started} succeeded. A call that started before the last
	 * change (Redis went or came back) tells nothing new: a write queued during an outage may
	 * still time out just after Redis is back, and must not make a second WARN.
	 */
	private void markReachable(long started) {
		if (started - this.changedAt.get() < 0) {
			return;
		}
		if (this.reachable.compareAndSet(false, true)) {
			this.changedAt.set(System.nanoTime());
			logger.info("Replica {}: Redis is reachable again; writing the trackers' counts kept meanwhile",
					replicaId());
		}
	}

	private void markUnreachable(Throwable ex, long started) {
		if (started - this.changedAt.get() < 0) {
			logger.debug("Replica {}: a progress call from before Redis came back failed", replicaId(), ex);
			return;
		}
		if (this.reachable.compareAndSet(true, false)) {
			this.changedAt.set(System.nanoTime());
			logger.warn("Replica {}: cannot reach Redis to share progress ({}); the work goes on, counts are kept"
					+ " here and written when Redis is back", replicaId(), rootMessage(ex));
		}
		else {
			logger.debug("Replica {}: Redis still unreachable for progress", replicaId(), ex);
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof java.util.concurrent.CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause.toString();
	}

	/**
	 * Whether the last call to Redis succeeded.
	 * @return {@code false} from a failed call until one succeeds
	 */
	public boolean isReachable() {
		return this.reachable.get();
	}

	/**
	 * Start the flusher: every {@code flushInterval}, on the scheduler, write what changed.
	 */
	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		long millis = this.flushInterval.toMillis();
		this.flushing = this.scheduler.scheduleWithFixedDelay(this::flush, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return RedisReplicas.PHASE;
	}

	/**
	 * Stop the flusher and write every tracker not written yet, waiting for the writes in
	 * flight and then for those, at most twice the timeout each (blocks the caller, a
	 * lifecycle thread). What cannot be written (Redis down) stays unwritten: the parts go
	 * stale when this replica's heartbeat ends.
	 */
	@Override
	public void stop() {
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.running = false;
			if (this.flushing != null) {
				this.flushing.cancel(false);
			}
		}
		try {
			awaitAll(this.entries.values().stream().map((entry) -> entry.lastWrite).toList());
			List<CompletableFuture<Void>> last = new ArrayList<>();
			for (Entry entry : this.entries.values()) {
				if (entry.isDirty() && entry.writing.compareAndSet(false, true)) {
					last.add(write(entry));
				}
			}
			awaitAll(last);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void awaitAll(List<? extends CompletableFuture<?>> writes) throws InterruptedException {
		try {
			CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
				.handle((ignored, ex) -> null)
				.get(this.timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.debug("Replica {}: last progress writes did not finish in time", replicaId(), ex);
		}
	}

	/**
	 * The same as {@link #stop()}, for use without a Spring lifecycle.
	 */
	@Override
	public void close() {
		stop();
	}

	/**
	 * One local tracker this store shares, and what of it was written last.
	 */
	private static final class Entry {

		final AsyncProgress progress;

		final Runnable onDetached;

		final AtomicBoolean writing = new AtomicBoolean();

		/** The run it is attached to, 0 until its first write. */
		volatile long run;

		volatile @Nullable Written written;

		volatile boolean untracked;

		volatile CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);

		Entry(AsyncProgress progress, Runnable onDetached) {
			this.progress = progress;
			this.onDetached = onDetached;
		}

		boolean isDirty() {
			Written last = this.written;
			if (last == null) {
				return true;
			}
			State state = this.progress.state();
			return state != last.state || this.progress.failed() != last.failed
					|| this.progress.completed() != last.completed;
		}

	}

	private record Written(State state, long completed, long failed) {
	}

	private record ReadResult(Instant now, Set<String> live, Map<String, Map<String, String>> trackers) {
	}

}
