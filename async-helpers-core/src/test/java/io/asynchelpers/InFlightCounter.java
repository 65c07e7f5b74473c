/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts how many tasks run at the same moment and remembers the highest count seen.
 */
final class InFlightCounter {

	private final AtomicInteger current = new AtomicInteger();

	private final AtomicInteger max = new AtomicInteger();

	private final AtomicInteger started = new AtomicInteger();

	void enter() {
		this.started.incrementAndGet();
		int now = this.current.incrementAndGet();
		this.max.accumulateAndGet(now, Math::max);
	}

	void exit() {
		this.current.decrementAndGet();
	}

	int max() {
		return this.max.get();
	}

	int current() {
		return this.current.get();
	}

	int started() {
		return this.started.get();
	}

}
