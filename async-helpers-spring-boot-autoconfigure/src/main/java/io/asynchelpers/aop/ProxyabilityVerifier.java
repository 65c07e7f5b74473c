/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Fails start-up, with an {@link InvalidAnnotationUseException} that says what to change,
 * wherever an annotation could not work, instead of letting it silently do nothing:
 * <ul>
 * <li>on a private or static method, which no proxy can intercept;</li>
 * <li>on a final method, or any method of a final class, where beans are proxied by
 * subclassing;</li>
 * <li>with an invalid attribute (a {@code "2x"} delay is found at start-up, not at the
 * first call) or an unsupported return type.</li>
 * </ul>
 * Only a method that carries an annotation itself (directly, as a meta-annotation, or on the
 * method it overrides) is checked for being private or static: class-level annotations apply
 * to public methods only, so a private helper of an annotated class is no mistake. A final
 * public method counts when it carries an annotation itself or is declared by an annotated
 * class; final methods inherited from an unannotated superclass (a framework base class,
 * {@code Object}) are left alone. Runs before the advising post-processor sees the bean.
 */
public final class ProxyabilityVerifier implements BeanPostProcessor, Ordered {

	private final Supplier<MethodSpecResolver> resolver;

	private final boolean proxyTargetClass;

	/**
	 * Create a verifier.
	 * @param resolver resolves (and so validates) the specs of annotated methods
	 * @param proxyTargetClass whether beans are proxied by subclassing even when they
	 * implement interfaces ({@code spring.aop.proxy-target-class}, true by default in Boot)
	 */
	public ProxyabilityVerifier(Supplier<MethodSpecResolver> resolver, boolean proxyTargetClass) {
		this.resolver = resolver;
		this.proxyTargetClass = proxyTargetClass;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> type = ClassUtils.getUserClass(bean);
		if (type.getName().startsWith("org.springframework.") || type.isInterface()
				|| !MethodSpecResolver.mayBeAnnotated(type)) {
			return bean;
		}
		// As Spring's DefaultAopProxyFactory decides: a JDK proxy or a lambda is wrapped in a JDK
		// proxy even with proxy-target-class, so its final class and methods are no obstacle.
		boolean subclassed = !Proxy.isProxyClass(type) && !ClassUtils.isLambdaClass(type)
				&& (this.proxyTargetClass || ClassUtils.getAllInterfacesForClass(type).length == 0);
		try {
			ReflectionUtils.doWithMethods(type, (method) -> verify(type, method, subclassed),
					(method) -> method.getDeclaringClass() != Object.class && !method.isBridge() && !method.isSynthetic());
		}
		catch (InvalidAnnotationUseException ex) {
			throw ex.forBean(beanName);
		}
		return bean;
	}

	private void verify(Class<?> type, Method method, boolean subclassed) {
		int modifiers = method.getModifiers();
		String where = type.getName() + "." + method.getName() + "()";
		if (Modifier.isPrivate(modifiers) || Modifier.isStatic(modifiers)) {
			List<String> own = MethodSpecResolver.annotationsOn(method);
			if (!own.isEmpty()) {
				throw notInterceptable(where, method, String.join(", ", own), Modifier.isPrivate(modifiers));
			}
			return;
		}
		if (!MethodSpecResolver.isAnnotated(method, type)) {
			return;
		}
		if (subclassed && Modifier.isFinal(type.getModifiers())) {
			List<String> own = MethodSpecResolver.annotationsOn(method);
			String annotations = String.join(", ", own.isEmpty() ? MethodSpecResolver.annotationsOn(type) : own);
			throw new InvalidAnnotationUseException(where, annotations,
					where + " carries " + annotations + ", but its class " + type.getSimpleName()
							+ " is final and cannot be proxied",
					"Make " + type.getSimpleName() + " non-final, or remove " + annotations);
		}
		if (subclassed && Modifier.isFinal(modifiers)) {
			Set<String> names = new LinkedHashSet<>(MethodSpecResolver.annotationsOn(method));
			if (Modifier.isPublic(modifiers)) {
				names.addAll(MethodSpecResolver.annotationsOn(method.getDeclaringClass()));
			}
			if (!names.isEmpty()) {
				String annotations = String.join(", ", names);
				throw new InvalidAnnotationUseException(where, annotations,
						where + " carries " + annotations + ", but it is final, so its proxy cannot intercept it",
						"Make " + method.getName() + "() non-final, or remove " + annotations);
			}
			// A final method of an unannotated superclass: the class-level annotation is not meant for it.
			return;
		}
		this.resolver.get().resolve(method, type);
	}

	private static InvalidAnnotationUseException notInterceptable(String where, Method method, String annotations,
			boolean isPrivate) {
		String name = method.getName() + "()";
		String change = isPrivate ? "Make " + name + " public" : "Make " + name + " an instance method";
		return new InvalidAnnotationUseException(where, annotations,
				where + " carries " + annotations + ", but it is " + (isPrivate ? "private" : "static")
						+ ", so no proxy can intercept it and the annotation would do nothing",
				change + " and call it on the injected bean (calls on this are not intercepted), or remove "
						+ annotations);
	}

}
