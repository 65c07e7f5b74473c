/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.asynchelpers.ConcurrencyLimitExceededException;
import io.asynchelpers.PermitStore;
import io.asynchelpers.annotation.MaxConcurrency;
import io.asynchelpers.aop.InvalidAnnotationUseException;
import io.asynchelpers.redis.RedisPermitStore;
import io.asynchelpers.redis.RedisServerProcess;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.AopTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @MaxConcurrency(scope = CLUSTER)} through real Spring proxies: three application
 * contexts as replicas sharing a Redis never run more than the limit at once (measured by
 * the callee), the in-memory store by default shares a limit by key, and methods that
 * disagree about a shared limit fail start-up.
 */
class ClusterMaxConcurrencyTests {

	@RegisterExtension
	static final RedisServerProcess redis = RedisServerProcess.perTestClass();

	private final ExecutorService callers = Executors.newCachedThreadPool();

	@AfterEach
	void stopCallers() {
		this.callers.shutdownNow();
	}

	private ApplicationContextRunner replica(String id, Callee callee) {
		return new ApplicationContextRunner()
			.withConfiguration(RedisAutoConfigurations.of(TaskExecutionAutoConfiguration.class,
					AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class,
					AsyncHelpersClusterAutoConfiguration.class))
			.withPropertyValues(redis.springProperties())
			.withPropertyValues("asynchelpers.cluster.store=redis", "asynchelpers.cluster.replica-id=" + id,
					"asynchelpers.cluster.permit-lease-ttl=2s")
			.withBean(SimpleMeterRegistry.class)
			.withBean(Callee.class, () -> callee)
			.withBean(Downstream.class);
	}

	@Test
	void threeReplicasOfFiftyConcurrentCallersNeverExceedTheClusterLimit() {
		Callee callee = new Callee();
		replica("r1", callee).run((first) -> replica("r2", callee).run((second) -> replica("r3", callee).run((third) -> {
			assertThat(first).getBean(PermitStore.class).isInstanceOf(RedisPermitStore.class);
			List<CompletableFuture<String>> calls = new ArrayList<>();
			for (AssertableApplicationContext context : List.of(first, second, third)) {
				Downstream downstream = context.getBean(Downstream.class);
				for (int i = 0; i < 50; i++) {
					if (i % 2 == 0) {
						calls.add(downstream.fetchAsync());
					}
					else {
						calls.add(CompletableFuture.supplyAsync(() -> {
							try {
								return downstream.fetch();
							}
							catch (InterruptedException ex) {
								Thread.currentThread().interrupt();
								throw new IllegalStateException(ex);
							}
						}, this.callers));
					}
				}
			}

			CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

			assertThat(callee.calls).hasValue(150);
			assertThat(callee.peak.get()).isEqualTo(4);
			MeterRegistry registry = first.getBean(MeterRegistry.class);
			assertThat(registry.get("asynchelpers.concurrency.active").tag("name", "downstream").gauge().value())
				.isZero();
			assertThat(registry.get("asynchelpers.concurrency.rejected").tag("name", "downstream").functionCounter()
				.count()).isZero();
		})));
		assertThat(redis.command("ZCARD asynchelpers:permits:downstream")).isEqualTo(":0");
	}

