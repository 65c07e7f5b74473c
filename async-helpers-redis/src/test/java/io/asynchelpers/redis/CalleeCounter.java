/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the callee sees: how many calls are in flight now, the most there ever were, and how
 * many there were in all.
 */
final class CalleeCounter {

	private final AtomicInteger current = new AtomicInteger();

	private final AtomicInteger peak = new AtomicInteger();

	private final AtomicInteger calls = new AtomicInteger();

	void enter() {
		this.calls.incrementAndGet();
		this.peak.accumulateAndGet(this.current.incrementAndGet(), Math::max);
	}

	void exit() {
		this.current.decrementAndGet();
	}

	int peak() {
		return this.peak.get();
	}

	int calls() {
		return this.calls.get();
	}

}
