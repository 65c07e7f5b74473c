/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.actuate;

import java.io.IOException;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import io.asynchelpers.AsyncEvent;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link AsyncEventsEndpoint} and its {@link RecentAsyncEvents} buffer.
 */
class AsyncEventsEndpointTests {

	private static final Instant NOW = Instant.parse("2026-11-28T10:15:30Z");

	private final RecentAsyncEvents events = new RecentAsyncEvents(3);

	@Test
	void theBufferKeepsTheMostRecentEventsNewestFirst() {
		for (int i = 1; i <= 5; i++) {
			this.events.onEvent(new AsyncEvent.Recovered("op-" + i, NOW, 2));
		}

		assertThat(this.events.newestFirst()).extracting(AsyncEvent::name).containsExactly("op-5", "op-4", "op-3");
	}

	@Test
	void aBufferOfNoEventsIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RecentAsyncEvents(0))
			.withMessage("capacity must be > 0, was 0");
	}

	@Test
	void exceptionMessagesAreHiddenByDefaultButTheirTypeIsShown() {
		this.events.onEvent(new AsyncEvent.RetryScheduled("pricing", NOW, 1, Duration.ofMillis(250),
				new IOException("card 4111-1111 declined")));
		AsyncEventsEndpoint endpoint = new AsyncEventsEndpoint(this.events, Show.NEVER, Set.of());

		assertThat(endpoint.events(SecurityContext.NONE, null, null).events()).singleElement().satisfies((event) -> {
			assertThat(event.name()).isEqualTo("pricing");
			assertThat(event.kind()).isEqualTo("retry_scheduled");
			assertThat(event.attempts()).isEqualTo(1);
			assertThat(event.delayMillis()).isEqualTo(250);
			assertThat(event.exceptionType()).isEqualTo("java.io.IOException");
			assertThat(event.exceptionMessage()).isNull();
		});
	}

	@Test
	void exceptionMessagesAreShownAlwaysOrToAuthorizedRoles() {
		this.events.onEvent(new AsyncEvent.RetriesExhausted("pricing", NOW, 4, new IOException("down")));
		SecurityContext operator = securityContext("OPS");
		SecurityContext stranger = securityContext("GUEST");

		assertThat(new AsyncEventsEndpoint(this.events, Show.ALWAYS, Set.of()).events(SecurityContext.NONE, null, null)
			.events()).singleElement().extracting(AsyncEventsEndpoint.EventDescriptor::exceptionMessage).isEqualTo("down");
		AsyncEventsEndpoint whenAuthorized = new AsyncEventsEndpoint(this.events, Show.WHEN_AUTHORIZED, Set.of("OPS"));
		assertThat(whenAuthorized.events(operator, null, null).events()).singleElement()
			.extracting(AsyncEventsEndpoint.EventDescriptor::exceptionMessage)
			.isEqualTo("down");
		assertThat(whenAuthorized.events(stranger, null, null).events()).singleElement()
			.extracting(AsyncEventsEndpoint.EventDescriptor::exceptionMessage)
			.isNull();
	}

	@Test
	void eventsFilterByNameAndKind() {
		this.events.onEvent(new AsyncEvent.TimeLimitReached("catalogue", NOW, Duration.ofMillis(500)));
		this.events.onEvent(new AsyncEvent.CallRejected("catalogue", NOW, 10));
		this.events.onEvent(new AsyncEvent.Recovered("pricing", NOW, 3));
		AsyncEventsEndpoint endpoint = new AsyncEventsEndpoint(this.events, Show.NEVER, Set.of());

		assertThat(endpoint.events(SecurityContext.NONE, "catalogue", null).events())
			.extracting(AsyncEventsEndpoint.EventDescriptor::kind)
			.containsExactly("call_rejected", "time_limit_reached");
		assertThat(endpoint.events(SecurityContext.NONE, null, "time_limit_reached").events()).singleElement()
			.satisfies((event) -> assertThat(event.limitMillis()).isEqualTo(500));
		assertThat(endpoint.events(SecurityContext.NONE, "catalogue", "RECOVERED").events()).isEmpty();
	}

	private static SecurityContext securityContext(String role) {
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return () -> "someone";
			}

			@Override
			public boolean isUserInRole(String name) {
				return role.equals(name);
			}

		};
	}

}
