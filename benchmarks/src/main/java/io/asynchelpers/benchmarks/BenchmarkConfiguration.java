/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.time.Duration;
import java.util.List;

import io.asynchelpers.autoconfigure.AsyncHelpersAopAutoConfiguration;
import io.asynchelpers.autoconfigure.AsyncHelpersAutoConfiguration;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.bulkhead.ThreadPoolBulkheadRegistry;
import io.github.resilience4j.core.ContextAwareScheduledThreadPoolExecutor;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.spring6.bulkhead.configure.BulkheadAspect;
import io.github.resilience4j.spring6.bulkhead.configure.BulkheadConfigurationProperties;
import io.github.resilience4j.spring6.fallback.CompletionStageFallbackDecorator;
import io.github.resilience4j.spring6.fallback.DefaultFallbackDecorator;
import io.github.resilience4j.spring6.fallback.FallbackDecorators;
import io.github.resilience4j.spring6.fallback.FallbackExecutor;
import io.github.resilience4j.spring6.retry.configure.RetryAspect;
import io.github.resilience4j.spring6.retry.configure.RetryConfigurationProperties;
import io.github.resilience4j.spring6.spelresolver.DefaultSpelResolver;
import io.github.resilience4j.spring6.timelimiter.configure.TimeLimiterAspect;
import io.github.resilience4j.spring6.timelimiter.configure.TimeLimiterConfigurationProperties;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.aop.TimedAspect;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.EnableAspectJAutoProxy;
import org.springframework.context.annotation.Import;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.resilience.annotation.EnableResilientMethods;
import org.springframework.retry.annotation.EnableRetry;

/**
 * One plain Spring context (no Boot application) with every approach side by side: our
 * annotations through the starter's auto-configuration classes, Spring Framework 7's
 * resilience annotations, Spring Retry, Resilience4j's Spring aspects (wired by hand:
 * resilience4j-spring-boot3 does not fit Boot 4), Micrometer's {@code TimedAspect} and an
 * empty {@code @Around} aspect as the floor of an AspectJ-style proxy.
 */
@Configuration(proxyBeanMethods = false)
@EnableAspectJAutoProxy(proxyTargetClass = true)
@EnableResilientMethods
@EnableRetry(proxyTargetClass = true)
@Import({ AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class })
public class BenchmarkConfiguration {

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	TimedAspect timedAspect(MeterRegistry registry) {
		return new TimedAspect(registry);
	}

	@Bean
	EmptyAroundAspect emptyAroundAspect() {
		return new EmptyAroundAspect();
	}

	@Bean
	ContextAwareScheduledThreadPoolExecutor resilience4jScheduler() {
		return ContextAwareScheduledThreadPoolExecutor.newScheduledThreadPool().corePoolSize(2).build();
	}

	@Bean
	RetryAspect resilience4jRetryAspect(BeanFactory beanFactory, ContextAwareScheduledThreadPoolExecutor scheduler) {
		RetryRegistry registry = RetryRegistry
			.of(RetryConfig.custom().maxAttempts(4).waitDuration(Duration.ofMillis(1)).build());
		DefaultSpelResolver spel = spel(beanFactory);
		return new RetryAspect(new RetryConfigurationProperties(), registry, List.of(), fallbacks(spel), spel,
				scheduler);
	}

	@Bean
	TimeLimiterAspect resilience4jTimeLimiterAspect(BeanFactory beanFactory,
			ContextAwareScheduledThreadPoolExecutor scheduler) {
		TimeLimiterRegistry registry = TimeLimiterRegistry
			.of(TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(1)).cancelRunningFuture(true).build());
		registry.timeLimiter("check",
				TimeLimiterConfig.custom().timeoutDuration(Duration.ofMillis(20)).cancelRunningFuture(true).build());
		DefaultSpelResolver spel = spel(beanFactory);
		return new TimeLimiterAspect(registry, new TimeLimiterConfigurationProperties(), List.of(), fallbacks(spel),
				spel, scheduler);
	}

	@Bean
	BulkheadAspect resilience4jBulkheadAspect(BeanFactory beanFactory) {
		BulkheadRegistry registry = BulkheadRegistry
			.of(BulkheadConfig.custom().maxConcurrentCalls(16).maxWaitDuration(Duration.ZERO).build());
		registry.bulkhead("check",
				BulkheadConfig.custom().maxConcurrentCalls(1).maxWaitDuration(Duration.ofSeconds(10)).build());
		DefaultSpelResolver spel = spel(beanFactory);
		return new BulkheadAspect(new BulkheadConfigurationProperties(), ThreadPoolBulkheadRegistry.ofDefaults(),
				registry, List.of(), fallbacks(spel), spel);
	}

	private static DefaultSpelResolver spel(BeanFactory beanFactory) {
		return new DefaultSpelResolver(new SpelExpressionParser(), new DefaultParameterNameDiscoverer(), beanFactory);
	}

	private static FallbackExecutor fallbacks(DefaultSpelResolver spel) {
		return new FallbackExecutor(spel,
				new FallbackDecorators(List.of(new CompletionStageFallbackDecorator(), new DefaultFallbackDecorator())));
	}

	@Bean
	Targets.EmptyAround emptyAround() {
		return new Targets.EmptyAround();
	}

	@Bean
	Targets.OursRetry oursRetry() {
		return new Targets.OursRetry();
	}

	@Bean
	Targets.OursTimed oursTimed() {
		return new Targets.OursTimed();
	}

	@Bean
	Targets.OursTimeout oursTimeout() {
		return new Targets.OursTimeout();
	}

	@Bean
	Targets.OursTimeoutAsync oursTimeoutAsync() {
		return new Targets.OursTimeoutAsync();
	}

	@Bean
	Targets.OursAll oursAll() {
		return new Targets.OursAll();
	}

	@Bean
	Targets.SpringRetryable springRetryable() {
		return new Targets.SpringRetryable();
	}

	@Bean
	Targets.SpringConcurrencyLimit springConcurrencyLimit() {
		return new Targets.SpringConcurrencyLimit();
	}

	@Bean
	Targets.SpringRetryLegacy springRetryLegacy() {
		return new Targets.SpringRetryLegacy();
	}

	@Bean
	Targets.R4jRetry r4jRetry() {
		return new Targets.R4jRetry();
	}

	@Bean
	Targets.R4jTimeLimiter r4jTimeLimiter() {
		return new Targets.R4jTimeLimiter();
	}

	@Bean
	Targets.OursMaxConcurrency oursMaxConcurrency() {
		return new Targets.OursMaxConcurrency();
	}

	@Bean
	Targets.R4jBulkhead r4jBulkhead() {
		return new Targets.R4jBulkhead();
	}

	@Bean
	Targets.MicrometerTimed micrometerTimed() {
		return new Targets.MicrometerTimed();
	}

	/** The floor of an AspectJ-style proxy: an {@code @Around} that only proceeds. */
	@Aspect
	public static class EmptyAroundAspect {

		@Around("execution(* io.asynchelpers.benchmarks.Targets.EmptyAround.call(..))")
		public Object around(ProceedingJoinPoint joinPoint) throws Throwable {
			return joinPoint.proceed();
		}

	}

}
