/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The helpers' executor and scheduler. Both are registered with
 * {@code defaultCandidate = false}: they are injected only where asked for by name or
 * qualifier, and Boot's own {@code @ConditionalOnMissingBean(Executor.class)} and
 * {@code (TaskScheduler.class)} do not see them, so adding the starter changes nothing about
 * the application's {@code applicationTaskExecutor}, {@code @Async} or scheduling.
 * <p>
 * When the application context closes, the executor drains in the lifecycle stop phase,
 * before the application's singletons are destroyed (see
 * {@link ReportingThreadPoolTaskExecutor} and {@link DrainingSimpleAsyncTaskExecutor}); the
 * scheduler keeps firing timers until it is destroyed, after that.
 */
final class AsyncHelpersExecutorConfigurations {

	private AsyncHelpersExecutorConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnVirtualThreads(false)
	static class ThreadPoolExecutorConfiguration {

		@Bean(name = AsyncHelpersAutoConfiguration.EXECUTOR_BEAN_NAME, defaultCandidate = false)
		@Qualifier(AsyncHelpersAutoConfiguration.EXECUTOR_BEAN_NAME)
		@ConditionalOnMissingBean(name = AsyncHelpersAutoConfiguration.EXECUTOR_BEAN_NAME)
		ThreadPoolTaskExecutor asyncHelpersTaskExecutor(AsyncHelpersProperties properties,
				ObjectProvider<TaskDecorator> taskDecorator) {
			AsyncHelpersProperties.Executor pool = properties.getExecutor();
			ThreadPoolTaskExecutorBuilder builder = new ThreadPoolTaskExecutorBuilder().corePoolSize(pool.getCoreSize())
				.maxPoolSize(pool.getMaxSize())
				.queueCapacity(pool.getQueueCapacity())
				.keepAlive(pool.getKeepAlive())
				.allowCoreThreadTimeOut(pool.isAllowCoreThreadTimeout())
				.threadNamePrefix(pool.getThreadNamePrefix())
				.additionalCustomizers((executor) -> executor
					.setRejectedExecutionHandler(RejectionHandlers.of(pool.getRejectionPolicy())));
			TaskDecorator decorator = taskDecorator.getIfUnique();
			if (decorator != null) {
				builder = builder.taskDecorator(RejectionHandlers.traceable(decorator));
			}
			ReportingThreadPoolTaskExecutor executor = builder.build(ReportingThreadPoolTaskExecutor.class);
			executor.setShutdownGracePeriod(gracePeriod(pool.getShutdown()));
			return executor;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnVirtualThreads
	static class VirtualThreadExecutorConfiguration {

		@Bean(name = AsyncHelpersAutoConfiguration.EXECUTOR_BEAN_NAME, defaultCandidate = false)
		@Qualifier(AsyncHelpersAutoConfiguration.EXECUTOR_BEAN_NAME)
		@ConditionalOnMissingBean(name = AsyncHelpersAutoConfiguration.EXECUTOR_BEAN_NAME)
		DrainingSimpleAsyncTaskExecutor asyncHelpersTaskExecutor(AsyncHelpersProperties properties,
				ObjectProvider<TaskDecorator> taskDecorator) {
			AsyncHelpersProperties.Executor pool = properties.getExecutor();
			SimpleAsyncTaskExecutorBuilder builder = new SimpleAsyncTaskExecutorBuilder().virtualThreads(true)
				.threadNamePrefix(pool.getThreadNamePrefix());
			Duration gracePeriod = gracePeriod(pool.getShutdown());
			if (!gracePeriod.isZero()) {
				builder = builder.taskTerminationTimeout(gracePeriod);
			}
			TaskDecorator decorator = taskDecorator.getIfUnique();
			if (decorator != null) {
				builder = builder.taskDecorator(decorator);
			}
			return builder.build(DrainingSimpleAsyncTaskExecutor.class);
		}

	}

	/**
	 * How long running work may take to finish once the application starts to close.
	 */
	static Duration gracePeriod(AsyncHelpersProperties.Executor.Shutdown shutdown) {
		Duration period = shutdown.getAwaitTerminationPeriod();
		return (shutdown.isAwaitTermination() && period != null) ? period : Duration.ZERO;
	}

	@Configuration(proxyBeanMethods = false)
	static class SchedulerConfiguration {

		@Bean(name = AsyncHelpersAutoConfiguration.SCHEDULER_BEAN_NAME, defaultCandidate = false)
		@Qualifier(AsyncHelpersAutoConfiguration.SCHEDULER_BEAN_NAME)
		@ConditionalOnMissingBean(name = AsyncHelpersAutoConfiguration.SCHEDULER_BEAN_NAME)
		ThreadPoolTaskScheduler asyncHelpersTaskScheduler(AsyncHelpersProperties properties) {
			AsyncHelpersProperties.Scheduler scheduler = properties.getScheduler();
			ThreadPoolTaskScheduler taskScheduler = new ThreadPoolTaskSchedulerBuilder()
				.poolSize(scheduler.getPoolSize())
				.threadNamePrefix(scheduler.getThreadNamePrefix())
				.build();
			// Timers of calls that finished in time must leave the queue at once.
			taskScheduler.setRemoveOnCancelPolicy(true);
			// Timer threads only fire timers: they must never keep the JVM alive.
			taskScheduler.setDaemon(true);
			// Keep firing timers (retry pauses, time limits) while the executor drains in the
			// lifecycle stop phase; the scheduler stops when it is destroyed, after the
			// AsyncHelpers bean has failed the operations still pausing.
			taskScheduler.setAcceptTasksAfterContextClose(true);
			return taskScheduler;
		}

		/**
		 * The scheduler as the {@link ScheduledExecutorService} the core API takes.
		 */
		@Bean(name = "asyncHelpersScheduledExecutor", defaultCandidate = false, destroyMethod = "")
		@Qualifier(AsyncHelpersAutoConfiguration.SCHEDULER_BEAN_NAME)
		ScheduledExecutorService asyncHelpersScheduledExecutor(
				@Qualifier(AsyncHelpersAutoConfiguration.SCHEDULER_BEAN_NAME) ThreadPoolTaskScheduler scheduler) {
			return scheduler.getScheduledExecutor();
		}

	}

}
