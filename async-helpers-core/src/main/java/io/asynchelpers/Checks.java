/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;

/**
 * Argument checks whose messages name the parameter and the value, so that bad input fails
 * at call time with something a person can act on. The core may not depend on Spring, so
 * Spring's {@code Assert} is not available here.
 */
final class Checks {

	private Checks() {
	}

	static int positive(int value, String name) {
		if (value <= 0) {
			throw new IllegalArgumentException(name + " must be > 0, was " + value);
		}
		return value;
	}

	static long notNegative(long value, String name) {
		if (value < 0) {
			throw new IllegalArgumentException(name + " must be >= 0, was " + value);
		}
		return value;
	}

	static Duration notNegative(Duration value, String name) {
		notNull(value, name);
		if (value.isNegative()) {
			throw new IllegalArgumentException(name + " must be >= 0, was " + value);
		}
		return value;
	}

	static Duration positive(Duration value, String name) {
		notNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be > 0, was " + value);
		}
		return value;
	}

	static String notBlank(String value, String name) {
		notNull(value, name);
		if (value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank, was '" + value + "'");
		}
		return value;
	}

	static <T> T notNull(T value, String name) {
		// Not Objects.requireNonNull with a message supplier: that allocates a lambda on every
		// call until the JIT has inlined it, and these checks run on every call of the helpers.
		if (value == null) {
			throw new NullPointerException(name + " must not be null");
		}
		return value;
	}

	/**
	 * Check a collection and each of its elements for {@code null}, naming the first
	 * {@code null} element by its index.
	 */
	static <C extends Collection<?>> C noNullElements(C collection, String name) {
		notNull(collection, name);
		int index = 0;
		for (Object element : collection) {
			if (element == null) {
				throw new NullPointerException(name + "[" + index + "] must not be null");
			}
			index++;
		}
		return collection;
	}

}
