/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

/**
 * What the helpers' executor does with a task when its queue is full and its pool at the
 * maximum. Unlike the JDK's discard policies, none of these loses a task silently: a task
 * that is not run completes its future with a {@code RejectedExecutionException}.
 * <p>
 * The policy applies to a saturated executor that is running. Once the executor has shut
 * down (the application is closing), every policy fails a task offered to it with a
 * {@link io.asynchelpers.NotStartedException} instead: none runs it on the caller, none
 * drops it.
 */
public enum RejectionPolicy {

	/** Reject the new task: its future fails with the rejection. */
	ABORT,

	/**
	 * Run the new task on the thread that submitted it (back-pressure on the caller). Except
	 * on the helpers' scheduler thread, which times every pause and time limit: a pause that
	 * ends while the pool is saturated (a retry's next attempt, the next batch) waits a few
	 * milliseconds more and is offered again, until a pool thread is free, instead of running
	 * there and holding up every other timer. After a second of that it runs there after
	 * all, as the policy asks (the pool's threads may all be waiting for it); a pause that
	 * only completes a future ({@code delay}) does so at once.
	 */
	CALLER_RUNS,

	/** Do not run the new task: its future fails with the rejection. */
	DISCARD,

	/** Drop the oldest queued task (its future fails with the rejection) and queue the new one. */
	DISCARD_OLDEST

}
