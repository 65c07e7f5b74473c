/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import io.asynchelpers.AsyncTimeoutException;
import io.asynchelpers.LogCapture;
import io.asynchelpers.RetryState;
import io.asynchelpers.autoconfigure.AsyncHelpersAopAutoConfiguration;
import io.asynchelpers.autoconfigure.AsyncHelpersAutoConfiguration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.AopTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code Mono} and {@code Flux} methods keep the promises that {@code CompletableFuture}
 * methods keep: user code on the executor after a timer, the same failures, logs and
 * metrics.
 */
class ReactorMethodsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
				AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
		.withPropertyValues("asynchelpers.executor.thread-name-prefix=worker-",
				"asynchelpers.scheduler.thread-name-prefix=timer-")
		.withBean(SimpleMeterRegistry.class)
		.withBean(TestServices.Flaky.class)
		.withBean(TestServices.Slow.class)
		.withBean(TestServices.Streams.class)
		.withBean(TestServices.NullReturning.class)
		.withBean(TestServices.PricingClient.class);

	@Test
	void afterEachPauseAFluxAttemptRunsOnTheExecutorNeverOnTheTimerThread() {
		this.contextRunner.run((context) -> {
			TestServices.Flaky flaky = context.getBean(TestServices.Flaky.class);
			TestServices.Flaky flakyTarget = target(flaky);

			StepVerifier.create(flaky.flux()).expectNext("a", "ok after 3").expectComplete().verify(Duration.ofSeconds(10));

			assertThat(flakyTarget.threads).hasSize(3);
			assertThat(flakyTarget.threads.get(0)).as("the first attempt runs on the subscriber's thread")
				.isEqualTo(Thread.currentThread().getName());
			assertThat(flakyTarget.threads.subList(1, 3)).as("attempts after a pause")
				.allMatch((name) -> name.startsWith("worker-"));
		});
	}

	@Test
	void whenAFluxTimeLimitRunsOutTheFailureIsDeliveredOnTheExecutor() {
		this.contextRunner.run((context) -> {
			TestServices.Slow slow = context.getBean(TestServices.Slow.class);
			List<String> threads = new CopyOnWriteArrayList<>();

			StepVerifier.create(slow.endlessFlux().doOnError((ex) -> threads.add(Thread.currentThread().getName())))
				.thenConsumeWhile((tick) -> true)
				.expectError(AsyncTimeoutException.class)
				.verify(Duration.ofSeconds(10));

			assertThat(threads).singleElement().asString().startsWith("worker-");
		});
	}

	@Test
	void aFluxThatRunsOutOfRetriesCarriesTheEarlierFailuresAsSuppressed() {
		this.contextRunner.run((context) -> {
			TestServices.Flaky flaky = context.getBean(TestServices.Flaky.class);
			TestServices.Flaky flakyTarget = target(flaky);
			flakyTarget.failures = 10;

			StepVerifier.create(flaky.flux())
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IOException.class)
					.hasMessage("attempt 4")
					.satisfies((last) -> assertThat(last.getSuppressed()).extracting(Throwable::getMessage)
						.containsExactly("attempt 1", "attempt 2", "attempt 3")))
				.verify(Duration.ofSeconds(10));
		});
	}

	@Test
	void aCancelledFluxIsRecordedLikeACancelledFuture() {
		this.contextRunner.run((context) -> {
			TestServices.Streams streams = context.getBean(TestServices.Streams.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);

			StepVerifier.create(streams.endless()).expectNext("first").thenCancel().verify(Duration.ofSeconds(10));
			CompletableFuture<String> future = streams.endlessStage();
			future.cancel(true);

			for (String name : List.of("Streams.endless", "Streams.endlessStage")) {
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					assertThat(registry.find("asynchelpers.timed")
						.tags("name", name, "exception", "CancellationException", "outcome", "failure")
						.timers()).as(name).extracting(Timer::count).containsExactly(1L);
					assertThat(registry.find("asynchelpers.retry.calls")
						.tags("name", name, "kind", "failed_without_retry")
						.counters()).as(name).extracting(Counter::count).containsExactly(1.0);
					assertThat(registry.find("asynchelpers.timeout.calls")
						.tags("name", name, "outcome", "failure")
						.counters()).as(name).extracting(Counter::count).containsExactly(1.0);
				});
			}
		});
	}

	@Test
	void aFluxRetryLogsEachRetryAtDebugAndRunningOutOnceAtWarn() {
		this.contextRunner.run((context) -> {
			TestServices.Flaky flaky = context.getBean(TestServices.Flaky.class);
			TestServices.Flaky flakyTarget = target(flaky);
			try (LogCapture log = LogCapture.of(RetryState.class)) {
				StepVerifier.create(flaky.flux()).expectNext("a", "ok after 3").verifyComplete();

				assertThat(log.messages(Level.DEBUG)).containsExactly(
						"Flaky.flux: attempt 1 of 4 failed: java.io.IOException: attempt 1. Retrying in 1ms",
						"Flaky.flux: attempt 2 of 4 failed: java.io.IOException: attempt 2. Retrying in 2ms");
				assertThat(log.messages(Level.WARN)).isEmpty();

				flakyTarget.attempts.set(0);
				flakyTarget.failures = 10;
				StepVerifier.create(flaky.flux()).expectError(IOException.class).verify(Duration.ofSeconds(10));

				assertThat(log.messages(Level.DEBUG)).hasSize(5);
				assertThat(log.messages(Level.WARN))
					.containsExactly("Flaky.flux: failed after 4 attempts: java.io.IOException: attempt 4");
				assertThat(log.messages(Level.ERROR)).isEmpty();
			}
		});
	}

	@Test
	void aFluxRetryLogsAtTheConfiguredLevels() {
		this.contextRunner
			.withPropertyValues("asynchelpers.retry.attempt-log-level=info", "asynchelpers.retry.log-level=error")
			.run((context) -> {
				TestServices.Flaky flaky = context.getBean(TestServices.Flaky.class);
				TestServices.Flaky flakyTarget = target(flaky);
				flakyTarget.failures = 10;
				try (LogCapture log = LogCapture.of(RetryState.class)) {
					StepVerifier.create(flaky.flux()).expectError(IOException.class).verify(Duration.ofSeconds(10));

					assertThat(log.messages(Level.INFO)).hasSize(3);
					assertThat(log.messages(Level.ERROR)).hasSize(1);
					assertThat(log.messages(Level.DEBUG)).isEmpty();
					assertThat(log.messages(Level.WARN)).isEmpty();
				}
			});
	}

	@Test
	void aFluxRetryLogsAtTheLevelsOfItsAnnotation() {
		this.contextRunner.withBean(TestServices.QuietRetries.class).run((context) -> {
			TestServices.QuietRetries service = context.getBean(TestServices.QuietRetries.class);
			try (LogCapture log = LogCapture.of(RetryState.class)) {
				StepVerifier.create(service.call()).expectError(IOException.class).verify(Duration.ofSeconds(10));

				assertThat(log.messages(Level.TRACE)).containsExactly(
						"QuietRetries.call: attempt 1 of 2 failed: java.io.IOException: down. Retrying in 1ms");
				assertThat(log.messages(Level.INFO))
					.containsExactly("QuietRetries.call: failed after 2 attempts: java.io.IOException: down");
				assertThat(log.messages(Level.WARN)).isEmpty();
			}
		});
	}

	@Test
	void aFluxRetryLogsUnderTheMethodsOneName() {
		this.contextRunner.run((context) -> {
			TestServices.PricingClient client = context.getBean(TestServices.PricingClient.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			try (LogCapture log = LogCapture.of(RetryState.class)) {
				StepVerifier.create(client.prices()).expectNext("42").verifyComplete();

				assertThat(log.messages(Level.DEBUG)).singleElement()
					.asString()
					.startsWith("pricing.stream: attempt 1 of 4 failed");
			}
			assertThat(registry.get("asynchelpers.retry.calls")
				.tags("name", "pricing.stream", "kind", "successful_with_retry")
				.counter()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void aCancellationIsNeverRetried() {
		this.contextRunner.run((context) -> {
			TestServices.Streams streams = context.getBean(TestServices.Streams.class);
			TestServices.Streams streamsTarget = target(streams);

			StepVerifier.create(streams.cancelledAttempt())
				.expectError(CancellationException.class)
				.verify(Duration.ofSeconds(10));

			assertThat(streamsTarget.attempts).hasValue(1);
		});
	}

	@Test
	void aMonoMethodReturningNullFailsAtOnceAndIsNotRetried() {
		this.contextRunner.run((context) -> {
			TestServices.NullReturning service = context.getBean(TestServices.NullReturning.class);
			TestServices.NullReturning serviceTarget = target(service);

			StepVerifier.create(service.mono())
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("NullReturning.mono() returned null instead of a Mono"))
				.verify(Duration.ofSeconds(10));

			assertThat(serviceTarget.attempts).hasValue(1);
		});
	}

	@Test
	void aFluxMethodReturningNullFailsAtOnceAndIsNotRetried() {
		this.contextRunner.run((context) -> {
			TestServices.NullReturning service = context.getBean(TestServices.NullReturning.class);
			TestServices.NullReturning serviceTarget = target(service);

			StepVerifier.create(service.flux())
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("NullReturning.flux() returned null instead of a Flux"))
				.verify(Duration.ofSeconds(10));

			assertThat(serviceTarget.attempts).hasValue(1);
		});
	}

	private static <T> T target(T proxy) {
		return AopTestUtils.getUltimateTargetObject(proxy);
	}

}
