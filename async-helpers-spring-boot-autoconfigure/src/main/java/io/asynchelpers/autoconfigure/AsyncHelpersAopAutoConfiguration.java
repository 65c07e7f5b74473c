/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.PermitFailureMode;
import io.asynchelpers.PermitStore;
import io.asynchelpers.annotation.MaxConcurrency;
import io.asynchelpers.aop.AsyncHelpersAdvisor;
import io.asynchelpers.aop.AsyncHelpersAnnotationBeanPostProcessor;
import io.asynchelpers.aop.AsyncHelpersAopRuntimeHints;
import io.asynchelpers.aop.AsyncHelpersInterceptor;
import io.asynchelpers.aop.AsyncHelpersObservationConvention;
import io.asynchelpers.aop.InvocationMetrics;
import io.asynchelpers.aop.InvocationObserver;
import io.asynchelpers.aop.MethodSpecResolver;
import io.asynchelpers.aop.MicrometerInvocationMetrics;
import io.asynchelpers.aop.ObservationInvocationObserver;
import io.asynchelpers.aop.ProxyabilityVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of the {@code @Retry}, {@code @Timed}, {@code @WithTimeout} and
 * {@code @MaxConcurrency} annotations: one Spring AOP advisor for all of them, applied by a bean post-processor in
 * front of a proxy's other advisors (as Spring Framework's own {@code @Retryable} is). It
 * needs no AspectJ and no auto-proxy creator. {@code asynchelpers.aop.enabled=false}
 * turns the annotations off and leaves the rest of the helpers on.
 * <p>
 * The advisor and its interceptor are infrastructure beans created early, with the other
 * post-processors; they look the helpers and the metrics up on first use, so that no
 * executor or meter registry is created before the regular beans.
 * <p>
 * Ahead-of-time processing sees the proxies coming: the post-processor predicts each
 * annotated bean's proxy type, so that the proxy classes are generated at build time, and
 * the reflection hints for a native image come from {@link AsyncHelpersAopRuntimeHints}
 * and, per annotated bean, from a {@code BeanRegistrationAotProcessor} listed in
 * {@code META-INF/spring/aot.factories}.
 * <p>
 * When an {@link ObservationRegistry} bean exists (Boot's Actuator provides one) and is not
 * {@link ObservationRegistry#NOOP}, each annotated call is also an {@code asynchelpers.call}
 * observation (see {@link ObservationInvocationObserver}); without one, the interceptor
 * skips observation altogether.
 */
@AutoConfiguration(after = AsyncHelpersAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "asynchelpers.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "asynchelpers.aop.enabled", matchIfMissing = true)
@Import({ AsyncHelpersAopAutoConfiguration.MicrometerConfiguration.class,
		AsyncHelpersAopAutoConfiguration.ObservationConfiguration.class })
@ImportRuntimeHints(AsyncHelpersAopRuntimeHints.class)
public final class AsyncHelpersAopAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static MethodSpecResolver asyncHelpersMethodSpecResolver(ObjectProvider<AsyncHelpers> helpers,
			ObjectProvider<AsyncHelpersProperties> properties, ConfigurableListableBeanFactory beanFactory) {
		AsyncHelpersProperties aop = properties.getObject();
		AsyncHelpersProperties.MaxConcurrency limits = aop.getMaxConcurrency();
		return new MethodSpecResolver(helpers.getObject().defaults(), aop.getTimeout().isIsolate(),
				aop.getAop().getLayers(),
				new MethodSpecResolver.ConcurrencyDefaults(limits.getPolicy() == MaxConcurrency.Policy.REJECT,
						limits.getMaxWait(), limits.getQueueCapacity()),
				beanFactory::resolveEmbeddedValue, beanFactory);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static AsyncHelpersInterceptor asyncHelpersInterceptor(ObjectProvider<AsyncHelpers> helpers,
			ObjectProvider<MethodSpecResolver> resolver, ObjectProvider<InvocationMetrics> metrics,
			ObjectProvider<InvocationObserver> observer, ObjectProvider<PermitStore> permitStore,
			Environment environment) {
		return new AsyncHelpersInterceptor(SingletonSupplier.of(helpers::getObject),
				SingletonSupplier.of(resolver::getObject),
				SingletonSupplier.of(() -> metrics.getIfAvailable(() -> InvocationMetrics.NONE)),
				SingletonSupplier.of(() -> observer.getIfAvailable(() -> InvocationObserver.NONE)),
				SingletonSupplier.of(() -> permitStore.getIfAvailable(PermitStore::inMemory)),
				permitFailureMode(environment));
	}

	/**
	 * {@code asynchelpers.cluster.failure-mode}, bound from the environment: the interceptor
	 * is created with the post-processors, before the properties bean should be.
	 */
	private static PermitFailureMode permitFailureMode(Environment environment) {
		AsyncHelpersProperties.Cluster.FailureMode mode = Binder.get(environment)
			.bind("asynchelpers.cluster.failure-mode", AsyncHelpersProperties.Cluster.FailureMode.class)
			.orElse(AsyncHelpersProperties.Cluster.FailureMode.REJECT);
		return PermitFailureMode.valueOf(mode.name());
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static AsyncHelpersAnnotationBeanPostProcessor asyncHelpersAnnotationBeanPostProcessor(
			ObjectProvider<AsyncHelpersInterceptor> interceptor, Environment environment) {
		return new AsyncHelpersAnnotationBeanPostProcessor(new AsyncHelpersAdvisor(interceptor.getObject()),
				proxyTargetClass(environment));
	}

	private static boolean proxyTargetClass(Environment environment) {
		return environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static ProxyabilityVerifier asyncHelpersProxyabilityVerifier(
			ObjectProvider<MethodSpecResolver> resolver, Environment environment) {
		return new ProxyabilityVerifier(SingletonSupplier.of(resolver::getObject),
				proxyTargetClass(environment));
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

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean(InvocationObserver.class)
		static InvocationObserver asyncHelpersInvocationObserver(ObjectProvider<ObservationRegistry> registry,
				ObjectProvider<AsyncHelpersObservationConvention> convention) {
			ObservationRegistry observationRegistry = registry.getIfUnique();
			return (observationRegistry != null && observationRegistry != ObservationRegistry.NOOP)
					? new ObservationInvocationObserver(observationRegistry, convention.getIfUnique())
					: InvocationObserver.NONE;
		}

	}

}
