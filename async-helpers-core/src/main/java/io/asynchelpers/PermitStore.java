/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the permits of cluster-scoped concurrency limits live: leases of a key, of which
 * at most {@code limit} are held at once over all holders (all replicas of a service). A
 * {@link ConcurrencyLimiter} created with a store
 * ({@link AsyncHelpers#concurrencyLimiter(String, int, int, PermitStore, String, PermitFailureMode)})
 * runs a call once it holds a lease and gives the lease back when the call ends.
 * <p>
 * <b>Contract.</b> Every method returns at once and never blocks: {@link #acquire} and
 * {@link #release} are one round trip to the store each, completed on the store's own
 * thread (for Redis, Lettuce's). The store renews the leases it granted, every third of their
 * time to live, until they are released, so a holder that dies (and stops renewing) loses its
 * leases after that time. Leases cannot stop code that already runs: a holder that cannot
 * renew for longer than the time to live (a long GC pause, a frozen VM, cut off from the
 * store while others reach it) may lose a lease it still uses, and a store that loses its
 * data loses every lease at once; then more than {@code limit} calls can run (see the
 * implementation, e.g. the Redis one, for its own cases). Leases of one key are
 * interchangeable: the store knows nothing of the calls that use them.
 * <p>
 * Callers are told when leases of a key may have been freed elsewhere
 * ({@link #onRelease}), and also poll every {@link #pollInterval()} while they wait, for
 * leases that expired without a release. The in-memory store ({@link #inMemory()}) is the
 * default: with it, a cluster-scoped limit on one instance is a local limit shared by key.
 * Implementations are thread-safe.
 */
public interface PermitStore {

	/**
	 * Ask for up to {@code wanted} leases of a key, granted only while fewer than
	 * {@code limit} leases of the key are held by all holders: one round trip, never
	 * blocking. {@code wanted == 0} grants nothing and only checks that the store answers.
	 * The store renews the granted leases until they are {@linkplain #release released}.
	 * @param key the key of the limit, shared by the holders that share the limit
	 * @param wanted how many leases the caller can use now, {@code >= 0}
	 * @param limit how many leases of the key may be held at once, {@code > 0}
	 * @return a future of the ids of the leases granted, possibly none; failed when the store
	 * is unreachable (a lease it may have granted then expires unused)
	 * @throws IllegalArgumentException if {@code wanted < 0} or {@code limit <= 0}
	 * @throws NullPointerException if {@code key} is {@code null}
	 */
	CompletableFuture<List<String>> acquire(String key, int wanted, int limit);

	/**
	 * Give a lease back and tell the other holders of the key, in one round trip. Callers
	 * may ignore the returned future: the store logs a failure (once, not once per lease)
	 * and the lease then expires when its time to live runs out, as it is no longer renewed.
	 * @param key the key the lease was granted for
	 * @param lease the lease's id, as {@link #acquire} granted it
	 * @return a future that completes when the store has dropped the lease, or fails when it
	 * could not be reached
	 * @throws NullPointerException if an argument is {@code null}
	 */
	CompletableFuture<Void> release(String key, String lease);

	/**
	 * Be told when leases of a key may have been released, by any holder. The listener is
	 * called on the store's thread (the releasing thread for the in-memory store, the
	 * pub/sub thread for Redis) and must be quick and must not block. Notifications may be
	 * lost (while the store is unreachable, for instance): callers poll as well.
	 * @param key the key
	 * @param listener called after a release of the key
	 * @return closing it ends the subscription
	 * @throws NullPointerException if an argument is {@code null}
	 */
	AutoCloseable onRelease(String key, Runnable listener);

	/**
	 * Return how many replicas were live when the store last heard, this one included: the
	 * divisor of a cluster limit while the store is unreachable and limits fall back to
	 * local ones ({@link PermitFailureMode#LOCAL}).
	 * @return the replica count last known, {@code >= 1}
	 */
	int knownReplicas();

	/**
	 * Return how often a caller that waits for leases asks again when it has heard of no
	 * release, so that leases which expired (their holder died) are found, and how often it
	 * checks whether an unreachable store is back.
	 * @return the poll interval; 200 milliseconds unless the store says otherwise
	 */
	default Duration pollInterval() {
		return Duration.ofMillis(200);
	}

	/**
	 * Return a new store in this process's memory: the whole cluster is this instance,
	 * leases never expire (their holders cannot die apart from the store) and a release is
	 * told to the key's listeners on the releasing thread.
	 * @return a new in-memory store
	 */
	static PermitStore inMemory() {
		return new InMemoryPermitStore();
	}

}
