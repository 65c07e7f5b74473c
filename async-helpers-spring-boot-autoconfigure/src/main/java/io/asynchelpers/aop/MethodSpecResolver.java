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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import io.asynchelpers.AsyncDefaults;
import io.asynchelpers.Jitter;
import io.asynchelpers.OnResultExhausted;
import io.asynchelpers.RetryDelayFunction;
import io.asynchelpers.RetrySpec;
import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.MaxConcurrency;
import io.asynchelpers.annotation.Retry;
import io.asynchelpers.annotation.Timed;
import io.asynchelpers.annotation.WithTimeout;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;

/**
 * Resolves the {@link Retry}, {@link Timed}, {@link WithTimeout} and {@link MaxConcurrency}
 * annotations of a method into a {@link MethodSpec}, once per method and target class.
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

	/** The class whose presence turns the Reactor support on (found by name: see AsyncHelpersAopRuntimeHints). */
	static final String REACTOR_MARKER = "reactor.core.publisher.Mono";

	private static final boolean reactorPresent = ClassUtils.isPresent(REACTOR_MARKER,
			MethodSpecResolver.class.getClassLoader());

	private static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(Retry.class, Timed.class,
			WithTimeout.class, MaxConcurrency.class);

	private static final String LOG_LEVELS = "one of error, warn, info, debug, trace";

	private final AsyncDefaults defaults;

	private final boolean isolateByDefault;

	private final List<Layer> layers;

	private final @Nullable StringValueResolver valueResolver;

	private final @Nullable AutowireCapableBeanFactory beanFactory;

	private final ConcurrencyDefaults concurrencyDefaults;

	// Two levels rather than a MethodClassKey, so that the per-call lookup allocates nothing.
	private final Map<Class<?>, Map<Method, MethodSpec>> cache = new ConcurrentHashMap<>();

	/** The limits shared by key ("local:key" or "cluster:key"), to check that their methods agree. */
	private final Map<String, SharedLimit> sharedLimits = new ConcurrentHashMap<>();

	/**
	 * Create a resolver.
	 * @param defaults the values that unset attributes fall back to
	 * @param isolateByDefault whether blocking {@code @WithTimeout} calls run on the executor
	 * unless the annotation says so
	 * @param layers the nesting of the behaviours, outermost first; must name each once
	 * ({@link Layer#withDefaults(List) completed} with {@code MAX_CONCURRENCY} if it is left out)
	 * @param valueResolver resolves {@code ${...}} placeholders, or {@code null} for none
	 */
	public MethodSpecResolver(AsyncDefaults defaults, boolean isolateByDefault, List<Layer> layers,
			@Nullable StringValueResolver valueResolver) {
		this(defaults, isolateByDefault, layers, ConcurrencyDefaults.STANDARD, valueResolver, null);
	}

	/**
	 * Create a resolver that creates the predicates and delay functions named by
	 * {@code @Retry} as beans. See
	 * {@link #MethodSpecResolver(AsyncDefaults, boolean, List, ConcurrencyDefaults, StringValueResolver, AutowireCapableBeanFactory)}.
	 * @param defaults the values that unset attributes fall back to
	 * @param isolateByDefault whether blocking {@code @WithTimeout} calls run on the executor
	 * unless the annotation says so
	 * @param layers the nesting of the behaviours, outermost first
	 * @param valueResolver resolves {@code ${...}} placeholders, or {@code null} for none
	 * @param beanFactory creates {@code @Retry(retryOnResult, delayFunction)} classes with
	 * their dependencies injected, or {@code null} to call their no-argument constructor
	 */
	public MethodSpecResolver(AsyncDefaults defaults, boolean isolateByDefault, List<Layer> layers,
			@Nullable StringValueResolver valueResolver, @Nullable AutowireCapableBeanFactory beanFactory) {
		this(defaults, isolateByDefault, layers, ConcurrencyDefaults.STANDARD, valueResolver, beanFactory);
	}

	/**
	 * Create a resolver with the values that unset {@code @MaxConcurrency} attributes fall
	 * back to, and a bean factory for the classes {@code @Retry} names.
	 * @param defaults the values that unset attributes fall back to
	 * @param isolateByDefault whether blocking {@code @WithTimeout} calls run on the executor
	 * unless the annotation says so
	 * @param layers the nesting of the behaviours, outermost first; must name each once
	 * ({@link Layer#withDefaults(List) completed} with {@code MAX_CONCURRENCY} if it is left out)
	 * @param concurrencyDefaults the values unset {@code @MaxConcurrency} attributes fall back to
	 * @param valueResolver resolves {@code ${...}} placeholders, or {@code null} for none
	 * @param beanFactory creates {@code @Retry(retryOnResult, delayFunction)} classes with
	 * their dependencies injected, or {@code null} to call their no-argument constructor
	 * @throws IllegalArgumentException if {@code layers} does not name every layer once
	 */
	public MethodSpecResolver(AsyncDefaults defaults, boolean isolateByDefault, List<Layer> layers,
			ConcurrencyDefaults concurrencyDefaults, @Nullable StringValueResolver valueResolver,
			@Nullable AutowireCapableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
		this.defaults = defaults;
		this.isolateByDefault = isolateByDefault;
		List<Layer> complete = Layer.withDefaults(layers);
		if (complete.size() != Layer.values().length || !complete.containsAll(Arrays.asList(Layer.values()))) {
			throw new IllegalArgumentException(
					"layers must name TIMED, RETRY, MAX_CONCURRENCY and TIMEOUT once each, was " + layers);
		}
		this.layers = List.copyOf(complete);
		this.concurrencyDefaults = concurrencyDefaults;
		this.valueResolver = valueResolver;
	}

	/**
	 * The annotations that the interceptor acts on, in a fixed order.
	 * @return {@code Retry}, {@code Timed} and {@code WithTimeout}
	 */
	static List<Class<? extends Annotation>> annotationTypes() {
		return ANNOTATIONS;
	}

	/**
	 * Whether an annotation type is one of the annotations or carries one as a
	 * meta-annotation: computed once per annotation type.
	 */
	private static final ClassValue<Boolean> CARRIES_ONE = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> annotationType) {
			for (Class<? extends Annotation> type : ANNOTATIONS) {
				if (annotationType == type || AnnotatedElementUtils.hasAnnotation(annotationType, type)) {
					return true;
				}
			}
			return false;
		}

	};

	/**
	 * Whether any type of a class's hierarchy carries one of the annotations: computed once
	 * per class, as {@link #mayBeAnnotated(Class)} describes.
	 */
	private static final ClassValue<Boolean> MAY_BE_ANNOTATED = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			return lookForAnnotations(type);
		}

	};

	/**
	 * A quick look at a whole class, so that start-up does not search every method of every
	 * bean: whether a class, one of its superclasses or one of its interfaces carries one of
	 * the annotations, on itself or on a method it declares, directly or as a
	 * meta-annotation. When it is {@code false}, {@link #isAnnotated(Method, Class)} is
	 * {@code false} for every method of the class. Plain reflection, whose annotations the
	 * JDK keeps, where Spring's merged-annotation search of each method's hierarchy took about
	 * 60 ms per start over the 235 beans of a minimal web application (Spring clears its
	 * caches after every refresh). Remembered per class.
	 * @param type the class of a bean
	 * @return {@code false} if no method of the class can carry an annotation
	 */
	static boolean mayBeAnnotated(Class<?> type) {
		return MAY_BE_ANNOTATED.get(type);
	}

	private static boolean lookForAnnotations(Class<?> type) {
		Set<Class<?>> seen = new HashSet<>();
		Deque<Class<?>> types = new ArrayDeque<>();
		types.add(type);
		Class<?> current;
		while ((current = types.poll()) != null) {
			if (current == Object.class || current.getName().startsWith("java.") || !seen.add(current)) {
				continue;
			}
			try {
				if (carriesOne(current.getDeclaredAnnotations())) {
					return true;
				}
				for (Method method : current.getDeclaredMethods()) {
					if (carriesOne(method.getDeclaredAnnotations())) {
						return true;
					}
				}
			}
			catch (LinkageError ex) {
				// A class that cannot be introspected (an optional dependency is missing): let
				// the full search decide, and fail or not as it does.
				return true;
			}
			Class<?> superclass = current.getSuperclass();
			if (superclass != null) {
				types.add(superclass);
			}
			types.addAll(Arrays.asList(current.getInterfaces()));
		}
		return false;
	}

	private static boolean carriesOne(Annotation[] annotations) {
		for (Annotation annotation : annotations) {
			if (CARRIES_ONE.get(annotation.annotationType())) {
				return true;
			}
		}
		return false;
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
		try {
			return computeSpec(method, targetClass);
		}
		catch (UnresolvablePlaceholderException ex) {
			String where = ClassUtils.getUserClass(targetClass).getName() + "." + method.getName() + "()";
			throw new InvalidAnnotationUseException(where, "placeholder",
					where + ": an annotation attribute '" + ex.value + "' cannot be resolved (" + ex.getCause().getMessage()
							+ ")",
					"Define the property it names, or give the placeholder a default, as in ${name:default}");
		}
	}

	private MethodSpec computeSpec(Method method, Class<?> targetClass) {
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		Method specific = AopUtils.getMostSpecificMethod(method, userClass);
		String where = userClass.getName() + "." + method.getName() + "()";
		Timed timed = find(specific, userClass, Timed.class);
		Retry retry = find(specific, userClass, Retry.class);
		WithTimeout withTimeout = find(specific, userClass, WithTimeout.class);
		MaxConcurrency maxConcurrency = find(specific, userClass, MaxConcurrency.class);
		List<Layer> active = new ArrayList<>(3);
		for (Layer layer : this.layers) {
			if ((layer == Layer.TIMED && timed != null) || (layer == Layer.RETRY && retry != null)
					|| (layer == Layer.TIMEOUT && withTimeout != null)
					|| (layer == Layer.MAX_CONCURRENCY && maxConcurrency != null)) {
				active.add(layer);
			}
		}
		String annotations = ((timed != null) ? "@Timed " : "") + ((retry != null) ? "@Retry " : "")
				+ ((withTimeout != null) ? "@WithTimeout " : "") + ((maxConcurrency != null) ? "@MaxConcurrency" : "");
		// One name for the log and every meter of the method.
		String name = firstText((timed != null) ? resolve(timed.value()) : "",
				(retry != null) ? resolve(retry.name()) : "", (withTimeout != null) ? resolve(withTimeout.name()) : "",
				(maxConcurrency != null) ? resolve(maxConcurrency.name()) : "",
				userClass.getSimpleName() + "." + method.getName());
		MethodSpec.ReturnKind returnKind = returnKind(specific, userClass, where, annotations.trim());
		return new MethodSpec(userClass.getSimpleName(), method.getName(), name, returnKind,
				(retry != null) ? retrySpec(retry, where, returnKind) : null,
				(withTimeout != null) ? timeout(withTimeout, where) : null, List.copyOf(active),
				(maxConcurrency != null) ? maxConcurrency(maxConcurrency, where, name) : null);
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

	private RetrySpec retrySpec(Retry retry, String where, MethodSpec.ReturnKind returnKind) {
		RetrySpec spec = this.defaults.retry();
		String maxRetries = resolve(retry.maxRetriesString());
		if (StringUtils.hasText(maxRetries)) {
			spec = spec.withMaxRetries(parseInt(maxRetries, where, "@Retry.maxRetriesString"));
		}
		else if (retry.maxRetries() >= 0) {
			spec = spec.withMaxRetries(retry.maxRetries());
		}
		else if (retry.maxRetries() != -1) {
			throw invalid(where, "@Retry.maxRetries", Integer.toString(retry.maxRetries()), "must be >= 0",
					"a whole number >= 0, or -1 (the default) for asynchelpers.retry.max-retries");
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
		return neverRetryingNullReturns(httpClientRetry(spec, retry, where, returnKind));
	}

	/**
	 * The attributes that make a retry fit HTTP clients: retrying on a result, pauses
	 * computed from the failure or result, one deadline.
	 */
	private RetrySpec httpClientRetry(RetrySpec spec, Retry retry, String where, MethodSpec.ReturnKind returnKind) {
		if (retry.retryOnResult() != Predicate.class) {
			if (returnKind == MethodSpec.ReturnKind.FLUX) {
				throw new InvalidAnnotationUseException(where, "@Retry.retryOnResult",
						where + " returns a Flux, which has no single result for @Retry.retryOnResult to judge",
						"Remove retryOnResult from @Retry on " + where
								+ ", or return a Mono (of a List, if need be) whose value can be judged");
			}
			spec = spec.withRetryOnResult(create(retry.retryOnResult(), Predicate.class, where, "@Retry.retryOnResult"));
		}
		String onResultExhausted = resolve(retry.onResultExhausted());
		if (StringUtils.hasText(onResultExhausted)) {
			spec = spec.withOnResultExhausted(parseOnResultExhausted(onResultExhausted, where));
		}
		if (retry.delayFunction() != void.class) {
			spec = spec.withDelayFunction(
					create(retry.delayFunction(), RetryDelayFunction.class, where, "@Retry.delayFunction"));
		}
		String maxDuration = resolve(retry.maxDuration());
		if (StringUtils.hasText(maxDuration)) {
			Duration duration = parseDuration(maxDuration, where, "@Retry.maxDuration");
			if (duration.isZero()) {
				throw invalid(where, "@Retry.maxDuration", maxDuration, "must be > 0",
						"a duration longer than zero, such as 10s");
			}
			spec = spec.withMaxDuration(duration);
		}
		return spec;
	}

	/**
	 * Create a predicate or delay function named by {@code @Retry} as a bean, so that it
	 * can be autowired, or with its no-argument constructor when there is no bean factory.
	 */
	private <T> T create(Class<?> type, Class<T> required, String where, String attribute) {
		if (!required.isAssignableFrom(type) || type == required) {
			throw invalid(where, attribute, type.getName(), "is not a class implementing " + required.getName(),
					"a class implementing " + required.getName());
		}
		try {
			Object instance = (this.beanFactory != null) ? this.beanFactory.createBean(type)
					: BeanUtils.instantiateClass(type);
			return required.cast(instance);
		}
		catch (BeansException ex) {
			throw new InvalidAnnotationUseException(where, attribute,
					where + ": " + attribute + " " + type.getName() + " could not be created: "
							+ ex.getMostSpecificCause().getMessage(),
					"Make " + type.getName() + " a concrete class with a public constructor whose arguments are beans");
		}
	}

	private static OnResultExhausted parseOnResultExhausted(String value, String where) {
		try {
			return OnResultExhausted.valueOf(value.trim().replace('-', '_').toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw invalid(where, "@Retry.onResultExhausted", value, "is neither return-last nor throw",
					"return-last or throw");
		}
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
		@SuppressWarnings("unchecked")
		Class<? extends Throwable>[] types = noRetryOn.toArray(new Class[0]);
		return spec.withNoRetryOn(types);
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

	private MethodSpec.MaxConcurrency maxConcurrency(MaxConcurrency annotation, String where, String name) {
		String limitString = resolve(annotation.limitString());
		int limit = StringUtils.hasText(limitString) ? parseInt(limitString, where, "@MaxConcurrency.limitString")
				: annotation.limit();
		if (limit <= 0) {
			String attribute = StringUtils.hasText(limitString) ? "@MaxConcurrency.limitString" : "@MaxConcurrency.limit";
			throw invalid(where, attribute, StringUtils.hasText(limitString) ? limitString : Integer.toString(limit),
					"must be > 0", "a whole number > 0, such as 10");
		}
		ConcurrencyDefaults fallback = this.concurrencyDefaults;
		MaxConcurrency.Policy policy = annotation.policy();
		boolean reject = (policy == MaxConcurrency.Policy.DEFAULT) ? fallback.reject()
				: (policy == MaxConcurrency.Policy.REJECT);
		String maxWait = resolve(annotation.maxWait());
		String queueCapacity = resolve(annotation.queueCapacity());
		boolean cluster = annotation.scope() == MaxConcurrency.Scope.CLUSTER;
		String key = resolve(annotation.key()).trim();
		MethodSpec.MaxConcurrency spec = new MethodSpec.MaxConcurrency(limit, reject,
				StringUtils.hasText(maxWait) ? parseDuration(maxWait, where, "@MaxConcurrency.maxWait")
						: fallback.maxWait(),
				StringUtils.hasText(queueCapacity) ? parseInt(queueCapacity, where, "@MaxConcurrency.queueCapacity")
						: fallback.queueCapacity(),
				cluster, StringUtils.hasText(key) ? key : (cluster ? name : null));
		if (spec.key() != null) {
			checkSharedLimit(spec, where);
		}
		return spec;
	}

	/**
	 * Methods sharing a key share one limiter: they must agree on what it is.
	 */
	private void checkSharedLimit(MethodSpec.MaxConcurrency spec, String where) {
		String scope = spec.cluster() ? "cluster" : "local";
		SharedLimit shared = new SharedLimit(spec.limit(), spec.queueLimit(), where);
		SharedLimit first = this.sharedLimits.putIfAbsent(scope + ":" + spec.key(), shared);
		if (first == null || first.where().equals(where)) {
			return;
		}
		if (first.limit() != shared.limit()) {
			throw new InvalidAnnotationUseException(where, "@MaxConcurrency.limit",
					where + ": @MaxConcurrency(scope = " + scope.toUpperCase(Locale.ROOT) + ", key = \"" + spec.key()
							+ "\") has limit " + shared.limit() + " but " + first.where() + " shares the key with limit "
							+ first.limit(),
					"Give every method with @MaxConcurrency key \"" + spec.key() + "\" the same limit, or different keys");
		}
		if (first.queueLimit() != shared.queueLimit()) {
			throw new InvalidAnnotationUseException(where, "@MaxConcurrency.queueCapacity",
					where + ": @MaxConcurrency(scope = " + scope.toUpperCase(Locale.ROOT) + ", key = \"" + spec.key()
							+ "\") lets " + shared.queueLimit() + " calls wait but " + first.where()
							+ " shares the key and lets " + first.queueLimit() + " wait",
					"Give every method with @MaxConcurrency key \"" + spec.key()
							+ "\" the same queueCapacity and policy, or different keys");
		}
	}

	/**
	 * The first method seen with a shared key, and what it asked for.
	 */
	private record SharedLimit(int limit, int queueLimit, String where) {
	}

	private String resolve(String value) {
		if (this.valueResolver == null || !StringUtils.hasText(value)) {
			return value;
		}
		String resolved;
		try {
			resolved = this.valueResolver.resolveStringValue(value);
		}
		catch (IllegalArgumentException ex) {
			// Boot's strict placeholder resolution: reported with the method by compute.
			throw new UnresolvablePlaceholderException(value, ex);
		}
		return (resolved != null) ? resolved : "";
	}

	/**
	 * A placeholder in an annotation attribute that the environment cannot resolve.
	 */
	private static final class UnresolvablePlaceholderException extends RuntimeException {

		private final String value;

		UnresolvablePlaceholderException(String value, IllegalArgumentException cause) {
			super(cause);
			this.value = value;
		}

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
		catch (IllegalArgumentException | DateTimeParseException | ArithmeticException ex) {
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

	/**
	 * What unset {@code @MaxConcurrency} attributes fall back to
	 * ({@code asynchelpers.max-concurrency.*}).
	 *
	 * @param reject whether calls beyond the limit are rejected at once instead of waiting
	 * @param maxWait how long a blocking call waits for a slot, {@code >= 0}
	 * @param queueCapacity how many calls may wait for a slot, {@code >= 0}
	 */
	public record ConcurrencyDefaults(boolean reject, Duration maxWait, int queueCapacity) {

		/** Wait, at most one second for a blocking call, in an unbounded queue. */
		public static final ConcurrencyDefaults STANDARD = new ConcurrencyDefaults(false, Duration.ofSeconds(1),
				Integer.MAX_VALUE);

		/**
		 * Create defaults.
		 * @param reject whether calls beyond the limit are rejected at once
		 * @param maxWait how long a blocking call waits for a slot, {@code >= 0}
		 * @param queueCapacity how many calls may wait for a slot, {@code >= 0}
		 * @throws IllegalArgumentException if {@code maxWait} or {@code queueCapacity} is
		 * negative
		 */
		public ConcurrencyDefaults {
			Assert.isTrue(!maxWait.isNegative(), () -> "maxWait must be >= 0, was " + maxWait);
			Assert.isTrue(queueCapacity >= 0, () -> "queueCapacity must be >= 0, was " + queueCapacity);
		}

	}

}
