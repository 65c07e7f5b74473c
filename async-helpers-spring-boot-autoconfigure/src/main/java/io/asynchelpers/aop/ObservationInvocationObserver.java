/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.asynchelpers.AsyncHelpers;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Makes each annotated call a Micrometer {@link Observation} named
 * {@value DefaultAsyncHelpersObservationConvention#NAME} (keys as
 * {@link DefaultAsyncHelpersObservationConvention} describes), which Micrometer Tracing turns
 * into a span. Every call of a method with {@code @Timed}, {@code @Retry} or
 * {@code @WithTimeout} is observed, once, around all of its layers: the observation spans the
 * call as its caller sees it, retries and pauses included.
 * <ul>
 * <li>A blocking call is observed on the caller's thread, from the call to its return.</li>
 * <li>A {@code CompletableFuture} call is observed from the call until the returned future
 * completes; cancelling the future stops the observation with a
 * {@code CancellationException}.</li>
 * <li>A {@code Mono} or {@code Flux} is observed per subscription, from subscription until
 * it completes, fails or is cancelled (a {@code CancellationException}); its parent is the
 * observation in the subscriber's Reactor context, if any, else the current one, and the
 * method's publisher gets it in its Reactor context under
 * {@code ObservationThreadLocalAccessor.KEY}.</li>
 * </ul>
 * The observation is the current one while the method is invoked on the caller's (or
 * subscriber's) thread, so that what the method observes nests under it; later attempts run
 * on the helpers' executor with the context the helpers' {@code ContextPropagator} carries.
 * For methods with {@code @Retry} or {@code @WithTimeout}, the call runs with helpers that
 * tell its observation of the call's {@link io.asynchelpers.AsyncEvent}s as
 * {@link Observation.Event}s: {@value ObservationEventListener#RETRY},
 * {@value ObservationEventListener#RETRIES_EXHAUSTED},
 * {@value ObservationEventListener#RECOVERED}, {@value ObservationEventListener#TIMEOUT} and
 * {@value ObservationEventListener#REJECTED}, signalled on the thread where they happened.
 * <p>
 * When the registry's predicates turn the observation off (it is a no-op), the call runs as
 * it would without observer.
 */
public final class ObservationInvocationObserver implements InvocationObserver {

	private static final AsyncHelpersObservationConvention DEFAULT_CONVENTION = new DefaultAsyncHelpersObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable AsyncHelpersObservationConvention convention;

	/**
	 * Create an observer with the default convention.
	 * @param registry the registry to observe calls with
	 */
	public ObservationInvocationObserver(ObservationRegistry registry) {
		this(registry, null);
	}

	/**
	 * Create an observer.
	 * @param registry the registry to observe calls with
	 * @param convention the convention that names and tags the observations, or {@code null}
	 * for {@link DefaultAsyncHelpersObservationConvention}
	 */
	public ObservationInvocationObserver(ObservationRegistry registry,
			@Nullable AsyncHelpersObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public @Nullable Object observe(MethodSpec spec, AsyncHelpers helpers, Call call) throws Throwable {
		return switch (spec.returnKind()) {
			case BLOCKING -> observeBlocking(spec, helpers, call);
			case STAGE -> observeStage(spec, helpers, call);
			case MONO, FLUX -> ObservedPublishers.observe(spec, helpers, call, this);
		};
	}

	private @Nullable Object observeBlocking(MethodSpec spec, AsyncHelpers helpers, Call call) throws Throwable {
		Observation observation = observation(spec, null);
		if (observation.isNoop()) {
			return call.proceed(helpers);
		}
		observation.start();
		Object result;
		try (Observation.Scope scope = observation.openScope()) {
			result = call.proceed(listening(helpers, spec, observation));
		}
		catch (Throwable ex) {
			stop(observation, ex);
			throw ex;
		}
		stop(observation, null);
		return result;
	}

	private @Nullable Object observeStage(MethodSpec spec, AsyncHelpers helpers, Call call) throws Throwable {
		Observation observation = observation(spec, null);
		if (observation.isNoop()) {
			return call.proceed(helpers);
		}
		observation.start();
		CompletableFuture<?> future;
		try (Observation.Scope scope = observation.openScope()) {
			future = (CompletableFuture<?>) call.proceed(listening(helpers, spec, observation));
		}
		catch (Throwable ex) {
			stop(observation, ex);
			throw ex;
		}
		if (future == null) {
			stop(observation, null);
			return null;
		}
		// The caller gets the very future, so that cancelling it still reaches the call.
		future.whenComplete((value, ex) -> stop(observation, ex));
		return future;
	}

	/**
	 * A not yet started observation of one call.
	 * @param spec the method's spec
	 * @param parent the parent, or {@code null} for the current observation when it starts
	 */
	Observation observation(MethodSpec spec, @Nullable Observation parent) {
		AsyncHelpersObservationContext context = new AsyncHelpersObservationContext(spec);
		Observation observation = Observation.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context,
				this.registry);
		if (parent != null) {
			observation.parentObservation(parent);
		}
		return observation;
	}

	/**
	 * The helpers a call runs with: for methods that may retry or time out, a view that tells
	 * the call's observation of their events.
	 */
	static AsyncHelpers listening(AsyncHelpers helpers, MethodSpec spec, Observation observation) {
		return (spec.retry() != null || spec.timeout() != null)
				? helpers.withEventListener(new ObservationEventListener(observation)) : helpers;
	}

	/**
	 * End an observation: record the failure (unwrapped from a {@code CompletionException}),
	 * if any, then stop it. Runs on the thread that ended the call.
	 */
	static void stop(Observation observation, @Nullable Throwable failure) {
		if (failure != null) {
			Throwable cause = failure.getCause();
			observation.error((failure instanceof CompletionException && cause != null) ? cause : failure);
		}
		if (observation.getContext() instanceof AsyncHelpersObservationContext context) {
			context.end();
		}
		observation.stop();
	}

}
