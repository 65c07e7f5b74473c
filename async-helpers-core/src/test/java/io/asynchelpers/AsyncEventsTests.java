/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Events a service can act on: retries scheduled and exhausted, recoveries and time limits,
 * told to the listeners of the helpers the call was made through.
 */
class AsyncEventsTests {

	@RegisterExtension
	final Pools pools = Pools.fixed(2);

	private final List<AsyncEvent> seen = new CopyOnWriteArrayList<>();

	private final RetrySpec quick = RetrySpec.defaults().withMaxRetries(2).withBaseDelay(Duration.ofMillis(5));

	@Test
	void aRetryThatRecoversTellsEachScheduledRetryAndTheRecovery() {
		AtomicInteger attempts = new AtomicInteger();
		AsyncHelpers helpers = this.pools.helpers().withEventListener(this.seen::add);

		CompletableFuture<String> result = helpers.retryWithBackoff("pricing", Task.blocking(() -> {
			if (attempts.incrementAndGet() < 3) {
				throw new IOException("down " + attempts.get());
			}
			return "ok";
		}), this.quick);

		assertThat(result).succeedsWithin(Duration.ofSeconds(10));
		assertThat(this.seen).extracting(AsyncEvent::kind)
			.containsExactly(AsyncEvent.Kind.RETRY_SCHEDULED, AsyncEvent.Kind.RETRY_SCHEDULED,
					AsyncEvent.Kind.RECOVERED);
		assertThat(this.seen.get(0)).isInstanceOfSatisfying(AsyncEvent.RetryScheduled.class, (event) -> {
			assertThat(event.name()).isEqualTo("pricing");
			assertThat(event.attempt()).isEqualTo(1);
			assertThat(event.delay()).isEqualTo(Duration.ofMillis(5));
			assertThat(event.failure()).hasMessage("down 1");
		});
		assertThat(this.seen.get(2)).isInstanceOfSatisfying(AsyncEvent.Recovered.class,
				(event) -> assertThat(event.attempts()).isEqualTo(3));
	}

	@Test
	void retriesThatRunOutOnTheCallersThreadTellTheLastFailure() {
		AsyncHelpers helpers = this.pools.helpers().withEventListener(this.seen::add);

		assertThatExceptionOfType(IOException.class).isThrownBy(() -> helpers.callWithRetry("stock", () -> {
			throw new IOException("still down");
		}, this.quick));

		assertThat(this.seen).extracting(AsyncEvent::kind)
			.containsExactly(AsyncEvent.Kind.RETRY_SCHEDULED, AsyncEvent.Kind.RETRY_SCHEDULED,
					AsyncEvent.Kind.RETRIES_EXHAUSTED);
		assertThat(this.seen.get(2)).isInstanceOfSatisfying(AsyncEvent.RetriesExhausted.class, (event) -> {
			assertThat(event.attempts()).isEqualTo(3);
			assertThat(event.failure()).hasMessage("still down");
		});
	}

	@Test
	void aSuccessAtTheFirstAttemptTellsNothing() {
		AsyncHelpers helpers = this.pools.helpers().withEventListener(this.seen::add);

		assertThat(helpers.retryWithBackoff("fine", Task.blocking(() -> "ok"), this.quick))
			.succeedsWithin(Duration.ofSeconds(10));

		assertThat(this.seen).isEmpty();
	}

	@Test
	void timeLimitsReachedAreToldForBothKindsOfCall() throws Exception {
		AsyncHelpers helpers = this.pools.helpers().withEventListener(this.seen::add);

		assertThat(helpers.runWithTimeout("async", Task.async(CompletableFuture::new), Duration.ofMillis(20), null))
			.failsWithin(Duration.ofSeconds(10));
		assertThatExceptionOfType(AsyncTimeoutException.class)
			.isThrownBy(() -> helpers.callWithTimeout("blocking", () -> {
				Thread.sleep(10_000);
				return "late";
			}, Duration.ofMillis(20), null));

		assertThat(this.seen).hasSize(2).allSatisfy((event) -> assertThat(event)
			.isInstanceOfSatisfying(AsyncEvent.TimeLimitReached.class,
					(limit) -> assertThat(limit.limit()).isEqualTo(Duration.ofMillis(20))));
		assertThat(this.seen).extracting(AsyncEvent::name).containsExactlyInAnyOrder("async", "blocking");
	}

	@Test
	void aListenerOnlyHearsTheCallsMadeThroughItsView() {
		AsyncHelpers audited = this.pools.helpers().withEventListener(this.seen::add);

		assertThat(this.pools.helpers().retryWithBackoff("unaudited", Task.blocking(() -> {
			throw new IOException("down");
		}), this.quick)).failsWithin(Duration.ofSeconds(10));
		assertThat(this.seen).isEmpty();

		assertThat(audited.retryWithBackoff("audited", Task.blocking(() -> {
			throw new IOException("down");
		}), this.quick)).failsWithin(Duration.ofSeconds(10));
		assertThat(this.seen).isNotEmpty().extracting(AsyncEvent::name).containsOnly("audited");
	}

	@Test
	void aFailingListenerNeitherBreaksTheCallNorSilencesTheOthers() {
		AsyncHelpers helpers = this.pools.helpers().withEventListener((event) -> {
			throw new IllegalStateException("listener bug");
		}).withEventListener(this.seen::add);

		assertThat(helpers.retryWithBackoff("pricing", Task.blocking(() -> {
			throw new IOException("down");
		}), this.quick)).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
			.isInstanceOf(IOException.class);
		assertThat(this.seen).extracting(AsyncEvent::kind).contains(AsyncEvent.Kind.RETRIES_EXHAUSTED);
	}

	@Test
	void aRetriedResultIsToldWithoutAFailure() {
		AtomicInteger attempts = new AtomicInteger();
		AsyncHelpers helpers = this.pools.helpers().withEventListener(this.seen::add);
		RetrySpec onBusy = this.quick.withRetryOnResult((Object value) -> "busy".equals(value));

		assertThat(helpers.retryWithBackoff("status", Task.blocking(() -> (attempts.incrementAndGet() < 2) ? "busy" : "ok"),
				onBusy)).succeedsWithin(Duration.ofSeconds(10));

		assertThat(this.seen).extracting(AsyncEvent::kind)
			.containsExactly(AsyncEvent.Kind.RETRY_SCHEDULED, AsyncEvent.Kind.RECOVERED);
		assertThat(((AsyncEvent.RetryScheduled) this.seen.get(0)).failure()).isNull();
	}

	@Test
	void aCallRejectedByAConcurrencyLimitIsTold() throws Exception {
		ConcurrencyLimiter limiter = this.pools.helpers().withEventListener(this.seen::add)
			.concurrencyLimiter("stock", 1, 0);
		CompletableFuture<String> running = limiter.submit(Task.async(CompletableFuture::new));

		assertThat(limiter.submit(Task.blocking(() -> "second"))).failsWithin(Duration.ofSeconds(10))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(ConcurrencyLimitExceededException.class);
		running.cancel(true);

		assertThat(this.seen).singleElement().isInstanceOfSatisfying(AsyncEvent.CallRejected.class, (event) -> {
			assertThat(event.name()).isEqualTo("stock");
			assertThat(event.limit()).isEqualTo(1);
		});
	}

}
