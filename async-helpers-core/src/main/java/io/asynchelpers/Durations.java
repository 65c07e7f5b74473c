/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.Locale;

/**
 * Formats durations the way people write them in configuration ({@code 2s}, {@code 150ms},
 * {@code 1.5s}). The core may not depend on Spring, so Spring's
 * {@code DurationFormatterUtils} is not available here.
 */
final class Durations {

	private Durations() {
	}

	static String format(Duration duration) {
		long nanos = saturatedNanos(duration);
		if (nanos % 1_000_000 != 0 || nanos < 1_000_000) {
			return (nanos % 1000 == 0) ? (nanos / 1000) + "us" : nanos + "ns";
		}
		long millis = nanos / 1_000_000;
		if (millis < 1000) {
			return millis + "ms";
		}
		if (millis % 1000 == 0) {
			return (millis / 1000) + "s";
		}
		return String.format(Locale.ROOT, "%.3fs", millis / 1000.0).replaceAll("0+s$", "s");
	}

	static String seconds(long nanos) {
		return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
	}

	/**
	 * The duration in nanoseconds, capped at {@link Long#MAX_VALUE} (about 292 years) rather
	 * than overflowing.
	 */
	static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
		}
	}

}
