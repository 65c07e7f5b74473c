/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

/**
 * Carries the caller's thread-bound context (SLF4J's MDC, a tracing span, a security
 * context) to the work the helpers run for it, whichever thread runs that work.
 * <p>
 * Each helper {@linkplain #capture() captures} the context once, on the caller's thread,
 * when the call starts, and runs every piece of the operation inside the captured context:
 * each blocking task, each async task's supplier, each retry attempt, each item of a map,
 * filter or batch, each continuation after a pause, and the per-item callbacks. Inside
 * {@link Captured#run(Runnable)} the captured values are in place; afterwards the thread's
 * own earlier values are back, so a pool thread never carries one request's context into
 * the next task.
 * <p>
 * {@link #mdc()} is the default of the core: it copies the MDC. The Spring Boot
 * auto-configuration uses Micrometer's context-propagation library when it is present
 * (MDC, the current Observation and span, and every registered {@code ThreadLocalAccessor}),
 * and otherwise the application's {@code TaskDecorator}.
 */
@FunctionalInterface
public interface ContextPropagator {

	/**
	 * Capture the current thread's context. Called once per operation, on the caller's
	 * thread; must be cheap and must not block.
	 * @return the captured context
	 */
	Captured capture();

	/**
	 * A propagator that carries nothing.
	 * @return the propagator
	 */
	static ContextPropagator none() {
		return CorePropagators.NOTHING;
	}

	/**
	 * A propagator that carries SLF4J's MDC: the copy taken at capture is set around each
	 * piece of work and the thread's own map is restored afterwards.
	 * @return the propagator
	 */
	static ContextPropagator mdc() {
		return CorePropagators.SLF4J_MDC;
	}

	/**
	 * The context of one caller, ready to be put in place around work on any thread.
	 * Implementations must allow {@link #run(Runnable)} any number of times, from several
	 * threads at once.
	 */
	@FunctionalInterface
	interface Captured {

		/**
		 * Run work on the current thread with the captured context in place, and put the
		 * thread's own context back afterwards, also when the work throws.
		 * @param work the work
		 */
		void run(Runnable work);

	}

}
