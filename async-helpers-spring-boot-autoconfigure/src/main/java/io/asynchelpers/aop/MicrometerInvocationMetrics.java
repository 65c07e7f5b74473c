/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.asynchelpers.ConcurrencyLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Records the annotated calls with Micrometer:
 * <ul>
 * <li>{@code asynchelpers.timed}: a timer tagged {@code name}, {@code class},
 * {@code method}, {@code exception} ({@code none} or the simple class name) and
 * {@code outcome} ({@code success} or {@code failure});</li>
 * <li>{@code asynchelpers.retry.calls}: a counter tagged {@code name} and {@code kind}
 * ({@code successful_without_retry}, {@code successful_with_retry},
 * {@code failed_with_retry}, {@code failed_without_retry});</li>
 * <li>{@code asynchelpers.timeout.calls}: a counter tagged {@code name} and
 * {@code outcome} ({@code success}, {@code timeout}, {@code failure});</li>
 * <li>{@code asynchelpers.concurrency.active} and {@code asynchelpers.concurrency.queued}:
 * gauges of the calls of a {@code @MaxConcurrency} method running and waiting for a slot,
 * and {@code asynchelpers.concurrency.rejected}: a counter of its rejected calls, all tagged
 * {@code name} (the method's, or the key of a limit shared by key, cluster-scoped ones
 * included, whose meters count this replica's calls); read from the limiter, so a call
 * records nothing itself.</li>
 * </ul>
 * All meters of one method carry the same {@code name} tag, {@link MethodSpec#name()}: the
 * {@code @Timed} value where there is one, so that a method's timer, retry and timeout
 * counters are found together. Meters are registered once per method and looked up by spec
 * afterwards.
 */
public final class MicrometerInvocationMetrics implements InvocationMetrics {

	private final MeterRegistry registry;

	private final Map<MethodSpec, Meters> meters = new ConcurrentHashMap<>();

	/**
	 * Create metrics that record into a registry.
	 * @param registry the registry
	 */
	public MicrometerInvocationMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void timed(MethodSpec spec, long nanos, @Nullable Throwable failure) {
		meters(spec).timer(failure).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void retried(MethodSpec spec, int attempts, boolean success) {
		meters(spec).retry(attempts > 1, success).increment();
	}

	@Override
	public void timeout(MethodSpec spec, TimeoutOutcome outcome) {
		meters(spec).timeout(outcome).increment();
	}

	/**
	 * Register the gauges and the counter of a limiter, tagged with its name: the method's
	 * name for a limiter of one method, the key for a limiter shared by key (local or
	 * cluster-scoped; a cluster limiter's meters count this replica's calls).
	 */
	@Override
	public void concurrencyLimited(MethodSpec spec, ConcurrencyLimiter limiter) {
		Gauge.builder("asynchelpers.concurrency.active", limiter, ConcurrencyLimiter::active)
			.description("Calls of a @MaxConcurrency method running now")
			.tags("name", limiter.name())
			.strongReference(true)
			.register(this.registry);
		Gauge.builder("asynchelpers.concurrency.queued", limiter, ConcurrencyLimiter::queued)
			.description("Calls of a @MaxConcurrency method waiting for a slot now")
			.tags("name", limiter.name())
			.strongReference(true)
			.register(this.registry);
		FunctionCounter.builder("asynchelpers.concurrency.rejected", limiter, ConcurrencyLimiter::rejected)
			.description("Calls of a @MaxConcurrency method rejected because the limit was reached")
			.tags("name", limiter.name())
			.register(this.registry);
	}

	private Meters meters(MethodSpec spec) {
		Meters found = this.meters.get(spec);
		return (found != null) ? found : this.meters.computeIfAbsent(spec, (key) -> new Meters(this.registry, key));
	}

	private static final class Meters {

		private final MeterRegistry registry;

		private final MethodSpec spec;

		private volatile @Nullable Timer success;

		private final Map<Class<?>, Timer> failures = new ConcurrentHashMap<>();

		private final Counter[] retries = new Counter[4];

		private final Counter[] timeouts = new Counter[TimeoutOutcome.values().length];

		Meters(MeterRegistry registry, MethodSpec spec) {
			this.registry = registry;
			this.spec = spec;
		}

		Timer timer(@Nullable Throwable failure) {
			if (failure == null) {
				Timer timer = this.success;
				if (timer == null) {
					timer = timer("none", "success");
					this.success = timer;
				}
				return timer;
			}
			return this.failures.computeIfAbsent(failure.getClass(),
					(type) -> timer(type.getSimpleName(), "failure"));
		}

		private Timer timer(String exception, String outcome) {
			return Timer.builder("asynchelpers.timed")
				.description("Time taken by @Timed methods, until their result completes")
				.tags(Tags.of("name", this.spec.name(), "class", this.spec.className(), "method",
						this.spec.methodName(), "exception", exception, "outcome", outcome))
				.register(this.registry);
		}

		Counter retry(boolean retried, boolean success) {
			int index = (retried ? 2 : 0) + (success ? 1 : 0);
			Counter counter = this.retries[index];
			if (counter == null) {
				String kind = (success ? "successful" : "failed") + (retried ? "_with_retry" : "_without_retry");
				counter = Counter.builder("asynchelpers.retry.calls")
					.description("Calls of @Retry methods, by whether they were retried and succeeded")
					.tags("name", this.spec.name(), "kind", kind)
					.register(this.registry);
				// Racing threads register the same meter; the registry hands back one instance.
				this.retries[index] = counter;
			}
			return counter;
		}

		Counter timeout(TimeoutOutcome outcome) {
			Counter counter = this.timeouts[outcome.ordinal()];
			if (counter == null) {
				counter = Counter.builder("asynchelpers.timeout.calls")
					.description("Calls of @WithTimeout methods, by outcome")
					.tags("name", this.spec.name(), "outcome", outcome.tag())
					.register(this.registry);
				this.timeouts[outcome.ordinal()] = counter;
			}
			return counter;
		}

	}

}
