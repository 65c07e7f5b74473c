/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.util.Locale;

import io.asynchelpers.AsyncEvent;
import io.asynchelpers.AsyncEventListener;
import io.micrometer.observation.Observation;

/**
 * Tells the observation of one call about the call's events, as {@link Observation.Event}s
 * (a span event each, with Micrometer Tracing). The interceptor uses it for annotated calls;
 * code that calls the core API directly can use it too, with an observation of its own:
 * {@code helpers.withEventListener(new ObservationEventListener(observation)).retryWithBackoff(...)}. The observation is carried explicitly, not
 * taken from the current-observation thread local, because events happen on the thread that
 * ran the attempt or delivered the timeout, which for async calls is not the caller's.
 * Event names are fixed; the contextual names (what a span shows) carry the attempt, the
 * pause or the limit, never the failure's message, which may hold customer data.
 */
public final class ObservationEventListener implements AsyncEventListener {

	/** An attempt failed and a retry is scheduled. */
	public static final String RETRY = "retry";

	/** Retries ran out. */
	public static final String RETRIES_EXHAUSTED = "retries.exhausted";

	/** The call succeeded after retries. */
	public static final String RECOVERED = "recovered";

	/** A time limit was reached. */
	public static final String TIMEOUT = "timeout";

	/** A concurrency limit rejected the call. */
	public static final String REJECTED = "rejected";

	private final Observation observation;

	/**
	 * Create a listener that tells one observation.
	 * @param observation the observation of the call (or operation) whose events it hears
	 */
	public ObservationEventListener(Observation observation) {
		this.observation = observation;
	}

	@Override
	public void onEvent(AsyncEvent event) {
		this.observation.event(toObservationEvent(event));
	}

	/**
	 * The observation event for a helpers' event.
	 * @param event the helpers' event
	 * @return an event named {@link #RETRY}, {@link #RETRIES_EXHAUSTED}, {@link #RECOVERED},
	 * {@link #TIMEOUT} or {@link #REJECTED}
	 */
	public static Observation.Event toObservationEvent(AsyncEvent event) {
		if (event instanceof AsyncEvent.RetryScheduled retry) {
			return Observation.Event.of(RETRY, "retry after attempt " + retry.attempt() + " failed, next in "
					+ retry.delay().toMillis() + "ms");
		}
		if (event instanceof AsyncEvent.RetriesExhausted exhausted) {
			return Observation.Event.of(RETRIES_EXHAUSTED, "retries exhausted after " + exhausted.attempts()
					+ " attempts");
		}
		if (event instanceof AsyncEvent.Recovered recovered) {
			return Observation.Event.of(RECOVERED, "recovered after " + recovered.attempts() + " attempts");
		}
		if (event instanceof AsyncEvent.TimeLimitReached timeout) {
			return Observation.Event.of(TIMEOUT, "timeout after " + timeout.limit().toMillis() + "ms");
		}
		if (event instanceof AsyncEvent.CallRejected rejected) {
			return Observation.Event.of(REJECTED, "rejected at concurrency limit " + rejected.limit());
		}
		return Observation.Event.of(event.kind().name().toLowerCase(Locale.ROOT));
	}

}
