/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import io.asynchelpers.AsyncDefaults;
import io.asynchelpers.AsyncEventListener;
import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.ContextPropagator;
import io.asynchelpers.PermitStore;
import io.asynchelpers.ProgressRegistry;
import io.asynchelpers.ProgressStore;
import io.asynchelpers.RetrySpec;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the async helpers: their own executor and scheduler (kept out of
 * by-type injection, so that Boot's {@code applicationTaskExecutor}, {@code @Async} and a
 * user's {@code Executor} injection points are unaffected), the {@link ContextPropagator}
 * that carries callers' context to their work (see {@link ContextPropagationConfigurations}),
 * the {@link AsyncHelpers} bean, the {@link ProgressRegistry} and the in-memory
 * {@link PermitStore} of cluster-scoped concurrency limits.
 * {@code asynchelpers.enabled=false} turns it all off.
 */
@AutoConfiguration(after = { TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "asynchelpers.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AsyncHelpersProperties.class)
@Import({ AsyncHelpersExecutorConfigurations.ThreadPoolExecutorConfiguration.class,
		AsyncHelpersExecutorConfigurations.VirtualThreadExecutorConfiguration.class,
		AsyncHelpersExecutorConfigurations.SchedulerConfiguration.class,
		ContextPropagationConfigurations.MicrometerContextPropagation.class,
		ContextPropagationConfigurations.TaskDecoratorContextPropagation.class,
		ContextPropagationConfigurations.MdcContextPropagation.class })
public final class AsyncHelpersAutoConfiguration {

	/** The name of the executor that runs the helpers' blocking tasks. */
	public static final String EXECUTOR_BEAN_NAME = "asyncHelpersTaskExecutor";

	/** The name of the scheduler that times the helpers' pauses and timeouts. */
	public static final String SCHEDULER_BEAN_NAME = "asyncHelpersTaskScheduler";

	@Bean
	@ConditionalOnMissingBean
	AsyncHelpers asyncHelpers(@Qualifier(EXECUTOR_BEAN_NAME) Executor executor,
			@Qualifier(SCHEDULER_BEAN_NAME) ScheduledExecutorService scheduler, AsyncHelpersProperties properties,
			ContextPropagator contextPropagator, ObjectProvider<AsyncEventListener> eventListeners) {
		AsyncHelpers helpers = new AsyncHelpers(executor, scheduler, defaults(properties), System::nanoTime,
				contextPropagator);
		// Every AsyncEventListener bean hears every operation's events, in bean order.
		for (AsyncEventListener listener : eventListeners.orderedStream().toList()) {
			helpers = helpers.withEventListener(listener);
		}
		return helpers;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "asynchelpers.events.publish-application-events", matchIfMissing = true)
	AsyncApplicationEventPublisher asyncApplicationEventPublisher(ApplicationEventPublisher publisher) {
		return new AsyncApplicationEventPublisher(publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	ProgressRegistry asyncProgressRegistry(AsyncHelpersProperties properties, ObjectProvider<ProgressStore> store) {
		// The in-memory store unless the cluster configuration (asynchelpers.cluster.store=redis)
		// or the application defines one.
		AsyncHelpersProperties.Progress progress = properties.getProgress();
		return new ProgressRegistry(progress.getRetention(), progress.getMaxTrackers(), progress.getLogEveryPercent(),
				System::nanoTime, Clock.systemUTC(), store.getIfAvailable(ProgressStore::inMemory));
	}

	/**
	 * The permits of {@code @MaxConcurrency(scope = CLUSTER)} limits in this application's
	 * memory, unless {@code asynchelpers.cluster.store=redis} (then
	 * {@link AsyncHelpersClusterAutoConfiguration} provides the Redis store).
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "asynchelpers.cluster.store", havingValue = "memory", matchIfMissing = true)
	PermitStore asyncHelpersPermitStore() {
		return PermitStore.inMemory();
	}

	static AsyncDefaults defaults(AsyncHelpersProperties properties) {
		AsyncHelpersProperties.Retry retry = properties.getRetry();
		RetrySpec retrySpec = new RetrySpec(retry.getMaxRetries(), retry.getBaseDelay(), retry.getMaxDelay(),
				retry.getBackoffFactor(), retry.getJitter(), retry.getRetryOn(), retry.getNoRetryOn())
			.withLogLevels(retry.getAttemptLogLevel(), retry.getLogLevel())
			.withMaxDuration(retry.getMaxDuration())
			.withOnResultExhausted(retry.getOnResultExhausted());
		return new AsyncDefaults(properties.getConcurrency().getLimit(), properties.getBatch().getSize(),
				properties.getBatch().getDelay(), retrySpec, properties.getTimeout().getDefaultTimeout());
	}

}
