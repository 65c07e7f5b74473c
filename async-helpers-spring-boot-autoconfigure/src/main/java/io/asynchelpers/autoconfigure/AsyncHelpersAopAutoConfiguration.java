/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.aop.AsyncHelpersAdvisor;
import io.asynchelpers.aop.AsyncHelpersInterceptor;
import io.asynchelpers.aop.InvocationMetrics;
import io.asynchelpers.aop.MethodSpecResolver;
import io.asynchelpers.aop.MicrometerInvocationMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of the {@code @Retry}, {@code @Timed} and {@code @WithTimeout}
 * annotations: one Spring AOP advisor for all three, picked up by the auto-proxy creator as
 * the transaction advisor is. It needs no AspectJ. {@code asynchelpers.aop.enabled=false}
 * turns the annotations off and leaves the rest of the helpers on.
 * <p>
 * The advisor and its interceptor are infrastructure beans created early, with the other
 * post-processors; they look the helpers and the metrics up on first use, so that no
 * executor or meter registry is created before the regular beans.
 */
@AutoConfiguration(after = AsyncHelpersAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "asynchelpers.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "asynchelpers.aop.enabled", matchIfMissing = true)
@Import({ AsyncHelpersAopAutoConfiguration.AutoProxyRegistrar.class,
		AsyncHelpersAopAutoConfiguration.MicrometerConfiguration.class })
public final class AsyncHelpersAopAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static MethodSpecResolver asyncHelpersMethodSpecResolver(ObjectProvider<AsyncHelpers> helpers,
			ObjectProvider<AsyncHelpersProperties> properties, ConfigurableListableBeanFactory beanFactory) {
		AsyncHelpersProperties aop = properties.getObject();
		return new MethodSpecResolver(helpers.getObject().defaults(), aop.getTimeout().isIsolate(),
				aop.getAop().getLayers(), beanFactory::resolveEmbeddedValue);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static AsyncHelpersInterceptor asyncHelpersInterceptor(ObjectProvider<AsyncHelpers> helpers,
			ObjectProvider<MethodSpecResolver> resolver, ObjectProvider<InvocationMetrics> metrics) {
		return new AsyncHelpersInterceptor(SingletonSupplier.of(helpers::getObject),
				SingletonSupplier.of(resolver::getObject),
				SingletonSupplier.of(() -> metrics.getIfAvailable(() -> InvocationMetrics.NONE)));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static AsyncHelpersAdvisor asyncHelpersAdvisor(ObjectProvider<AsyncHelpersInterceptor> interceptor,
			Environment environment) {
		int order = environment.getProperty("asynchelpers.aop.order", Integer.class, AsyncHelpersAdvisor.DEFAULT_ORDER);
		return new AsyncHelpersAdvisor(interceptor.getObject(), order);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static io.asynchelpers.aop.ProxyabilityVerifier asyncHelpersProxyabilityVerifier(
			ObjectProvider<MethodSpecResolver> resolver, Environment environment) {
		return new io.asynchelpers.aop.ProxyabilityVerifier(SingletonSupplier.of(resolver::getObject),
				environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MicrometerConfiguration {

		@Bean
		@ConditionalOnMissingBean(InvocationMetrics.class)
		static InvocationMetrics asyncHelpersInvocationMetrics(ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meterRegistry = registry.getIfUnique();
			return (meterRegistry != null) ? new MicrometerInvocationMetrics(meterRegistry) : InvocationMetrics.NONE;
		}

	}

	/**
	 * Makes sure an auto-proxy creator exists (as {@code @EnableTransactionManagement}
	 * does), so that the advisor applies even where Boot's AOP auto-configuration is off.
	 */
	static class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
		}

	}

}
