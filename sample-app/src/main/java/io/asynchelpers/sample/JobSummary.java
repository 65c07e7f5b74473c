/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.time.Instant;
import java.util.Locale;

import io.asynchelpers.AsyncProgress;
import org.jspecify.annotations.Nullable;

/**
 * Where a job stands, or what became of it.
 *
 * @param id the job's id
 * @param tracker the name of its progress tracker on {@code /actuator/asyncprogress}
 * @param state {@code running}, or how it ended: {@code completed} (every item finished,
 * some may have failed), {@code cancelled}, {@code stopped} (by a shutdown) or
 * {@code failed} (the job as a whole)
 * @param items how many items it enriches
 * @param succeeded items enriched so far
 * @param failed items that failed after all retries so far
 * @param retried items that needed more than one attempt
 * @param timedOut attempts that ran out of time
 * @param startedAt when it started
 * @param finishedAt when its run ended, or {@code null} while running
 */
public record JobSummary(long id, String tracker, String state, int items, long succeeded, long failed, int retried,
		long timedOut, Instant startedAt, @Nullable Instant finishedAt) {

	/**
	 * Summarise a job from its tracker. The state is read before the counts, so a job seen
	 * ended shows the counts it ended with.
	 */
	static JobSummary of(long id, AsyncProgress progress, int retried, long timedOut, @Nullable Instant finishedAt) {
		AsyncProgress.State state = progress.state();
		long failed = progress.failed();
		long completed = Math.max(failed, progress.completed());
		return new JobSummary(id, progress.name(), state.name().toLowerCase(Locale.ROOT), (int) progress.total(),
				completed - failed, failed, retried, timedOut, progress.startedAt(), finishedAt);
	}

}
