/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slots of a cluster-scoped {@link ConcurrencyLimiter}: leases of a key in a
 * {@link PermitStore}. The limiter's drain loop takes a granted lease where a local limiter
 * increments its counter; a "pump" asks the store for more while calls wait, one request at
 * a time, for as many as wait (capped by the limit). Granted leases reach the waiting calls
 * through the drain, which may run on the store's thread: there it only wakes blocked
 * callers and hands queued tasks to the executor, so no call starts on the store's or the
 * scheduler's thread.
 * <p>
 * Leases are handed on within this replica for at most the poll interval after their grant,
 * then given back, and the limiter waits a fortieth of the poll interval before it asks
 * again, so that the replicas told of the release get a head start: there is no strict
 * order between replicas, but a replica with a backlog does not keep the permits from the
 * others.
 * <p>
 * A call's slot is the lease it took, or {@link #FALLBACK_SLOT} when it started under
 * {@link PermitFailureMode#LOCAL} while the store was unreachable: it gives back what it
 * took, whatever the mode is when it ends.
 */
final class ClusterPermits {

	private static final Logger logger = LoggerFactory.getLogger(ClusterPermits.class);

	/** The slot of a call that started under the local fallback limit. */
	static final Object FALLBACK_SLOT = new Object();

	/**
	 * Calls running on {@link #FALLBACK_SLOT}s: after the store came back they still count
	 * against this replica's share, so no more leases are asked for than leave room for them.
	 */
	private final AtomicInteger fallbackRunning = new AtomicInteger();

	private final ConcurrencyLimiter limiter;

	private final PermitStore store;

	private final String key;

	private final int limit;

	private final PermitFailureMode failureMode;

	private final ScheduledExecutorService scheduler;

	private final long pollNanos;

	/** Leases held and not used by a call: handed to the next waiting call, else given back. */
	private final ConcurrentLinkedQueue<Lease> idle = new ConcurrentLinkedQueue<>();

	/** Leases held, idle or used by a call. */
	private final AtomicInteger held = new AtomicInteger();

	/** Whether a request to the store is in flight: at most one is. */
	private final AtomicBoolean requesting = new AtomicBoolean();

	/** Whether a release was heard (or the poll fired) while a request was in flight. */
	private final AtomicBoolean askAgain = new AtomicBoolean();

	/**
	 * Whether the store's last answer granted less than was asked: then only a release or
	 * the poll makes the limiter ask again, not every call that queues.
	 */
	private volatile boolean starved;

	private volatile long starvedAt;

	private final AtomicBoolean pollScheduled = new AtomicBoolean();

	/** Until when ({@link System#nanoTime()}) this limiter asks the store for nothing. */
	private volatile long yieldUntil = System.nanoTime();

	private final AtomicBoolean subscribed = new AtomicBoolean();

	/** Set while the store is unreachable: the limiter rejects or limits locally. */
	private final AtomicReference<@Nullable Unreachable> unreachable = new AtomicReference<>();

	ClusterPermits(ConcurrencyLimiter limiter, PermitStore store, String key, PermitFailureMode failureMode,
			ScheduledExecutorService scheduler) {
		this.limiter = limiter;
		this.store = store;
		this.key = key;
		this.limit = limiter.limit();
		this.failureMode = failureMode;
		this.scheduler = scheduler;
		this.pollNanos = Checks.positive(store.pollInterval(), "store.pollInterval()").toNanos();
	}

	String key() {
		return this.key;
	}

	/**
	 * Take an idle lease (or, while the store is unreachable in {@link PermitFailureMode#LOCAL},
	 * a local slot), counting the call as active.
	 * @return the slot, or {@code null} if none is free now
	 */
	@Nullable Object tryTake() {
		AtomicInteger active = this.limiter.activeCounter();
		Unreachable down = this.unreachable.get();
		if (down == null) {
			Lease lease = this.idle.poll();
			if (lease == null) {
				return null;
			}
			active.incrementAndGet();
			return lease;
		}
		if (!ConcurrencyLimiter.incrementBelow(active, down.localLimit())) {
			return null;
		}
		this.fallbackRunning.incrementAndGet();
		return FALLBACK_SLOT;
	}

	/**
	 * A call ended: hand its lease to the next waiting call of this limiter, else give it
	 * back to the store (one round trip, not waited for). A lease is handed on for at most
	 * the poll interval after it was granted: then it goes back to the store even though
	 * calls wait here, so that a replica with a backlog cannot keep the permits from the
	 * others for good (they are told of the release and compete for it with this one).
	 */
	void giveBack(Object slot) {
		this.limiter.activeCounter().decrementAndGet();
		if (slot == FALLBACK_SLOT) {
			this.fallbackRunning.decrementAndGet();
		}
		else {
			Lease lease = (Lease) slot;
			boolean waiters = this.unreachable.get() == null && this.limiter.hasWaiters();
			if (waiters && System.nanoTime() - lease.grantedAt() < this.pollNanos) {
				this.idle.offer(lease);
			}
			else {
				if (waiters) {
					// Give the replicas told of this release a head start before asking again.
					yieldBriefly();
				}
				releaseToStore(lease);
			}
		}
		// A caller that queues after this check runs the drain itself.
		if (this.limiter.hasWaiters()) {
			this.limiter.drain();
		}
	}

	/**
	 * The drain took a slot for a call that was gone: keep the lease for the next one (or
	 * give it back in {@link #afterDrain()}).
	 */
	void putBack(Object slot) {
		this.limiter.activeCounter().decrementAndGet();
		if (slot == FALLBACK_SLOT) {
			this.fallbackRunning.decrementAndGet();
		}
		else {
			this.idle.offer((Lease) slot);
		}
	}

	/**
	 * Called by the drain loop once it has handed out what it could: give unused leases back,
	 * reject the calls that cannot be served, or ask the store for more.
	 */
	void afterDrain() {
		Unreachable down = this.unreachable.get();
		if (down != null) {
			Lease lease;
			while ((lease = this.idle.poll()) != null) {
				releaseToStore(lease);
			}
			if (down.localLimit() == 0) {
				this.limiter.rejectWaiting(false, () -> unreachableFailure(down));
			}
			else {
				// The local limit is taken: those that may not wait are not started.
				this.limiter.rejectWaiting(true, () -> new ConcurrencyLimitExceededException(this.limiter.name(),
						this.limit, "the local fallback limit of " + down.localLimit() + " is taken and it may not wait"));
			}
			return;
		}
		if (!this.limiter.hasWaiters()) {
			Lease lease;
			while (!this.limiter.hasWaiters() && (lease = this.idle.poll()) != null) {
				releaseToStore(lease);
			}
			return;
		}
		if (this.starved && System.nanoTime() - this.starvedAt < this.pollNanos) {
			// The store had no lease left a moment ago: those that may not wait have had their turn.
			this.limiter.rejectWaiting(true, () -> new ConcurrencyLimitExceededException(this.limiter.name(),
					this.limit, "no permit of cluster key " + this.key + " was free and it may not wait"));
			schedulePoll();
			return;
		}
		this.starved = false;
		if (this.limit - this.held.get() - this.fallbackRunning.get() <= 0) {
			// Every lease is held here, in use: those that may not wait are not served.
			this.limiter.rejectWaiting(true, () -> new ConcurrencyLimitExceededException(this.limiter.name(),
					this.limit, "every permit of cluster key " + this.key + " is in use and it may not wait"));
		}
		pump(true, false);
	}

	/**
	 * Whether calls are rejected now because the store is unreachable
	 * ({@link PermitFailureMode#REJECT}); if so, the rejection is counted.
	 * @return the rejection for the call, or {@code null} if it may queue
	 */
	@Nullable ConcurrencyLimitExceededException unavailable() {
		Unreachable down = this.unreachable.get();
		if (down == null || down.localLimit() > 0) {
			return null;
		}
		this.limiter.counted();
		return unreachableFailure(down);
	}

	private ConcurrencyLimitExceededException unreachableFailure(Unreachable down) {
		return new ConcurrencyLimitExceededException(this.limiter.name(), this.limit,
				this.limiter.name() + ": the permit store is unreachable (" + down.cause()
						+ "); the call needs a permit of cluster key " + this.key + " (limit " + this.limit
						+ ") and is rejected until the store answers again (failure mode REJECT)",
				down.cause());
	}

	/**
	 * Ask the store for as many leases as calls wait (capped by the limit), unless a
	 * request is in flight already.
	 * @param mayRunCalls whether this thread may start calls (it is draining already, on a
	 * caller's or the executor's thread), so that an answer that is there at once is used
	 * at once
	 * @param heardOfRoom whether a release was heard or the poll fired: then a request in
	 * flight is followed by another one
	 */
	private void pump(boolean mayRunCalls, boolean heardOfRoom) {
		if (System.nanoTime() - this.yieldUntil < 0) {
			// Yielding after giving a lease back: the timer asks again.
			return;
		}
		if (!this.requesting.compareAndSet(false, true)) {
			if (heardOfRoom) {
				this.askAgain.set(true);
			}
			return;
		}
		subscribe();
		this.askAgain.set(false);
		int wanted = Math.min(Math.max(this.limiter.queued(), 1),
				this.limit - this.held.get() - this.fallbackRunning.get());
		if (wanted <= 0 || this.unreachable.get() != null || !this.limiter.hasWaiters()) {
			// All leases in use here (they come back when calls end), or nothing to ask for.
			this.requesting.set(false);
			return;
		}
		CompletableFuture<List<String>> grant;
		try {
			grant = this.store.acquire(this.key, wanted, this.limit);
		}
		catch (RuntimeException ex) {
			grant = CompletableFuture.failedFuture(ex);
		}
		if (mayRunCalls && grant.isDone()) {
			granted(grant, wanted, true);
		}
		else {
			CompletableFuture<List<String>> answer = grant;
			answer.whenComplete((ids, ex) -> granted(answer, wanted, false));
		}
	}

	private void granted(CompletableFuture<List<String>> grant, int wanted, boolean mayRunCalls) {
		List<String> ids;
		try {
			ids = grant.join();
		}
		catch (RuntimeException ex) {
			this.requesting.set(false);
			storeUnreachable(Exceptions.unwrap(ex));
			return;
		}
		this.held.addAndGet(ids.size());
		long now = System.nanoTime();
		for (String id : ids) {
			this.idle.offer(new Lease(id, now));
		}
		boolean shortOfWanted = ids.size() < wanted;
		this.requesting.set(false);
		// A release heard while asking may have made room since the store answered.
		this.starved = shortOfWanted && !this.askAgain.getAndSet(false);
		if (this.starved) {
			this.starvedAt = System.nanoTime();
			schedulePoll();
		}
		drain(mayRunCalls);
	}

	/**
	 * Run the limiter's drain here; on a thread that may not start calls (the store's, the
	 * scheduler's) it wakes blocked callers itself and hands queued tasks to the executor,
	 * so that a grant reaches blocked callers even when they occupy every executor thread.
	 */
	private void drain(boolean mayRunCalls) {
		if (mayRunCalls) {
			this.limiter.drain();
		}
		else {
			this.limiter.drainForeign();
		}
	}

	private void storeUnreachable(Throwable cause) {
		int localLimit = (this.failureMode == PermitFailureMode.LOCAL)
				? Math.max(1, this.limit / Math.max(1, this.store.knownReplicas())) : 0;
		Unreachable down = new Unreachable(cause, localLimit);
		if (this.unreachable.compareAndSet(null, down)) {
			if (localLimit == 0) {
				logger.warn("Concurrency limit {} (cluster key {}): the permit store is unreachable ({}); calls that "
						+ "need a permit are rejected until it answers again", this.limiter.name(), this.key,
						cause.toString());
			}
			else {
				logger.warn("Concurrency limit {} (cluster key {}): the permit store is unreachable ({}); this replica "
						+ "limits its calls to {} ({} / {} replicas last known) until it answers again",
						this.limiter.name(), this.key, cause.toString(), localLimit, this.limit,
						Math.max(1, this.store.knownReplicas()));
			}
		}
		this.starved = false;
		schedulePoll();
		// Drops idle leases, then rejects the waiting calls or starts them under the local limit.
		drain(false);
	}

	/**
	 * Ask the store for nothing for a moment (a fortieth of the poll interval), then ask
	 * again from the scheduler: the replicas told of a lease this one gave back while its
	 * own calls wait get a head start for it.
	 */
	private void yieldBriefly() {
		long pause = Math.max(1, this.pollNanos / 40);
		this.yieldUntil = System.nanoTime() + pause;
		try {
			this.scheduler.schedule(() -> {
				this.yieldUntil = System.nanoTime();
				if (this.limiter.hasWaiters()) {
					this.starved = false;
					pump(false, true);
				}
			}, pause, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.yieldUntil = System.nanoTime();
		}
	}

	private void schedulePoll() {
		if (!this.pollScheduled.compareAndSet(false, true)) {
			return;
		}
		try {
			this.scheduler.schedule(this::poll, this.pollNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.pollScheduled.set(false);
			logger.debug("Concurrency limit {}: the scheduler is shut down, no more polls of cluster key {}",
					this.limiter.name(), this.key);
		}
	}

	/**
	 * On the scheduler's thread: only sends a request, whose answer is handled on the store's
	 * thread and used on the executor.
	 */
	private void poll() {
		this.pollScheduled.set(false);
		Unreachable down = this.unreachable.get();
		if (down != null) {
			probe(down);
		}
		else if (this.limiter.hasWaiters()) {
			this.starved = false;
			pump(false, true);
		}
	}

	private void probe(Unreachable down) {
		CompletableFuture<List<String>> answer;
		try {
			answer = this.store.acquire(this.key, 0, this.limit);
		}
		catch (RuntimeException ex) {
			answer = CompletableFuture.failedFuture(ex);
		}
		answer.whenComplete((ids, ex) -> {
			if (ex != null) {
				schedulePoll();
				return;
			}
			if (this.unreachable.compareAndSet(down, null)) {
				logger.info("Concurrency limit {} (cluster key {}): the permit store answers again; calls take "
						+ "cluster permits again", this.limiter.name(), this.key);
			}
			if (this.limiter.hasWaiters()) {
				this.starved = false;
				pump(false, true);
			}
		});
	}

	private void subscribe() {
		if (this.subscribed.compareAndSet(false, true)) {
			try {
				this.store.onRelease(this.key, this::released);
			}
			catch (RuntimeException ex) {
				this.subscribed.set(false);
				logger.debug("Concurrency limit {}: could not subscribe to releases of cluster key {}; polling",
						this.limiter.name(), this.key, ex);
			}
		}
	}

	/** On the store's thread: a lease of the key was released somewhere. */
	private void released() {
		if (this.limiter.hasWaiters() && this.unreachable.get() == null) {
			this.starved = false;
			pump(false, true);
		}
	}

	private void releaseToStore(Lease lease) {
		this.held.decrementAndGet();
		try {
			this.store.release(this.key, lease.id());
		}
		catch (RuntimeException ex) {
			// The store logs its failures; the lease expires unrenewed.
			logger.debug("Concurrency limit {}: could not release a lease of cluster key {}", this.limiter.name(),
					this.key, ex);
		}
	}

	/**
	 * A lease granted by the store: the slot of a call.
	 * @param id the lease's id in the store
	 * @param grantedAt when it was granted ({@link System#nanoTime()})
	 */
	private record Lease(String id, long grantedAt) {
	}

	/**
	 * The store is unreachable since {@code cause}.
	 * @param cause the failure that showed it
	 * @param localLimit the local limit meanwhile, {@code 0} to reject
	 */
	private record Unreachable(Throwable cause, int localLimit) {
	}

}
