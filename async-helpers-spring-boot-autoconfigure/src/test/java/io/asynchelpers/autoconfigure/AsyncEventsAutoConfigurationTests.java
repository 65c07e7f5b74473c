/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.asynchelpers.AsyncEvent;
import io.asynchelpers.AsyncEventListener;
import io.asynchelpers.actuate.AsyncEventsEndpoint;
import io.asynchelpers.actuate.RecentAsyncEvents;
import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.Retry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Events in a Boot application: every {@link AsyncEventListener} bean hears them, they are
 * published as application events, and the {@code asyncevents} endpoint keeps the latest.
 */
class AsyncEventsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncHelpersAutoConfiguration.class,
				AsyncHelpersAopAutoConfiguration.class, AsyncProgressEndpointAutoConfiguration.class))
		.withUserConfiguration(Flaky.class, Listeners.class);

	@Test
	void everyListenerBeanAndAnEventListenerMethodHearTheEventsOfAnAnnotatedMethod() {
		this.contextRunner.run((context) -> {
			Flaky flaky = context.getBean(Flaky.class);

			assertThat(flaky.call()).isEqualTo("ok");

			Listeners listeners = context.getBean(Listeners.class);
			assertThat(listeners.beanHeard).extracting(AsyncEvent::kind)
				.containsExactly(AsyncEvent.Kind.RETRY_SCHEDULED, AsyncEvent.Kind.RECOVERED);
			assertThat(listeners.beanHeard).extracting(AsyncEvent::name).containsOnly("Flaky.call");
			assertThat(listeners.applicationEvents).containsExactlyElementsOf(listeners.beanHeard);
		});
	}

	@Test
	void applicationEventsCanBeTurnedOff() {
		this.contextRunner.withPropertyValues("asynchelpers.events.publish-application-events=false").run((context) -> {
			assertThat(context).doesNotHaveBean(AsyncApplicationEventPublisher.class);
			context.getBean(Flaky.class).call();

			Listeners listeners = context.getBean(Listeners.class);
			assertThat(listeners.beanHeard).isNotEmpty();
			assertThat(listeners.applicationEvents).isEmpty();
		});
	}

	@Test
	void theEndpointKeepsTheLatestEventsUpToTheBufferSize() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=asyncevents",
					"asynchelpers.events.buffer-size=2")
			.run((context) -> {
				assertThatExceptionOfType(IOException.class).isThrownBy(() -> context.getBean(Flaky.class).alwaysDown());

				assertThat(context.getBean(RecentAsyncEvents.class).capacity()).isEqualTo(2);
				AsyncEventsEndpoint endpoint = context.getBean(AsyncEventsEndpoint.class);
				assertThat(endpoint.events(SecurityContext.NONE, null, null).events())
					.extracting(AsyncEventsEndpoint.EventDescriptor::kind)
					.containsExactly("retries_exhausted", "retry_scheduled");
				assertThat(endpoint.events(SecurityContext.NONE, null, null).events())
					.allSatisfy((event) -> assertThat(event.exceptionMessage()).isNull());
			});
	}

	@Test
	void aBufferSizeBelowOneFailsStartUp() {
		this.contextRunner.withPropertyValues("asynchelpers.events.buffer-size=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("asynchelpers.events.buffer-size"));
	}

	static class Flaky {

		private final AtomicInteger attempts = new AtomicInteger();

		@Retry(maxRetries = 2, backoff = @Backoff(delay = "1ms"))
		public String call() throws IOException {
			if (this.attempts.incrementAndGet() < 2) {
				throw new IOException("down");
			}
			return "ok";
		}

		@Retry(maxRetries = 2, backoff = @Backoff(delay = "1ms"))
		public String alwaysDown() throws IOException {
			throw new IOException("card 4111 declined");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final List<AsyncEvent> beanHeard = new CopyOnWriteArrayList<>();

		final List<AsyncEvent> applicationEvents = new CopyOnWriteArrayList<>();

		@Bean
		AsyncEventListener recordingListener() {
			return this.beanHeard::add;
		}

		@EventListener
		void on(AsyncApplicationEvent event) {
			this.applicationEvents.add(event.getEvent());
		}

	}

}
