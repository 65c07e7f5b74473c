/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.asynchelpers.AsyncProgress;
import io.asynchelpers.ProgressRegistry;
import io.asynchelpers.ProgressSnapshot;
import io.asynchelpers.ProgressStore;
import io.asynchelpers.actuate.AsyncProgressEndpoint;
import io.asynchelpers.actuate.AsyncProgressEndpoint.ReplicaDescriptor;
import io.asynchelpers.actuate.AsyncProgressEndpoint.TrackerDescriptor;
import io.asynchelpers.redis.RedisProgressStore;
import io.asynchelpers.redis.RedisServerProcess;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three application contexts as replicas sharing one Redis: a tracker created on one and
 * joined on the two others is one cluster tracker on each replica's
 * {@code asyncprogress} endpoint, with a breakdown per replica.
 */
class ClusterProgressTests {

	@RegisterExtension
	static final RedisServerProcess redis = RedisServerProcess.perTestClass();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(RedisAutoConfigurations.of(AsyncHelpersAutoConfiguration.class,
				AsyncHelpersClusterAutoConfiguration.class, AsyncProgressEndpointAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withPropertyValues("asynchelpers.cluster.store=redis", "asynchelpers.cluster.heartbeat-interval=200ms",
				"asynchelpers.cluster.replica-ttl=2s", "asynchelpers.cluster.flush-interval=100ms",
				"management.endpoints.web.exposure.include=asyncprogress");

	@Test
	void aTrackerCreatedOnOneReplicaAndJoinedOnTwoOthersShowsTheClusterTotalsOnEachEndpoint() {
		replica("r1").run((r1) -> replica("r2").run((r2) -> replica("r3").run((r3) -> {
			AsyncProgress first = registry(r1).create("import", 100);
			await().until(() -> endpoint(r2).tracker("import") != null);
			AsyncProgress second = registry(r2).create("import", 50);
			AsyncProgress third = registry(r3).create("import", 30);

			first.update(10);
			second.update(20);
			third.recordFailure();

			for (AssertableApplicationContext context : List.of(r1, r2, r3)) {
				await().untilAsserted(() -> {
					TrackerDescriptor tracker = endpoint(context).tracker("import");
					assertThat(tracker).isNotNull();
					assertThat(tracker.state()).isEqualTo("running");
					assertThat(tracker.total()).isEqualTo(180);
					assertThat(tracker.completed()).isEqualTo(31);
					assertThat(tracker.succeeded()).isEqualTo(30);
					assertThat(tracker.failed()).isEqualTo(1);
					assertThat(tracker.replicas()).extracting(ReplicaDescriptor::replicaId, ReplicaDescriptor::total,
							ReplicaDescriptor::completed, ReplicaDescriptor::stale)
						.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("r1", 100L, 10L, false),
								org.assertj.core.groups.Tuple.tuple("r2", 50L, 20L, false),
								org.assertj.core.groups.Tuple.tuple("r3", 30L, 1L, false));
					assertThat(endpoint(context).trackers().trackers()).extracting(TrackerDescriptor::name)
						.containsExactly("import");
				});
			}

			assertThat(endpoint(r3).remove("import").removed()).isTrue();
			await().untilAsserted(() -> {
				second.update();
				first.update();
				assertThat(registry(r1).find("import")).isEmpty();
				assertThat(registry(r2).find("import")).isEmpty();
			});
			assertThat(endpoint(r1).trackers().trackers()).isEmpty();
		})));
	}

	@Test
	void theRegistrySharesThroughTheRedisStoreUnlessTheApplicationHasAStoreOfItsOwn() {
		replica("r1").run((context) -> {
			assertThat(context).hasSingleBean(RedisProgressStore.class);
			assertThat(registry(context).store()).isSameAs(context.getBean(RedisProgressStore.class));
		});
		replica("r1").withUserConfiguration(OwnStoreConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RedisProgressStore.class);
			assertThat(registry(context).store()).isSameAs(context.getBean(ProgressStore.class));
		});
	}

	@Test
	void withTheMemoryStoreTheEndpointShowsNoReplicas() {
		new ApplicationContextRunner()
			.withConfiguration(RedisAutoConfigurations.of(AsyncHelpersAutoConfiguration.class,
					AsyncHelpersClusterAutoConfiguration.class, AsyncProgressEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=asyncprogress")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RedisProgressStore.class);
				assertThat(registry(context).store()).isSameAs(ProgressStore.inMemory());
				registry(context).create("local", 3).update();
				assertThat(endpoint(context).tracker("local")).isNotNull()
					.satisfies((tracker) -> assertThat(tracker.replicas()).isEmpty());
			});
	}

	private ApplicationContextRunner replica(String id) {
		return this.runner.withPropertyValues("asynchelpers.cluster.replica-id=" + id);
	}

	private static ProgressRegistry registry(AssertableApplicationContext context) {
		return context.getBean(ProgressRegistry.class);
	}

	private static AsyncProgressEndpoint endpoint(AssertableApplicationContext context) {
		return context.getBean(AsyncProgressEndpoint.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnStoreConfiguration {

		@Bean
		ProgressStore ownProgressStore() {
			return new ProgressStore() {

				@Override
				public String replicaId() {
					return "own";
				}

				@Override
				public String uniqueName(String prefix, long localNumber) {
					return prefix + "-" + localNumber;
				}

				@Override
				public void track(AsyncProgress progress, Runnable onDetached) {
				}

				@Override
				public void untrack(AsyncProgress progress) {
				}

				@Override
				public CompletionStage<Boolean> delete(String name) {
					return CompletableFuture.completedFuture(false);
				}

				@Override
				public CompletionStage<List<ProgressSnapshot>> snapshots(List<AsyncProgress> local) {
					return CompletableFuture.completedFuture(List.of());
				}

				@Override
				public CompletionStage<Optional<ProgressSnapshot>> snapshot(String name,
						@Nullable AsyncProgress local) {
					return CompletableFuture.completedFuture(Optional.empty());
				}

			};
		}

	}

	static {
		org.awaitility.Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
	}

}
