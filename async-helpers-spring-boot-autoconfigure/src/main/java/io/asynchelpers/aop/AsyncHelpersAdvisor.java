/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.lang.reflect.Method;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Applies the {@link AsyncHelpersInterceptor} to every method that carries
 * {@code @Retry}, {@code @Timed} or {@code @WithTimeout}, on itself or on its class. A plain
 * Spring AOP advisor, picked up by the context's auto-proxy creator like the transaction
 * advisor, so no AspectJ is needed. Its order relative to other advisors (transactions,
 * security) decides which of them each attempt passes through: by default it is just
 * before {@code Ordered.LOWEST_PRECEDENCE}, so outside a default-ordered
 * {@code @Transactional}, and every retry runs in a fresh transaction.
 */
public final class AsyncHelpersAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	/** The default order: outside advisors left at the lowest precedence, such as transactions. */
	public static final int DEFAULT_ORDER = org.springframework.core.Ordered.LOWEST_PRECEDENCE - 100;

	private final transient Advice advice;

	private final transient Pointcut pointcut = new StaticMethodMatcherPointcut() {

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return MethodSpecResolver.isAnnotated(method, targetClass);
		}

	};

	/**
	 * Create an advisor.
	 * @param interceptor the interceptor to apply
	 * @param order the advisor's order among the proxy's advisors
	 */
	public AsyncHelpersAdvisor(AsyncHelpersInterceptor interceptor, int order) {
		this.advice = interceptor;
		setOrder(order);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
	}

}
