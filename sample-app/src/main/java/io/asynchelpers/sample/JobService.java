/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.AsyncProgress;
import io.asynchelpers.Outcome;
import io.asynchelpers.ProgressRegistry;
import io.asynchelpers.Task;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Enrichment jobs: each enriches N items through the catalogue with bounded concurrency
 * ({@code asyncMap}), counted by a progress tracker of its own ({@code job-1},
 * {@code job-2}, … from {@link ProgressRegistry#createUnique(String, long)}, so concurrent
 * jobs never share one). A running job can be cancelled: its lookups are interrupted, no
 * more start, and its tracker ends as cancelled with the counts reached so far.
 */
@Service
public class JobService {

	private static final Logger logger = LoggerFactory.getLogger(JobService.class);

	private final AsyncHelpers helpers;

	private final ProgressRegistry progressRegistry;

	private final CatalogueClient catalogue;

	private final JobStatistics statistics;

	private final AtomicLong ids = new AtomicLong();

	private final Map<Long, Job> jobs = new ConcurrentHashMap<>();

	public JobService(AsyncHelpers helpers, ProgressRegistry progressRegistry, CatalogueClient catalogue,
			JobStatistics statistics) {
		this.helpers = helpers;
		this.progressRegistry = progressRegistry;
		this.catalogue = catalogue;
		this.statistics = statistics;
	}

	/**
	 * Start a job in the background.
	 * @param items how many items to enrich
	 * @return the job as it starts
	 * @throws IllegalStateException if the progress registry is full of running trackers
	 */
	public JobSummary start(int items) {
		long id = this.ids.incrementAndGet();
		AsyncProgress progress = this.progressRegistry.createUnique("job", items);
		List<Item> work = IntStream.range(0, items).mapToObj((i) -> new Item(id, i)).toList();
		this.statistics.start(id);
		// Keep the future asyncMap returns: cancelling it (not a stage derived from it) stops the run.
		CompletableFuture<List<Outcome<Enrichment>>> run = this.helpers.asyncMap(work,
				Task.blocking(this.catalogue::lookup), this.helpers.defaults().limit(), progress);
		Job job = new Job(id, progress, run);
		this.jobs.put(id, job);
		run.whenComplete((outcomes, ex) -> finish(job, ex));
		logger.info("Job {} started: {} items, tracked as {}", id, items, progress.name());
		return summary(job);
	}

	/**
	 * Look a job up.
	 * @param id the job's id
	 * @return its summary, live while it runs, if there is such a job
	 */
	public Optional<JobSummary> find(long id) {
		return Optional.ofNullable(this.jobs.get(id)).map(this::summary);
	}

	/**
	 * Every job, oldest first.
	 * @return their summaries
	 */
	public List<JobSummary> findAll() {
		return this.jobs.values().stream().sorted(Comparator.comparingLong(Job::id)).map(this::summary).toList();
	}

	/**
	 * Cancel a job: running lookups are interrupted, no more start, and the job and its
	 * tracker end as {@code cancelled} before this returns. A job that has already ended
	 * keeps the state it ended in.
	 * @param id the job's id
	 * @return its summary after the cancellation, if there is such a job
	 */
	public Optional<JobSummary> cancel(long id) {
		Job job = this.jobs.get(id);
		if (job == null) {
			return Optional.empty();
		}
		if (!job.run().isDone()) {
			// Before the interrupts: a lookup stopped by the cancellation did not time out.
			this.statistics.stopCounting(id);
			job.run().cancel(true);
		}
		return Optional.of(summary(job));
	}

	/**
	 * The job as its tracker shows it. The tracker holds the truth about the state and the
	 * counts; the statistics are frozen when the run ends.
	 */
	private JobSummary summary(Job job) {
		Ending ending = job.ending;
		if (ending != null) {
			return JobSummary.of(job.id(), job.progress(), ending.retried(), ending.timedOut(), ending.at());
		}
		return JobSummary.of(job.id(), job.progress(), this.statistics.retriedItems(job.id()),
				this.statistics.timeouts(job.id()), null);
	}

	private void finish(Job job, @Nullable Throwable failure) {
		// This may run just before asyncMap ends the tracker (cancelled, stopped), so the
		// state is not frozen here: summaries read it from the tracker.
		job.ending = new Ending(this.statistics.retriedItems(job.id()), this.statistics.timeouts(job.id()),
				Instant.now());
		this.statistics.forget(job.id());
		AsyncProgress progress = job.progress();
		if (failure == null || failure instanceof CancellationException) {
			// Items never started (shutdown) or interrupted (cancel) are neither succeeded nor failed.
			logger.info("Job {} {}: {} item(s) succeeded, {} failed, {} not done", job.id(),
					(failure != null) ? "cancelled" : "ended", progress.succeeded(), progress.failed(),
					progress.total() - progress.completed());
		}
		else {
			logger.error("Job {} failed as a whole: {}", job.id(), failure.toString());
		}
	}

	/**
	 * One job: its tracker, its run and, once the run ended, how it ended.
	 */
	private static final class Job {

		private final long id;

		private final AsyncProgress progress;

		private final CompletableFuture<?> run;

		private volatile @Nullable Ending ending;

		Job(long id, AsyncProgress progress, CompletableFuture<?> run) {
			this.id = id;
			this.progress = progress;
			this.run = run;
		}

		long id() {
			return this.id;
		}

		AsyncProgress progress() {
			return this.progress;
		}

		CompletableFuture<?> run() {
			return this.run;
		}

	}

	/**
	 * The statistics of a job whose run ended, and when it ended.
	 */
	private record Ending(int retried, long timedOut, Instant at) {
	}

}
