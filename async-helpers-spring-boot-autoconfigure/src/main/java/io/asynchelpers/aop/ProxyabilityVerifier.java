/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.function.Supplier;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Fails start-up, with a message that says what to change, where an annotation could not
 * work: on a final class or a final method that can only be proxied by subclassing (where
 * the annotation would otherwise be silently ignored or the proxy creation would fail with
 * a generic error), or with an invalid attribute (so a bad {@code "2x"} delay is found at
 * start-up, not at the first call). Runs before the auto-proxy creator sees the bean.
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
		if (type.getName().startsWith("org.springframework.") || type.isInterface()) {
			return bean;
		}
		boolean subclassed = this.proxyTargetClass || ClassUtils.getAllInterfacesForClass(type).length == 0;
		ReflectionUtils.doWithMethods(type, (method) -> verify(beanName, type, method, subclassed),
				(method) -> method.getDeclaringClass() != Object.class && !method.isBridge() && !method.isSynthetic());
		return bean;
	}

	private void verify(String beanName, Class<?> type, Method method, boolean subclassed) {
		if (!MethodSpecResolver.isAnnotated(method, type)) {
			return;
		}
		String where = type.getName() + "." + method.getName() + "()";
		if (subclassed && Modifier.isFinal(type.getModifiers())) {
			throw new BeanInitializationException("Bean '" + beanName + "': " + where
					+ " carries @Retry, @Timed or @WithTimeout, but its class is final and cannot be proxied. "
					+ "Make " + type.getSimpleName() + " non-final.");
		}
		if (subclassed && Modifier.isFinal(method.getModifiers())) {
			throw new BeanInitializationException("Bean '" + beanName + "': " + where
					+ " carries @Retry, @Timed or @WithTimeout, but is final, so its proxy cannot intercept it. "
					+ "Make the method non-final.");
		}
		if (Modifier.isPrivate(method.getModifiers()) || Modifier.isStatic(method.getModifiers())) {
			return;
		}
		try {
			this.resolver.get().resolve(method, type);
		}
		catch (IllegalStateException ex) {
			throw new BeanInitializationException("Bean '" + beanName + "': " + ex.getMessage(), ex);
		}
	}

}
