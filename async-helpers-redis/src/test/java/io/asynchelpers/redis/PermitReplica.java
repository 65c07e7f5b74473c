/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.ConcurrencyLimiter;
import io.asynchelpers.PermitFailureMode;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.awaitility.Awaitility.await;

/**
 * One replica of a service for the tests: a Lettuce connection of its own, helpers with an
 * executor and a scheduler of their own, and a {@link RedisPermitStore} on them. It can stop
 * cleanly ({@link #close()}) or die ({@link #kill()}: no renewal, no release, no connection).
 */
final class PermitReplica implements AutoCloseable {

	final LettuceConnectionFactory connectionFactory;

	final ReactiveStringRedisTemplate template;

	final ExecutorService executor = Executors.newFixedThreadPool(8);

	final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

	final AsyncHelpers helpers;

	final RedisPermitStore store;

	PermitReplica(RedisServerProcess redis, String id, Duration leaseTtl, IntSupplier knownReplicas) {
		this.connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.template = new ReactiveStringRedisTemplate(this.connectionFactory);
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.helpers = new AsyncHelpers(this.executor, this.scheduler);
		this.store = new RedisPermitStore(this.template, "asynchelpers", id, leaseTtl,
				RedisPermitStore.defaultTimeout(leaseTtl), this.scheduler, knownReplicas);
		this.store.start();
		// Ready when the store answers: the commands' time limits are short in these tests
		// (a third of the TTL), too short for a connection set up on a loaded machine.
		await().ignoreExceptions().until(() -> this.store.acquire("ready", 0, 1).get(5, TimeUnit.SECONDS) != null);
	}

	PermitReplica(RedisServerProcess redis, String id, Duration leaseTtl) {
		this(redis, id, leaseTtl, () -> 1);
	}

	ConcurrencyLimiter limiter(String key, int limit, PermitFailureMode failureMode) {
		return this.helpers.concurrencyLimiter(key, limit, Integer.MAX_VALUE, this.store, key, failureMode);
	}

	/**
	 * Die as a crashed process would: nothing renewed, nothing released, the connection gone.
	 */
	void kill() {
		this.scheduler.shutdownNow();
		this.connectionFactory.destroy();
		this.executor.shutdownNow();
	}

	@Override
	public void close() {
		this.store.stop();
		this.scheduler.shutdownNow();
		this.executor.shutdownNow();
		this.connectionFactory.destroy();
	}

}
