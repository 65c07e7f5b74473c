/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * Starts one job when the application is ready, so that a newcomer sees progress at once.
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.demo-job.enabled", matchIfMissing = true)
class DemoJob implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(DemoJob.class);

	private final JobService jobs;

	private final int items;

	DemoJob(JobService jobs, @Value("${sample.demo-job.items:600}") int items) {
		this.jobs = jobs;
		this.items = items;
	}

	@Override
	public void run(ApplicationArguments args) {
		JobSummary job = this.jobs.start(this.items);
		logger.info("Demo job {} is running: watch it at http://localhost:{}/ or GET /jobs/{}", job.id(),
				System.getProperty("server.port", "8080"), job.id());
	}

}
