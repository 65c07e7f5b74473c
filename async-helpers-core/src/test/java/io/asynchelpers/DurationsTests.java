/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durations in logs and messages read as people write them.
 */
class DurationsTests {

	@ParameterizedTest(name = "{0} ns -> {1}")
	@CsvSource({ "850, 850ns", "12500, 12.5us", "15599035, 15.6ms", "500000000, 500ms", "1000000000, 1s",
			"1234567890, 1.23s", "1500000000, 1.5s", "59990000000, 59.99s", "125000000000, 2m 5s",
			"120000000000, 2m", "5400000000000, 1h 30m", "0, 0ns", "1050000000, 1.05s", "1999999, 2ms",
			"999960000, 1000ms", "10100, 10.1us" })
	void durationsPrintTheWayPeopleReadThem(long nanos, String expected) {
		assertThat(Durations.format(Duration.ofNanos(nanos))).isEqualTo(expected);
	}

}
