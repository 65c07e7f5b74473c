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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.asynchelpers.ConcurrencyLimitExceededException;
import io.asynchelpers.autoconfigure.AsyncHelpersAopAutoConfiguration;
import io.asynchelpers.autoconfigure.AsyncHelpersAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.AopTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code @MaxConcurrency} through real Spring proxies, for every return kind.
 */
class MaxConcurrencyMethodsTests {

	private static final int CALLS = 10;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
				AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withBean(LimitedServices.Limited.class)
		.withBean(LimitedServices.Single.class)
		.withBean(LimitedServices.RetriedAndLimited.class);

	private final ExecutorService callers = Executors.newFixedThreadPool(4);

	@AfterEach
	void stopCallers() {
		this.callers.shutdownNow();
	}

	@Test
	void blockingCallersBeyondTheLimitWaitAndTheLimitIsNeverExceeded() {
		this.contextRunner.run((context) -> {
			LimitedServices.Limited limited = context.getBean(LimitedServices.Limited.class);
			LimitedServices.Limited target = AopTestUtils.getTargetObject(limited);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			CountDownLatch gate = new CountDownLatch(1);
			List<Future<String>> calls = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				calls.add(this.callers.submit(() -> limited.blocking(gate)));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> gauge(registry, "queued", "blocking") == 2);
			assertThat(target.current).hasValue(2);
			assertThat(gauge(registry, "active", "blocking")).isEqualTo(2);

			gate.countDown();

			for (Future<String> call : calls) {
				assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("done");
			}
			assertThat(target.max).hasValue(2);
			assertThat(target.invocations).hasValue(4);
			assertThat(gauge(registry, "active", "blocking")).isZero();
		});
	}

	@Test
	void completableFutureCallsBeyondTheLimitAreQueuedWithoutBlockingTheCaller() {
		this.contextRunner.run((context) -> {
			LimitedServices.Limited limited = context.getBean(LimitedServices.Limited.class);
			LimitedServices.Limited target = AopTestUtils.getTargetObject(limited);
			assertLimitedWithoutBlocking(context.getBean(MeterRegistry.class), target, "stage",
					(work) -> limited.stage(work));
		});
	}

	@Test
	void monoCallsBeyondTheLimitAreQueuedWithoutBlockingTheSubscriber() {
		this.contextRunner.run((context) -> {
			LimitedServices.Limited limited = context.getBean(LimitedServices.Limited.class);
			LimitedServices.Limited target = AopTestUtils.getTargetObject(limited);
			assertLimitedWithoutBlocking(context.getBean(MeterRegistry.class), target, "mono",
					(work) -> limited.mono(work).toFuture());
		});
	}

	@Test
	void fluxCallsBeyondTheLimitAreQueuedWithoutBlockingTheSubscriber() {
		this.contextRunner.run((context) -> {
			LimitedServices.Limited limited = context.getBean(LimitedServices.Limited.class);
			LimitedServices.Limited target = AopTestUtils.getTargetObject(limited);
			assertLimitedWithoutBlocking(context.getBean(MeterRegistry.class), target, "flux",
					(work) -> limited.flux(work).collectList().map((list) -> list.get(0)).toFuture());
		});
	}

	/**
	 * Start {@link #CALLS} calls on the test's own thread against a limit of two: the
	 * thread must come back from each at once, two run, the others wait in the queue and
	 * start one by one as running ones complete.
	 */
	private void assertLimitedWithoutBlocking(MeterRegistry registry, LimitedServices.InFlight target, String name,
			Function<CompletableFuture<String>, CompletableFuture<String>> call) throws Exception {
		List<CompletableFuture<String>> work = new ArrayList<>();
		List<CompletableFuture<String>> results = new ArrayList<>();
		for (int i = 0; i < CALLS; i++) {
			CompletableFuture<String> item = new CompletableFuture<>();
			work.add(item);
			results.add(call.apply(item));
		}
		assertThat(results).noneMatch(CompletableFuture::isDone);
		assertThat(target.invocations).as("invoked so far").hasValue(2);
		assertThat(gauge(registry, "active", name)).isEqualTo(2);
		assertThat(gauge(registry, "queued", name)).isEqualTo(CALLS - 2);

		for (int i = 0; i < CALLS; i++) {
			work.get(i).complete("r" + i);
		}

		for (int i = 0; i < CALLS; i++) {
			assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("r" + i);
		}
		assertThat(target.max).hasValue(2);
		assertThat(target.invocations).hasValue(CALLS);
		assertThat(gauge(registry, "active", name)).isZero();
		assertThat(gauge(registry, "queued", name)).isZero();
	}

	@Test
	void aBlockingCallerWaitsAtMostMaxWaitThenIsRejectedWithoutInvokingTheMethod() {
		this.contextRunner.run((context) -> {
			LimitedServices.Single single = context.getBean(LimitedServices.Single.class);
			LimitedServices.Single target = AopTestUtils.getTargetObject(single);
			CountDownLatch gate = new CountDownLatch(1);
			Future<String> holder = this.callers.submit(() -> single.waits(gate));
			await().atMost(Duration.ofSeconds(10)).until(() -> target.current.get() == 1);
			long start = System.nanoTime();

			assertThatExceptionOfType(ConcurrencyLimitExceededException.class)
				.isThrownBy(() -> single.waits(new CountDownLatch(0)))
				.withMessageContaining("waits")
				.withMessageContaining("no slot freed up within 100ms");

			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
			assertThat(target.invocations).hasValue(1);
			assertThat(counter(context.getBean(MeterRegistry.class), "waits")).isEqualTo(1);
			gate.countDown();
			assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("done");
		});
	}

	@Test
	void rejectTurnsABlockingCallAwayAtOnce() {
		this.contextRunner.run((context) -> {
			LimitedServices.Single single = context.getBean(LimitedServices.Single.class);
			LimitedServices.Single target = AopTestUtils.getTargetObject(single);
			CountDownLatch gate = new CountDownLatch(1);
			Future<String> holder = this.callers.submit(() -> single.rejects(gate));
			await().atMost(Duration.ofSeconds(10)).until(() -> target.current.get() == 1);

			assertThatExceptionOfType(ConcurrencyLimitExceededException.class)
				.isThrownBy(() -> single.rejects(new CountDownLatch(0)))
				.withMessageContaining("may not wait")
				.satisfies((ex) -> assertThat(ex.getLimit()).isEqualTo(1));

			assertThat(target.invocations).hasValue(1);
			assertThat(counter(context.getBean(MeterRegistry.class), "rejects")).isEqualTo(1);
			gate.countDown();
			assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("done");
		});
	}

	@Test
	void rejectFailsAnAsyncCallsStageAtOnceWithoutInvokingTheMethod() {
		this.contextRunner.run((context) -> {
			LimitedServices.Single single = context.getBean(LimitedServices.Single.class);
			LimitedServices.Single target = AopTestUtils.getTargetObject(single);
			CompletableFuture<String> first = single.stageRejects(new CompletableFuture<>());

			CompletableFuture<String> second = single.stageRejects(CompletableFuture.completedFuture("never"));

			assertThat(second).isCompletedExceptionally();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(second::get)
				.withCauseInstanceOf(ConcurrencyLimitExceededException.class);
			assertThat(target.invocations).hasValue(1);
			assertThat(first).isNotDone();
			assertThat(counter(context.getBean(MeterRegistry.class), "stage-rejects")).isEqualTo(1);
		});
	}

	@Test
	void cancellingAQueuedStageCallFreesItsPlaceAndTheMethodIsNeverInvokedForIt() {
		this.contextRunner.run((context) -> {
			LimitedServices.Single single = context.getBean(LimitedServices.Single.class);
			LimitedServices.Single target = AopTestUtils.getTargetObject(single);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			CompletableFuture<String> running = new CompletableFuture<>();
			single.stageQueue(running);
			CompletableFuture<String> cancelled = single.stageQueue(CompletableFuture.completedFuture("cancelled"));

			cancelled.cancel(true);
			CompletableFuture<String> next = single.stageQueue(CompletableFuture.completedFuture("next"));

			assertThat(next).as("queued in the freed place, not rejected").isNotCompletedExceptionally();
			assertThat(gauge(registry, "queued", "stage-queue")).isEqualTo(1);
			running.complete("first");
			assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("next");
			assertThat(target.invocations).as("the first and the next, not the cancelled one").hasValue(2);
			assertThat(counter(registry, "stage-queue")).isZero();
		});
	}

	@Test
	void cancellingAQueuedFluxSubscriptionFreesItsPlaceAndTheMethodIsNeverInvokedForIt() {
		this.contextRunner.run((context) -> {
			LimitedServices.Single single = context.getBean(LimitedServices.Single.class);
			LimitedServices.Single target = AopTestUtils.getTargetObject(single);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			CompletableFuture<String> running = new CompletableFuture<>();
			CompletableFuture<String> first = single.fluxQueue(running).next().toFuture();
			Disposable queued = single.fluxQueue(CompletableFuture.completedFuture("cancelled")).subscribe();
			assertThat(gauge(registry, "queued", "flux-queue")).isEqualTo(1);

			queued.dispose();
			CompletableFuture<String> next = single.fluxQueue(CompletableFuture.completedFuture("next"))
				.next()
				.toFuture();

			assertThat(next).as("queued in the freed place, not rejected").isNotCompletedExceptionally();
			CompletableFuture<String> beyondQueue = single.fluxQueue(CompletableFuture.completedFuture("rejected"))
				.next()
				.toFuture();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(beyondQueue::get)
				.withCauseInstanceOf(ConcurrencyLimitExceededException.class);
			assertThat(counter(registry, "flux-queue")).isEqualTo(1);
			running.complete("first");
			assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
			assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("next");
			assertThat(target.invocations).hasValue(2);
			assertThat(gauge(registry, "active", "flux-queue")).isZero();
		});
	}

	@Test
	void aFailingCallGivesItsSlotBack() {
		this.contextRunner.run((context) -> {
			LimitedServices.Single single = context.getBean(LimitedServices.Single.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);

			for (int i = 0; i < 3; i++) {
				assertThatExceptionOfType(IOException.class).isThrownBy(single::failing).withMessage("down");
			}

			assertThat(gauge(registry, "active", "failing")).isZero();
			assertThat(counter(registry, "failing")).isZero();
			CompletableFuture<String> failed = new CompletableFuture<>();
			CompletableFuture<String> first = single.stageQueue(failed);
			failed.completeExceptionally(new IOException("down"));
			assertThat(first).isCompletedExceptionally();
			assertThat(single.stageQueue(CompletableFuture.completedFuture("after")).get(10, TimeUnit.SECONDS))
				.isEqualTo("after");
		});
	}

	@Test
	void byDefaultABlockingRetryPausingHoldsNoSlot() {
		this.contextRunner.run((context) -> {
			LimitedServices.RetriedAndLimited service = context.getBean(LimitedServices.RetriedAndLimited.class);
			LimitedServices.RetriedAndLimited target = AopTestUtils.getTargetObject(service);
			Future<String> retried = this.callers.submit(service::blocking);
			await().atMost(Duration.ofSeconds(10)).until(() -> target.attempts.get() == 1);

			String during = service.blocking();

			assertThat(during).as("the call made during the first one's pause got the slot").isEqualTo("attempt 2");
			assertThat(retried).as("still pausing").isNotDone();
			assertThat(retried.get(10, TimeUnit.SECONDS)).isEqualTo("attempt 3");
		});
	}

	@Test
	void byDefaultAnAsyncRetryPausingHoldsNoSlot() {
		this.contextRunner.run((context) -> {
			LimitedServices.RetriedAndLimited service = context.getBean(LimitedServices.RetriedAndLimited.class);
			LimitedServices.RetriedAndLimited target = AopTestUtils.getTargetObject(service);
			CompletableFuture<String> retried = service.stage();
			assertThat(target.attempts).hasValue(1);

			CompletableFuture<String> during = service.stage();

			assertThat(during.get(10, TimeUnit.SECONDS)).isEqualTo("attempt 2");
			assertThat(retried).as("still pausing").isNotDone();
			assertThat(retried.get(10, TimeUnit.SECONDS)).isEqualTo("attempt 3");
		});
	}

	@Test
	void withTheLimitOutsideRetryAPausingRetryHoldsItsSlot() {
		this.contextRunner.withPropertyValues("asynchelpers.aop.layers=timed,max-concurrency,retry,timeout")
			.run((context) -> {
				LimitedServices.RetriedAndLimited service = context.getBean(LimitedServices.RetriedAndLimited.class);
				CompletableFuture<String> retried = service.stage();

				CompletableFuture<String> during = service.stage();

				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> during.get(10, TimeUnit.SECONDS))
					.withCauseInstanceOf(ConcurrencyLimitExceededException.class);
				assertThat(retried.get(10, TimeUnit.SECONDS)).isEqualTo("attempt 2");
			});
	}

	@Test
	void theLimitComesFromAPlaceholder() {
		this.contextRunner.withPropertyValues("test.limit=3").run((context) -> {
			LimitedServices.Limited limited = context.getBean(LimitedServices.Limited.class);
			LimitedServices.Limited target = AopTestUtils.getTargetObject(limited);
			for (int i = 0; i < 5; i++) {
				limited.stage(new CompletableFuture<>());
			}

			assertThat(target.invocations).hasValue(3);
		});
	}

	@Test
	void aMissingLimitFailsStartUpNamingTheMethodAndAttribute() {
		this.contextRunner.withBean(LimitedServices.NoLimit.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidAnnotationUseException.class)
				.hasMessageContaining("LimitedServices$NoLimit.call(): @MaxConcurrency.limit '0' must be > 0"));
	}

	private static double gauge(MeterRegistry registry, String which, String name) {
		return registry.get("asynchelpers.concurrency." + which).tag("name", name).gauge().value();
	}

	private static double counter(MeterRegistry registry, String name) {
		return registry.get("asynchelpers.concurrency.rejected").tag("name", name).functionCounter().count();
	}

}
