/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one {@link AsyncHelpers}, and the clock that stamps its events. Immutable:
 * adding a listener makes a new instance, so publishing reads a plain list without locks.
 * With no listener, publishing builds no event at all.
 */
final class AsyncEvents {

	private static final Logger logger = LoggerFactory.getLogger(AsyncEvents.class);

	static final AsyncEvents NONE = new AsyncEvents(List.of(), Clock.systemUTC());

	private final List<AsyncEventListener> listeners;

	private final Clock clock;

	private AsyncEvents(List<AsyncEventListener> listeners, Clock clock) {
		this.listeners = listeners;
		this.clock = clock;
	}

	AsyncEvents with(AsyncEventListener listener) {
		List<AsyncEventListener> more = new ArrayList<>(this.listeners);
		more.add(Checks.notNull(listener, "listener"));
		return new AsyncEvents(List.copyOf(more), this.clock);
	}

	boolean isEmpty() {
		return this.listeners.isEmpty();
	}

	/**
	 * Publish the event {@code factory} makes from the current time, if anyone listens.
	 */
	void publish(Function<Instant, AsyncEvent> factory) {
		if (this.listeners.isEmpty()) {
			return;
		}
		AsyncEvent event = factory.apply(this.clock.instant());
		for (AsyncEventListener listener : this.listeners) {
			try {
				listener.onEvent(event);
			}
			catch (RuntimeException ex) {
				logger.warn("Event listener {} failed on {} of '{}'", listener, event.kind(), event.name(), ex);
			}
		}
	}

}
