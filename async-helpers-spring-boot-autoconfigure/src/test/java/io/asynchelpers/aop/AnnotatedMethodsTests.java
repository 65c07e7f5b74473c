/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.asynchelpers.AsyncTimeoutException;
import io.asynchelpers.autoconfigure.AsyncHelpersAopAutoConfiguration;
import io.asynchelpers.autoconfigure.AsyncHelpersAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.test.util.AopTestUtils;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Retry}, {@code @Timed} and {@code @WithTimeout} through real Spring proxies.
 */
class AnnotatedMethodsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
				AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withBean(TestServices.Flaky.class)
		.withBean(TestServices.Slow.class)
		.withBean(TestServices.Stacked.class);

	@Test
	void aBlockingMethodIsRetriedOnTheCallersThreadUntilItSucceeds() {
		this.contextRunner.run((context) -> {
			TestServices.Flaky flaky = context.getBean(TestServices.Flaky.class);
			TestServices.Flaky flakyTarget = target(flaky);
			assertThat(AopUtils.isAopProxy(flaky)).isTrue();

			assertThat(flaky.blocking()).isEqualTo("ok after 3");
			assertThat(flakyTarget.attempts).hasValue(3);
			assertThat(flakyTarget.threads).containsOnly(Thread.currentThread().getName());
			assertThat(counter(context.getBean(MeterRegistry.class), "asynchelpers.retry.calls", "kind",
					"successful_with_retry")).isEqualTo(1);
		});
	}

	@Test
	void unsetAttributesFallBackToPropertiesAndPlaceholdersResolve() {
		this.contextRunner.withPropertyValues("asynchelpers.retry.max-retries=1", "test.retry.delay=2ms")
			.run((context) -> {
				TestServices.Flaky flaky = context.getBean(TestServices.Flaky.class);
				TestServices.Flaky flakyTarget = target(flaky);
				flakyTarget.failures = 5;

				assertThatExceptionOfType(IOException.class).isThrownBy(flaky::fromProperties)
					.withMessage("attempt 2")
					.satisfies((ex) -> assertThat(ex.getSuppressed()).hasSize(1));
				assertThat(flakyTarget.attempts).hasValue(2);
				MethodSpec spec = context.getBean(MethodSpecResolver.class)
					.resolve(TestServices.Flaky.class.getMethod("fromProperties"), TestServices.Flaky.class);
				assertThat(spec.retry().baseDelay()).isEqualTo(Duration.ofMillis(2));
			});
	}

	@Test
	void noRetryOnFailsAtOnce() {
		this.contextRunner.run((context) -> {
			TestServices.Flaky flaky = context.getBean(TestServices.Flaky.class);
			TestServices.Flaky flakyTarget = target(flaky);
			assertThatExceptionOfType(IOException.class).isThrownBy(flaky::notRetried);
			assertThat(flakyTarget.attempts).hasValue(1);
			assertThat(counter(context.getBean(MeterRegistry.class), "asynchelpers.retry.calls", "kind",
					"failed_without_retry")).isEqualTo(1);
		});
	}

	@Test
	void aVoidMethodIsRetriedToo() {
		this.contextRunner.run((context) -> {
			TestServices.Flaky flaky = context.getBean(TestServices.Flaky.class);
			TestServices.Flaky flakyTarget = target(flaky);
			flaky.nothingReturned();
			assertThat(flakyTarget.attempts).hasValue(3);
		});
	}

	@Test
	void aCompletableFutureMethodIsReinvokedForEachAttempt() {
		this.contextRunner.run((context) -> {
			TestServices.Flaky flaky = context.getBean(TestServices.Flaky.class);
			TestServices.Flaky flakyTarget = target(flaky);
			assertThat(flaky.async().get(10, TimeUnit.SECONDS)).isEqualTo("ok after 3");
			assertThat(flakyTarget.attempts).hasValue(3);
			assertThat(flakyTarget.threads).as("retries after a pause leave the timer thread")
				.noneMatch((name) -> name.startsWith("async-helpers-scheduler-"));
		});
	}

	@Test
	void aMonoIsResubscribedForEachAttemptAndStaysLazy() {
		this.contextRunner.run((context) -> {
			TestServices.Flaky flaky = context.getBean(TestServices.Flaky.class);
			TestServices.Flaky flakyTarget = target(flaky);
			reactor.core.publisher.Mono<String> mono = flaky.mono();
			assertThat(flakyTarget.attempts).as("nothing runs before subscription").hasValue(0);

			StepVerifier.create(mono).expectNext("ok after 3").expectComplete().verify(Duration.ofSeconds(10));
			assertThat(flakyTarget.attempts).hasValue(3);
		});
	}

	@Test
	void aFluxIsResubscribedForEachAttempt() {
		this.contextRunner.run((context) -> {
			TestServices.Flaky flaky = context.getBean(TestServices.Flaky.class);
			TestServices.Flaky flakyTarget = target(flaky);
			StepVerifier.create(flaky.flux()).expectNext("a", "ok after 3").expectComplete().verify(Duration.ofSeconds(10));
			assertThat(flakyTarget.attempts).hasValue(3);
		});
	}

	@Test
	void selfInvocationIsNotInterceptedAsTheReadmeSays() {
		this.contextRunner.run((context) -> {
			TestServices.Flaky flaky = context.getBean(TestServices.Flaky.class);
			TestServices.Flaky flakyTarget = target(flaky);
			assertThatExceptionOfType(IOException.class).isThrownBy(flaky::selfInvocation);
			assertThat(flakyTarget.attempts).hasValue(1);
		});
	}

	@Test
	void classLevelAnnotationsApplyToPublicMethodsAndTheMethodsOwnWins() {
		this.contextRunner.withBean(TestServices.ClassLevel.class).run((context) -> {
			TestServices.ClassLevel service = context.getBean(TestServices.ClassLevel.class);
			TestServices.ClassLevel serviceTarget = target(service);
			assertThatExceptionOfType(IOException.class).isThrownBy(service::inherits);
			assertThat(serviceTarget.attempts).hasValue(2);
			serviceTarget.attempts.set(0);
			assertThatExceptionOfType(IOException.class).isThrownBy(service::overrides);
			assertThat(serviceTarget.attempts).hasValue(4);
		});
	}

	@Test
	void metaAnnotationsWork() {
		this.contextRunner.withBean(TestServices.MetaAnnotated.class).run((context) -> {
			TestServices.MetaAnnotated service = context.getBean(TestServices.MetaAnnotated.class);
			TestServices.MetaAnnotated serviceTarget = target(service);
			assertThatExceptionOfType(IOException.class).isThrownBy(service::call);
			assertThat(serviceTarget.attempts).hasValue(5);
		});
	}

	@Test
	void aBlockingTimeoutInterruptsTheCallersOwnThreadAndLeavesNoStrayInterrupt() {
		this.contextRunner.run((context) -> {
			TestServices.Slow slow = context.getBean(TestServices.Slow.class);
			TestServices.Slow slowTarget = target(slow);
			assertThatExceptionOfType(AsyncTimeoutException.class).isThrownBy(slow::sleepy)
				.withMessage("Operation timed out after 100ms");
			assertThat(slowTarget.threads).containsExactly(Thread.currentThread());
			assertThat(slowTarget.sawInterrupt).isTrue();
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
			assertThat(slow.fast()).isEqualTo("fast");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(counter(registry, "asynchelpers.timeout.calls", "outcome", "timeout")).isEqualTo(1);
			assertThat(counter(registry, "asynchelpers.timeout.calls", "outcome", "success")).isEqualTo(1);
		});
	}

	@Test
	void anIsolatedTimeoutAnswersOnTimeEvenWhenTheCallIgnoresInterrupts() {
		this.contextRunner.run((context) -> {
			TestServices.Slow slow = context.getBean(TestServices.Slow.class);
			TestServices.Slow slowTarget = target(slow);
			assertThatExceptionOfType(AsyncTimeoutException.class).isThrownBy(slow::ignoresInterrupts);
			assertThat(slowTarget.finishedBusyLoop).as("the caller was answered before the call ended").isFalse();
		});
	}

	@Test
	void anAsyncTimeoutFailsTheStageWithTheMessageAndCancelsTheMethodsOwnStage() {
		this.contextRunner.run((context) -> {
			TestServices.Slow slow = context.getBean(TestServices.Slow.class);
			TestServices.Slow slowTarget = target(slow);
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> slow.neverCompletes().get(10, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(AsyncTimeoutException.class)
				.withMessage("catalogue too slow");
			assertThat(slowTarget.pending).isCancelled();
		});
	}

	@Test
	void aFluxTimeLimitCoversTheWholeStreamAndAMonoTimeLimitFailsItWithTheTimeout() {
		this.contextRunner.run((context) -> {
			TestServices.Slow slow = context.getBean(TestServices.Slow.class);
			StepVerifier.create(slow.endlessFlux())
				.thenConsumeWhile((tick) -> true)
				.expectError(AsyncTimeoutException.class)
				.verify(Duration.ofSeconds(10));
			StepVerifier.create(slow.silentMono())
				.expectErrorMatches((ex) -> ex instanceof AsyncTimeoutException
						&& ex.getMessage().equals("Operation timed out after 150ms"))
				.verify(Duration.ofSeconds(10));
		});
	}

	@Test
	void aTimedMonoIsMeasuredWhenItCompletes() {
		this.contextRunner.run((context) -> {
			TestServices.Slow slow = context.getBean(TestServices.Slow.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			reactor.core.publisher.Mono<String> mono = slow.timedMono();
			assertThat(registry.find("asynchelpers.timed").tag("name", "mono").timer()).isNull();

			StepVerifier.create(mono).expectNext("timed mono").verifyComplete();

			assertThat(registry.get("asynchelpers.timed").tag("name", "mono").timer().count()).isEqualTo(1);
		});
	}

	@Test
	void timedRecordsATimerWithItsTagsForBlockingAndAsyncMethods() {
		this.contextRunner.run((context) -> {
			TestServices.Slow slow = context.getBean(TestServices.Slow.class);
			TestServices.Slow slowTarget = target(slow);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(slow.timedBlocking()).isEqualTo("timed");
			var future = slow.timedAsync();
			assertThat(registry.find("asynchelpers.timed").tag("name", "Slow.timedAsync").timer())
				.as("not recorded before the stage completes").isNull();
			slowTarget.pending.completeExceptionally(new IOException("down"));
			assertThat(future).isCompletedExceptionally();

			assertThat(registry.get("asynchelpers.timed")
				.tags("name", "lookup", "class", "Slow", "method", "timedBlocking", "exception", "none", "outcome",
						"success")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get("asynchelpers.timed")
				.tags("name", "Slow.timedAsync", "exception", "IOException", "outcome", "failure")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void byDefaultTimedIsOutermostThenRetryThenATimeoutPerAttempt() {
		this.contextRunner.run((context) -> {
			TestServices.Stacked stacked = context.getBean(TestServices.Stacked.class);
			TestServices.Stacked stackedTarget = target(stacked);
			MeterRegistry registry = context.getBean(MeterRegistry.class);

			assertThat(stacked.all()).isEqualTo("attempt 3");

			assertThat(registry.get("asynchelpers.timed").tag("name", "stacked").timer().count()).isEqualTo(1);
			assertThat(counter(registry, "asynchelpers.retry.calls", "kind", "successful_with_retry")).isEqualTo(1);
			assertThat(counter(registry, "asynchelpers.timeout.calls", "outcome", "timeout")).isEqualTo(2);
			assertThat(counter(registry, "asynchelpers.timeout.calls", "outcome", "success")).isEqualTo(1);
		});
	}

	@Test
	void theNestingIsConfigurable() {
		this.contextRunner.withPropertyValues("asynchelpers.aop.layers=retry,timed,timeout").run((context) -> {
			TestServices.Stacked stacked = context.getBean(TestServices.Stacked.class);
			TestServices.Stacked stackedTarget = target(stacked);
			MeterRegistry registry = context.getBean(MeterRegistry.class);

			assertThat(stacked.all()).isEqualTo("attempt 3");

			assertThat(registry.get("asynchelpers.timed").tag("name", "stacked").timers())
				.extracting(io.micrometer.core.instrument.Timer::count)
				.as("timed inside retry: one measurement per attempt")
				.containsExactlyInAnyOrder(1L, 2L);
		});
	}

	@Test
	void withAsyncEachAttemptRunsOnTheAsyncThread() {
		this.contextRunner.withUserConfiguration(AsyncConfiguration.class).run((context) -> {
			TestServices.AsyncRetried service = context.getBean(TestServices.AsyncRetried.class);
			TestServices.AsyncRetried serviceTarget = target(service);
			assertThat(service.call().get(10, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(serviceTarget.threads).hasSize(3).allMatch((name) -> name.startsWith("task-"));
		});
	}

	@Test
	void withTransactionalEachAttemptRunsInAFreshTransaction() {
		this.contextRunner.withUserConfiguration(TransactionConfiguration.class).run((context) -> {
			TestServices.TransactionalRetried service = context.getBean(TestServices.TransactionalRetried.class);
			TestServices.TransactionalRetried serviceTarget = target(service);
			RecordingTransactionManager transactions = context.getBean(RecordingTransactionManager.class);

			assertThat(service.call()).isEqualTo("committed");

			assertThat(transactions.events).containsExactly("begin", "rollback", "begin", "rollback", "begin", "commit");
		});
	}

	@Test
	void aFinalClassGetsAClearStartUpFailure() {
		this.contextRunner.withBean(TestServices.FinalService.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("its class is final and cannot be proxied. Make FinalService non-final."));
	}

	@Test
	void aFinalAnnotatedMethodGetsAClearStartUpFailure() {
		this.contextRunner.withBean(TestServices.FinalMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("is final, so its proxy cannot intercept it. Make the method non-final."));
	}

	@Test
	void anInvalidAttributeFailsStartUpNamingTheMethodAndAttribute() {
		this.contextRunner.withBean(TestServices.BadDelay.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("TestServices$BadDelay.call(): @Backoff.delay 'soon' is not a duration"));
	}

	private static <T> T target(T proxy) {
		// A CGLIB proxy has fields of its own, never set: read state from the bean behind it.
		return AopTestUtils.getUltimateTargetObject(proxy);
	}

	private static double counter(MeterRegistry registry, String name, String tag, String value) {
		var counter = registry.find(name).tag(tag, value).counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncConfiguration {

		@Bean
		TestServices.AsyncRetried asyncRetried() {
			return new TestServices.AsyncRetried();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class TransactionConfiguration {

		@Bean
		RecordingTransactionManager transactionManager() {
			return new RecordingTransactionManager();
		}

		@Bean
		TestServices.TransactionalRetried transactionalRetried() {
			return new TestServices.TransactionalRetried();
		}

	}

	static class RecordingTransactionManager extends AbstractPlatformTransactionManager {

		private static final long serialVersionUID = 1L;

		final List<String> events = new ArrayList<>();

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			this.events.add("begin");
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			this.events.add("commit");
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
			this.events.add("rollback");
		}

	}

}
