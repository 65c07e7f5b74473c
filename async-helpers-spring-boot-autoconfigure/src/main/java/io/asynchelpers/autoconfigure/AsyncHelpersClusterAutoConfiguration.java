/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import io.asynchelpers.PermitStore;
import io.asynchelpers.ProgressStore;
import io.asynchelpers.redis.RedisPermitStore;
import io.asynchelpers.redis.RedisProgressStore;
import io.asynchelpers.redis.RedisReplicas;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Shares progress trackers and cluster-scoped concurrency limits between the replicas of
 * a service when {@code asynchelpers.cluster.store=redis}: over the Redis connection Spring
 * Boot auto-configures from {@code spring.data.redis.*}, with the Redis stores of
 * {@code io.asynchelpers:async-helpers-redis}. With the default {@code memory} store
 * nothing here applies and nothing is paid. Asking for {@code redis} without that module
 * fails start-up, naming it.
 */
@AutoConfiguration(after = AsyncHelpersAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
				"org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
				"org.springframework.boot.autoconfigure.data.redis.RedisReactiveAutoConfiguration" })
@ConditionalOnBean(AsyncHelpersProperties.class)
@ConditionalOnProperty(name = "asynchelpers.cluster.store", havingValue = "redis")
public final class AsyncHelpersClusterAutoConfiguration {

	/** The name of the template the Redis stores use. */
	public static final String REDIS_TEMPLATE_BEAN_NAME = "asyncHelpersRedisTemplate";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RedisReplicas.class, ReactiveRedisConnectionFactory.class })
	@ConditionalOnBean(ReactiveRedisConnectionFactory.class)
	static class RedisClusterConfiguration {

		@Bean(name = REDIS_TEMPLATE_BEAN_NAME)
		@ConditionalOnMissingBean(name = REDIS_TEMPLATE_BEAN_NAME)
		ReactiveStringRedisTemplate asyncHelpersRedisTemplate(ReactiveRedisConnectionFactory connectionFactory) {
			return new ReactiveStringRedisTemplate(connectionFactory);
		}

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		RedisReplicas asyncHelpersRedisReplicas(
				@Qualifier(REDIS_TEMPLATE_BEAN_NAME) ReactiveStringRedisTemplate redisTemplate,
				@Qualifier(AsyncHelpersAutoConfiguration.SCHEDULER_BEAN_NAME) ScheduledExecutorService scheduler,
				AsyncHelpersProperties properties) {
			AsyncHelpersProperties.Cluster cluster = properties.getCluster();
			String replicaId = (cluster.getReplicaId() != null) ? cluster.getReplicaId() : defaultReplicaId();
			return new RedisReplicas(redisTemplate, cluster.getKeyPrefix(), replicaId, cluster.getHeartbeatInterval(),
					cluster.getReplicaTtl(), scheduler);
		}

		private static String defaultReplicaId() {
			String host;
			try {
				host = InetAddress.getLocalHost().getHostName();
			}
			catch (UnknownHostException ex) {
				host = "localhost";
			}
			return host + "-" + ProcessHandle.current().pid();
		}

	}

	/**
	 * Progress trackers shared through Redis: the registry's {@link ProgressStore}. Its
	 * flusher runs on the helpers' scheduler every {@code asynchelpers.cluster.flush-interval};
	 * trackers whose parts have all ended expire after {@code asynchelpers.progress.retention}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RedisProgressStore.class, ReactiveRedisConnectionFactory.class })
	@ConditionalOnBean(ReactiveRedisConnectionFactory.class)
	static class ProgressStoreConfiguration {

		/** How long one Redis call of the progress store may take before it counts as failed. */
		private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean(ProgressStore.class)
		RedisProgressStore asyncHelpersProgressStore(
				@Qualifier(REDIS_TEMPLATE_BEAN_NAME) ReactiveStringRedisTemplate redisTemplate, RedisReplicas replicas,
				@Qualifier(AsyncHelpersAutoConfiguration.SCHEDULER_BEAN_NAME) ScheduledExecutorService scheduler,
				AsyncHelpersProperties properties) {
			AsyncHelpersProperties.Cluster cluster = properties.getCluster();
			return new RedisProgressStore(redisTemplate, replicas, cluster.getKeyPrefix(), cluster.getFlushInterval(),
					properties.getProgress().getRetention(), REDIS_TIMEOUT, scheduler);
		}

	}

	/**
	 * {@code asynchelpers.cluster.store=redis} without the module that implements it: fail
	 * start-up with a message that names the dependency, instead of silently running each
	 * replica on its own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("io.asynchelpers.redis.RedisReplicas")
	static class MissingRedisModuleConfiguration {

		MissingRedisModuleConfiguration() {
			throw new InvalidAsyncHelpersPropertyException("asynchelpers.cluster.store", "redis",
					"needs io.asynchelpers:async-helpers-redis on the class path (with Boot's spring.data.redis.* connection)");
		}

	}

	/**
	 * {@code asynchelpers.cluster.store=redis} with the module but no reactive Redis
	 * connection (no Spring Data Redis with Lettuce, or its auto-configuration excluded):
	 * fail start-up instead of silently keeping trackers and permits in memory.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.asynchelpers.redis.RedisReplicas")
	@ConditionalOnMissingBean(type = "org.springframework.data.redis.connection.ReactiveRedisConnectionFactory")
	static class MissingRedisConnectionConfiguration {

		MissingRedisConnectionConfiguration() {
			throw new InvalidAsyncHelpersPropertyException("asynchelpers.cluster.store", "redis",
					"needs a ReactiveRedisConnectionFactory bean: add org.springframework.boot:spring-boot-starter-data-redis "
							+ "(Lettuce) and its spring.data.redis.* connection, or define the bean");
		}

	}

	/**
	 * The permits of {@code @MaxConcurrency(scope = CLUSTER)} limits (and of limiters built on
	 * the {@link PermitStore} bean) in Redis: leases renewed every third of
	 * {@code asynchelpers.cluster.permit-lease-ttl}, released on stop (a lifecycle at
	 * {@link RedisReplicas#PHASE}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RedisPermitStore.class, ReactiveRedisConnectionFactory.class })
	@ConditionalOnBean(ReactiveRedisConnectionFactory.class)
	static class PermitStoreConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean(PermitStore.class)
		RedisPermitStore asyncHelpersPermitStore(
				@Qualifier(REDIS_TEMPLATE_BEAN_NAME) ReactiveStringRedisTemplate redisTemplate,
				@Qualifier(AsyncHelpersAutoConfiguration.SCHEDULER_BEAN_NAME) ScheduledExecutorService scheduler,
				AsyncHelpersProperties properties, RedisReplicas replicas) {
			AsyncHelpersProperties.Cluster cluster = properties.getCluster();
			Duration leaseTtl = cluster.getPermitLeaseTtl();
			return new RedisPermitStore(redisTemplate, cluster.getKeyPrefix(), replicas.replicaId(), leaseTtl,
					RedisPermitStore.defaultTimeout(leaseTtl), scheduler, replicas::knownReplicas);
		}

	}

}
