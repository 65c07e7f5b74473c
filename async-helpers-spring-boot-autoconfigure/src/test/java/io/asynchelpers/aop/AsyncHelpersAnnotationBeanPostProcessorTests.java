/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bean type that {@link AsyncHelpersAnnotationBeanPostProcessor} predicts, which
 * ahead-of-time processing uses to generate the proxy classes at build time, is the type
 * that the post-processor gives the bean at run time.
 */
class AsyncHelpersAnnotationBeanPostProcessorTests {

	@Test
	void anAnnotatedBeanIsPredictedAsTheCglibProxyItGetsAtRunTime() {
		AsyncHelpersAnnotationBeanPostProcessor postProcessor = postProcessor(true);

		Class<?> predicted = postProcessor.determineBeanType(TestServices.Flaky.class, "flaky");
		Object bean = postProcessor.postProcessAfterInitialization(new TestServices.Flaky(), "flaky");

		assertThat(predicted).isNotEqualTo(TestServices.Flaky.class).isEqualTo(bean.getClass());
		assertThat(AopUtils.isCglibProxy(bean)).isTrue();
	}

	@Test
	void withInterfaceProxiesAnAnnotatedBeanIsPredictedAsItsJdkProxy() {
		AsyncHelpersAnnotationBeanPostProcessor postProcessor = postProcessor(false);

		Class<?> predicted = postProcessor.determineBeanType(TestServices.FailingSource.class, "source");
		Object bean = postProcessor.postProcessAfterInitialization(new TestServices.FailingSource(), "source");

		assertThat(Proxy.isProxyClass(predicted)).isTrue();
		assertThat(predicted).isEqualTo(bean.getClass());
	}

	@Test
	void aBeanWithoutTheAnnotationsKeepsItsType() {
		AsyncHelpersAnnotationBeanPostProcessor postProcessor = postProcessor(true);

		assertThat(postProcessor.determineBeanType(String.class, "plain")).isEqualTo(String.class);
		assertThat(postProcessor.postProcessAfterInitialization("plain", "plain")).isEqualTo("plain");
	}

	@Test
	void aBeanThatAnotherPostProcessorProxiedKeepsThatProxysType() {
		AsyncHelpersAnnotationBeanPostProcessor postProcessor = postProcessor(true);
		ProxyFactory proxyFactory = new ProxyFactory(new TestServices.Flaky());
		proxyFactory.setProxyTargetClass(true);
		Object proxied = proxyFactory.getProxy();

		Class<?> predicted = postProcessor.determineBeanType(proxied.getClass(), "flaky");
		Object bean = postProcessor.postProcessAfterInitialization(proxied, "flaky");

		assertThat(bean).as("the advisor joins the existing proxy").isSameAs(proxied);
		assertThat(predicted).isEqualTo(proxied.getClass());
	}

	private static AsyncHelpersAnnotationBeanPostProcessor postProcessor(boolean proxyTargetClass) {
		AsyncHelpersInterceptor interceptor = new AsyncHelpersInterceptor(AsyncHelpersAnnotationBeanPostProcessorTests::unused,
				AsyncHelpersAnnotationBeanPostProcessorTests::unused, AsyncHelpersAnnotationBeanPostProcessorTests::unused);
		return new AsyncHelpersAnnotationBeanPostProcessor(new AsyncHelpersAdvisor(interceptor), proxyTargetClass);
	}

	private static <T> T unused() {
		throw new AssertionError("no method is invoked here");
	}

}
