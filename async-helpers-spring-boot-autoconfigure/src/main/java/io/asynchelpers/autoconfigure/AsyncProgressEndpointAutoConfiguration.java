/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import io.asynchelpers.ProgressRegistry;
import io.asynchelpers.actuate.AsyncEventsEndpoint;
import io.asynchelpers.actuate.AsyncProgressEndpoint;
import io.asynchelpers.actuate.AsyncProgressEndpointRuntimeHints;
import io.asynchelpers.actuate.AsyncProgressMeterBinder;
import io.asynchelpers.actuate.RecentAsyncEvents;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;

/**
 * Makes progress trackers and events visible: the {@code asyncprogress} and
 * {@code asyncevents} Actuator endpoints (when Actuator is present and the endpoint
 * available; exposed over HTTP only when included, as every endpoint) and, with Micrometer,
 * one set of gauges per tracker. The events endpoint's buffer is itself an
 * {@code AsyncEventListener} bean, so the helpers feed it. With the endpoints come the
 * reflection hints their JSON answers need in a native image.
 */
@AutoConfiguration(after = AsyncHelpersAutoConfiguration.class)
@ConditionalOnBean(ProgressRegistry.class)
public final class AsyncProgressEndpointAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(AsyncProgressEndpoint.class)
	@ImportRuntimeHints(AsyncProgressEndpointRuntimeHints.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		AsyncProgressEndpoint asyncProgressEndpoint(ProgressRegistry registry) {
			return new AsyncProgressEndpoint(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(AsyncEventsEndpoint.class)
	@EnableConfigurationProperties(AsyncEventsEndpointProperties.class)
	static class EventsEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RecentAsyncEvents recentAsyncEvents(AsyncHelpersProperties properties) {
			return new RecentAsyncEvents(properties.getEvents().getBufferSize());
		}

		@Bean
		@ConditionalOnMissingBean
		AsyncEventsEndpoint asyncEventsEndpoint(RecentAsyncEvents events, AsyncEventsEndpointProperties properties) {
			return new AsyncEventsEndpoint(events, properties.getShowValues(), properties.getRoles());
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
