/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.actuate;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * The reflection hints for the {@code asyncprogress} endpoint's answers: Jackson writes the
 * {@link AsyncProgressEndpoint.TrackersDescriptor}, {@link AsyncProgressEndpoint.TrackerDescriptor},
 * {@link AsyncProgressEndpoint.ReplicaDescriptor} and
 * {@link AsyncProgressEndpoint.RemovalDescriptor} records (and the {@code asyncevents}
 * endpoint's {@link AsyncEventsEndpoint.EventsDescriptor} and
 * {@link AsyncEventsEndpoint.EventDescriptor}) through their accessors, which
 * a native image only keeps when they are registered. Imported by the endpoint's
 * auto-configuration, so the hints come with the endpoint.
 */
public final class AsyncProgressEndpointRuntimeHints implements RuntimeHintsRegistrar {

	private final BindingReflectionHintsRegistrar bindingRegistrar = new BindingReflectionHintsRegistrar();

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		this.bindingRegistrar.registerReflectionHints(hints.reflection(), AsyncProgressEndpoint.TrackersDescriptor.class,
				AsyncProgressEndpoint.TrackerDescriptor.class, AsyncProgressEndpoint.ReplicaDescriptor.class,
				AsyncProgressEndpoint.RemovalDescriptor.class,
				AsyncEventsEndpoint.EventsDescriptor.class, AsyncEventsEndpoint.EventDescriptor.class);
	}

}
