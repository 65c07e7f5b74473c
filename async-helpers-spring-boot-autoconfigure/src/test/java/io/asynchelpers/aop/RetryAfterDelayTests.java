/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClientException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryAfterDelay}.
 */
class RetryAfterDelayTests {

	private static final Instant NOW = Instant.parse("2026-10-21T07:28:00Z");

	private final RetryAfterDelay delay = new RetryAfterDelay(Clock.fixed(NOW, ZoneOffset.UTC));

	private static HttpServerErrorException unavailable(String retryAfter) {
		return HttpServerErrorException.create(HttpStatus.SERVICE_UNAVAILABLE, "Service Unavailable",
				HttpRetryServices.retryAfter(retryAfter), new byte[0], StandardCharsets.UTF_8);
	}

	@Test
	void readsDeltaSecondsFromARestClientResponseException() {
		assertThat(this.delay.delay(1, unavailable("120"), null)).isEqualTo(Duration.ofSeconds(120));
	}

	@Test
	void readsAnHttpDateAgainstItsClock() {
		assertThat(this.delay.delay(1, unavailable("Wed, 21 Oct 2026 07:28:30 GMT"), null))
			.isEqualTo(Duration.ofSeconds(30));
		assertThat(this.delay.delay(1, unavailable("Wed, 21 Oct 2026 07:00:00 GMT"), null)).isEqualTo(Duration.ZERO);
	}

	@Test
	void readsAWebClientResponseExceptionFoundInTheCauseChain() {
		WebClientResponseException tooMany = WebClientResponseException.create(429, "Too Many Requests",
				HttpRetryServices.retryAfter("7"), new byte[0], StandardCharsets.UTF_8);

		assertThat(this.delay.delay(2, new RestClientException("wrapped", tooMany), null))
			.isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void readsAResponseEntityResult() {
		ResponseEntity<String> busy = ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, "3").body("busy");

		assertThat(this.delay.delay(1, null, busy)).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void fallsBackToTheBackoffWithoutAUsableHeader() {
		assertThat(this.delay.delay(1, unavailable("soon"), null)).isNull();
		assertThat(this.delay.delay(1, HttpServerErrorException.create(HttpStatus.SERVICE_UNAVAILABLE, "Unavailable",
				new HttpHeaders(), new byte[0], StandardCharsets.UTF_8), null)).isNull();
		assertThat(this.delay.delay(1, new IOException("reset"), null)).isNull();
		assertThat(this.delay.delay(1, null, "not a response")).isNull();
	}

	@Test
	void aHugeNumberOfSecondsIsReadAsForeverForMaxDelayToCap() {
		assertThat(this.delay.delay(1, unavailable("99999999999999999999999"), null))
			.isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
	}

}
