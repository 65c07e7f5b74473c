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
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.LogCapture;
import io.asynchelpers.Outcome;
import io.asynchelpers.RetrySpec;
import io.asynchelpers.Task;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the application context with work in flight: running work gets the configured
 * grace period, then is interrupted and reported; queued work and pausing operations fail
 * instead of waiting forever; nothing keeps the JVM alive.
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
			assertThat(log.messages(Level.WARN))
				.contains("Executor 'asyncHelpersTaskExecutor': 3 task(s) still running and 2 queued at shutdown;"
						+ " interrupting the running ones and failing the queued ones");
			assertThat(closed[0].isActive()).isFalse();
		}
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

}
