/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.contextapp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.Task;
import io.asynchelpers.contextapp.ContextApplication.Seen;
import io.asynchelpers.contextapp.ContextApplication.Sightings;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over real HTTP, in an application with Actuator and Micrometer Tracing and no
 * configuration of its own: every retry attempt and every mapped item sees the request's
 * MDC entry and its trace id, whichever thread runs it, and no pool thread keeps any of it
 * afterwards.
 * <p>
 * ({@code spring.test.observability.auto-configure} only undoes Boot 3.5's test support,
 * which turns tracing off in tests.)
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.demo-job.enabled=false", "spring.test.observability.auto-configure=true" })
class ContextPropagationHttpTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private Sightings sightings;

	@Autowired
	private AsyncHelpers helpers;

	@Autowired
	@Qualifier("asyncHelpersTaskExecutor")
	private ThreadPoolTaskExecutor executor;

	@Autowired
	@Qualifier("asyncHelpersTaskScheduler")
	private ThreadPoolTaskScheduler scheduler;

	@Test
	void everyAttemptAndEveryItemSeesTheCallersMdcAndTraceAndNoThreadKeepsThem() throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/context?requestId=r-7"))
					.timeout(Duration.ofSeconds(30))
					.build(),
				HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		String traceId = JsonPath.read(response.body(), "$.traceId");
		assertThat(traceId).as("the request's trace id in the controller's MDC").isNotEqualTo("null");
		assertThat(JsonPath.<List<Integer>>read(response.body(), "$.items")).containsExactly(1, 4, 9, 16, 25, 36);
		List<Seen> seen = this.sightings.seen;
		assertThat(seen).extracting(Seen::what)
			.containsExactlyInAnyOrder("controller", "blocking attempt 1", "blocking attempt 2", "blocking attempt 3",
					"async attempt 1", "async attempt 2", "async attempt 3", "item 1", "item 2", "item 3", "item 4",
					"item 5", "item 6");
		assertThat(seen).allSatisfy((sighting) -> {
			assertThat(sighting.requestId()).as(sighting.toString()).isEqualTo("r-7");
			assertThat(sighting.traceId()).as(sighting.toString()).isEqualTo(traceId);
		});

		assertThat(mdcOfEveryExecutorThread()).as("the MDC of every executor thread afterwards")
			.allSatisfy((mdc) -> assertThat(mdc).isEmpty());
		assertThat(mdcOfTheSchedulerThread()).as("the MDC of the scheduler's thread afterwards").isEmpty();
		MDC.clear();
		List<Map<String, String>> later = this.helpers
			.gatherWithLimit(List.of(Task.blocking(ContextPropagationHttpTests::mdc),
					Task.blocking(ContextPropagationHttpTests::mdc)), 2)
			.get(10, TimeUnit.SECONDS);
		assertThat(later).as("later work of a caller without context").allSatisfy((mdc) -> assertThat(mdc).isEmpty());
	}

	/** Occupies every thread of the pool at once, each reporting its own MDC. */
	private List<Map<String, String>> mdcOfEveryExecutorThread() throws InterruptedException {
		int threads = this.executor.getCorePoolSize();
		CountDownLatch allRunning = new CountDownLatch(threads);
		CountDownLatch reported = new CountDownLatch(threads);
		List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
		for (int i = 0; i < threads; i++) {
			this.executor.execute(() -> {
				seen.add(mdc());
				allRunning.countDown();
				try {
					allRunning.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				reported.countDown();
			});
		}
		assertThat(reported.await(20, TimeUnit.SECONDS)).isTrue();
		assertThat(this.executor.getPoolSize()).isEqualTo(threads);
		return seen;
	}

	private Map<String, String> mdcOfTheSchedulerThread() throws Exception {
		CompletableFuture<Map<String, String>> seen = new CompletableFuture<>();
		this.scheduler.getScheduledExecutor().schedule(() -> seen.complete(mdc()), 1, TimeUnit.MILLISECONDS);
		return seen.get(10, TimeUnit.SECONDS);
	}

	private static Map<String, String> mdc() {
		Map<String, String> mdc = MDC.getCopyOfContextMap();
		return (mdc != null) ? mdc : Map.of();
	}

}
