/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.asynchelpers.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas of the sample app (the {@code replicas} profile) sharing one real Redis: a
 * job started on one shows on the other's {@code asyncprogress} endpoint, which the page
 * polls, with the replica that runs it in its breakdown; job names are unique across them.
 */
class TwoReplicasHttpTests {

	private static RedisServerProcess redis;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void startTwoReplicasOnOneRedis() {
		redis = RedisServerProcess.startOrSkip();
		first = replica("first");
		second = replica("second");
	}

	@AfterAll
	static void stopThem() {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { first, second }) {
			if (context != null) {
				context.close();
			}
		}
		if (redis != null) {
			redis.stop();
		}
	}

	@Test
	void aJobStartedOnOneReplicaShowsOnTheOtherWithItsReplicaAndEndsWithTheExactCounts() throws Exception {
		Http onFirst = http(first);
		Http onSecond = http(second);

		String tracker = JsonPath.read(onFirst.post("/jobs?items=40").body(), "$.tracker");
		String other = JsonPath.read(onSecond.post("/jobs?items=5").body(), "$.tracker");

		assertThat(other).isNotEqualTo(tracker);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			String seen = onSecond.get("/actuator/asyncprogress").body();
			assertThat(JsonPath.<List<String>>read(seen, "$.trackers[*].name")).contains(tracker, other);
			String shown = onSecond.get("/actuator/asyncprogress/" + tracker).body();
			assertThat(JsonPath.<String>read(shown, "$.state")).isEqualTo("completed");
			assertThat(JsonPath.<Integer>read(shown, "$.completed")).isEqualTo(40);
			assertThat(JsonPath.<Integer>read(shown, "$.succeeded") + JsonPath.<Integer>read(shown, "$.failed"))
				.isEqualTo(40);
			assertThat(JsonPath.<List<String>>read(shown, "$.replicas[*].replicaId")).containsExactly("first");
			assertThat(JsonPath.<List<Boolean>>read(shown, "$.replicas[*].stale")).containsExactly(false);
		});
		assertThat(onSecond.get("/index.html").body()).contains("class=\"replicas\"");
	}

	private static ConfigurableApplicationContext replica(String id) {
		// Arguments, not default properties: application.yml would override those.
		return new SpringApplicationBuilder(SampleApplication.class).profiles("replicas")
			.run("--server.port=0", "--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redis.port(),
					"--asynchelpers.cluster.replica-id=" + id, "--sample.demo-job.enabled=false",
					"--catalogue.latency=5ms", "--catalogue.slow-rate=0");
	}

	private static Http http(ConfigurableApplicationContext context) {
		return new Http(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
	}

}
