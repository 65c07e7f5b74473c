/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.net.http.HttpResponse;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code management.endpoint.asyncprogress.access=unrestricted}, a tracker can be
 * deleted over HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "sample.demo-job.enabled=false",
		"catalogue.latency=1ms", "management.endpoint.asyncprogress.access=unrestricted" })
class TrackerDeletionHttpTests {

	@Value("${local.server.port}")
	private int port;

	@Test
	void deletingIsAllowedWhenConfiguredAndRemovesTheTrackerAndItsGauges() throws Exception {
		Http http = new Http(this.port);
		String tracker = JsonPath.read(http.post("/jobs?items=2").body(), "$.tracker");

		HttpResponse<String> delete = http.delete("/actuator/asyncprogress/" + tracker);

		assertThat(delete.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<Boolean>read(delete.body(), "$.removed")).isTrue();
		assertThat(http.get("/actuator/asyncprogress/" + tracker).statusCode()).isEqualTo(404);
		assertThat(http.get("/actuator/metrics/asynchelpers.progress.total?tag=name:" + tracker).statusCode())
			.isEqualTo(404);
	}

}
