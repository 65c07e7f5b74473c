/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.time.Instant;

/**
 * What became of a job.
 *
 * @param id the job's id
 * @param tracker the name of its progress tracker on {@code /actuator/asyncprogress}
 * @param state {@code running}, {@code completed} or {@code failed}
 * @param items how many items it enriches
 * @param succeeded items enriched
 * @param failed items that failed after all retries
 * @param retried items that needed more than one attempt
 * @param timedOut attempts that ran out of time
 * @param startedAt when it started
 * @param finishedAt when it finished, or {@code null} while running
 */
public record JobSummary(long id, String tracker, String state, int items, int succeeded, int failed, int retried,
		long timedOut, Instant startedAt, Instant finishedAt) {

	static JobSummary running(long id, String tracker, int items, Instant startedAt) {
		return new JobSummary(id, tracker, "running", items, 0, 0, 0, 0, startedAt, null);
	}

	JobSummary completed(int succeeded, int failed, int retried, long timedOut, Instant finishedAt) {
		return new JobSummary(this.id, this.tracker, "completed", this.items, succeeded, failed, retried, timedOut,
				this.startedAt, finishedAt);
	}

	JobSummary failed(Instant finishedAt) {
		return new JobSummary(this.id, this.tracker, "failed", this.items, 0, this.items, 0, 0, this.startedAt,
				finishedAt);
	}

}
