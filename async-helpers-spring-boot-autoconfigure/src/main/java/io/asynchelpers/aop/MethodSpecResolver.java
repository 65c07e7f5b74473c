/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

import io.asynchelpers.AsyncDefaults;
import io.asynchelpers.Jitter;
import io.asynchelpers.RetrySpec;
import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.Retry;
import io.asynchelpers.annotation.Timed;
import io.asynchelpers.annotation.WithTimeout;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;

/**
 * Resolves the {@link Retry}, {@link Timed} and {@link WithTimeout} annotations of a method
 * into a {@link MethodSpec}, once per method and target class.
 * <p>
 * A method's own (possibly meta-) annotation wins over its class's; class-level
 * annotations apply to public methods only. String attributes go through the embedded value
 * resolver ({@code ${...}} placeholders) and durations through Spring's
 * {@link DurationFormatterUtils#detectAndParse(String)}; unset attributes fall back to the
 * given defaults. An invalid attribute or an unsupported return type fails with an
 * {@link InvalidAnnotationUseException} that names the method, the annotation attribute and
 * the value.
 * <p>
 * How a method returns its result is decided on the most specific method of the target
 * class, with type variables resolved against it: through a JDK proxy, a method of
 * {@code interface Source<T> { T fetch(); }} implemented as
 * {@code Source<CompletableFuture<Price>>} is asynchronous, although the invoked interface
 * method returns {@code Object}. A retried method never retries a
 * {@link NullReturnValueException}: the resolved spec lists it among the failures that are
 * not retried.
 */
public final class MethodSpecResolver {

	private static final boolean reactorPresent = ClassUtils.isPresent("reactor.core.publisher.Mono",
			MethodSpecResolver.class.getClassLoader());

	private static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(Retry.class, Timed.class,
			WithTimeout.class);

	private static final String LOG_LEVELS = "one of error, warn, info, debug, trace";

	private final AsyncDefaults defaults;

	private final boolean isolateByDefault;

	private final List<Layer> layers;

	private final @Nullable StringValueResolver valueResolver;

	// Two levels rather than a MethodClassKey, so that the per-call lookup allocates nothing.
	private final Map<Class<?>, Map<Method, MethodSpec>> cache = new ConcurrentHashMap<>();

	/**
	 * Create a resolver.
	 * @param defaults the values that unset attributes fall back to
	 * @param isolateByDefault whether blocking {@code @WithTimeout} calls run on the executor
	 * unless the annotation says so
	 * @param layers the nesting of the three behaviours, outermost first; must name each once
	 * @param valueResolver resolves {@code ${...}} placeholders, or {@code null} for none
	 */
	public MethodSpecResolver(AsyncDefaults defaults, boolean isolateByDefault, List<Layer> layers,
			@Nullable StringValueResolver valueResolver) {
		this.defaults = defaults;
		this.isolateByDefault = isolateByDefault;
		if (layers.size() != Layer.values().length || !layers.containsAll(Arrays.asList(Layer.values()))) {
			throw new IllegalArgumentException("layers must name TIMED, RETRY and TIMEOUT once each, was " + layers);
		}
		this.layers = List.copyOf(layers);
		this.valueResolver = valueResolver;
	}

