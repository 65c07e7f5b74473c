/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of annotated calls. Declare a bean of this type to replace
 * {@link DefaultAsyncHelpersObservationConvention} (extending it to add keys).
 */
public interface AsyncHelpersObservationConvention extends ObservationConvention<AsyncHelpersObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof AsyncHelpersObservationContext;
	}

}
