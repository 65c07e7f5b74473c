/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;


import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's real HTTP endpoints: jobs, the {@code asyncprogress} endpoint and the
 * metrics, while a job runs and after it completes.
 */
abstract class SampleApplicationHttpChecks {

	/**
	 * The settings the app under test runs with, here and in {@code .ci/aot-check.sh}: quick
	 * lookups, two at a time, 35% of attempts failing with one retry allowed (so jobs show
	 * retries and failed items), and 2% slow lookups that time out.
	 */
	static final String PROPERTIES = """
			sample.demo-job.enabled=false
			catalogue.latency=30ms
			catalogue.failure-rate=0.35
			catalogue.slow-rate=0.02
			catalogue.slow-latency=2s
			catalogue.timeout=200ms
			catalogue.retry.delay=10ms
			asynchelpers.retry.max-retries=1
			asynchelpers.concurrency.limit=2
			""";


	/**
	 * The address of the app under test, without a trailing slash.
	 */
	abstract String baseUrl();

	private Http http;

	@BeforeEach
	void client() {
		this.http = new Http(baseUrl());
	}

	@Test
	void aJobIsVisibleOnTheEndpointWhileItRunsAndAfterItCompletes() throws Exception {
		HttpResponse<String> started = this.http.post("/jobs?items=120");
		assertThat(started.statusCode()).isEqualTo(202);
		String tracker = JsonPath.read(started.body(), "$.tracker");
		int id = JsonPath.read(started.body(), "$.id");

		String running = this.http.get("/actuator/asyncprogress/" + tracker).body();
		assertThat(JsonPath.<String>read(running, "$.name")).isEqualTo(tracker);
		assertThat(JsonPath.<String>read(running, "$.state")).isEqualTo("running");
		assertThat(JsonPath.<Integer>read(running, "$.total")).isEqualTo(120);
		assertThat(JsonPath.<Integer>read(running, "$.completed")).isLessThan(120);
		// etaSeconds is left out (null) until a rate is known; it is asserted after completion.
		assertThat(JsonPath.<Map<String, Object>>read(running, "$")).containsKeys("percentage", "ratePerSecond",
				"elapsedSeconds", "startedAt");
		String all = this.http.get("/actuator/asyncprogress").body();
		assertThat(JsonPath.<java.util.List<String>>read(all, "$.trackers[*].name")).contains(tracker);

		await().atMost(Duration.ofSeconds(60)).until(() -> JsonPath
			.<String>read(this.http.get("/actuator/asyncprogress/" + tracker).body(), "$.state")
			.equals("completed"));

		String complete = this.http.get("/actuator/asyncprogress/" + tracker).body();
		assertThat(JsonPath.<Integer>read(complete, "$.completed")).isEqualTo(120);
		int trackerSucceeded = JsonPath.read(complete, "$.succeeded");
		int trackerFailed = JsonPath.read(complete, "$.failed");
		assertThat(trackerSucceeded + trackerFailed).isEqualTo(120);
		assertThat(JsonPath.<Double>read(complete, "$.percentage")).isEqualTo(100.0);
		assertThat(JsonPath.<Double>read(complete, "$.etaSeconds")).isEqualTo(0.0);
		assertThat(JsonPath.<Double>read(complete, "$.ratePerSecond")).isPositive();

		await().atMost(Duration.ofSeconds(10))
			.until(() -> JsonPath.read(this.http.get("/jobs/" + id).body(), "$.finishedAt") != null);
		String summary = this.http.get("/jobs/" + id).body();
		assertThat(JsonPath.<String>read(summary, "$.state")).isEqualTo("completed");
		int succeeded = JsonPath.read(summary, "$.succeeded");
		int failed = JsonPath.read(summary, "$.failed");
		assertThat(succeeded).as("the job counts what its tracker counts").isEqualTo(trackerSucceeded);
		assertThat(failed).isEqualTo(trackerFailed);
		// With a 10% failure rate over 120 items, no retry at all has a probability of about 3e-6.
		assertThat(JsonPath.<Integer>read(summary, "$.retried")).isPositive();
		// A 2% hang rate may produce no timeout in a run of 120: only the field is checked here.
		assertThat(JsonPath.<Map<String, Object>>read(summary, "$")).containsKey("timedOut");

		String completedGauge = this.http.get("/actuator/metrics/asynchelpers.progress.completed?tag=name:" + tracker)
			.body();
		assertThat(JsonPath.<Double>read(completedGauge, "$.measurements[0].value")).isEqualTo(120.0);
		String ratioGauge = this.http.get("/actuator/metrics/asynchelpers.progress.ratio?tag=name:" + tracker).body();
		assertThat(JsonPath.<Double>read(ratioGauge, "$.measurements[0].value")).isEqualTo(1.0);
		assertThat(gauge("asynchelpers.progress.succeeded?tag=name:" + tracker)).isEqualTo(succeeded);
		assertThat(gauge("asynchelpers.progress.failed?tag=name:" + tracker)).isEqualTo(failed);
		assertThat(gauge("asynchelpers.progress.state?tag=name:" + tracker + "&tag=state:completed")).isEqualTo(1.0);
		assertThat(gauge("asynchelpers.progress.state?tag=name:" + tracker + "&tag=state:running")).isEqualTo(0.0);
		String timer = this.http.get("/actuator/metrics/asynchelpers.timed?tag=name:catalogue.lookup").body();
		// Other tests in this context start small jobs too: this job's 120 lookups are a lower bound.
		assertThat(JsonPath.<java.util.List<Double>>read(timer, "$.measurements[?(@.statistic == 'COUNT')].value"))
			.singleElement()
			.satisfies((count) -> assertThat(count).isGreaterThanOrEqualTo(120.0));
	}

