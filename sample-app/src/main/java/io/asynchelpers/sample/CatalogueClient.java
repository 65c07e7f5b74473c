/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.util.concurrent.ThreadLocalRandom;

import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.Retry;
import io.asynchelpers.annotation.Timed;
import io.asynchelpers.annotation.WithTimeout;

import org.springframework.stereotype.Component;

/**
 * A remote catalogue, simulated in-process: each lookup takes a while, some fail with a
 * transient error and some hang. The annotations make it usable anyway: each attempt is
 * limited in time, failed attempts are retried with backoff, and every lookup is timed.
 */
@Component
public class CatalogueClient {

	private final CatalogueProperties properties;

	private final JobStatistics statistics;

	public CatalogueClient(CatalogueProperties properties, JobStatistics statistics) {
		this.properties = properties;
		this.statistics = statistics;
	}

	@Timed("catalogue.lookup")
	@Retry(backoff = @Backoff(delay = "${catalogue.retry.delay:100ms}", maxDelay = "2s", jitter = "equal"),
			noRetryOn = UnknownItemException.class)
	@WithTimeout(value = "${catalogue.timeout:500ms}", message = "The catalogue did not answer in time")
	public Enrichment lookup(Item item) throws InterruptedException {
		this.statistics.attempt(item);
		ThreadLocalRandom random = ThreadLocalRandom.current();
		double roll = random.nextDouble();
		try {
			if (roll < this.properties.slowRate()) {
				Thread.sleep(this.properties.slowLatency().toMillis());
			}
			else {
				Thread.sleep(this.properties.latency().toMillis());
			}
		}
		catch (InterruptedException ex) {
			// @WithTimeout interrupts this thread when the time is up.
			this.statistics.timedOut(item);
			throw ex;
		}
		if (roll > 1 - this.properties.failureRate()) {
			throw new CatalogueUnavailableException("Catalogue unavailable for item " + item.id());
		}
		return new Enrichment(item.id(), "Product " + item.id(), 100 + (item.id() * 37) % 900);
	}

	/** A transient failure: worth a retry. */
	public static class CatalogueUnavailableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		public CatalogueUnavailableException(String message) {
			super(message);
		}

	}

	/** A permanent failure: never retried. */
	public static class UnknownItemException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		public UnknownItemException(String message) {
			super(message);
		}

	}

}
