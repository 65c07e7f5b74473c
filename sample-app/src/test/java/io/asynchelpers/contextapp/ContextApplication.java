/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.contextapp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.Outcome;
import io.asynchelpers.Task;
import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.Retry;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application as a user writes one, with no configuration of its own: a controller puts
 * a request id in the MDC, calls a flaky client through {@code @Retry} (blocking and
 * {@code CompletableFuture}) and maps items with the helpers. Every attempt and every item
 * records the context it saw.
 */
@SpringBootApplication
public class ContextApplication {

	/** What one piece of work saw of its caller's context. */
	record Seen(String what, @Nullable String requestId, @Nullable String traceId, String thread) {

		static Seen here(String what) {
			return new Seen(what, MDC.get("requestId"), MDC.get("traceId"), Thread.currentThread().getName());
		}

	}

	@Component
	public static class Sightings {

		final List<Seen> seen = new CopyOnWriteArrayList<>();

		void record(String what) {
			this.seen.add(Seen.here(what));
		}

	}

	/** Fails the first two attempts of each call, then answers. */
	@Component
	public static class FlakyClient {

		private final Sightings sightings;

		private final AtomicInteger blockingAttempts = new AtomicInteger();

		private final AtomicInteger asyncAttempts = new AtomicInteger();

		public FlakyClient(Sightings sightings) {
			this.sightings = sightings;
		}

		@Retry(maxRetries = 2, backoff = @Backoff(delay = "20ms"))
		public String fetch() {
			int attempt = this.blockingAttempts.incrementAndGet();
			this.sightings.record("blocking attempt " + attempt);
			if (attempt < 3) {
				throw new IllegalStateException("unavailable, attempt " + attempt);
			}
			return "fetched";
		}

		@Retry(maxRetries = 2, backoff = @Backoff(delay = "20ms"))
		public CompletableFuture<String> fetchAsync() {
			int attempt = this.asyncAttempts.incrementAndGet();
			this.sightings.record("async attempt " + attempt);
			if (attempt < 3) {
				return CompletableFuture.failedFuture(new IllegalStateException("unavailable, attempt " + attempt));
			}
			return CompletableFuture.completedFuture("fetched async");
		}

	}

	@RestController
	public static class ContextController {

		private final FlakyClient client;

		private final AsyncHelpers helpers;

		private final Sightings sightings;

		public ContextController(FlakyClient client, AsyncHelpers helpers, Sightings sightings) {
			this.client = client;
			this.helpers = helpers;
			this.sightings = sightings;
		}

		@GetMapping("/context")
		public Map<String, Object> context(@RequestParam String requestId) {
			MDC.put("requestId", requestId);
			try {
				this.sightings.record("controller");
				String blocking = this.client.fetch();
				String async = this.client.fetchAsync().join();
				List<Outcome<Integer>> items = this.helpers.asyncMap(List.of(1, 2, 3, 4, 5, 6), Task.blocking((Integer i) -> {
					this.sightings.record("item " + i);
					return i * i;
				}), 3).join();
				return Map.of("traceId", String.valueOf(MDC.get("traceId")), "blocking", blocking, "async", async,
						"items", items.stream().map(Outcome::getOrThrow).toList());
			}
			finally {
				MDC.remove("requestId");
			}
		}

	}

}
