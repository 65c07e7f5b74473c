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
 * ran out of time, for the job summary. A job is counted from {@link #start(long)} until
 * {@link #stopCounting(long)} or {@link #forget(long)}: a lookup interrupted because its job
 * was cancelled is not a timeout, and a lookup that ends after its job is forgotten leaves
 * nothing behind.
 */
@Component
public class JobStatistics {

	private final Map<Long, Counts> jobs = new ConcurrentHashMap<>();

	void start(long jobId) {
		this.jobs.put(jobId, new Counts());
	}

	void attempt(Item item) {
		Counts counts = this.jobs.get(item.jobId());
		if (counts != null && counts.counting) {
			counts.attempts.computeIfAbsent(item.id(), (id) -> new AtomicInteger()).incrementAndGet();
		}
	}

	void timedOut(Item item) {
		Counts counts = this.jobs.get(item.jobId());
		if (counts != null && counts.counting) {
			counts.timeouts.increment();
		}
	}

	/**
	 * Keep the counts as they are: the job is being cancelled, and the interrupts that stop
	 * its lookups must not count as timeouts.
	 */
	void stopCounting(long jobId) {
		Counts counts = this.jobs.get(jobId);
		if (counts != null) {
			counts.counting = false;
		}
	}

	int retriedItems(long jobId) {
		Counts counts = this.jobs.get(jobId);
		return (counts != null)
				? (int) counts.attempts.values().stream().filter((attempts) -> attempts.get() > 1).count() : 0;
	}

	long timeouts(long jobId) {
		Counts counts = this.jobs.get(jobId);
		return (counts != null) ? counts.timeouts.sum() : 0;
	}

	void forget(long jobId) {
		this.jobs.remove(jobId);
	}

	private static final class Counts {

		private final Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();

		private final LongAdder timeouts = new LongAdder();

		private volatile boolean counting = true;

	}

}
