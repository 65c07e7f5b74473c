/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.asynchelpers.AsyncEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code asyncevents} endpoint: the most recent {@link AsyncEvent}s (retries scheduled,
 * retries exhausted, recoveries, time limits reached, calls rejected), newest first, like
 * Resilience4j's {@code retryevents}. Read-only. {@code ?name=} and {@code ?kind=} filter
 * (the kind as in the JSON, {@code retry_scheduled}, or its upper-case constant).
 * <p>
 * Exception messages can carry customer data, so they are shown only as Boot's own
 * endpoints show sensitive values: {@code management.endpoint.asyncevents.show-values} is
 * {@code never} by default, {@code when-authorized} (with
 * {@code management.endpoint.asyncevents.roles}) or {@code always}. The exception's type is
 * always shown.
 */
@Endpoint(id = "asyncevents")
public class AsyncEventsEndpoint {

	private final RecentAsyncEvents events;

	private final Show showValues;

	private final Set<String> roles;

	/**
	 * Create an endpoint.
	 * @param events the events to serve
	 * @param showValues when exception messages are shown
	 * @param roles the roles that are authorized with {@link Show#WHEN_AUTHORIZED}
	 */
	public AsyncEventsEndpoint(RecentAsyncEvents events, Show showValues, Set<String> roles) {
		this.events = events;
		this.showValues = showValues;
		this.roles = Set.copyOf(roles);
	}

	/**
	 * List the most recent events, newest first.
	 * @param securityContext who asks
	 * @param name only the events of this operation, or all
	 * @param kind only the events of this kind, or all
	 * @return the events
	 */
	@ReadOperation
	@SuppressWarnings("deprecation") // Boot 3.5 reads only Spring's own @Nullable to make a parameter optional
	public EventsDescriptor events(SecurityContext securityContext,
			@Nullable @org.springframework.lang.Nullable String name,
			@Nullable @org.springframework.lang.Nullable String kind) {
		boolean showMessages = this.showValues.isShown(securityContext, this.roles);
		String kindFilter = (kind != null) ? kind.toUpperCase(Locale.ROOT) : null;
		List<EventDescriptor> matching = this.events.newestFirst()
			.stream()
			.filter((event) -> name == null || event.name().equals(name))
			.filter((event) -> kindFilter == null || event.kind().name().equals(kindFilter))
			.map((event) -> EventDescriptor.of(event, showMessages))
			.toList();
		return new EventsDescriptor(matching);
	}

	/**
	 * The events.
	 *
	 * @param events newest first
	 */
	public record EventsDescriptor(List<EventDescriptor> events) implements OperationResponseBody {
	}

	/**
	 * One event. Fields that do not apply to its kind are {@code null}.
	 *
	 * @param name the operation's name
	 * @param kind {@code retry_scheduled}, {@code retries_exhausted}, {@code recovered},
	 * {@code time_limit_reached} or {@code call_rejected}
	 * @param timestamp when it happened
	 * @param attempts the attempt that failed (retry scheduled), or how many ran
	 * @param delayMillis the pause before the next attempt
	 * @param limitMillis the time limit that was reached
	 * @param concurrencyLimit the concurrency limit that was full
	 * @param exceptionType the failure's class name
	 * @param exceptionMessage the failure's message, only where values are shown
	 */
	public record EventDescriptor(String name, String kind, Instant timestamp, @Nullable Integer attempts,
			@Nullable Long delayMillis, @Nullable Long limitMillis, @Nullable Integer concurrencyLimit,
			@Nullable String exceptionType, @Nullable String exceptionMessage) {

		static EventDescriptor of(AsyncEvent event, boolean showMessages) {
			String kind = event.kind().name().toLowerCase(Locale.ROOT);
			if (event instanceof AsyncEvent.RetryScheduled retry) {
				return new EventDescriptor(retry.name(), kind, retry.timestamp(), retry.attempt(),
						retry.delay().toMillis(), null, null, type(retry.failure()), message(retry.failure(), showMessages));
			}
			if (event instanceof AsyncEvent.RetriesExhausted exhausted) {
				return new EventDescriptor(exhausted.name(), kind, exhausted.timestamp(), exhausted.attempts(), null,
						null, null, type(exhausted.failure()), message(exhausted.failure(), showMessages));
			}
			if (event instanceof AsyncEvent.Recovered recovered) {
				return new EventDescriptor(recovered.name(), kind, recovered.timestamp(), recovered.attempts(), null,
						null, null, null, null);
			}
			if (event instanceof AsyncEvent.TimeLimitReached limit) {
				return new EventDescriptor(limit.name(), kind, limit.timestamp(), null, null, limit.limit().toMillis(),
						null, null, null);
			}
			AsyncEvent.CallRejected rejected = (AsyncEvent.CallRejected) event;
			return new EventDescriptor(rejected.name(), kind, rejected.timestamp(), null, null, null, rejected.limit(),
					null, null);
		}

		private static String type(Throwable failure) {
			return failure.getClass().getName();
		}

		private static @Nullable String message(Throwable failure, boolean shown) {
			return shown ? failure.getMessage() : null;
		}

	}

}
