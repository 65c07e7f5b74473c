/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.function.DoubleSupplier;

/**
 * How a retry delay is randomised, so that many callers that failed together do not retry
 * together. The names follow the usual "exponential backoff and jitter" terms.
 */
public enum Jitter {

	/**
	 * No randomness: the delay is exactly the computed backoff (the seed's behaviour and the
	 * default).
	 */
	NONE {
		@Override
		long apply(long delayNanos, DoubleSupplier random) {
			return delayNanos;
		}
	},

	/**
	 * A delay drawn uniformly between zero and the computed backoff.
	 */
	FULL {
		@Override
		long apply(long delayNanos, DoubleSupplier random) {
			return (long) (delayNanos * random.getAsDouble());
		}
	},

	/**
	 * Half the computed backoff plus a uniform random part of up to the other half: never
	 * shorter than half the backoff.
	 */
	EQUAL {
		@Override
		long apply(long delayNanos, DoubleSupplier random) {
			long half = delayNanos / 2;
			return half + (long) ((delayNanos - half) * random.getAsDouble());
		}
	};

	/**
	 * Apply this jitter to a delay.
	 * @param delayNanos the computed backoff in nanoseconds
	 * @param random a source of uniform values in {@code [0, 1)}
	 * @return the delay to wait, between zero and {@code delayNanos}
	 */
	abstract long apply(long delayNanos, DoubleSupplier random);

}
