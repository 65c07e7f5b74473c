/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;

/**
 * Proxies beans whose methods carry {@code @Retry}, {@code @Timed} or {@code @WithTimeout}
 * with the {@link AsyncHelpersAdvisor}, in the manner of Spring Framework's
 * {@code RetryAnnotationBeanPostProcessor}: no AspectJ and no auto-proxy creator needed.
 * <p>
 * The advisor is placed before the advisors a bean's proxy already has, which makes it
 * the outermost: each retry attempt then passes through {@code @Transactional} (a fresh
 * transaction per attempt) and through {@code @Async} (each attempt runs on the async
 * executor's thread), and {@code @Timed} measures what the caller sees.
 * <p>
 * <strong>Ahead-of-time processing.</strong> The post-processor predicts the type of each
 * bean it will proxy ({@link #determineBeanType}, as every Spring
 * {@code AbstractAdvisingBeanPostProcessor} does): during AOT processing Spring asks every
 * {@code SmartInstantiationAwareBeanPostProcessor} for the final type of each bean, writes
 * the CGLIB proxy classes it is told about to the build output and registers their
 * reflection hints, together with invocation hints for the proxied class's methods. A
 * native image cannot define classes at run time: without the prediction, the first
 * annotated bean would fail to start there ("CGLIB runtime enhancement not supported on
 * native image"), and the JVM in AOT mode would quietly generate the proxy at run time.
 */
public final class AsyncHelpersAnnotationBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a post-processor that applies the given advisor.
	 * @param advisor the advisor
	 * @param proxyTargetClass whether to proxy by subclassing even when a bean implements
	 * interfaces ({@code spring.aop.proxy-target-class}, true by default in Boot)
	 */
	public AsyncHelpersAnnotationBeanPostProcessor(AsyncHelpersAdvisor advisor, boolean proxyTargetClass) {
		this.advisor = advisor;
		setBeforeExistingAdvisors(true);
		setProxyTargetClass(proxyTargetClass);
	}

	/**
	 * Predict the type a bean will have once this post-processor has seen it: a proxy class
	 * when its methods carry the annotations, its own type otherwise. A type that is
	 * already a Spring AOP proxy (an auto-proxy creator's, for {@code @Transactional} say)
	 * stays as it is: at run time the advisor joins that proxy's chain instead of wrapping
	 * it in a second proxy, so no class of its own would ever be used.
	 * @param beanClass the type predicted so far, possibly another post-processor's proxy
	 * @param beanName the name of the bean
	 * @return the type the bean will have
	 */
	@Override
	public Class<?> determineBeanType(Class<?> beanClass, String beanName) {
		if (Advised.class.isAssignableFrom(beanClass)) {
			return beanClass;
		}
		return super.determineBeanType(beanClass, beanName);
	}

}
