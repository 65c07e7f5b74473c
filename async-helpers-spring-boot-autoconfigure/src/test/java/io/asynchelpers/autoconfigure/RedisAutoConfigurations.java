/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.util.stream.Stream;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.util.ClassUtils;

/**
 * Spring Boot's Redis auto-configurations under their Boot 4 names
 * ({@code org.springframework.boot.data.redis.autoconfigure}) or their Boot 3 names
 * ({@code org.springframework.boot.autoconfigure.data.redis}), whichever this build runs
 * on, so one test source serves both.
 */
final class RedisAutoConfigurations {

	private static final String[] NAMES = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
			"org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
			"org.springframework.boot.autoconfigure.data.redis.RedisReactiveAutoConfiguration" };

	private RedisAutoConfigurations() {
	}

	static AutoConfigurations of(Class<?>... more) {
		ClassLoader loader = RedisAutoConfigurations.class.getClassLoader();
		Class<?>[] redis = Stream.of(NAMES)
			.filter((name) -> ClassUtils.isPresent(name, loader))
			.map((name) -> ClassUtils.resolveClassName(name, loader))
			.toArray(Class<?>[]::new);
		if (redis.length != 2) {
			throw new IllegalStateException("Expected Boot's two Redis auto-configurations, found " + redis.length);
		}
		return AutoConfigurations.of(Stream.concat(Stream.of(redis), Stream.of(more)).toArray(Class<?>[]::new));
	}

}
