/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PermitStore#inMemory()}: the leases of each key in a set guarded by the key's
 * monitor (held for a few instructions, never while a listener runs). Leases never expire
 * and need no renewal: their holders live in this process.
 */
final class InMemoryPermitStore implements PermitStore {

	private static final Logger logger = LoggerFactory.getLogger(InMemoryPermitStore.class);

	private final Map<String, Permits> permits = new ConcurrentHashMap<>();

	private final AtomicLong ids = new AtomicLong();

	@Override
	public CompletableFuture<List<String>> acquire(String key, int wanted, int limit) {
		Checks.notNull(key, "key");
		Checks.notNegative(wanted, "wanted");
		Checks.positive(limit, "limit");
		Permits held = permits(key);
		List<String> granted;
		synchronized (held) {
			int free = Math.min(wanted, limit - held.leases.size());
			granted = new ArrayList<>(Math.max(free, 0));
			for (int i = 0; i < free; i++) {
				String lease = "m" + this.ids.incrementAndGet();
				held.leases.add(lease);
				granted.add(lease);
			}
		}
		return CompletableFuture.completedFuture(granted);
	}

	@Override
	public CompletableFuture<Void> release(String key, String lease) {
		Checks.notNull(key, "key");
		Checks.notNull(lease, "lease");
		Permits held = permits(key);
		boolean removed;
		synchronized (held) {
			removed = held.leases.remove(lease);
		}
		if (removed) {
			for (Runnable listener : held.listeners) {
				try {
					listener.run();
				}
				catch (RuntimeException ex) {
					logger.warn("A listener of the permits of {} failed", key, ex);
				}
			}
		}
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public AutoCloseable onRelease(String key, Runnable listener) {
		Checks.notNull(key, "key");
		Checks.notNull(listener, "listener");
		Permits held = permits(key);
		held.listeners.add(listener);
		return () -> held.listeners.remove(listener);
	}

	@Override
	public int knownReplicas() {
		return 1;
	}

	/**
	 * Return how many leases of a key are held now, for tests.
	 */
	int held(String key) {
		Permits held = permits(key);
		synchronized (held) {
			return held.leases.size();
		}
	}

	@Override
	public String toString() {
		return "InMemoryPermitStore[" + this.permits.size() + " keys]";
	}

	private Permits permits(String key) {
		Permits held = this.permits.get(key);
		return (held != null) ? held : this.permits.computeIfAbsent(key, (name) -> new Permits());
	}

	private static final class Permits {

		private final Set<String> leases = new HashSet<>();

		private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	}

}
