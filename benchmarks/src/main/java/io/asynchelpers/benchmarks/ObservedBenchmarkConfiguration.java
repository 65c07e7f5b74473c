/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import io.asynchelpers.autoconfigure.AsyncHelpersAopAutoConfiguration;
import io.asynchelpers.autoconfigure.AsyncHelpersAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.aop.ObservedAspect;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.EnableAspectJAutoProxy;
import org.springframework.context.annotation.Import;

/**
 * A second plain context, with an {@link ObservationRegistry} as Boot's Actuator makes one
 * (Micrometer's meter handler on it): our {@code @Timed} observed against Micrometer's
 * {@code @Observed} through its {@link ObservedAspect}, both recording into the same
 * registries. Kept apart from {@link BenchmarkConfiguration} so that the cases there keep
 * measuring the interceptor without a registry.
 */
@Configuration(proxyBeanMethods = false)
@EnableAspectJAutoProxy(proxyTargetClass = true)
@Import({ AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class })
public class ObservedBenchmarkConfiguration {

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	ObservationRegistry observationRegistry(MeterRegistry meterRegistry) {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meterRegistry));
		return registry;
	}

	@Bean
	ObservedAspect observedAspect(ObservationRegistry registry) {
		return new ObservedAspect(registry);
	}

	@Bean
	Targets.OursTimed oursTimed() {
		return new Targets.OursTimed();
	}

	@Bean
	Targets.MicrometerObserved micrometerObserved() {
		return new Targets.MicrometerObserved();
	}

}