	/**
	 * Whether a method carries any of the annotations, on itself or (if public) on its class.
	 * @param method the method
	 * @param targetClass the class of the target bean
	 * @return {@code true} if the interceptor must act on it
	 */
	public static boolean isAnnotated(Method method, Class<?> targetClass) {
		if (method.getDeclaringClass() == Object.class) {
			return false;
		}
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		for (Class<? extends Annotation> type : ANNOTATIONS) {
			if (AnnotatedElementUtils.hasAnnotation(specific, type)
					|| (Modifier.isPublic(specific.getModifiers()) && AnnotatedElementUtils.hasAnnotation(targetClass, type))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The annotations that an element carries itself: for a method, directly, as
	 * meta-annotations, or on the method it overrides (not on its class); for a class, on it
	 * or on a superclass or interface.
	 * @param element a method or a class
	 * @return their names, as {@code "@Retry"}, in a fixed order; empty if none
	 */
	static List<String> annotationsOn(AnnotatedElement element) {
		List<String> names = new ArrayList<>(3);
		for (Class<? extends Annotation> type : ANNOTATIONS) {
			if (AnnotatedElementUtils.hasAnnotation(element, type)) {
				names.add("@" + type.getSimpleName());
			}
		}
		return names;
	}

	/**
	 * Return the spec of a method on a target class, resolving it on first use.
	 * @param method the invoked method
	 * @param targetClass the class of the target bean
	 * @return the spec
	 * @throws InvalidAnnotationUseException if an annotation attribute is invalid or the
	 * return type cannot be supported
	 */
	public MethodSpec resolve(Method method, Class<?> targetClass) {
		Map<Method, MethodSpec> specs = this.cache.get(targetClass);
		if (specs == null) {
			specs = this.cache.computeIfAbsent(targetClass, (type) -> new ConcurrentHashMap<>());
		}
		MethodSpec spec = specs.get(method);
		if (spec == null) {
			spec = specs.computeIfAbsent(method, (key) -> compute(method, targetClass));
		}
		return spec;
	}

	private MethodSpec compute(Method method, Class<?> targetClass) {
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		Method specific = AopUtils.getMostSpecificMethod(method, userClass);
		String where = userClass.getName() + "." + method.getName() + "()";
		Timed timed = find(specific, userClass, Timed.class);
		Retry retry = find(specific, userClass, Retry.class);
		WithTimeout withTimeout = find(specific, userClass, WithTimeout.class);
		List<Layer> active = new ArrayList<>(3);
		for (Layer layer : this.layers) {
			if ((layer == Layer.TIMED && timed != null) || (layer == Layer.RETRY && retry != null)
					|| (layer == Layer.TIMEOUT && withTimeout != null)) {
				active.add(layer);
			}
		}
		String annotations = ((timed != null) ? "@Timed " : "") + ((retry != null) ? "@Retry " : "")
				+ ((withTimeout != null) ? "@WithTimeout" : "");
		// One name for the log and every meter of the method.
		String name = firstText((timed != null) ? resolve(timed.value()) : "",
				(retry != null) ? resolve(retry.name()) : "", (withTimeout != null) ? resolve(withTimeout.name()) : "",
				userClass.getSimpleName() + "." + method.getName());
		return new MethodSpec(userClass.getSimpleName(), method.getName(), name,
				returnKind(specific, userClass, where, annotations.trim()),
				(retry != null) ? retrySpec(retry, where) : null,
				(withTimeout != null) ? timeout(withTimeout, where) : null, List.copyOf(active));
	}

	private static <A extends Annotation> @Nullable A find(Method method, Class<?> targetClass, Class<A> type) {
		A annotation = AnnotatedElementUtils.findMergedAnnotation(method, type);
		if (annotation == null && Modifier.isPublic(method.getModifiers())) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(targetClass, type);
		}
		return annotation;
	}

	/**
	 * How the method hands back its result, from its return type as declared by the most
	 * specific method and resolved against the target class.
	 */
	private static MethodSpec.ReturnKind returnKind(Method method, Class<?> targetClass, String where,
			String annotations) {
		Class<?> type = ResolvableType.forMethodReturnType(method, targetClass).resolve(method.getReturnType());
		if (CompletionStage.class.isAssignableFrom(type)) {
			if (!type.isAssignableFrom(CompletableFuture.class)) {
				throw new InvalidAnnotationUseException(where, annotations,
						where + " carries " + annotations + " but returns " + type.getName()
								+ ", which its proxy cannot hand back",
						"Declare the return type of " + method.getName() + "() as CompletionStage or CompletableFuture");
			}
			return MethodSpec.ReturnKind.STAGE;
		}
		if (reactorPresent) {
			MethodSpec.ReturnKind reactive = ReactorInvoker.returnKind(type);
			if (reactive != null) {
				return reactive;
			}
			if (ReactorInvoker.isPublisher(type)) {
				throw new InvalidAnnotationUseException(where, annotations,
						where + " carries " + annotations + " but returns " + type.getName()
								+ ", a Publisher that is neither a Mono nor a Flux",
						"Declare the return type of " + method.getName() + "() as Mono or Flux");
			}
		}
		if (Future.class.isAssignableFrom(type)) {
			throw new InvalidAnnotationUseException(where, annotations,
					where + " carries " + annotations + " but returns " + type.getName()
							+ ": a plain Future cannot be timed, retried or cancelled without blocking",
					"Return CompletableFuture from " + method.getName() + "()");
		}
		return MethodSpec.ReturnKind.BLOCKING;
	}

	private RetrySpec retrySpec(Retry retry, String where) {
		RetrySpec spec = this.defaults.retry();
		String maxRetries = resolve(retry.maxRetriesString());
		if (StringUtils.hasText(maxRetries)) {
			spec = spec.withMaxRetries(parseInt(maxRetries, where, "@Retry.maxRetriesString"));
		}
		else if (retry.maxRetries() >= 0) {
			spec = spec.withMaxRetries(retry.maxRetries());
		}
		Backoff backoff = retry.backoff();
		String delay = resolve(backoff.delay());
		if (StringUtils.hasText(delay)) {
			spec = spec.withBaseDelay(parseDuration(delay, where, "@Backoff.delay"));
		}
		String maxDelay = resolve(backoff.maxDelay());
		if (StringUtils.hasText(maxDelay)) {
			spec = withMaxDelay(spec, parseDuration(maxDelay, where, "@Backoff.maxDelay"), where);
		}
		String multiplier = resolve(backoff.multiplierString());
		double factor = StringUtils.hasText(multiplier) ? parseDouble(multiplier, where, "@Backoff.multiplierString")
				: backoff.multiplier();
		if (factor != 0) {
			try {
				spec = spec.withBackoffFactor(factor);
			}
			catch (IllegalArgumentException ex) {
				throw invalid(where, "@Backoff.multiplier", Double.toString(factor), "must be >= 1",
						"a number >= 1, or 0 for asynchelpers.retry.backoff-factor");
			}
		}
		String jitter = resolve(backoff.jitter());
		if (StringUtils.hasText(jitter)) {
			try {
				spec = spec.withJitter(Jitter.valueOf(jitter.trim().toUpperCase(Locale.ROOT)));
			}
			catch (IllegalArgumentException ex) {
				throw invalid(where, "@Backoff.jitter", jitter, "must be one of none, full, equal",
						"none, full or equal");
			}
		}
		if (retry.retryOn().length > 0) {
			spec = spec.withRetryOn(retry.retryOn());
		}
		if (retry.noRetryOn().length > 0) {
			spec = spec.withNoRetryOn(retry.noRetryOn());
		}
		String attemptLogLevel = resolve(retry.attemptLogLevel());
		String logLevel = resolve(retry.logLevel());
		if (StringUtils.hasText(attemptLogLevel) || StringUtils.hasText(logLevel)) {
			spec = spec.withLogLevels(
					StringUtils.hasText(attemptLogLevel) ? parseLevel(attemptLogLevel, where, "@Retry.attemptLogLevel")
							: spec.retryLogLevel(),
					StringUtils.hasText(logLevel) ? parseLevel(logLevel, where, "@Retry.logLevel")
							: spec.exhaustedLogLevel());
		}
		return neverRetryingNullReturns(spec);
	}

	/**
	 * A {@code null} returned instead of a stage is a programming error: no retry would
	 * change it.
	 */
	private static RetrySpec neverRetryingNullReturns(RetrySpec spec) {
		if (spec.noRetryOn().contains(NullReturnValueException.class)) {
			return spec;
		}
		List<Class<? extends Throwable>> noRetryOn = new ArrayList<>(spec.noRetryOn());
		noRetryOn.add(NullReturnValueException.class);
		return new RetrySpec(spec.maxRetries(), spec.baseDelay(), spec.maxDelay(), spec.backoffFactor(), spec.jitter(),
				spec.retryOn(), noRetryOn, spec.retryLogLevel(), spec.exhaustedLogLevel());
	}

	private static RetrySpec withMaxDelay(RetrySpec spec, Duration maxDelay, String where) {
		try {
			return spec.withMaxDelay(maxDelay);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(where, "@Backoff.maxDelay", maxDelay.toString(),
					"must be >= the delay (" + spec.baseDelay() + ")", "a duration no shorter than the delay");
		}
	}

	private MethodSpec.Timeout timeout(WithTimeout withTimeout, String where) {
		String value = resolve(withTimeout.value());
		Duration duration;
		if (StringUtils.hasText(value)) {
			duration = parseDuration(value, where, "@WithTimeout.value");
		}
		else {
			duration = this.defaults.timeout();
			if (duration == null) {
				throw new InvalidAnnotationUseException(where, "@WithTimeout.value",
						where + ": @WithTimeout has no value and asynchelpers.timeout.default is not set",
						"Give @WithTimeout on " + where + " a value such as \"2s\", or set asynchelpers.timeout.default");
			}
		}
		if (duration.isZero() || duration.isNegative()) {
			throw invalid(where, "@WithTimeout.value", value, "must be > 0", "a duration longer than zero, such as 2s");
		}
		String message = resolve(withTimeout.message());
		return new MethodSpec.Timeout(duration, StringUtils.hasText(message) ? message : null,
				withTimeout.isolate() || this.isolateByDefault);
	}

	private String resolve(String value) {
		if (this.valueResolver == null || !StringUtils.hasText(value)) {
			return value;
		}
		String resolved = this.valueResolver.resolveStringValue(value);
		return (resolved != null) ? resolved : "";
	}

	private static String firstText(String... candidates) {
		for (String candidate : candidates) {
			if (StringUtils.hasText(candidate)) {
				return candidate;
			}
		}
		return candidates[candidates.length - 1];
	}

	private static Duration parseDuration(String value, String where, String attribute) {
		try {
			Duration duration = DurationFormatterUtils.detectAndParse(value.trim());
			if (duration.isNegative()) {
				throw invalid(where, attribute, value, "must not be negative", "a duration of zero or more");
			}
			return duration;
		}
		catch (IllegalArgumentException | DateTimeParseException ex) {
			throw invalid(where, attribute, value, "is not a duration such as 500ms, 2s or PT1M",
					"a duration such as 500ms, 2s or PT1M");
		}
	}

	private static int parseInt(String value, String where, String attribute) {
		try {
			int parsed = Integer.parseInt(value.trim());
			if (parsed < 0) {
				throw invalid(where, attribute, value, "must be >= 0", "a whole number >= 0");
			}
			return parsed;
		}
		catch (NumberFormatException ex) {
			throw invalid(where, attribute, value, "is not a whole number", "a whole number >= 0");
		}
	}

	private static double parseDouble(String value, String where, String attribute) {
		try {
			return Double.parseDouble(value.trim());
		}
		catch (NumberFormatException ex) {
			throw invalid(where, attribute, value, "is not a number", "a number >= 1");
		}
	}

	private static Level parseLevel(String value, String where, String attribute) {
		try {
			return Level.valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw invalid(where, attribute, value, "is not a log level", LOG_LEVELS);
		}
	}

	private static InvalidAnnotationUseException invalid(String where, String attribute, String value, String reason,
			String expected) {
		return new InvalidAnnotationUseException(where, attribute, where + ": " + attribute + " '" + value + "' " + reason,
				"Change " + attribute + " of " + where + " to " + expected);
	}

}
