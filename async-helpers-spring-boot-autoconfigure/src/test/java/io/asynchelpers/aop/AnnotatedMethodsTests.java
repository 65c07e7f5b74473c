/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.AsyncTimeoutException;
import io.asynchelpers.RetrySpec;
import io.asynchelpers.autoconfigure.AsyncHelpersAopAutoConfiguration;
import io.asynchelpers.autoconfigure.AsyncHelpersAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
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
	void aMethodInheritedByBeansOfSeveralClassesFollowsEachClassesAnnotations() {
		this.contextRunner.withBean(TestServices.SharedRetriedOnce.class)
			.withBean(TestServices.SharedRetriedThrice.class)
			.withBean(TestServices.SharedLimited.class)
			.run((context) -> {
				TestServices.SharedBase once = context.getBean(TestServices.SharedRetriedOnce.class);
				TestServices.SharedBase thrice = context.getBean(TestServices.SharedRetriedThrice.class);
				TestServices.SharedBase limited = context.getBean(TestServices.SharedLimited.class);
				// In turns, so that each class is met both first and after the others.
				for (int round = 1; round <= 3; round++) {
					for (TestServices.SharedBase service : List.of(once, thrice, limited)) {
						assertThatExceptionOfType(IOException.class).isThrownBy(service::call);
					}
					assertThat(target(once).attempts).as("retried once, round %d", round).hasValue(2 * round);
					assertThat(target(thrice).attempts).as("retried three times, round %d", round).hasValue(4 * round);
					assertThat(target(limited).attempts).as("not retried, round %d", round).hasValue(round);
				}
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
	void retryWithATimeoutPerAttemptAndNoTimerRetriesTheAttemptThatRanOutOfTime() {
		this.contextRunner.withBean(TestServices.RetryShapes.class).run((context) -> {
			TestServices.RetryShapes shapes = context.getBean(TestServices.RetryShapes.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);

			assertThat(shapes.slowOnce()).isEqualTo("attempt 2");

			assertThat(Thread.currentThread().isInterrupted()).isFalse();
			assertThat(registry.find("asynchelpers.timed").tag("name", "retry-timeout").timers()).isEmpty();
			assertThat(counter(registry, "asynchelpers.retry.calls", "kind", "successful_with_retry")).isEqualTo(1);
			assertThat(registry.get("asynchelpers.timeout.calls").tag("name", "retry-timeout").tag("outcome", "timeout")
				.counter()
				.count()).isEqualTo(1);
			assertThat(registry.get("asynchelpers.timeout.calls").tag("name", "retry-timeout").tag("outcome", "success")
				.counter()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void aTimedRetryTimesTheWholeCallOnce() {
		this.contextRunner.withBean(TestServices.RetryShapes.class).run((context) -> {
			TestServices.RetryShapes shapes = context.getBean(TestServices.RetryShapes.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);

			assertThat(shapes.failsOnce()).isEqualTo("attempt 2");

			assertThat(registry.get("asynchelpers.timed").tag("name", "timed-retry").timers())
				.singleElement()
				.satisfies((timer) -> assertThat(timer.getId().getTag("outcome")).isEqualTo("success"))
				.satisfies((timer) -> assertThat(timer.count()).isEqualTo(1));
			assertThat(registry.get("asynchelpers.retry.calls").tag("name", "timed-retry").counter().count())
				.isEqualTo(1);
			assertThat(counter(registry, "asynchelpers.retry.calls", "kind", "successful_with_retry")).isEqualTo(1);
			assertThat(registry.find("asynchelpers.timeout.calls").counters()).isEmpty();
		});
	}

	@Test
	void allThreeInTimeAtTheFirstAttemptCountOneOfEach() {
		this.contextRunner.withBean(TestServices.RetryShapes.class).run((context) -> {
			TestServices.RetryShapes shapes = context.getBean(TestServices.RetryShapes.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);

			assertThat(shapes.inTime()).isEqualTo("attempt 1");
			assertThat(shapes.inTime()).isEqualTo("attempt 2");

			assertThat(registry.get("asynchelpers.timed").tag("name", "in-time").tag("outcome", "success").timer().count())
				.isEqualTo(2);
			assertThat(counter(registry, "asynchelpers.retry.calls", "kind", "successful_without_retry")).isEqualTo(2);
			assertThat(registry.get("asynchelpers.timeout.calls").tag("name", "in-time").tag("outcome", "success")
				.counter()
				.count()).isEqualTo(2);
		});
	}

	@Test
	void allThreeOutOfTimeAtEveryAttemptFailWithTheTimeoutAfterTheLastAttempt() {
		this.contextRunner.withBean(TestServices.RetryShapes.class).run((context) -> {
			TestServices.RetryShapes shapes = context.getBean(TestServices.RetryShapes.class);
			TestServices.RetryShapes shapesTarget = target(shapes);
			MeterRegistry registry = context.getBean(MeterRegistry.class);

			assertThatExceptionOfType(AsyncTimeoutException.class).isThrownBy(shapes::neverInTime);

			assertThat(Thread.currentThread().isInterrupted()).isFalse();
			assertThat(shapesTarget.attempts).hasValue(2);
			assertThat(registry.get("asynchelpers.timed").tag("name", "never-in-time").timer().getId().getTag("exception"))
				.isEqualTo("AsyncTimeoutException");
			assertThat(counter(registry, "asynchelpers.retry.calls", "kind", "failed_with_retry")).isEqualTo(1);
			assertThat(registry.get("asynchelpers.timeout.calls").tag("name", "never-in-time").tag("outcome", "timeout")
				.counter()
				.count()).isEqualTo(2);
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
				.isInstanceOf(InvalidAnnotationUseException.class)
				.hasMessageContaining("TestServices$FinalService.call() carries @Retry, but its class FinalService is final"
						+ " and cannot be proxied. Make FinalService non-final, or remove @Retry."));
	}

	@Test
	void aFinalAnnotatedMethodGetsAClearStartUpFailure() {
		this.contextRunner.withBean(TestServices.FinalMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidAnnotationUseException.class)
				.hasMessageContaining("TestServices$FinalMethod.call() carries @Timed, but it is final, so its proxy"
						+ " cannot intercept it. Make call() non-final, or remove @Timed."));
	}

	@Test
	void anInvalidAttributeFailsStartUpNamingTheMethodAndAttribute() {
		this.contextRunner.withBean(TestServices.BadDelay.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidAnnotationUseException.class)
				.hasMessageContaining("TestServices$BadDelay.call(): @Backoff.delay 'soon' is not a duration"));
	}

	@Test
	void aPrivateAnnotatedMethodFailsStartUpInsteadOfBeingIgnored() {
		this.contextRunner.withBean(TestServices.PrivateMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("TestServices$PrivateMethod.hidden() carries @Retry, but it is private")
				.hasMessageContaining("Make hidden() public"));
	}

	@Test
	void aStaticAnnotatedMethodFailsStartUpInsteadOfBeingIgnored() {
		this.contextRunner.withBean(TestServices.StaticMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("TestServices$StaticMethod.call() carries @Timed, but it is static")
				.hasMessageContaining("Make call() an instance method"));
	}

	@Test
	void aPrivateMethodWithAMetaAnnotationFailsStartUpToo() {
		this.contextRunner.withBean(TestServices.MetaAnnotatedPrivateMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("TestServices$MetaAnnotatedPrivateMethod.hidden() carries @Retry, but it is private"));
	}

	@Test
	void classLevelAnnotationsLeavePrivateStaticAndInheritedFinalMethodsAlone() {
		this.contextRunner.withBean(TestServices.ClassLevelWithHelpers.class).run((context) -> {
			assertThat(context).hasNotFailed();
			TestServices.ClassLevelWithHelpers service = context.getBean(TestServices.ClassLevelWithHelpers.class);

			assertThat(service.call()).isEqualTo("helped.");

			assertThat(context.getBean(MeterRegistry.class)
				.get("asynchelpers.timed")
				.tags("method", "call")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void throughAJdkProxyAGenericInterfaceMethodReturningAFailedFutureIsRetried() {
		this.contextRunner.withPropertyValues("spring.aop.proxy-target-class=false")
			.withBean("failingSource", TestServices.FailingSource.class)
			.run((context) -> {
				@SuppressWarnings("unchecked")
				TestServices.Source<CompletableFuture<String>> source = context.getBean("failingSource",
						TestServices.Source.class);
				TestServices.FailingSource sourceTarget = AopTestUtils.getUltimateTargetObject(source);
				assertThat(AopUtils.isJdkDynamicProxy(source)).isTrue();

				assertThat(source.fetch().get(10, TimeUnit.SECONDS)).isEqualTo("ok after 3");

				assertThat(sourceTarget.attempts).hasValue(3);
			});
	}

	@Test
	void throughAJdkProxyTheTimeLimitAppliesToAStageWhoseTypeComesFromATypeArgument() {
		this.contextRunner.withPropertyValues("spring.aop.proxy-target-class=false")
			.withBean("pendingSource", TestServices.PendingSource.class)
			.run((context) -> {
				@SuppressWarnings("unchecked")
				TestServices.Source<CompletableFuture<String>> source = context.getBean("pendingSource",
						TestServices.Source.class);
				TestServices.PendingSource sourceTarget = AopTestUtils.getUltimateTargetObject(source);
				assertThat(AopUtils.isJdkDynamicProxy(source)).isTrue();

				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> source.fetch().get(10, TimeUnit.SECONDS))
					.havingCause()
					.isInstanceOf(AsyncTimeoutException.class);
				assertThat(sourceTarget.pending).isCancelled();
			});
	}

	@Test
	void aStageMethodReturningNullFailsAtOnceAndIsNotRetried() {
		this.contextRunner.withBean(TestServices.NullReturning.class).run((context) -> {
			TestServices.NullReturning service = context.getBean(TestServices.NullReturning.class);
			TestServices.NullReturning serviceTarget = target(service);

			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> service.stage().get(10, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(IllegalStateException.class)
				.withMessageContaining("NullReturning.stage() returned null instead of a CompletionStage");
			assertThat(serviceTarget.attempts).hasValue(1);
			assertThat(counter(context.getBean(MeterRegistry.class), "asynchelpers.retry.calls", "kind",
					"failed_without_retry")).isEqualTo(1);
		});
	}

	@Test
	void oneMethodHasOneNameInAllItsMeters() {
		this.contextRunner.withBean(TestServices.PricingClient.class).run((context) -> {
			TestServices.PricingClient client = context.getBean(TestServices.PricingClient.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);

			assertThat(client.price()).isEqualTo("42");

			assertThat(registry.get("asynchelpers.timed").tag("name", "pricing.lookup").timer().count()).isEqualTo(1);
			assertThat(registry.get("asynchelpers.retry.calls")
				.tags("name", "pricing.lookup", "kind", "successful_with_retry")
				.counter()
				.count()).isEqualTo(1);
			assertThat(registry.get("asynchelpers.timeout.calls")
				.tags("name", "pricing.lookup", "outcome", "failure")
				.counter()
				.count()).isEqualTo(1);
			assertThat(registry.getMeters()).filteredOn((meter) -> meter.getId().getName().startsWith("asynchelpers."))
				.extracting((meter) -> meter.getId().getTag("name"))
				.containsOnly("pricing.lookup");
		});
	}

	@Test
	void retryLogLevelsComeFromTheProperties() {
		this.contextRunner
			.withPropertyValues("asynchelpers.retry.log-level=error", "asynchelpers.retry.attempt-log-level=info")
			.run((context) -> {
				RetrySpec defaults = context.getBean(AsyncHelpers.class).defaults().retry();
				RetrySpec annotated = context.getBean(MethodSpecResolver.class)
					.resolve(TestServices.Flaky.class.getMethod("blocking"), TestServices.Flaky.class)
					.retry();

				assertThat(defaults.retryLogLevel()).isEqualTo(Level.INFO);
				assertThat(defaults.exhaustedLogLevel()).isEqualTo(Level.ERROR);
				assertThat(annotated.retryLogLevel()).isEqualTo(Level.INFO);
				assertThat(annotated.exhaustedLogLevel()).isEqualTo(Level.ERROR);
			});
	}

	@Test
	void retryLogLevelsDefaultToDebugForEachRetryAndWarnWhenRetriesRunOut() {
		this.contextRunner.run((context) -> {
			RetrySpec defaults = context.getBean(AsyncHelpers.class).defaults().retry();

			assertThat(defaults.retryLogLevel()).isEqualTo(Level.DEBUG);
			assertThat(defaults.exhaustedLogLevel()).isEqualTo(Level.WARN);
		});
	}

	@Test
	void retryLogLevelsOfTheAnnotationWinOverThePropertiesAndResolvePlaceholders() {
		this.contextRunner.withBean(TestServices.QuietRetries.class)
			.withPropertyValues("asynchelpers.retry.log-level=error", "test.retry.log-level=debug")
			.run((context) -> {
				RetrySpec retry = context.getBean(MethodSpecResolver.class)
					.resolve(TestServices.QuietRetries.class.getMethod("call"), TestServices.QuietRetries.class)
					.retry();

				assertThat(retry.retryLogLevel()).isEqualTo(Level.TRACE);
				assertThat(retry.exhaustedLogLevel()).isEqualTo(Level.DEBUG);
			});
	}

	@Test
	void anInvalidRetryLogLevelFailsStartUpNamingTheMethodAndAttribute() {
		this.contextRunner.withBean(TestServices.BadLogLevel.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidAnnotationUseException.class)
				.hasMessageContaining("TestServices$BadLogLevel.call(): @Retry.logLevel 'loud' is not a log level. "
						+ "Change @Retry.logLevel of io.asynchelpers.aop.TestServices$BadLogLevel.call() to one of error,"
						+ " warn, info, debug, trace."));
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
