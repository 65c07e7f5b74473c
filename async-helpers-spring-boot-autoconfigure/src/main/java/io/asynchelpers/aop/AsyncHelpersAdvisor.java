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
 * {@code @Retry}, {@code @Timed} or {@code @WithTimeout}, on itself or on its class. Applied
 * by {@link AsyncHelpersAnnotationBeanPostProcessor}, in front of the advisors a proxy
 * already has.
 */
public final class AsyncHelpersAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	private final transient Advice advice;

	private final transient Pointcut pointcut = new StaticMethodMatcherPointcut() {

		{
			// A class with none of the annotations anywhere is passed over without a search of
			// each of its methods.
			setClassFilter(MethodSpecResolver::mayBeAnnotated);
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return MethodSpecResolver.isAnnotated(method, targetClass);
		}

	};

	/**
	 * Create an advisor.
	 * @param interceptor the interceptor to apply
	 */
	public AsyncHelpersAdvisor(AsyncHelpersInterceptor interceptor) {
		this.advice = interceptor;
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
