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

	/**
	 * A duration as people read it: {@code 850ns}, {@code 12.5us}, {@code 15.6ms},
	 * {@code 500ms}, {@code 1.25s}, {@code 2m 5s}, {@code 1h 30m}. Whole values print without
	 * decimals; below a minute at most three significant decimals are kept.
	 */
	static String format(Duration duration) {
		long nanos = saturatedNanos(duration);
		if (nanos < 1_000) {
			return nanos + "ns";
		}
		if (nanos < 1_000_000) {
			return decimal(nanos / 1e3, 1) + "us";
		}
		if (nanos < 1_000_000_000) {
			return decimal(nanos / 1e6, 1) + "ms";
		}
		if (nanos < 60_000_000_000L) {
			return decimal(nanos / 1e9, 2) + "s";
		}
		long seconds = Math.round(nanos / 1e9);
		if (seconds < 3600) {
			return (seconds / 60) + "m" + ((seconds % 60 != 0) ? " " + (seconds % 60) + "s" : "");
		}
		long minutes = Math.round(seconds / 60.0);
		return (minutes / 60) + "h" + ((minutes % 60 != 0) ? " " + (minutes % 60) + "m" : "");
	}

	/**
	 * The value rounded half up to {@code places} decimals, without trailing zeros: by hand,
	 * as {@code String.format} and a regular expression cost a microsecond on the paths that
	 * log every retry.
	 */
	private static String decimal(double value, int places) {
		long scale = (places == 1) ? 10 : 100;
		long scaled = Math.round(value * scale);
		long whole = scaled / scale;
		long fraction = scaled % scale;
		if (fraction == 0) {
			return Long.toString(whole);
		}
		StringBuilder text = new StringBuilder(8).append(whole).append('.');
		if (places == 2 && fraction < 10) {
			text.append('0');
		}
		long digits = fraction;
		while (digits % 10 == 0) {
			digits /= 10;
		}
		return text.append(digits).toString();
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
