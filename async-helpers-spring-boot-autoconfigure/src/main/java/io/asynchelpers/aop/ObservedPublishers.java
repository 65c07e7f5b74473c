/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.asynchelpers.AsyncHelpers;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The observation of {@code Mono} and {@code Flux} calls, in a class of its own so that it is
 * loaded only when both Reactor and Micrometer's Observation API are on the class path (see
 * {@link ObservationInvocationObserver}). Each subscription is one observation: started on
 * subscription, current while the method is invoked and its publisher subscribed to, stopped
 * when the subscription completes, fails or is cancelled.
 */
final class ObservedPublishers {

	private ObservedPublishers() {
	}

	static Object observe(MethodSpec spec, AsyncHelpers helpers, InvocationObserver.Call call,
			ObservationInvocationObserver observer) {
		return (spec.returnKind() == MethodSpec.ReturnKind.MONO) ? mono(spec, helpers, call, observer)
				: flux(spec, helpers, call, observer);
	}

	@SuppressWarnings("unchecked")
	private static Mono<Object> mono(MethodSpec spec, AsyncHelpers helpers, InvocationObserver.Call call,
			ObservationInvocationObserver observer) {
		return Mono.deferContextual((reactorContext) -> {
			Observation observation = observer.observation(spec,
					reactorContext.getOrDefault(ObservationThreadLocalAccessor.KEY, null));
			if (observation.isNoop()) {
				return (Mono<Object>) proceed(call, helpers);
			}
			observation.start();
			Mono<Object> mono = (Mono<Object>) proceed(call,
					ObservationInvocationObserver.listening(helpers, spec, observation));
			AtomicBoolean done = new AtomicBoolean();
			return Mono.fromDirect(inScope(mono, observation))
				.doOnSuccess((value) -> stopOnce(done, observation, null))
				.doOnError((ex) -> stopOnce(done, observation, ex))
				.doOnCancel(() -> stopOnce(done, observation, new CancellationException(spec.name() + " was cancelled")))
				.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, observation));
		});
	}

	@SuppressWarnings("unchecked")
	private static Flux<Object> flux(MethodSpec spec, AsyncHelpers helpers, InvocationObserver.Call call,
			ObservationInvocationObserver observer) {
		return Flux.deferContextual((reactorContext) -> {
			Observation observation = observer.observation(spec,
					reactorContext.getOrDefault(ObservationThreadLocalAccessor.KEY, null));
			if (observation.isNoop()) {
				return (Flux<Object>) proceed(call, helpers);
			}
			observation.start();
			Flux<Object> flux = (Flux<Object>) proceed(call,
					ObservationInvocationObserver.listening(helpers, spec, observation));
			return ReactorInvoker
				.whenDone(Flux.from(inScope(flux, observation)), spec,
						(ex) -> ObservationInvocationObserver.stop(observation, ex))
				.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, observation));
		});
	}

	/**
	 * A publisher that subscribes to {@code source} with the observation current, so that
	 * the method (invoked on subscription) and what it starts synchronously nest under it.
	 */
	private static Publisher<Object> inScope(Publisher<Object> source, Observation observation) {
		return (subscriber) -> {
			try (Observation.Scope scope = observation.openScope()) {
				source.subscribe(subscriber);
			}
		};
	}

	private static void stopOnce(AtomicBoolean done, Observation observation, @Nullable Throwable failure) {
		if (done.compareAndSet(false, true)) {
			ObservationInvocationObserver.stop(observation, failure);
		}
	}

	private static Object proceed(InvocationObserver.Call call, AsyncHelpers helpers) {
		try {
			Object publisher = call.proceed(helpers);
			if (publisher == null) {
				throw new IllegalStateException("No publisher from the interceptor");
			}
			return publisher;
		}
		catch (Throwable ex) {
			throw AsyncHelpersInterceptor.<RuntimeException>sneaky(ex);
		}
	}

}
