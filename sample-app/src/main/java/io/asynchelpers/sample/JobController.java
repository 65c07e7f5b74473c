/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.net.URI;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * {@code POST /jobs?items=N} starts an enrichment job; {@code GET /jobs/{id}} tells where it
 * stands (state, succeeded and failed items), {@code GET /jobs} lists every job, and
 * {@code POST /jobs/{id}/cancel} cancels a running one. An unknown id is a 404.
 */
@RestController
@RequestMapping("/jobs")
public class JobController {

	/** The most items one job may have: enough to watch, small enough for a demo machine. */
	static final int MAX_ITEMS = 100_000;

	private final JobService jobs;

	public JobController(JobService jobs) {
		this.jobs = jobs;
	}

	@PostMapping
	ResponseEntity<JobSummary> start(@RequestParam("items") int items) {
		if (items < 1 || items > MAX_ITEMS) {
			throw new IllegalArgumentException("items must be between 1 and " + MAX_ITEMS + ", was " + items);
		}
		JobSummary job = this.jobs.start(items);
		return ResponseEntity.accepted().location(URI.create("/jobs/" + job.id())).body(job);
	}

	@GetMapping
	List<JobSummary> findAll() {
		return this.jobs.findAll();
	}

	@GetMapping("/{id}")
	ResponseEntity<JobSummary> find(@PathVariable("id") long id) {
		return ResponseEntity.of(this.jobs.find(id));
	}

	/**
	 * Cancel a job. The job has ended by the time the answer is sent: 200 with its summary,
	 * {@code cancelled}, or the state it had already ended in (cancelling twice, or too late,
	 * changes nothing).
	 */
	@PostMapping("/{id}/cancel")
	ResponseEntity<JobSummary> cancel(@PathVariable("id") long id) {
		return ResponseEntity.of(this.jobs.cancel(id));
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ProblemDetail badItems(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler(MissingServletRequestParameterException.class)
	ProblemDetail missingItems(MissingServletRequestParameterException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"items is required: POST /jobs?items=N with N between 1 and " + MAX_ITEMS);
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ProblemDetail notANumber(MethodArgumentTypeMismatchException ex) {
		String expected = "items".equals(ex.getName()) ? "a whole number between 1 and " + MAX_ITEMS : "a whole number";
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				ex.getName() + " must be " + expected + ", was '" + ex.getValue() + "'");
	}

}