	@Test
	void withTheDefaultInMemoryStoreMethodsSharingAKeyShareOneLimit() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
					AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class,
					AsyncHelpersClusterAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.withBean(SharedKey.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(PermitStore.class).doesNotHaveBean(RedisPermitStore.class);
				SharedKey shared = context.getBean(SharedKey.class);
				SharedKey target = AopTestUtils.getTargetObject(shared);
				CompletableFuture<String> work = new CompletableFuture<>();

				List<CompletableFuture<String>> calls = List.of(shared.first(work), shared.second(work),
						shared.first(work), shared.second(work));

				assertThat(target.invocations).hasValue(2);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().untilAsserted(() -> assertThat(
						registry.get("asynchelpers.concurrency.queued").tag("name", "api").gauge().value())
					.isEqualTo(2));
				work.complete("done");
				for (CompletableFuture<String> call : calls) {
					assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("done");
				}
				assertThat(target.invocations).hasValue(4);
			});
	}

	@Test
	void methodsDisagreeingAboutASharedLimitFailStartUp() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
					AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
			.withBean(Conflicting.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidAnnotationUseException.class)
				.hasMessageContaining("key = \"api\"")
				.hasMessageContaining("limit 3")
				.hasMessageContaining("limit 2"));
	}

	@Test
	void whileThePermitStoreIsUnreachableCallsAreRejectedByDefault() {
		unreachableStore().run((context) -> {
			SharedKey shared = context.getBean(SharedKey.class);

			CompletableFuture<String> call = shared.first(CompletableFuture.completedFuture("never"));

			assertThat(call).failsWithin(Duration.ofSeconds(10))
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(ConcurrencyLimitExceededException.class)
				.withMessageContaining("permit store is unreachable");
			assertThat(AopTestUtils.<SharedKey>getTargetObject(shared).invocations).hasValue(0);
		});
	}

	@Test
	void whileThePermitStoreIsUnreachableCallsAreLimitedLocallyWithFailureModeLocal() {
		unreachableStore().withPropertyValues("asynchelpers.cluster.failure-mode=local").run((context) -> {
			SharedKey shared = context.getBean(SharedKey.class);
			SharedKey target = AopTestUtils.getTargetObject(shared);
			CompletableFuture<String> work = new CompletableFuture<>();

			List<CompletableFuture<String>> calls = List.of(shared.first(work), shared.second(work), shared.first(work));

			// The limit of 2 over the one replica known.
			await().untilAsserted(() -> assertThat(target.invocations).hasValue(2));
			work.complete("done");
			for (CompletableFuture<String> call : calls) {
				assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("done");
			}
			assertThat(target.invocations).hasValue(3);
		});
	}

	private ApplicationContextRunner unreachableStore() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
					AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
			.withBean(PermitStore.class, UnreachableStore::new)
			.withBean(SharedKey.class);
	}

	/** A permit store whose every request fails, as Redis does while it is down. */
	static class UnreachableStore implements PermitStore {

		@Override
		public CompletableFuture<List<String>> acquire(String key, int wanted, int limit) {
			return CompletableFuture.failedFuture(new IllegalStateException("Connection refused"));
		}

		@Override
		public CompletableFuture<Void> release(String key, String lease) {
			return CompletableFuture.failedFuture(new IllegalStateException("Connection refused"));
		}

		@Override
		public AutoCloseable onRelease(String key, Runnable listener) {
			return () -> {
			};
		}

		@Override
		public int knownReplicas() {
			return 1;
		}

	}

	/** What the downstream sees: calls in flight now, at most, and in all. */
	public static class Callee {

		final AtomicInteger current = new AtomicInteger();

		final AtomicInteger peak = new AtomicInteger();

		final AtomicInteger calls = new AtomicInteger();

		void enter() {
			this.calls.incrementAndGet();
			this.peak.accumulateAndGet(this.current.incrementAndGet(), Math::max);
		}

		void exit() {
			this.current.decrementAndGet();
		}

	}

	/** A rate-limited downstream called from every replica, blocking and asynchronously. */
	public static class Downstream {

		private final Callee callee;

		public Downstream(Callee callee) {
			this.callee = callee;
		}

		@MaxConcurrency(limit = 4, scope = MaxConcurrency.Scope.CLUSTER, key = "downstream", maxWait = "60s")
		public String fetch() throws InterruptedException {
			this.callee.enter();
			try {
				Thread.sleep(10);
				return "blocking";
			}
			finally {
				this.callee.exit();
			}
		}

		@MaxConcurrency(limit = 4, scope = MaxConcurrency.Scope.CLUSTER, key = "downstream", maxWait = "60s")
		public CompletableFuture<String> fetchAsync() {
			this.callee.enter();
			return CompletableFuture.runAsync(() -> {
			}, CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS)).thenApply((none) -> {
				this.callee.exit();
				return "async";
			});
		}

	}

	/** Two methods sharing one cluster limit of 2, on the default in-memory store. */
	public static class SharedKey {

		final AtomicInteger invocations = new AtomicInteger();

		@MaxConcurrency(limit = 2, scope = MaxConcurrency.Scope.CLUSTER, key = "api")
		public CompletableFuture<String> first(CompletableFuture<String> work) {
			this.invocations.incrementAndGet();
			return work;
		}

		@MaxConcurrency(limit = 2, scope = MaxConcurrency.Scope.CLUSTER, key = "api")
		public CompletableFuture<String> second(CompletableFuture<String> work) {
			this.invocations.incrementAndGet();
			return work;
		}

	}

	/** Two methods sharing a key with different limits. */
	public static class Conflicting {

		@MaxConcurrency(limit = 2, scope = MaxConcurrency.Scope.CLUSTER, key = "api")
		public String first() {
			return "first";
		}

		@MaxConcurrency(limit = 3, scope = MaxConcurrency.Scope.CLUSTER, key = "api")
		public String second() {
			return "second";
		}

	}

}
