/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import io.asynchelpers.ProgressRegistry;
import io.asynchelpers.actuate.AsyncProgressEndpoint;
import io.asynchelpers.actuate.AsyncProgressMeterBinder;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes progress trackers visible: the {@code asyncprogress} Actuator endpoint (when Actuator
 * is present and the endpoint available; exposed over HTTP only when included, as every
 * endpoint) and, with Micrometer, one set of gauges per tracker.
 */
@AutoConfiguration(after = AsyncHelpersAutoConfiguration.class)
@ConditionalOnBean(ProgressRegistry.class)
public final class AsyncProgressEndpointAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(AsyncProgressEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		AsyncProgressEndpoint asyncProgressEndpoint(ProgressRegistry registry) {
			return new AsyncProgressEndpoint(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		AsyncProgressMeterBinder asyncProgressMeterBinder(ProgressRegistry registry) {
			return new AsyncProgressMeterBinder(registry);
		}

	}

}
