/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.AsyncProgress;
import io.asynchelpers.Outcome;
import io.asynchelpers.ProgressRegistry;
import io.asynchelpers.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Enrichment jobs: each enriches N items through the catalogue with bounded concurrency
 * ({@code asyncMap}) and a progress tracker named {@code job-<id>}.
 */
@Service
public class JobService {

	private static final Logger logger = LoggerFactory.getLogger(JobService.class);

	private final AsyncHelpers helpers;

	private final ProgressRegistry progressRegistry;

	private final CatalogueClient catalogue;

	private final JobStatistics statistics;

	private final AtomicLong ids = new AtomicLong();

	private final Map<Long, JobSummary> jobs = new ConcurrentHashMap<>();

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
	 */
	public JobSummary start(int items) {
		long id = this.ids.incrementAndGet();
		AsyncProgress progress = this.progressRegistry.create("job-" + id, items);
		JobSummary running = JobSummary.running(id, progress.name(), items, Instant.now());
		this.jobs.put(id, running);
		List<Item> work = IntStream.range(0, items).mapToObj((i) -> new Item(id, i)).toList();
		this.helpers.asyncMap(work, Task.blocking(this.catalogue::lookup), this.helpers.defaults().limit(), progress)
			.whenComplete((outcomes, ex) -> finish(running, outcomes, ex));
		logger.info("Job {} started: {} items", id, items);
		return running;
	}

	/**
	 * Look a job up.
	 * @param id the job's id
	 * @return its summary, if there is such a job
	 */
	public Optional<JobSummary> find(long id) {
		return Optional.ofNullable(this.jobs.get(id));
	}

	private void finish(JobSummary running, List<Outcome<Enrichment>> outcomes, Throwable failure) {
		if (failure != null) {
			logger.error("Job {} failed as a whole: {}", running.id(), failure.toString());
			this.jobs.put(running.id(), running.failed(Instant.now()));
			return;
		}
		int succeeded = (int) outcomes.stream().filter(Outcome::isSuccess).count();
		JobSummary done = running.completed(succeeded, outcomes.size() - succeeded,
				this.statistics.retriedItems(running.id()), this.statistics.timeouts(running.id()), Instant.now());
		this.statistics.forget(running.id());
		this.jobs.put(running.id(), done);
		logger.info("Job {} completed: {}", running.id(), done);
	}

}
