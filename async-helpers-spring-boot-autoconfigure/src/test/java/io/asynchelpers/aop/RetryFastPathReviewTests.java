/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.atomic.AtomicInteger;

import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.MaxConcurrency;
import io.asynchelpers.annotation.Retry;
import io.asynchelpers.annotation.Timed;
import io.asynchelpers.autoconfigure.AsyncHelpersAopAutoConfiguration;
import io.asynchelpers.autoconfigure.AsyncHelpersAutoConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.AopTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Review of the blocking {@code @Retry} fast path (isPlainRetry / retryBlocking /
 * timedBlocking): each test calls the same method shape once through the fast path and once
 * through the general chain of layers (forced by an extra {@code @MaxConcurrency} with a
 * limit no call reaches, which sits between retry and time limit in the default order and
 * changes nothing else), and expects the same behaviour.
 */
class RetryFastPathReviewTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
				AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withBean(Deadlines.class)
		.withBean(RawThrowables.class);

	// 1. @Retry(maxDuration) counts its deadline from the start of the first attempt
	// (RetryState#beginAttempt). The fast path runs the first attempt before it creates the
	// RetryState, so the first attempt's time is not counted: more attempts, a longer wait.

	@Test
	void timedRetryWithMaxDurationCountsTheFirstAttemptAgainstTheDeadlineAsTheChainDoes() {
		this.contextRunner.run((context) -> {
			Deadlines deadlines = context.getBean(Deadlines.class);
			Deadlines target = AopTestUtils.getUltimateTargetObject(deadlines);

			Throwable viaChain = catchThrowable(deadlines::timedSlowFirstViaChain);
			int chainAttempts = target.chainAttempts.get();
			Throwable viaFastPath = catchThrowable(deadlines::timedSlowFirst);
			int fastAttempts = target.fastAttempts.get();

			assertThat(viaChain).isInstanceOf(IOException.class);
			// The first attempt took 600 ms of a 300 ms deadline: no retry.
			assertThat(chainAttempts).as("attempts through the chain").isEqualTo(1);
			assertThat(viaFastPath).isInstanceOf(IOException.class);
			assertThat(fastAttempts).as("attempts through the fast path (chain made %d)", chainAttempts)
				.isEqualTo(chainAttempts);
		});
	}

	@Test
	void retryAloneWithMaxDurationCountsTheFirstAttemptAgainstTheDeadlineAsTheChainDoes() {
		this.contextRunner.run((context) -> {
			Deadlines deadlines = context.getBean(Deadlines.class);
			Deadlines target = AopTestUtils.getUltimateTargetObject(deadlines);

			catchThrowable(deadlines::slowFirstViaChain);
			int chainAttempts = target.chainAttempts.get();
			catchThrowable(deadlines::slowFirst);
			int fastAttempts = target.fastAttempts.get();

			assertThat(chainAttempts).as("attempts through the chain").isEqualTo(1);
			assertThat(fastAttempts).as("attempts through the fast path (chain made %d)", chainAttempts)
				.isEqualTo(chainAttempts);
		});
	}

	// 2. Without a time limit, the fast path's first attempt calls invocation.proceed() as it
	// is, where the chain (and the fast path's later attempts) go through proceed(), which
	// wraps a Throwable that is neither an Exception nor an Error in an
	// UndeclaredThrowableException. The first failure is then not retried (retryOn defaults to
	// Exception) and reaches the caller wrapped in an ExecutionException by callWithRetry.

	@Test
	void aTimedRetryOfAMethodThrowingAPlainThrowableRetriesAndThrowsAsTheChainDoes() {
		this.contextRunner.run((context) -> {
			RawThrowables raw = context.getBean(RawThrowables.class);
			RawThrowables target = AopTestUtils.getUltimateTargetObject(raw);

			Throwable viaChain = catchThrowable(raw::throwsViaChain);
			Throwable viaFastPath = catchThrowable(raw::throwsPlainThrowable);

			assertThat(viaChain).isInstanceOf(UndeclaredThrowableException.class);
			assertThat(target.chainAttempts).as("attempts through the chain").hasValue(3);
			assertThat(target.fastAttempts).as("attempts through the fast path").hasValue(3);
			assertThat(viaFastPath).as("what the fast path threw").isInstanceOf(UndeclaredThrowableException.class);
		});
	}

	public static class Deadlines {

		public final AtomicInteger fastAttempts = new AtomicInteger();

		public final AtomicInteger chainAttempts = new AtomicInteger();

		@Timed("timed-deadline")
		@Retry(maxRetries = 5, backoff = @Backoff(delay = "1ms"), maxDuration = "300ms")
		public String timedSlowFirst() throws IOException, InterruptedException {
			return slowThenFail(this.fastAttempts);
		}

		@Timed("timed-deadline-chain")
		@Retry(maxRetries = 5, backoff = @Backoff(delay = "1ms"), maxDuration = "300ms")
		@MaxConcurrency(limit = 100)
		public String timedSlowFirstViaChain() throws IOException, InterruptedException {
			return slowThenFail(this.chainAttempts);
		}

		@Retry(maxRetries = 5, backoff = @Backoff(delay = "1ms"), maxDuration = "300ms")
		public String slowFirst() throws IOException, InterruptedException {
			return slowThenFail(this.fastAttempts);
		}

		@Retry(maxRetries = 5, backoff = @Backoff(delay = "1ms"), maxDuration = "300ms")
		@MaxConcurrency(limit = 100)
		public String slowFirstViaChain() throws IOException, InterruptedException {
			return slowThenFail(this.chainAttempts);
		}

		private static String slowThenFail(AtomicInteger attempts) throws IOException, InterruptedException {
			if (attempts.incrementAndGet() == 1) {
				Thread.sleep(600);
			}
			throw new IOException("attempt " + attempts.get());
		}

	}

	public static class RawThrowables {

		public final AtomicInteger fastAttempts = new AtomicInteger();

		public final AtomicInteger chainAttempts = new AtomicInteger();

		@Timed("raw")
		@Retry(maxRetries = 2, backoff = @Backoff(delay = "1ms"))
		public String throwsPlainThrowable() throws Throwable {
			this.fastAttempts.incrementAndGet();
			throw new Throwable("neither an Exception nor an Error");
		}

		@Timed("raw-chain")
		@Retry(maxRetries = 2, backoff = @Backoff(delay = "1ms"))
		@MaxConcurrency(limit = 100)
		public String throwsViaChain() throws Throwable {
			this.chainAttempts.incrementAndGet();
			throw new Throwable("neither an Exception nor an Error");
		}

	}

}
