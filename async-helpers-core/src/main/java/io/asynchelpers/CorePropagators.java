/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The propagators of the core: nothing, or SLF4J's MDC.
 */
enum CorePropagators implements ContextPropagator {

	NOTHING {
		@Override
		public ContextPropagator.Captured capture() {
			return Runnable::run;
		}
	},

	SLF4J_MDC {
		@Override
		public ContextPropagator.Captured capture() {
			Map<String, String> captured = MDC.getCopyOfContextMap();
			if (captured == null || captured.isEmpty()) {
				return EMPTY_MDC;
			}
			return (work) -> runWith(captured, work);
		}
	};

	private static final ContextPropagator.Captured EMPTY_MDC = (work) -> runWith(null, work);

	private static void runWith(@Nullable Map<String, String> captured, Runnable work) {
		Map<String, String> previous = MDC.getCopyOfContextMap();
		if (captured != null) {
			MDC.setContextMap(captured);
		}
		else if (previous != null && !previous.isEmpty()) {
			MDC.clear();
		}
		try {
			work.run();
		}
		finally {
			// Also when the work itself put values: nothing it set outlives it on this thread.
			if (previous == null || previous.isEmpty()) {
				MDC.clear();
			}
			else {
				MDC.setContextMap(previous);
			}
		}
	}

}
