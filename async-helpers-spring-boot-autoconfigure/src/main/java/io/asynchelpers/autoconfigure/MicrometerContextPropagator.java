/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.util.List;

import io.asynchelpers.ContextPropagator;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.ThreadLocalAccessor;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;

/**
 * Carries the caller's context with Micrometer's context-propagation library: SLF4J's MDC,
 * the current Micrometer {@code Observation} (and with Micrometer Tracing the current span,
 * whose trace and span ids the tracer puts in the MDC), and every other
 * {@link ThreadLocalAccessor} in its registry.
 * <p>
 * The registry is the propagator's own, so that nothing is registered globally: the
 * accessors and context accessors that {@code META-INF/services} lists (as
 * {@link ContextRegistry#loadThreadLocalAccessors()} finds them), then the application's
 * {@link ThreadLocalAccessor} beans, then the MDC, last, so that during the work the MDC is
 * exactly the caller's even after a tracer's scope wrote its own entries into it. Values are
 * restored in the reverse order, so each accessor undoes what it did and the thread's MDC
 * ends as it was.
 * <p>
 * {@link #capture()} takes a snapshot of every accessor's value on the caller's thread.
 * {@link ContextPropagator.Captured#run(Runnable)} sets them on the running thread, clears
 * those the caller had no value for ({@code clearMissing}), runs the work and restores the
 * thread's own values, also when the work throws. A captured context may run any number of
 * times, on several threads at once.
 */
final class MicrometerContextPropagator implements ContextPropagator {

	private final ContextSnapshotFactory snapshots;

	MicrometerContextPropagator(ContextRegistry registry) {
		this.snapshots = ContextSnapshotFactory.builder().contextRegistry(registry).clearMissing(true).build();
	}

	/**
	 * Build the propagator's own registry.
	 * @param accessors the application's accessors, added after those found by the
	 * service loader (one with the same key replaces the loaded one)
	 * @return the registry
	 */
	static ContextRegistry registry(List<ThreadLocalAccessor<?>> accessors) {
		ContextRegistry registry = new ContextRegistry().loadContextAccessors().loadThreadLocalAccessors();
		accessors.forEach(registry::registerThreadLocalAccessor);
		return registry.registerThreadLocalAccessor(new Slf4jThreadLocalAccessor());
	}

	@Override
	public Captured capture() {
		ContextSnapshot snapshot = this.snapshots.captureAll();
		return (work) -> {
			ContextSnapshot.Scope scope = snapshot.setThreadLocals();
			try {
				work.run();
			}
			finally {
				scope.close();
			}
		};
	}

	@Override
	public String toString() {
		return "MicrometerContextPropagator";
	}

}
