/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.asynchelpers.AsyncDefaults;
import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.Jitter;
import io.asynchelpers.ProgressRegistry;
import io.asynchelpers.RetrySpec;
import io.asynchelpers.Task;
import io.asynchelpers.aop.AsyncHelpersAnnotationBeanPostProcessor;
import io.asynchelpers.aop.InvocationMetrics;
import io.asynchelpers.aop.MicrometerInvocationMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AsyncHelpersAutoConfiguration} and {@link AsyncHelpersAopAutoConfiguration}.
 */
class AsyncHelpersAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
				TaskSchedulingAutoConfiguration.class, AsyncHelpersAutoConfiguration.class,
				AsyncHelpersAopAutoConfiguration.class));

	@Test
	void defaultsMatchTheSeed() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(AsyncHelpers.class).hasSingleBean(ProgressRegistry.class);
			AsyncDefaults defaults = context.getBean(AsyncHelpers.class).defaults();
			assertThat(defaults).isEqualTo(AsyncDefaults.standard());
			assertThat(defaults.retry()).isEqualTo(RetrySpec.defaults());
			ThreadPoolTaskExecutor executor = context.getBean("asyncHelpersTaskExecutor", ThreadPoolTaskExecutor.class);
			assertThat(executor.getCorePoolSize()).isEqualTo(8);
			assertThat(executor.getThreadNamePrefix()).isEqualTo("async-helpers-");
			assertThat(executor.getThreadPoolExecutor().getRejectedExecutionHandler())
				.isInstanceOf(ThreadPoolExecutor.AbortPolicy.class);
			ThreadPoolTaskScheduler scheduler = context.getBean("asyncHelpersTaskScheduler",
					ThreadPoolTaskScheduler.class);
			assertThat(scheduler.getScheduledThreadPoolExecutor().getCorePoolSize()).isEqualTo(1);
			assertThat(scheduler.getScheduledThreadPoolExecutor().getRemoveOnCancelPolicy()).isTrue();
			assertThat(scheduler.isDaemon()).isTrue();
			assertThat(context).hasSingleBean(AsyncHelpersAnnotationBeanPostProcessor.class);
		});
	}

	@Test
	void everyPropertyIsBound() {
		this.contextRunner.withPropertyValues("asynchelpers.executor.core-size=3", "asynchelpers.executor.max-size=5",
				"asynchelpers.executor.queue-capacity=7", "asynchelpers.executor.keep-alive=5s",
				"asynchelpers.executor.allow-core-thread-timeout=false", "asynchelpers.executor.thread-name-prefix=work-",
				"asynchelpers.executor.rejection-policy=caller-runs", "asynchelpers.scheduler.pool-size=2",
				"asynchelpers.scheduler.thread-name-prefix=tick-", "asynchelpers.concurrency.limit=4",
				"asynchelpers.batch.size=6", "asynchelpers.batch.delay=250ms", "asynchelpers.retry.max-retries=5",
				"asynchelpers.retry.base-delay=200ms", "asynchelpers.retry.max-delay=3s",
				"asynchelpers.retry.backoff-factor=1.5", "asynchelpers.retry.jitter=equal",
				"asynchelpers.retry.retry-on=java.io.IOException",
				"asynchelpers.retry.no-retry-on=java.io.FileNotFoundException", "asynchelpers.timeout.default=2s",
				"asynchelpers.progress.max-trackers=1")
			.run((context) -> {
				ThreadPoolTaskExecutor executor = context.getBean("asyncHelpersTaskExecutor",
						ThreadPoolTaskExecutor.class);
				ThreadPoolExecutor pool = executor.getThreadPoolExecutor();
				assertThat(pool.getCorePoolSize()).isEqualTo(3);
				assertThat(pool.getMaximumPoolSize()).isEqualTo(5);
				assertThat(pool.getQueue().remainingCapacity()).isEqualTo(7);
				assertThat(pool.getKeepAliveTime(TimeUnit.SECONDS)).isEqualTo(5);
				assertThat(pool.allowsCoreThreadTimeOut()).isFalse();
				assertThat(executor.getThreadNamePrefix()).isEqualTo("work-");
				assertThat(pool.getRejectedExecutionHandler()).isInstanceOf(ThreadPoolExecutor.CallerRunsPolicy.class);
				ThreadPoolTaskScheduler scheduler = context.getBean("asyncHelpersTaskScheduler",
						ThreadPoolTaskScheduler.class);
				assertThat(scheduler.getScheduledThreadPoolExecutor().getCorePoolSize()).isEqualTo(2);
				assertThat(scheduler.getThreadNamePrefix()).isEqualTo("tick-");
				AsyncDefaults defaults = context.getBean(AsyncHelpers.class).defaults();
				assertThat(defaults.limit()).isEqualTo(4);
				assertThat(defaults.batchSize()).isEqualTo(6);
				assertThat(defaults.batchDelay()).isEqualTo(Duration.ofMillis(250));
				assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(defaults.retry()).isEqualTo(new RetrySpec(5, Duration.ofMillis(200), Duration.ofSeconds(3), 1.5,
						Jitter.EQUAL, List.of(IOException.class), List.of(java.io.FileNotFoundException.class)));
				ProgressRegistry registry = context.getBean(ProgressRegistry.class);
				registry.create("one", 10);
				assertThat(registry.trackers()).hasSize(1);
				org.assertj.core.api.Assertions.assertThatIllegalStateException()
					.isThrownBy(() -> registry.create("two", 10));
			});
	}

	@Test
	void theShutdownPropertiesAreBound() {
		this.contextRunner
			.withPropertyValues("asynchelpers.executor.shutdown.await-termination=false",
					"asynchelpers.executor.shutdown.await-termination-period=7s", "asynchelpers.progress.retention=0s",
					"asynchelpers.progress.log-every-percent=25")
			.run((context) -> {
				AsyncHelpersProperties properties = context.getBean(AsyncHelpersProperties.class);
				assertThat(properties.getExecutor().getShutdown().isAwaitTermination()).isFalse();
				assertThat(properties.getExecutor().getShutdown().getAwaitTerminationPeriod())
					.isEqualTo(Duration.ofSeconds(7));
				ProgressRegistry registry = context.getBean(ProgressRegistry.class);
				registry.create("instant", 1).update();
				assertThat(registry.trackers()).as("retention 0s drops finished trackers at once").isEmpty();
				assertThat(properties.getProgress().getLogEveryPercent()).isEqualTo(25);
			});
	}

	@Test
	void userBeansReplaceOurs() {
		this.contextRunner.withUserConfiguration(UserBeansConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(AsyncHelpers.class);
			assertThat(context.getBean(AsyncHelpers.class)).isSameAs(context.getBean("myHelpers"));
			assertThat(context.getBean(ProgressRegistry.class)).isSameAs(context.getBean("myRegistry"));
		});
	}

	@Test
	void aUserExecutorNamedAsOursIsTheOneTheHelpersUse() {
		this.contextRunner.withUserConfiguration(UserExecutorConfiguration.class).run((context) -> {
			AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
			String thread = helpers.ensureAsync(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
			assertThat(thread).startsWith("mine-");
		});
	}

	@Test
	void disabledTurnsEverythingOff() {
		this.contextRunner.withPropertyValues("asynchelpers.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(AsyncHelpers.class)
				.doesNotHaveBean(ProgressRegistry.class)
				.doesNotHaveBean(AsyncHelpersAnnotationBeanPostProcessor.class)
				.doesNotHaveBean("asyncHelpersTaskExecutor");
		});
	}

	@Test
	void aopDisabledKeepsTheHelpersButNotTheAnnotations() {
		this.contextRunner.withPropertyValues("asynchelpers.aop.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(AsyncHelpers.class).doesNotHaveBean(AsyncHelpersAnnotationBeanPostProcessor.class);
		});
	}

	@Test
	void bootsOwnApplicationTaskExecutorIsStillCreatedAndExecutorInjectionIsNotAmbiguous() {
		this.contextRunner.withUserConfiguration(ExecutorConsumerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed().hasBean("applicationTaskExecutor");
			ExecutorConsumer consumer = context.getBean(ExecutorConsumer.class);
			assertThat(consumer.executor()).isSameAs(context.getBean("applicationTaskExecutor"));
		});
	}

	@Test
	void bootsOwnTaskSchedulerIsStillCreatedForScheduling() {
		this.contextRunner.withUserConfiguration(SchedulingConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed().hasBean("taskScheduler");
			assertThat(context.getBean(org.springframework.scheduling.TaskScheduler.class))
				.isSameAs(context.getBean("taskScheduler"));
		});
	}

	@Test
	void asyncMethodsStillRunOnBootsApplicationTaskExecutor() {
		this.contextRunner.withUserConfiguration(AsyncConfiguration.class).run((context) -> {
			String thread = context.getBean(AsyncService.class).threadName().get(10, TimeUnit.SECONDS);
			assertThat(thread).startsWith("task-");
		});
	}

	@Test
	void aTaskDecoratorBeanIsAppliedToTheHelpersThreads() {
		this.contextRunner.withUserConfiguration(TaskDecoratorConfiguration.class).run((context) -> {
			AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
			TaskDecoratorConfiguration.CONTEXT.set("request-42");
			try {
				String seen = helpers.ensureAsync(TaskDecoratorConfiguration.CONTEXT::get).get(10, TimeUnit.SECONDS);
				assertThat(seen).isEqualTo("request-42");
			}
			finally {
				TaskDecoratorConfiguration.CONTEXT.remove();
			}
		});
	}

	@Test
	void withoutAspectJTheAnnotationsStillApplyAndNothingFails() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.aspectj"))
			.withUserConfiguration(AnnotatedServiceConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(AsyncHelpersAnnotationBeanPostProcessor.class);
				AnnotatedService service = context.getBean(AnnotatedService.class);
				assertThat(service.succeedsOnThirdAttempt()).isEqualTo("ok after 3");
			});
	}

	@Test
	void withoutMicrometerNoMetricsAreRecordedAndNothingFails() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.withUserConfiguration(AnnotatedServiceConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(InvocationMetrics.class);
				assertThat(context.getBean(AnnotatedService.class).succeedsOnThirdAttempt()).isEqualTo("ok after 3");
			});
	}

	@Test
	void withMicrometerAndARegistryMetricsAreMicrometers() {
		this.contextRunner.withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class)
			.run((context) -> assertThat(context).getBean(InvocationMetrics.class)
				.isInstanceOf(MicrometerInvocationMetrics.class));
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void virtualThreadsAreUsedWhenEnabledOnJava21AndLater() {
		this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			assertThat(context.getBean("asyncHelpersTaskExecutor")).isInstanceOf(SimpleAsyncTaskExecutor.class);
			AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
			Boolean virtual = helpers.ensureAsync(() -> (Boolean) Thread.class.getMethod("isVirtual")
				.invoke(Thread.currentThread())).get(10, TimeUnit.SECONDS);
			assertThat(virtual).isTrue();
		});
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void theVirtualThreadsSettingChangesNothingOnJava17() {
		this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(context.getBean("asyncHelpersTaskExecutor"))
				.isInstanceOf(ThreadPoolTaskExecutor.class));
	}

	@Test
	void aDiscardingPolicyFailsTheDiscardedTaskInsteadOfLosingIt() {
		this.contextRunner
			.withPropertyValues("asynchelpers.executor.core-size=1", "asynchelpers.executor.max-size=1",
					"asynchelpers.executor.queue-capacity=1", "asynchelpers.executor.rejection-policy=discard")
			.run((context) -> {
				AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
				java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
				List<Task<String>> tasks = java.util.stream.IntStream.range(0, 5).mapToObj((i) -> Task.blocking(() -> {
					release.await();
					return "ran " + i;
				})).toList();
				CompletableFuture<List<io.asynchelpers.Outcome<String>>> result = helpers.gatherWithLimitSettled(tasks,
						5);
				// One task runs, one waits in the queue of one, the other three are discarded at submission.
				release.countDown();
				List<io.asynchelpers.Outcome<String>> outcomes = result.get(10, TimeUnit.SECONDS);
				assertThat(outcomes).hasSize(5);
				assertThat(outcomes).filteredOn(io.asynchelpers.Outcome::isFailure)
					.hasSize(3)
					.allSatisfy((outcome) -> assertThat(((io.asynchelpers.Outcome.Failure<String>) outcome).exception())
						.isInstanceOf(java.util.concurrent.RejectedExecutionException.class)
						.hasMessageContaining("discarded"));
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeansConfiguration {

		@Bean
		AsyncHelpers myHelpers() {
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
			return new AsyncHelpers(Runnable::run, scheduler);
		}

		@Bean
		ProgressRegistry myRegistry() {
			return new ProgressRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserExecutorConfiguration {

		@Bean(name = "asyncHelpersTaskExecutor", defaultCandidate = false)
		ThreadPoolTaskExecutor asyncHelpersTaskExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setThreadNamePrefix("mine-");
			return executor;
		}

	}

	record ExecutorConsumer(Executor executor) {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SchedulingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class ExecutorConsumerConfiguration {

		@Bean
		ExecutorConsumer executorConsumer(Executor executor) {
			return new ExecutorConsumer(executor);
		}

	}

	static class AsyncService {

		@Async
		CompletableFuture<String> threadName() {
			return CompletableFuture.completedFuture(Thread.currentThread().getName());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncConfiguration {

		@Bean
		AsyncService asyncService() {
			return new AsyncService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TaskDecoratorConfiguration {

		static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

		@Bean
		TaskDecorator contextCopyingDecorator() {
			return (task) -> {
				String captured = CONTEXT.get();
				return () -> {
					CONTEXT.set(captured);
					try {
						task.run();
					}
					finally {
						CONTEXT.remove();
					}
				};
			};
		}

	}

	public static class AnnotatedService {

		private int attempts;

		@io.asynchelpers.annotation.Retry(maxRetries = 3,
				backoff = @io.asynchelpers.annotation.Backoff(delay = "1ms"))
		public String succeedsOnThirdAttempt() throws IOException {
			if (++this.attempts < 3) {
				throw new IOException("attempt " + this.attempts);
			}
			return "ok after " + this.attempts;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AnnotatedServiceConfiguration {

		@Bean
		AnnotatedService annotatedService() {
			return new AnnotatedService();
		}

	}

}
