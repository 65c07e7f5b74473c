/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PermitStore} for tests, over the in-memory one, whose answers come on a thread of
 * its own ({@code fake-store}) and that can be made slow, stingy, deaf or unreachable. It
 * records every request and every lease granted and released.
 */
final class FakePermitStore implements PermitStore, AutoCloseable {

	static final String THREAD_NAME = "fake-store";

	private final InMemoryPermitStore memory = new InMemoryPermitStore();

	private final ExecutorService thread = Executors.newSingleThreadExecutor((task) -> new Thread(task, THREAD_NAME));

	/** How many leases each request asked for, in order. */
	final List<Integer> requests = new CopyOnWriteArrayList<>();

	/** Leases granted, each once. */
	final Set<String> granted = ConcurrentHashMap.newKeySet();

	/** Leases released, in order: a lease released twice shows up twice. */
	final List<String> released = new CopyOnWriteArrayList<>();

	/** Leases whose release failed because the store was down: held until {@link #expireUnreleased()}. */
	final List<String[]> unreleased = new CopyOnWriteArrayList<>();

	volatile boolean down;

	volatile boolean notifying = true;

	volatile int grantAtMost = Integer.MAX_VALUE;

	volatile long delayMillis;

	volatile int replicas = 1;

	@Override
	public CompletableFuture<List<String>> acquire(String key, int wanted, int limit) {
		this.requests.add(wanted);
		return CompletableFuture.supplyAsync(() -> {
			if (this.down) {
				throw new IllegalStateException("the fake store is down");
			}
			List<String> ids = this.memory.acquire(key, Math.min(wanted, this.grantAtMost), limit).join();
			this.granted.addAll(ids);
			return ids;
		}, executor());
	}

	@Override
	public CompletableFuture<Void> release(String key, String lease) {
		this.released.add(lease);
		return CompletableFuture.runAsync(() -> {
			if (this.down) {
				this.unreleased.add(new String[] { key, lease });
				throw new IllegalStateException("the fake store is down");
			}
			this.memory.release(key, lease);
		}, this.thread);
	}

	@Override
	public AutoCloseable onRelease(String key, Runnable listener) {
		return this.memory.onRelease(key, () -> {
			if (this.notifying) {
				this.thread.execute(listener);
			}
		});
	}

	@Override
	public int knownReplicas() {
		return this.replicas;
	}

	/**
	 * Take a lease of the key for the test itself, as another replica would.
	 */
	List<String> take(String key, int wanted, int limit) {
		return this.memory.acquire(key, wanted, limit).join();
	}

	/**
	 * Give back a lease the test took, telling the listeners if the store is notifying.
	 */
	void free(String key, String lease) {
		this.memory.release(key, lease);
	}

	/** Drop the leases whose release failed, as their time to live would. */
	void expireUnreleased() {
		for (String[] lease : new ArrayList<>(this.unreleased)) {
			this.memory.release(lease[0], lease[1]);
			this.unreleased.remove(lease);
		}
	}

	/** How many leases of the key are held now. */
	int held(String key) {
		return this.memory.held(key);
	}

	private java.util.concurrent.Executor executor() {
		long delay = this.delayMillis;
		return (delay > 0) ? CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, this.thread) : this.thread;
	}

	@Override
	public void close() {
		this.thread.shutdownNow();
	}

}
