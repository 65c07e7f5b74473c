/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import io.asynchelpers.AsyncProgress;
import io.asynchelpers.ProgressRegistry;
import io.asynchelpers.actuate.AsyncProgressEndpoint;
import io.asynchelpers.actuate.AsyncProgressMeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AsyncProgressEndpointAutoConfiguration}, the endpoint and the gauges.
 */
class AsyncProgressEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncHelpersAutoConfiguration.class,
				AsyncProgressEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=asyncprogress");

	@Test
	void theEndpointServesTheRegistryWhenExposed() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(AsyncProgressEndpoint.class);
			ProgressRegistry registry = context.getBean(ProgressRegistry.class);
			AsyncProgress progress = registry.create("import", 4);
			progress.recordSuccess();
			progress.recordFailure();
			AsyncProgressEndpoint endpoint = context.getBean(AsyncProgressEndpoint.class);

			assertThat(endpoint.trackers().trackers()).singleElement().satisfies((tracker) -> {
				assertThat(tracker.name()).isEqualTo("import");
				assertThat(tracker.state()).isEqualTo("running");
				assertThat(tracker.completed()).isEqualTo(2);
				assertThat(tracker.succeeded()).isEqualTo(1);
				assertThat(tracker.failed()).isEqualTo(1);
				assertThat(tracker.percentage()).isEqualTo(50.0);
			});
			assertThat(endpoint.tracker("missing")).isNull();
			assertThat(endpoint.remove("import").removed()).isTrue();
			assertThat(registry.find("import")).isEmpty();
		});
	}

	@Test
	void theEndpointIsAbsentWhenNotExposed() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncHelpersAutoConfiguration.class,
					AsyncProgressEndpointAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(AsyncProgressEndpoint.class));
	}

	@Test
	void withoutActuatorThereIsNoEndpointAndNoFailure() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ProgressRegistry.class)
				.doesNotHaveBean(AsyncProgressEndpoint.class));
	}

	@Test
	void withoutMicrometerThereAreNoGaugesAndNoFailure() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AsyncProgressMeterBinder.class));
	}

	@Test
	void gaugesFollowTrackersAndLeaveWithThem() {
		this.contextRunner.run((context) -> {
			ProgressRegistry registry = context.getBean(ProgressRegistry.class);
			AsyncProgress before = registry.create("before", 10);
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			context.getBean(AsyncProgressMeterBinder.class).bindTo(meters);
			AsyncProgress after = registry.create("after", 8);
			before.update(5);
			after.update(2);

			assertThat(meters.get("asynchelpers.progress.completed").tag("name", "before").gauge().value()).isEqualTo(5);
			assertThat(meters.get("asynchelpers.progress.total").tag("name", "after").gauge().value()).isEqualTo(8);
			assertThat(meters.get("asynchelpers.progress.ratio").tag("name", "after").gauge().value()).isEqualTo(0.25);
			assertThat(meters.get("asynchelpers.progress.succeeded").tag("name", "before").gauge().value()).isEqualTo(5);
			assertThat(meters.get("asynchelpers.progress.state").tag("name", "after").tag("state", "running").gauge().value())
				.isEqualTo(1);

			registry.remove("before");

			assertThat(meters.find("asynchelpers.progress.completed").tag("name", "before").gauge()).isNull();
			assertThat(meters.find("asynchelpers.progress.ratio").tag("name", "before").gauge()).isNull();
			assertThat(meters.find("asynchelpers.progress.state").tag("name", "before").gauges()).isEmpty();
			assertThat(meters.find("asynchelpers.progress.completed").tag("name", "after").gauge()).isNotNull();
		});
	}

}
