/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.stereotype.Component;

/**
 * Counts, per job, how many attempts the catalogue saw for each item and how many of them
 * ran out of time, for the job summary.
 */
@Component
public class JobStatistics {

	private final Map<Long, Counts> jobs = new ConcurrentHashMap<>();

	void attempt(Item item) {
		counts(item.jobId()).attempts.computeIfAbsent(item.id(), (id) -> new AtomicInteger()).incrementAndGet();
	}

	void timedOut(Item item) {
		counts(item.jobId()).timeouts.increment();
	}

	int retriedItems(long jobId) {
		return (int) counts(jobId).attempts.values().stream().filter((attempts) -> attempts.get() > 1).count();
	}

	long timeouts(long jobId) {
		return counts(jobId).timeouts.sum();
	}

	void forget(long jobId) {
		this.jobs.remove(jobId);
	}

	private Counts counts(long jobId) {
		return this.jobs.computeIfAbsent(jobId, (id) -> new Counts());
	}

	private static final class Counts {

		private final Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();

		private final LongAdder timeouts = new LongAdder();

	}

}
