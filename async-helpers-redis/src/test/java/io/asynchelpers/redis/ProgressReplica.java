/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.asynchelpers.ProgressRegistry;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * One replica for the tests: its own Lettuce connection, scheduler, heartbeat, Redis
 * progress store and registry, as the auto-configuration wires them. {@link #kill()}
 * makes it die without leaving: its scheduler stops, so it neither beats nor writes.
 */
final class ProgressReplica implements AutoCloseable {

	final String id;

	final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	final LettuceConnectionFactory connectionFactory;

	final RedisReplicas membership;

	final RedisProgressStore store;

	final ProgressRegistry registry;

	ProgressReplica(RedisServerProcess redis, String id, Duration replicaTtl, Duration retention) {
		this.id = id;
		this.connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(this.connectionFactory);
		this.membership = new RedisReplicas(template, "asynchelpers", id, replicaTtl.dividedBy(5), replicaTtl,
				this.scheduler);
		this.store = new RedisProgressStore(template, this.membership, "asynchelpers", Duration.ofMillis(250), retention,
				Duration.ofMillis(500), this.scheduler);
		this.registry = new ProgressRegistry(Duration.ofHours(1), 100, 10, System::nanoTime, Clock.systemUTC(),
				this.store);
		this.membership.start();
		this.store.start();
	}

	/**
	 * Die without a word: no more heartbeats, no more writes, no leaving.
	 */
	void kill() {
		this.scheduler.shutdownNow();
	}

	@Override
	public void close() {
		this.store.close();
		this.membership.close();
		this.connectionFactory.destroy();
		this.scheduler.shutdownNow();
	}

}
