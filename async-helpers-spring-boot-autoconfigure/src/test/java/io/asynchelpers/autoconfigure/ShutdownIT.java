/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.LogCapture;
import io.asynchelpers.NotStartedException;
import io.asynchelpers.Outcome;
import io.asynchelpers.RetrySpec;
import io.asynchelpers.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Closing the application context with work in flight: running work finishes during the
 * context's lifecycle stop phase, while the application's other beans still work, up to the
 * configured grace period; after it, what still runs is interrupted and reported. Work that
 * never started fails with {@link NotStartedException}; pausing operations fail instead of
 * waiting forever; nothing keeps the JVM alive.
 */
class ShutdownIT {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncHelpersAutoConfiguration.class))
		.withPropertyValues("asynchelpers.executor.core-size=3", "asynchelpers.executor.max-size=3",
				"asynchelpers.executor.shutdown.await-termination-period=300ms");

	@Test
	void workStillRunningAfterTheGracePeriodIsInterruptedAndReportedWithCounts() throws Exception {
		Class<?> executorClass = ReportingThreadPoolTaskExecutor.class;
		try (LogCapture log = LogCapture.of(executorClass)) {
			ConfigurableApplicationContext[] closed = new ConfigurableApplicationContext[1];
			CompletableFuture<List<Outcome<String>>>[] result = new CompletableFuture[1];
			CountDownLatch running = new CountDownLatch(3);
			this.contextRunner.run((context) -> {
				closed[0] = context;
				AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
				result[0] = helpers.gatherWithLimitSettled(IntStream.range(0, 5).mapToObj((i) -> Task.blocking(() -> {
					running.countDown();
					Thread.sleep(60_000);
					return "late";
				})).toList(), 5);
				assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
			});
			long closedAt = System.nanoTime();

			List<Outcome<String>> outcomes = result[0].get(10, TimeUnit.SECONDS);

			assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(10));
			assertThat(outcomes).hasSize(5).allMatch(Outcome::isFailure);
			assertThat(outcomes.subList(3, 5)).as("queued behind a full pool: never started")
				.allSatisfy((outcome) -> assertThat(failure(outcome)).isInstanceOf(NotStartedException.class)
					.hasMessageContaining("shut"));
			assertThat(log.messages(Level.WARN))
				.contains("Executor 'asyncHelpersTaskExecutor': 3 task(s) still running and 2 queued at shutdown;"
						+ " interrupting the running ones and failing the queued ones");
			assertThat(closed[0].isActive()).isFalse();
		}
	}

	@Test
	void queuedWorkBehindATaskDecoratorFailsWithNotStartedException() throws Exception {
		AtomicReference<CompletableFuture<List<Outcome<String>>>> result = new AtomicReference<>();
		CountDownLatch running = new CountDownLatch(1);
		this.contextRunner.withUserConfiguration(TaskDecoratorConfiguration.class)
			.withPropertyValues("asynchelpers.executor.core-size=1", "asynchelpers.executor.max-size=1")
			.run((context) -> {
				AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
				result.set(helpers.gatherWithLimitSettled(IntStream.range(0, 3).mapToObj((i) -> Task.blocking(() -> {
					running.countDown();
					Thread.sleep(60_000);
					return "late";
				})).toList(), 3));
				assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
			});

		List<Outcome<String>> outcomes = result.get().get(10, TimeUnit.SECONDS);

		assertThat(outcomes).hasSize(3).allMatch(Outcome::isFailure);
		assertThat(outcomes.subList(1, 3))
			.allSatisfy((outcome) -> assertThat(failure(outcome)).isInstanceOf(NotStartedException.class));
	}

	@ParameterizedTest(name = "rejection-policy={0}")
	@ValueSource(strings = { "abort", "caller-runs", "discard", "discard-oldest" })
	void everyRejectionPolicyFailsWorkOfferedToAShutDownExecutorWithNotStartedException(String policy) {
		this.contextRunner.withPropertyValues("asynchelpers.executor.rejection-policy=" + policy).run((context) -> {
			AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
			ThreadPoolTaskExecutor executor = context.getBean(AsyncHelpersAutoConfiguration.EXECUTOR_BEAN_NAME,
					ThreadPoolTaskExecutor.class);
			executor.getThreadPoolExecutor().shutdown();

			CompletableFuture<List<Outcome<Integer>>> result = helpers.asyncMap(List.of(1, 2, 3, 4, 5),
					Task.blocking((Integer i) -> i), 2);

			assertThat(result).succeedsWithin(Duration.ofSeconds(10))
				.satisfies((outcomes) -> assertThat(outcomes).hasSize(5)
					.allSatisfy((outcome) -> assertThat(failure(outcome)).isInstanceOf(NotStartedException.class)
						.hasMessageContaining("shutting down")));
		});
	}

	@ParameterizedTest(name = "rejection-policy={0}")
	@ValueSource(strings = { "abort", "caller-runs", "discard", "discard-oldest" })
	void aTaskRejectedAtShutdownBehindATaskDecoratorFailsItsFutureAndThrowsNotStartedAsTheCause(String policy) {
		this.contextRunner.withUserConfiguration(TaskDecoratorConfiguration.class)
			.withPropertyValues("asynchelpers.executor.rejection-policy=" + policy)
			.run((context) -> {
				ThreadPoolTaskExecutor executor = context.getBean(AsyncHelpersAutoConfiguration.EXECUTOR_BEAN_NAME,
						ThreadPoolTaskExecutor.class);
				executor.getThreadPoolExecutor().shutdown();
				FutureTaskStandIn task = new FutureTaskStandIn();

				assertThatExceptionOfType(TaskRejectedException.class).isThrownBy(() -> executor.execute(task))
					.havingCause()
					.isInstanceOf(NotStartedException.class);
				assertThat(task.ran).isFalse();
				assertThat(task).isCompletedExceptionally();
				assertThat(task.handle((value, ex) -> ex).join()).isInstanceOf(NotStartedException.class);
			});
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void theVirtualThreadExecutorFailsWorkOfferedAfterItClosedWithNotStartedException() {
		this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
			SimpleAsyncTaskExecutor executor = context.getBean(AsyncHelpersAutoConfiguration.EXECUTOR_BEAN_NAME,
					SimpleAsyncTaskExecutor.class);
			executor.close();

			CompletableFuture<List<Outcome<Integer>>> result = helpers.asyncMap(List.of(1, 2, 3),
					Task.blocking((Integer i) -> i), 2);

			assertThat(result).succeedsWithin(Duration.ofSeconds(10))
				.satisfies((outcomes) -> assertThat(outcomes).hasSize(3)
					.allSatisfy((outcome) -> assertThat(failure(outcome)).isInstanceOf(NotStartedException.class)
						.hasMessageContaining("shutting down")));
		});
	}

	@ParameterizedTest(name = "virtual threads: {0}")
	@ValueSource(booleans = { false, true })
	void runningWorkFinishesBeforeTheApplicationsBeansAreDestroyed(boolean virtualThreads) throws Exception {
		assumeTrue(!virtualThreads || Runtime.version().feature() >= 21, "virtual threads need Java 21");
		AtomicReference<CompletableFuture<String>> work = new AtomicReference<>();
		this.contextRunner.withConfiguration(AutoConfigurations.of(DatabaseAutoConfiguration.class))
			.withPropertyValues("spring.threads.virtual.enabled=" + virtualThreads,
					"asynchelpers.executor.shutdown.await-termination-period=30s")
			.run((context) -> {
				AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
				Database database = context.getBean(Database.class);
				CloseSignal closing = context.getBean(CloseSignal.class);
				CountDownLatch started = new CountDownLatch(1);
				work.set(helpers.ensureAsync(() -> {
					started.countDown();
					closing.await();
					// Still at work a while after the close began.
					Thread.sleep(500);
					return database.write("row");
				}));
				assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			});

		// The context is closed: the write finished before the database was destroyed.
		assertThat(work.get()).isCompletedWithValue("wrote row");
	}

	@Test
	void timersKeepFiringForRunningWorkUntilTheExecutorHasDrained() throws Exception {
		AtomicReference<CompletableFuture<String>> work = new AtomicReference<>();
		this.contextRunner.withConfiguration(AutoConfigurations.of(DatabaseAutoConfiguration.class))
			.withPropertyValues("asynchelpers.executor.shutdown.await-termination-period=30s")
			.run((context) -> {
				AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
				CloseSignal closing = context.getBean(CloseSignal.class);
				CountDownLatch started = new CountDownLatch(1);
				work.set(helpers.gatherWithLimit(List.of(Task.blocking(() -> {
					started.countDown();
					closing.await();
					// A pause and a time limit on the helpers' scheduler, after the close began.
					helpers.delay(Duration.ofMillis(50)).get(10, TimeUnit.SECONDS);
					return helpers.callWithTimeout(() -> "paused and timed", Duration.ofSeconds(10), null);
				})), 1).thenApply((values) -> values.get(0)));
				assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			});

		assertThat(work.get()).isCompletedWithValue("paused and timed");
	}

	@Test
	void itemsOfferedWhileTheExecutorDrainsFailWithNotStartedException() throws Exception {
		AtomicReference<CompletableFuture<List<Outcome<String>>>> result = new AtomicReference<>();
		this.contextRunner.withConfiguration(AutoConfigurations.of(DatabaseAutoConfiguration.class))
			.withPropertyValues("asynchelpers.executor.shutdown.await-termination-period=30s")
			.run((context) -> {
				AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
				ThreadPoolExecutor pool = context
					.getBean(AsyncHelpersAutoConfiguration.EXECUTOR_BEAN_NAME, ThreadPoolTaskExecutor.class)
					.getThreadPoolExecutor();
				CountDownLatch started = new CountDownLatch(1);
				result.set(helpers.asyncMap(List.of(0, 1, 2, 3), Task.blocking((Integer i) -> {
					if (i == 0) {
						started.countDown();
						// Finish only once the drain has begun: the next items come too late.
						await().atMost(Duration.ofSeconds(30)).until(pool::isShutdown);
					}
					return "item " + i;
				}), 1));
				assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			});

		List<Outcome<String>> outcomes = result.get().get(10, TimeUnit.SECONDS);

		assertThat(outcomes.get(0).getOrThrow()).isEqualTo("item 0");
		assertThat(outcomes.subList(1, 4))
			.allSatisfy((outcome) -> assertThat(failure(outcome)).isInstanceOf(NotStartedException.class));
	}

	@Test
	void aRetryPauseInProgressFailsAtCloseAndHoldsNoNonDaemonThread() throws Exception {
		CompletableFuture<?>[] retry = new CompletableFuture[1];
		this.contextRunner.run((context) -> {
			AsyncHelpers helpers = context.getBean(AsyncHelpers.class);
			retry[0] = helpers.retryWithBackoff(Task.blocking(() -> {
				throw new IOException("down");
			}), RetrySpec.defaults().withBaseDelay(Duration.ofMinutes(5)));
			await().atMost(Duration.ofSeconds(10)).until(() -> helpers.pendingPauses() == 1);
			ThreadPoolTaskScheduler scheduler = context.getBean("asyncHelpersTaskScheduler",
					ThreadPoolTaskScheduler.class);
			assertThat(scheduler.isDaemon()).as("timer threads never keep the JVM alive").isTrue();
		});

		// Read the stored failure through handle(): what get() throws for a cancelled future
		// differs between JDKs (Java 25 throws a new CancellationException("get")).
		Throwable failure = retry[0].handle((value, ex) -> ex).get(10, TimeUnit.SECONDS);
		assertThat(failure).isInstanceOf(CancellationException.class)
			.hasMessageContaining("closed while this operation was pausing");
		assertThat(failure.getSuppressed()).singleElement().isInstanceOf(IOException.class);
	}

	private static Throwable failure(Outcome<?> outcome) {
		assertThat(outcome).isInstanceOf(Outcome.Failure.class);
		return ((Outcome.Failure<?>) outcome).exception();
	}

	/** A future that is its own task, as the helpers hand their blocking tasks to the executor. */
	static final class FutureTaskStandIn extends CompletableFuture<String> implements Runnable {

		volatile boolean ran;

		@Override
		public void run() {
			this.ran = true;
			complete("ran");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TaskDecoratorConfiguration {

		@Bean
		TaskDecorator wrappingDecorator() {
			return (task) -> task::run;
		}

	}

	/**
	 * A resource that stops working once destroyed, as a connection pool does. Created after
	 * the helpers (like Boot's DataSource auto-configuration), so destroyed before them.
	 */
	static final class Database {

		private final AtomicBoolean destroyed = new AtomicBoolean();

		String write(String row) {
			if (this.destroyed.get()) {
				throw new IllegalStateException("The database is closed: cannot write " + row);
			}
			return "wrote " + row;
		}

		void destroy() {
			this.destroyed.set(true);
		}

	}

	/** Opens when the context starts to close. */
	static final class CloseSignal implements ApplicationListener<ContextClosedEvent> {

		private final CountDownLatch closing = new CountDownLatch(1);

		@Override
		public void onApplicationEvent(ContextClosedEvent event) {
			this.closing.countDown();
		}

		void await() throws InterruptedException {
			if (!this.closing.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The context did not close");
			}
		}

	}

	@AutoConfiguration(after = AsyncHelpersAutoConfiguration.class)
	static class DatabaseAutoConfiguration {

		@Bean(destroyMethod = "destroy")
		Database database() {
			return new Database();
		}

		@Bean
		CloseSignal closeSignal() {
			return new CloseSignal();
		}

	}

}
