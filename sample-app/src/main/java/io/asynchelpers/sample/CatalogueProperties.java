/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the simulated remote catalogue misbehaves.
 *
 * @param latency how long a normal lookup takes
 * @param failureRate the share of lookups that fail with a transient error, 0 to 1
 * @param slowRate the share of lookups that hang far past the time limit, 0 to 1
 * @param slowLatency how long a hanging lookup would take if nobody stopped it
 */
@ConfigurationProperties("catalogue")
public record CatalogueProperties(Duration latency, double failureRate, double slowRate, Duration slowLatency) {

	public CatalogueProperties {
		if (failureRate < 0 || failureRate > 1) {
			throw new IllegalArgumentException("catalogue.failure-rate must be between 0 and 1, was " + failureRate);
		}
		if (slowRate < 0 || slowRate > 1) {
			throw new IllegalArgumentException("catalogue.slow-rate must be between 0 and 1, was " + slowRate);
		}
	}

}
