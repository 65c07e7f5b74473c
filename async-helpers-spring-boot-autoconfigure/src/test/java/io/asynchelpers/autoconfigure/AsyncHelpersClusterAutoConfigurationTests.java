/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import io.asynchelpers.redis.RedisReplicas;
import io.asynchelpers.redis.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster wiring: nothing without {@code asynchelpers.cluster.store=redis}; a replica
 * heart-beating into a real Redis with it; a start-up failure naming the module when it is
 * asked for but absent.
 */
class AsyncHelpersClusterAutoConfigurationTests {

	@RegisterExtension
	static final RedisServerProcess redis = RedisServerProcess.perTestClass();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(RedisAutoConfigurations.of(AsyncHelpersAutoConfiguration.class,
				AsyncHelpersClusterAutoConfiguration.class))
		.withPropertyValues(redis.springProperties());

	@Test
	void memoryStoreByDefaultNeedsNoRedis() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisReplicas.class));
	}

	@Test
	void redisStoreJoinsTheClusterAndLeavesOnClose() {
		this.runner.withPropertyValues("asynchelpers.cluster.store=redis", "asynchelpers.cluster.replica-id=r1")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisReplicas.class);
				assertThat(context.getBean(RedisReplicas.class).replicaId()).isEqualTo("r1");
				await().until(() -> redis.command("ZSCORE asynchelpers:replicas r1").startsWith("$"));
			});
		assertThat(redis.command("ZSCORE asynchelpers:replicas r1")).isEqualTo("$-1");
	}

	@Test
	void redisStoreWithoutTheModuleFailsStartUpNamingIt() {
		redisStoreWithoutRedis().withClassLoader(new FilteredClassLoader(RedisReplicas.class))
			.run((context) -> assertStartUpFailedNamingTheStore(context, "async-helpers-redis"));
	}

	@Test
	void redisStoreWithoutARedisConnectionFailsStartUpInsteadOfStayingInMemory() {
		redisStoreWithoutRedis()
			.run((context) -> assertStartUpFailedNamingTheStore(context, "ReactiveRedisConnectionFactory"));
	}

	/**
	 * {@code asynchelpers.cluster.store=redis} without Boot's Redis auto-configuration.
	 */
	private static ApplicationContextRunner redisStoreWithoutRedis() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncHelpersAutoConfiguration.class,
					AsyncHelpersClusterAutoConfiguration.class))
			.withPropertyValues("asynchelpers.cluster.store=redis");
	}

	private static void assertStartUpFailedNamingTheStore(AssertableApplicationContext context, String missing) {
		assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.isInstanceOf(InvalidAsyncHelpersPropertyException.class)
			.hasMessageContaining("asynchelpers.cluster.store")
			.hasMessageContaining(missing);
	}

}
