/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Registers, at build time, the reflection hints that a native image needs for each bean
 * whose methods carry {@code @Retry}, {@code @Timed} or {@code @WithTimeout}:
 * <ul>
 * <li>every annotated method, for invocation: the proxy calls the target method
 * reflectively, and the interceptor reads its annotations and return type;</li>
 * <li>every class named in an attribute of the annotations, nested annotations included
 * ({@code retryOn}, {@code noRetryOn}). A {@code Throwable} is only matched with
 * {@code isInstance}, so its type is registered alone; any other class (the result
 * predicates and delay functions still to come) is registered with its declared
 * constructors, since the starter creates it. A new class-valued attribute needs no
 * change here.</li>
 * </ul>
 * The proxy class itself and its reflection hints come from the type that
 * {@link AsyncHelpersAnnotationBeanPostProcessor} predicts. Beans are only looked at when
 * the annotations are on, that is when the bean factory has that post-processor. Listed in
 * {@code META-INF/spring/aot.factories}.
 */
final class AsyncHelpersBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		if (registeredBean.getBeanFactory()
			.getBeanNamesForType(AsyncHelpersAnnotationBeanPostProcessor.class, false, false).length == 0) {
			return null;
		}
		Class<?> beanClass = ClassUtils.getUserClass(registeredBean.getBeanClass());
		Set<Method> methods = annotatedMethods(beanClass);
		if (methods.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> registerHints(generationContext.getRuntimeHints().reflection(), beanClass,
				methods);
	}

	/**
	 * The methods that the advisor's pointcut matches on a class: its own and inherited
	 * ones, and those of its interfaces (which a JDK proxy invokes).
	 */
	static Set<Method> annotatedMethods(Class<?> beanClass) {
		Set<Method> methods = new LinkedHashSet<>();
		ReflectionUtils.doWithMethods(beanClass, (method) -> {
			if (MethodSpecResolver.isAnnotated(method, beanClass)) {
				methods.add(method);
			}
		}, (method) -> !method.isBridge() && !method.isSynthetic() && !Modifier.isPrivate(method.getModifiers())
				&& !Modifier.isStatic(method.getModifiers()));
		for (Class<?> type : ClassUtils.getAllInterfacesForClassAsSet(beanClass)) {
			for (Method method : type.getMethods()) {
				if (!Modifier.isStatic(method.getModifiers()) && MethodSpecResolver.isAnnotated(method, beanClass)) {
					methods.add(method);
				}
			}
		}
		return methods;
	}

	private static void registerHints(ReflectionHints hints, Class<?> beanClass, Set<Method> methods) {
		registerClassValues(hints, beanClass);
		for (Method method : methods) {
			hints.registerMethod(method, ExecutableMode.INVOKE);
			registerClassValues(hints, method);
		}
	}

	private static void registerClassValues(ReflectionHints hints, AnnotatedElement element) {
		for (Class<? extends Annotation> type : MethodSpecResolver.annotationTypes()) {
			AnnotationAttributes attributes = AnnotatedElementUtils.findMergedAnnotationAttributes(element, type, false,
					true);
			if (attributes != null) {
				registerClassValues(hints, attributes);
			}
		}
	}

	/**
	 * Register every class that an annotation's attributes name, in nested annotations too.
	 * @param hints where to register them
	 * @param attributes the attributes, with nested annotations as maps
	 */
	static void registerClassValues(ReflectionHints hints, AnnotationAttributes attributes) {
		for (Object value : attributes.values()) {
			if (value instanceof Class<?> type) {
				registerClass(hints, type);
			}
			else if (value instanceof Class<?>[] types) {
				for (Class<?> type : types) {
					registerClass(hints, type);
				}
			}
			else if (value instanceof AnnotationAttributes nested) {
				registerClassValues(hints, nested);
			}
			else if (value instanceof AnnotationAttributes[] nested) {
				for (AnnotationAttributes each : nested) {
					registerClassValues(hints, each);
				}
			}
		}
	}

	private static void registerClass(ReflectionHints hints, Class<?> type) {
		if (Throwable.class.isAssignableFrom(type)) {
			hints.registerType(type);
		}
		else {
			hints.registerType(type, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
		}
	}

}
