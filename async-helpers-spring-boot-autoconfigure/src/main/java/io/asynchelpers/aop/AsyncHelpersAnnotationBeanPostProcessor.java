/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

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

}
