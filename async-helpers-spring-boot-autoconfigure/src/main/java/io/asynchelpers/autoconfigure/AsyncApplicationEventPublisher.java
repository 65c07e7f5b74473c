/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import io.asynchelpers.AsyncEvent;
import io.asynchelpers.AsyncEventListener;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes each {@link AsyncEvent} of the helpers to the application context as an
 * {@link AsyncApplicationEvent}.
 */
public final class AsyncApplicationEventPublisher implements AsyncEventListener {

	private final ApplicationEventPublisher publisher;

	/**
	 * Create a publisher.
	 * @param publisher the application context's publisher
	 */
	public AsyncApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void onEvent(AsyncEvent event) {
		this.publisher.publishEvent(new AsyncApplicationEvent(event));
	}

}
