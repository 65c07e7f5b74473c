/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis unreachable from the start: Spring Data Redis opens its shared connection with a
 * blocking call on first use, and Lettuce waits up to its connect timeout for each attempt.
 * None of that may happen on the caller's thread or the scheduler's: a call returns its
 * future at once and the scheduler stays free for timers.
 */
class UnreachableRedisTests {

	private LettuceConnectionFactory connectionFactory;

	private ReactiveStringRedisTemplate redis;

	private ScheduledExecutorService scheduler;

	@BeforeEach
	void connectToNothing() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		// A black-holed address would show the connect timeout best; a closed port refuses at
		// once, so make Lettuce retry slowly by pointing at a non-routable address instead.
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("10.255.255.1", port);
		// Each connection attempt waits up to 2 s (Lettuce's default is 10 s): long enough to
		// show on a thread that should not wait, short enough to keep the test quick.
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientOptions(ClientOptions.builder()
				.socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
				.build())
			.build();
		this.connectionFactory = new LettuceConnectionFactory(configuration, client);
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.redis = new ReactiveStringRedisTemplate(this.connectionFactory);
		this.scheduler = Executors.newSingleThreadScheduledExecutor();
	}

	@AfterEach
	void close() {
		this.scheduler.shutdownNow();
		this.connectionFactory.destroy();
	}

	@Test
	void permitAcquireReturnsAtOnce() {
		RedisPermitStore store = new RedisPermitStore(this.redis, "t", "r1", Duration.ofSeconds(3),
				Duration.ofSeconds(1), this.scheduler, () -> 1);
		long start = System.nanoTime();
		CompletableFuture<?> granted = store.acquire("k", 1, 1);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
		assertThat(granted).failsWithin(Duration.ofSeconds(30));
	}

	@Test
	void heartbeatLeavesTheSchedulerFree() throws Exception {
		RedisReplicas replicas = new RedisReplicas(this.redis, "t", "r1", Duration.ofMillis(100),
				Duration.ofSeconds(1), this.scheduler);
		long starting = System.nanoTime();
		replicas.start();
		assertThat(Duration.ofNanos(System.nanoTime() - starting)).isLessThan(Duration.ofMillis(500));
		try {
			// Beats start every 100 ms on the scheduler; a timer due after three of them must
			// still fire on time while none of them can connect.
			long start = System.nanoTime();
			this.scheduler.schedule(() -> null, 350, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
		}
		finally {
			this.scheduler.shutdownNow();
		}
	}

}