	@Test
	void cancellingARunningJobEndsItAndItsTrackerAsCancelledWithTheCountsReached() throws Exception {
		// 2,000 lookups of 25 ms, two at a time, take 25 s or more: still running when cancelled.
		String started = this.http.post("/jobs?items=2000").body();
		int id = JsonPath.read(started, "$.id");
		String tracker = JsonPath.read(started, "$.tracker");
		await().atMost(Duration.ofSeconds(30)).until(() -> finished(this.http.get("/jobs/" + id).body()) > 0);

		HttpResponse<String> cancel = this.http.post("/jobs/" + id + "/cancel");

		assertThat(cancel.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(cancel.body(), "$.state")).isEqualTo("cancelled");
		assertThat(JsonPath.<String>read(cancel.body(), "$.finishedAt")).isNotNull();
		long finished = finished(cancel.body());
		assertThat(finished).isBetween(1L, 1999L);
		String progress = this.http.get("/actuator/asyncprogress/" + tracker).body();
		assertThat(JsonPath.<String>read(progress, "$.state")).isEqualTo("cancelled");
		assertThat(finished(progress)).as("the job and its tracker count the same items").isEqualTo(finished);
		assertThat(JsonPath.<Integer>read(progress, "$.completed")).isEqualTo((int) finished);
		assertThat(JsonPath.<Map<String, Object>>read(progress, "$").get("etaSeconds"))
			.as("a cancelled job will not finish").isNull();
		assertThat(gauge("asynchelpers.progress.state?tag=name:" + tracker + "&tag=state:cancelled")).isEqualTo(1.0);
		String summary = this.http.get("/jobs/" + id).body();
		assertThat(JsonPath.<String>read(summary, "$.state")).isEqualTo("cancelled");
		assertThat(JsonPath.<java.util.List<String>>read(this.http.get("/jobs").body(), "$[*].tracker"))
			.contains(tracker);
	}

	@Test
	void cancellingAJobThatEndedChangesNothing() throws Exception {
		int id = JsonPath.read(this.http.post("/jobs?items=2").body(), "$.id");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> JsonPath.read(this.http.get("/jobs/" + id).body(), "$.finishedAt") != null);

		HttpResponse<String> cancel = this.http.post("/jobs/" + id + "/cancel");

		assertThat(cancel.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(cancel.body(), "$.state")).isEqualTo("completed");
		assertThat(finished(cancel.body())).isEqualTo(2);
	}

	@Test
	void concurrentJobsEachGetATrackerOfTheirOwn() throws Exception {
		String first = JsonPath.read(this.http.post("/jobs?items=50").body(), "$.tracker");
		String second = JsonPath.read(this.http.post("/jobs?items=50").body(), "$.tracker");

		assertThat(first).startsWith("job-").isNotEqualTo(second);
		assertThat(second).startsWith("job-");
		assertThat(this.http.get("/actuator/asyncprogress/" + first).statusCode()).isEqualTo(200);
		assertThat(this.http.get("/actuator/asyncprogress/" + second).statusCode()).isEqualTo(200);
	}

	@Test
	void anUnknownTrackerOrJobIs404() throws Exception {
		assertThat(this.http.get("/actuator/asyncprogress/no-such-job").statusCode()).isEqualTo(404);
		assertThat(this.http.get("/jobs/999999").statusCode()).isEqualTo(404);
		assertThat(this.http.post("/jobs/999999/cancel").statusCode()).isEqualTo(404);
	}

	@Test
	void deletingATrackerIsRefusedByDefault() throws Exception {
		String tracker = JsonPath.read(this.http.post("/jobs?items=3").body(), "$.tracker");

		HttpResponse<String> delete = this.http.delete("/actuator/asyncprogress/" + tracker);

		assertThat(delete.statusCode()).isBetween(400, 499);
		assertThat(this.http.get("/actuator/asyncprogress/" + tracker).statusCode()).isEqualTo(200);
	}

	@Test
	void bootsExecutorMetricsShowTheHelpersExecutor() throws Exception {
		String poolSize = this.http.get("/actuator/metrics/executor.pool.size").body();
		assertThat(JsonPath.<java.util.List<String>>read(poolSize, "$.availableTags[?(@.tag == 'name')].values[*]"))
			.contains("asyncHelpersTaskExecutor", "applicationTaskExecutor");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			/jobs               | items is required: POST /jobs?items=N with N between 1 and 100000
			/jobs?items=-5      | items must be between 1 and 100000, was -5
			/jobs?items=0       | items must be between 1 and 100000, was 0
			/jobs?items=5000000 | items must be between 1 and 100000, was 5000000
			/jobs?items=lots    | items must be a whole number between 1 and 100000, was 'lots'
			/jobs/first/cancel  | id must be a whole number, was 'first'
			""")
	void badInputGetsA400WithAClearMessageAndTheAppKeepsServing(String path, String detail) throws Exception {
		HttpResponse<String> response = this.http.post(path);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(JsonPath.<String>read(response.body(), "$.detail")).isEqualTo(detail);
		assertThat(this.http.get("/actuator/health").statusCode()).isEqualTo(200);
		assertThat(this.http.post("/jobs?items=1").statusCode()).isEqualTo(202);
	}

	private double gauge(String query) throws Exception {
		return JsonPath.<Double>read(this.http.get("/actuator/metrics/" + query).body(), "$.measurements[0].value");
	}

	/** Succeeded plus failed, from a job summary or a tracker. */
	private static long finished(String json) {
		return JsonPath.<Number>read(json, "$.succeeded").longValue() + JsonPath.<Number>read(json, "$.failed").longValue();
	}

}
