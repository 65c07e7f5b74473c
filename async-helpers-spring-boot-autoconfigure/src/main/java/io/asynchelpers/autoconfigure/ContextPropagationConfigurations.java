/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import io.asynchelpers.ContextPropagator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;

/**
 * The {@link ContextPropagator} that carries a caller's context to the work the helpers run
 * for it. Imported in this order, the first that applies wins, and an application's own
 * {@code ContextPropagator} bean replaces them all:
 * <ol>
 * <li>with Micrometer's context-propagation library: MDC, the current Observation (and
 * span) and every {@code ThreadLocalAccessor};</li>
 * <li>otherwise, with a single {@link TaskDecorator} bean: that decorator;</li>
 * <li>otherwise: SLF4J's MDC.</li>
 * </ol>
 */
final class ContextPropagationConfigurations {

	static final String PROPAGATOR_BEAN_NAME = "asyncHelpersContextPropagator";

	private ContextPropagationConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.context.ContextSnapshotFactory")
	static class MicrometerContextPropagation {

		@Bean(PROPAGATOR_BEAN_NAME)
		@ConditionalOnMissingBean
		ContextPropagator asyncHelpersContextPropagator(
				ObjectProvider<io.micrometer.context.ThreadLocalAccessor<?>> accessors) {
			return new MicrometerContextPropagator(
					MicrometerContextPropagator.registry(accessors.orderedStream().toList()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnSingleCandidate(TaskDecorator.class)
	static class TaskDecoratorContextPropagation {

		@Bean(PROPAGATOR_BEAN_NAME)
		@ConditionalOnMissingBean
		ContextPropagator asyncHelpersContextPropagator(TaskDecorator taskDecorator) {
			return new TaskDecoratorContextPropagator(taskDecorator);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MdcContextPropagation {

		@Bean(PROPAGATOR_BEAN_NAME)
		@ConditionalOnMissingBean
		ContextPropagator asyncHelpersContextPropagator() {
			return ContextPropagator.mdc();
		}

	}

}
