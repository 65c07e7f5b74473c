/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.actuate;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.function.Predicate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jackson can write every answer of the {@code asyncprogress} endpoint in a native image:
 * {@link AsyncProgressEndpointRuntimeHints} registers each record and its accessors.
 */
class AsyncProgressEndpointRuntimeHintsTests {

	@ParameterizedTest(name = "{0}")
	@ValueSource(classes = { AsyncProgressEndpoint.TrackersDescriptor.class,
			AsyncProgressEndpoint.TrackerDescriptor.class, AsyncProgressEndpoint.ReplicaDescriptor.class,
			AsyncProgressEndpoint.RemovalDescriptor.class, AsyncEventsEndpoint.EventsDescriptor.class, AsyncEventsEndpoint.EventDescriptor.class })
	void everyAccessorOfAnAnswerCanBeInvokedReflectively(Class<?> answer) {
		RuntimeHints hints = new RuntimeHints();

		new AsyncProgressEndpointRuntimeHints().registerHints(hints, getClass().getClassLoader());

		assertThat(RuntimeHintsPredicates.reflection().onType(answer)).accepts(hints);
		assertThat(answer.getRecordComponents()).isNotEmpty().allSatisfy((RecordComponent component) -> assertThat(
				invocable(component.getAccessor())).as(component.getName()).accepts(hints));
	}

	/**
	 * Spring Framework 7 replaces {@code onMethod(method).invoke()} with
	 * {@code onMethodInvocation(method)}, which Spring Framework 6.2 (the {@code -Pboot3}
	 * build) does not have.
	 */
	@SuppressWarnings("deprecation")
	private static Predicate<RuntimeHints> invocable(Method method) {
		return RuntimeHintsPredicates.reflection().onMethod(method).invoke();
	}

}
