/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The default names and keys of the observations of annotated calls:
 * <ul>
 * <li>name {@value #NAME}, so that the timer Micrometer's meter handler makes of it does not
 * collide with {@code asynchelpers.timed};</li>
 * <li>contextual name (the span's name): the method's one name, {@link MethodSpec#name()};</li>
 * <li>low-cardinality keys {@code name}, {@code class} and {@code method} (as the
 * {@code asynchelpers.*} meters are tagged), {@code outcome} ({@code success} or
 * {@code failure}; {@code unknown} while the call runs) and {@code error} ({@code none} or
 * the failure's simple class name; a cancelled call fails with a
 * {@code CancellationException}).</li>
 * </ul>
 * Not final: extend it to add keys. Thread-safe; the keys that do not depend on the outcome
 * are built once per method.
 */
public class DefaultAsyncHelpersObservationConvention implements AsyncHelpersObservationConvention {

	/** The name of the observations. */
	public static final String NAME = "asynchelpers.call";

	private static final KeyValue OUTCOME_UNKNOWN = KeyValue.of("outcome", "unknown");

	private static final KeyValue OUTCOME_SUCCESS = KeyValue.of("outcome", "success");

	private static final KeyValue OUTCOME_FAILURE = KeyValue.of("outcome", "failure");

	private static final KeyValue EXCEPTION_NONE = KeyValue.of("exception", "none");

	private final Map<MethodSpec, Keys> keys = new ConcurrentHashMap<>();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(AsyncHelpersObservationContext context) {
		return context.getSpec().name();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(AsyncHelpersObservationContext context) {
		Keys keys = keys(context.getSpec());
		Throwable error = context.getError();
		if (error != null) {
			return keys.method.and(OUTCOME_FAILURE, KeyValue.of("exception", unwrap(error).getClass().getSimpleName()));
		}
		// Called when the observation starts and again when it stops: no error yet is no outcome yet.
		return context.isEnded() ? keys.succeeded : keys.running;
	}

	private Keys keys(MethodSpec spec) {
		Keys found = this.keys.get(spec);
		return (found != null) ? found : this.keys.computeIfAbsent(spec, Keys::new);
	}

	private static Throwable unwrap(Throwable error) {
		Throwable cause = error.getCause();
		return (error instanceof CompletionException && cause != null) ? cause : error;
	}

	private static final class Keys {

		private final KeyValues method;

		private final KeyValues running;

		private final KeyValues succeeded;

		Keys(MethodSpec spec) {
			this.method = KeyValues.of("name", spec.name(), "class", spec.className(), "method", spec.methodName());
			this.running = this.method.and(OUTCOME_UNKNOWN, EXCEPTION_NONE);
			this.succeeded = this.method.and(OUTCOME_SUCCESS, EXCEPTION_NONE);
		}

	}

}
