/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationCode;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The {@code asynchelpers.*} properties can be bound in a native image:
 * {@link AsyncHelpersPropertiesAotProcessor} registers their binding hints and the classes
 * that the build-time configuration names.
 */
class AsyncHelpersPropertiesAotProcessorTests {

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void thePropertiesAndTheirNestedGroupsCanBeBound() throws Exception {
		RuntimeHints hints = processedHints();

		assertThat(invocable(AsyncHelpersProperties.Retry.class.getMethod("setMaxRetries", int.class))).accepts(hints);
		assertThat(invocable(AsyncHelpersProperties.class.getMethod("getRetry"))).accepts(hints);
		assertThat(invocable(AsyncHelpersProperties.Executor.Shutdown.class.getMethod("setAwaitTerminationPeriod",
				Duration.class))).accepts(hints);
	}

	@Test
	void classesNamedInRetryOnAndNoRetryOnCanBeLoadedByName() {
		this.environment.setProperty("asynchelpers.retry.retry-on", "java.io.IOException, com.example.RemoteException");
		this.environment.setProperty("asynchelpers.retry.no-retry-on[0]", "java.util.concurrent.TimeoutException");

		RuntimeHints hints = processedHints();

		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of("java.io.IOException"))).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of("com.example.RemoteException")))
			.as("a class that only the application has")
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of("java.util.concurrent.TimeoutException")))
			.as("an indexed list")
			.accepts(hints);
	}

	@Test
	void nothingIsRegisteredWhenTheStarterIsOff() {
		this.beanFactory.registerSingleton(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME, this.environment);

		assertThat(new AsyncHelpersPropertiesAotProcessor().processAheadOfTime(this.beanFactory)).isNull();
	}

	private RuntimeHints processedHints() {
		this.beanFactory.registerSingleton(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME, this.environment);
		this.beanFactory.registerBeanDefinition("asynchelpers-properties",
				new RootBeanDefinition(AsyncHelpersProperties.class));
		BeanFactoryInitializationAotContribution contribution = new AsyncHelpersPropertiesAotProcessor()
			.processAheadOfTime(this.beanFactory);
		assertThat(contribution).isNotNull();
		TestGenerationContext generationContext = new TestGenerationContext();
		contribution.applyTo(generationContext, mock(BeanFactoryInitializationCode.class));
		return generationContext.getRuntimeHints();
	}

	/**
	 * Spring Framework 7 replaces {@code onMethod(method).invoke()} with
	 * {@code onMethodInvocation(method)}, which Spring Framework 6.2 (the {@code -Pboot3}
	 * build) does not have.
	 */
	@SuppressWarnings("deprecation")
	private static Predicate<RuntimeHints> invocable(Method method) {
		return RuntimeHintsPredicates.reflection().onMethod(method).invoke();
	}

}
