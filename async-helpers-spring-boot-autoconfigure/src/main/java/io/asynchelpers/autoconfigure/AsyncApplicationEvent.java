/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import io.asynchelpers.AsyncEvent;

import org.springframework.context.ApplicationEvent;

/**
 * An {@link AsyncEvent} of the helpers, published to the application context (as Spring
 * Framework 7 publishes its {@code MethodRetryEvent}): listen with
 * {@code @EventListener void on(AsyncApplicationEvent event)}. Published synchronously on
 * the thread where the event happened, unless the application's event multicaster has an
 * executor. Turned off with {@code asynchelpers.events.publish-application-events=false}.
 */
public final class AsyncApplicationEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an event.
	 * @param event the helpers' event
	 */
	public AsyncApplicationEvent(AsyncEvent event) {
		super(event);
	}

	/**
	 * Return the helpers' event.
	 * @return the event
	 */
	public AsyncEvent getEvent() {
		return (AsyncEvent) getSource();
	}

}
