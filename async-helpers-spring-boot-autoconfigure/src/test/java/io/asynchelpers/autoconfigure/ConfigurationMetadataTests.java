/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration processor's output describes every {@code asynchelpers.*} property, so
 * that IDEs complete and document them.
 */
class ConfigurationMetadataTests {

	private static final List<String> PROPERTIES = List.of("asynchelpers.enabled", "asynchelpers.executor.core-size",
			"asynchelpers.executor.max-size", "asynchelpers.executor.queue-capacity", "asynchelpers.executor.keep-alive",
			"asynchelpers.executor.allow-core-thread-timeout", "asynchelpers.executor.thread-name-prefix",
			"asynchelpers.executor.rejection-policy", "asynchelpers.executor.shutdown.await-termination",
			"asynchelpers.executor.shutdown.await-termination-period", "asynchelpers.scheduler.pool-size",
			"asynchelpers.scheduler.thread-name-prefix", "asynchelpers.concurrency.limit", "asynchelpers.batch.size",
			"asynchelpers.batch.delay", "asynchelpers.retry.max-retries", "asynchelpers.retry.base-delay",
			"asynchelpers.retry.max-delay", "asynchelpers.retry.backoff-factor", "asynchelpers.retry.jitter",
			"asynchelpers.retry.retry-on", "asynchelpers.retry.no-retry-on", "asynchelpers.retry.log-level",
			"asynchelpers.retry.attempt-log-level", "asynchelpers.retry.max-duration",
			"asynchelpers.retry.on-result-exhausted", "asynchelpers.timeout.default",
			"asynchelpers.timeout.isolate", "asynchelpers.progress.log-every-percent", "asynchelpers.progress.retention",
			"asynchelpers.progress.max-trackers", "asynchelpers.aop.enabled",
			"asynchelpers.aop.layers", "asynchelpers.max-concurrency.policy", "asynchelpers.max-concurrency.max-wait",
			"asynchelpers.max-concurrency.queue-capacity", "asynchelpers.events.buffer-size",
			"asynchelpers.events.publish-application-events", "asynchelpers.cluster.store",
			"asynchelpers.cluster.replica-id", "asynchelpers.cluster.key-prefix", "asynchelpers.cluster.heartbeat-interval",
			"asynchelpers.cluster.replica-ttl", "asynchelpers.cluster.flush-interval",
			"asynchelpers.cluster.permit-lease-ttl", "asynchelpers.cluster.failure-mode");

	@Test
	void everyPropertyHasADescriptionAndEveryPropertyWithADefaultRecordsIt() throws Exception {
		String json;
		try (InputStream stream = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(stream).as("spring-configuration-metadata.json on the class path").isNotNull();
			json = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
		}
		DocumentContext metadata = JsonPath.parse(json);
		List<Map<String, Object>> properties = metadata.read("$.properties[*]");
		Map<String, Map<String, Object>> byName = properties.stream()
			.filter((property) -> ((String) property.get("name")).startsWith("asynchelpers."))
			.collect(Collectors.toMap((property) -> (String) property.get("name"), (property) -> property));
		assertThat(properties).extracting((property) -> property.get("name"))
			.as("the endpoint's own properties")
			.contains("management.endpoint.asyncprogress.access", "management.endpoint.asyncevents.show-values",
					"management.endpoint.asyncevents.roles");

		assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(PROPERTIES);
		assertThat(byName).allSatisfy((name, property) -> assertThat((String) property.get("description")).as(name)
			.isNotBlank());
		assertThat(byName).allSatisfy((name, property) -> {
			if (!name.equals("asynchelpers.timeout.default") && !name.equals("asynchelpers.retry.max-duration")
					&& !name.equals("asynchelpers.cluster.replica-id")) {
				assertThat(property).as(name).containsKey("defaultValue");
			}
		});
		assertThat(byName.get("asynchelpers.retry.base-delay")).containsEntry("defaultValue", "1s");
		assertThat(byName.get("asynchelpers.events.buffer-size")).containsEntry("defaultValue", 100);
		assertThat(byName.get("asynchelpers.executor.rejection-policy")).containsEntry("defaultValue", "abort");
		assertThat(byName.get("asynchelpers.retry.log-level")).containsEntry("defaultValue", "warn");
		assertThat(byName.get("asynchelpers.retry.attempt-log-level")).containsEntry("defaultValue", "debug");
		assertThat(byName.get("asynchelpers.retry.on-result-exhausted")).containsEntry("defaultValue", "return-last");
		assertThat(byName.get("asynchelpers.max-concurrency.policy")).containsEntry("defaultValue", "wait");
		assertThat(byName.get("asynchelpers.max-concurrency.max-wait")).containsEntry("defaultValue", "1s");
		assertThat(byName.get("asynchelpers.aop.layers")).containsEntry("defaultValue",
				List.of("timed", "retry", "max-concurrency", "timeout"));
		List<String> hints = metadata.read("$.hints[*].name");
		assertThat(hints).contains("asynchelpers.executor.rejection-policy", "asynchelpers.retry.jitter",
				"asynchelpers.max-concurrency.policy");
	}

}
