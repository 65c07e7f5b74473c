/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.asynchelpers.AsyncTimeoutException;
import io.asynchelpers.LogCapture;
import io.asynchelpers.OnResultExhausted;
import io.asynchelpers.RetriesExhaustedException;
import io.asynchelpers.RetryState;
import io.asynchelpers.aop.HttpRetryServices.DeadlineClient;
import io.asynchelpers.aop.HttpRetryServices.RateLimitedClient;
import io.asynchelpers.aop.HttpRetryServices.StatusClient;
import io.asynchelpers.aop.HttpRetryServices.WrappingClient;
import io.asynchelpers.autoconfigure.AsyncHelpersAopAutoConfiguration;
import io.asynchelpers.autoconfigure.AsyncHelpersAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.util.AopTestUtils;
import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Retry that fits HTTP clients, through real Spring proxies, for each return kind: retry on
 * a result, {@code Retry-After}, one deadline for the whole retry, the cause chain.
 */
class HttpClientRetryMethodsTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
				AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
		.withBean(HttpRetryServices.RetriedStatuses.class, () -> new HttpRetryServices.RetriedStatuses(Set.of(503)))
		.withBean(StatusClient.class)
		.withBean(RateLimitedClient.class)
		.withBean(DeadlineClient.class)
		.withBean(WrappingClient.class);

	// Retry on a result

	@Test
	void aResponseWithARetriedStatusIsRetriedUntilOneIsNotForEveryReturnKind() {
		this.contextRunner.run((context) -> {
			StatusClient client = context.getBean(StatusClient.class);
			StatusClient target = AopTestUtils.getTargetObject(client);

			assertThat(client.blocking().getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(target.attempts.getAndSet(0)).isEqualTo(3);
			assertThat(client.async().get(30, TimeUnit.SECONDS).getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(target.attempts.getAndSet(0)).isEqualTo(3);
			StepVerifier.create(client.mono().map(ResponseEntity::getStatusCode))
				.expectNext(HttpStatus.OK)
				.expectComplete()
				.verify(WAIT);
			assertThat(target.attempts.getAndSet(0)).isEqualTo(3);
		});
	}

	@Test
	void whenRetriesRunOutOnAResultTheCallerGetsTheLastResultByDefault() {
		this.contextRunner.run((context) -> {
			StatusClient client = context.getBean(StatusClient.class);
			StatusClient target = AopTestUtils.getTargetObject(client);
			target.unavailable = Integer.MAX_VALUE;

			assertThat(client.blocking().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(target.attempts.getAndSet(0)).isEqualTo(4);
			assertThat(client.async().get(30, TimeUnit.SECONDS).getStatusCode())
				.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(target.attempts.getAndSet(0)).isEqualTo(4);
			StepVerifier.create(client.mono().map(ResponseEntity::getStatusCode))
				.expectNext(HttpStatus.SERVICE_UNAVAILABLE)
				.expectComplete()
				.verify(WAIT);
			assertThat(target.attempts.getAndSet(0)).isEqualTo(4);
		});
	}

	@Test
	void aCallWhoseRetriesRanOutOnAResultCountsAsFailedWithRetry() {
		this.contextRunner.withBean(SimpleMeterRegistry.class).run((context) -> {
			StatusClient client = context.getBean(StatusClient.class);
			AopTestUtils.<StatusClient>getTargetObject(client).unavailable = Integer.MAX_VALUE;
			MeterRegistry registry = context.getBean(MeterRegistry.class);

			client.blocking();
			client.async().get(30, TimeUnit.SECONDS);
			StepVerifier.create(client.mono()).expectNextCount(1).expectComplete().verify(WAIT);

			for (String method : List.of("blocking", "async", "mono")) {
				assertThat(registry.find("asynchelpers.retry.calls").counters())
					.filteredOn((counter) -> counter.getId().getTag("name").endsWith("." + method))
					.as(method)
					.singleElement()
					.satisfies((counter) -> {
						assertThat(counter.getId().getTag("kind")).isEqualTo("failed_with_retry");
						assertThat(counter.count()).isEqualTo(1.0);
					});
			}
		});
	}

	@Test
	void withOnResultExhaustedThrowTheCallerGetsAnExceptionCarryingTheLastResult() {
		this.contextRunner.run((context) -> {
			StatusClient client = context.getBean(StatusClient.class);
			StatusClient target = AopTestUtils.getTargetObject(client);
			target.unavailable = Integer.MAX_VALUE;

			assertThatExceptionOfType(RetriesExhaustedException.class).isThrownBy(client::throwingBlocking)
				.satisfies((ex) -> assertThat(ex.getLastResult()).isInstanceOf(ResponseEntity.class))
				.satisfies((ex) -> assertThat(ex.getAttempts()).isEqualTo(2));
			assertThat(client.throwingAsync()).failsWithin(WAIT)
				.withThrowableOfType(Exception.class)
				.withCauseInstanceOf(RetriesExhaustedException.class);
			StepVerifier.create(client.throwingMono()).expectError(RetriesExhaustedException.class).verify(WAIT);
			assertThat(target.attempts).hasValue(6);
		});
	}

	@Test
	void onResultExhaustedFallsBackToItsPropertyAndTheResolvedSpecSaysSo() {
		this.contextRunner
			.withPropertyValues("asynchelpers.retry.on-result-exhausted=throw", "test.on-result-exhausted=return-last")
			.run((context) -> {
				MethodSpecResolver resolver = context.getBean(MethodSpecResolver.class);
				assertThat(resolver.resolve(StatusClient.class.getMethod("blocking"), StatusClient.class)
					.retry()
					.onResultExhausted()).isEqualTo(OnResultExhausted.THROW);
				assertThat(resolver.resolve(StatusClient.class.getMethod("throwingAsync"), StatusClient.class)
					.retry()
					.onResultExhausted()).isEqualTo(OnResultExhausted.RETURN_LAST);
			});
	}

	@Test
	void retryOnResultOnAFluxFailsStartUp() {
		this.contextRunner.withBean(HttpRetryServices.FluxRetriedOnResult.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidAnnotationUseException.class)
				.hasMessageContaining("FluxRetriedOnResult.statuses() returns a Flux, which has no single result")
				.hasMessageContaining("return a Mono"));
	}

	@Test
	void aPredicateThatCannotBeCreatedFailsStartUp() {
		this.contextRunner.withBean(HttpRetryServices.UncreatablePredicate.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidAnnotationUseException.class)
				.hasMessageContaining("UncreatablePredicate.call(): @Retry.retryOnResult")
				.hasMessageContaining("NeedsMissingBean could not be created"));
	}

	@Test
	void aDelayFunctionOfTheWrongTypeFailsStartUp() {
		this.contextRunner.withBean(HttpRetryServices.NotADelayFunction.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidAnnotationUseException.class)
				.hasMessageContaining("@Retry.delayFunction 'java.lang.String' is not a class implementing "
						+ "io.asynchelpers.RetryDelayFunction"));
	}

	// Retry-After

	@Test
	void theRetryAfterOfA429SetsThePauseCappedAtMaxDelayForEveryReturnKind() {
		this.contextRunner.run((context) -> {
			RateLimitedClient client = context.getBean(RateLimitedClient.class);
			RateLimitedClient target = AopTestUtils.getTargetObject(client);
			try (LogCapture log = LogCapture.of(RetryState.class)) {
				assertThat(client.blocking()).isEqualTo("ok");
				target.attempts.set(0);
				assertThat(client.async()).succeedsWithin(WAIT).isEqualTo("ok");
				target.attempts.set(0);
				StepVerifier.create(client.mono()).expectNext("ok").expectComplete().verify(WAIT);
				target.attempts.set(0);
				StepVerifier.create(client.flux()).expectNext("o", "k").expectComplete().verify(WAIT);

				// Retry-After: 1 asked for 1s, maxDelay cut it to 25ms; the backoff would be 1ms, 2ms.
				assertThat(log.messages(Level.DEBUG)).hasSize(8).allSatisfy((message) -> assertThat(message)
					.contains("429").endsWith("Retrying in 25ms"));
			}
		});
	}

	@Test
	void theRetryAfterOfA503ResponseSetsThePauseOfAResultRetry() {
		this.contextRunner.run((context) -> {
			StatusClient client = context.getBean(StatusClient.class);
			try (LogCapture log = LogCapture.of(RetryState.class)) {
				assertThat(client.retryAfterResult().getStatusCode()).isEqualTo(HttpStatus.OK);

				assertThat(log.messages(Level.DEBUG)).hasSize(2)
					.allSatisfy((message) -> assertThat(message).endsWith("Retrying in 25ms"));
			}
		});
	}

	// One deadline

	@Test
	void aBlockingAttemptsTimeLimitIsCutToTheDeadlineSoTheCallersWaitIsBoundedByIt() {
		this.contextRunner.run((context) -> {
			DeadlineClient client = context.getBean(DeadlineClient.class);
			long start = System.nanoTime();

			assertThatExceptionOfType(AsyncTimeoutException.class).isThrownBy(client::blocking);

			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
			assertThat(AopTestUtils.<DeadlineClient>getTargetObject(client).attempts).hasValue(1);
		});
	}

	@Test
	void aCompletableFutureAttemptsTimeLimitIsCutToTheDeadline() {
		this.contextRunner.run((context) -> {
			DeadlineClient client = context.getBean(DeadlineClient.class);

			assertThat(client.async()).failsWithin(WAIT)
				.withThrowableOfType(Exception.class)
				.withCauseInstanceOf(AsyncTimeoutException.class);
			assertThat(AopTestUtils.<DeadlineClient>getTargetObject(client).attempts).hasValue(1);
		});
	}

	@Test
	void aMonoAttemptsTimeLimitIsCutToTheDeadline() {
		this.contextRunner.run((context) -> {
			DeadlineClient client = context.getBean(DeadlineClient.class);

			StepVerifier.create(client.mono()).expectError(AsyncTimeoutException.class).verify(WAIT);
			assertThat(AopTestUtils.<DeadlineClient>getTargetObject(client).attempts).hasValue(1);
		});
	}

	@Test
	void aFluxAttemptsTimeLimitIsCutToTheDeadline() {
		this.contextRunner.run((context) -> {
			DeadlineClient client = context.getBean(DeadlineClient.class);

			StepVerifier.create(client.flux()).expectError(AsyncTimeoutException.class).verify(WAIT);
			assertThat(AopTestUtils.<DeadlineClient>getTargetObject(client).attempts).hasValue(1);
		});
	}

	@Test
	void maxDurationFallsBackToItsPropertyAndAcceptsPlaceholders() {
		this.contextRunner.withPropertyValues("asynchelpers.retry.max-duration=5s", "test.max-duration=2m")
			.run((context) -> {
				MethodSpecResolver resolver = context.getBean(MethodSpecResolver.class);
				assertThat(resolver.resolve(DeadlineClient.class.getMethod("fromProperties"), DeadlineClient.class)
					.retry()
					.maxDuration()).isEqualTo(Duration.ofSeconds(5));
				assertThat(resolver.resolve(DeadlineClient.class.getMethod("flux"), DeadlineClient.class)
					.retry()
					.maxDuration()).isEqualTo(Duration.ofMinutes(2));
			});
	}

	@Test
	void aMaxDurationThatIsNoDurationFailsStartUp() {
		this.contextRunner.withBean(HttpRetryServices.BadMaxDuration.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidAnnotationUseException.class)
				.hasMessageContaining("BadMaxDuration.call(): @Retry.maxDuration 'soon' is not a duration"));
	}

	// The cause chain

	@Test
	void aResourceAccessExceptionCausedByASocketTimeoutIsRetriedForEveryReturnKind() {
		this.contextRunner.run((context) -> {
			WrappingClient client = context.getBean(WrappingClient.class);
			WrappingClient target = AopTestUtils.getTargetObject(client);

			assertThat(client.blocking()).isEqualTo("ok");
			assertThat(target.attempts.getAndSet(0)).isEqualTo(3);
			assertThat(client.async()).succeedsWithin(WAIT).isEqualTo("ok");
			assertThat(target.attempts.getAndSet(0)).isEqualTo(3);
			StepVerifier.create(client.mono()).expectNext("ok").expectComplete().verify(WAIT);
			assertThat(target.attempts.getAndSet(0)).isEqualTo(3);
			StepVerifier.create(client.flux()).expectNext("ok").expectComplete().verify(WAIT);
			assertThat(target.attempts.getAndSet(0)).isEqualTo(3);
		});
	}

	@Test
	void aResourceAccessExceptionWithoutASocketTimeoutInItsChainIsNotRetried() {
		this.contextRunner.run((context) -> {
			WrappingClient client = context.getBean(WrappingClient.class);

			assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(client::connectionReset);
			assertThat(AopTestUtils.<WrappingClient>getTargetObject(client).attempts).hasValue(1);
		});
	}

}
