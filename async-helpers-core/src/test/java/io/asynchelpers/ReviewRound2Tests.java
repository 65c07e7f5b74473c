/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Second adversarial review round: the retry that is its own result future (e49c49e). Each
 * test states the clause it attacks; each failed on every run against that commit.
 */
class ReviewRound2Tests {

	@RegisterExtension
	final Pools pools = Pools.fixed(2);

	// ---------------------------------------------------------------------------------
	// "After the result completes, no further attempt ever starts." An async attempt checks
	// isDone() and only then calls the supplier (after beginAttempt and putting the context
	// in place): a completion landing in between still starts the attempt.
	// ---------------------------------------------------------------------------------

	/**
	 * The caller completes the result at the instant the next async attempt is being started:
	 * the context propagator's {@code run} is the hook that makes the window deterministic (as
	 * the executor hook of ReviewFindingsTests does for the blocking path).
	 */
	@Test
	void anAsyncAttemptIsStartedAfterTheCallerCompletedTheResult() {
		AtomicReference<CompletableFuture<Object>> retry = new AtomicReference<>();
		AtomicInteger contextRuns = new AtomicInteger();
		ContextPropagator propagator = () -> (work) -> {
			if (contextRuns.incrementAndGet() == 2) {
				// The caller cancels the result on its own thread, and its cancel has returned.
				CompletableFuture.runAsync(() -> retry.get().cancel(true)).join();
			}
			work.run();
		};
		AsyncHelpers helpers = new AsyncHelpers(this.pools.executor(), this.pools.scheduler(), AsyncDefaults.standard(),
				System::nanoTime, propagator);
		List<Boolean> resultDoneAtStart = new ArrayList<>();

		retry.set(helpers.retryWithBackoff(Task.async(() -> {
			CompletableFuture<Object> result = retry.get();
			synchronized (resultDoneAtStart) {
				resultDoneAtStart.add(result != null && result.isDone());
			}
			return CompletableFuture.failedFuture(new IOException("down"));
		}), RetrySpec.defaults().withBaseDelay(Duration.ofMillis(50))));

		await().atMost(Duration.ofSeconds(10)).until(() -> retry.get().isCancelled());
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> helpers.pendingPauses() == 0);
		synchronized (resultDoneAtStart) {
			assertThat(resultDoneAtStart).as("attempts (true: the result was already completed when it started)")
				.containsExactly(false);
		}
	}

	/**
	 * The same without any hook: 600 async retries with a 1 ms backoff, each cancelled by the
	 * caller at a random point. The attempt being set up at that instant may still enter its
	 * supplier once (it passed the check right before the call, as a {@code FutureTask} whose
	 * run began before a cancel); no attempt after that, and no pause is left. Before the
	 * check moved next to the supplier, 2 to 13 operations of 600 per run started one, some
	 * after a pause. How many operations hit that instant depends on where the threads are
	 * preempted (CI once saw 4 of 600 with the fix in place), so their number is not asserted:
	 * the test above checks the order deterministically, with a hook.
	 */
	@RepeatedTest(2)
	void noAsyncAttemptStartsAfterTheCallersCancelReturned() throws Exception {
		int operations = 600;
		List<AtomicInteger> attempts = new ArrayList<>();
		int[] atCancel = new int[operations];
		for (int i = 0; i < operations; i++) {
			AtomicInteger count = new AtomicInteger();
			attempts.add(count);
			CompletableFuture<Object> retry = this.pools.helpers().retryWithBackoff(Task.async(() -> {
				count.incrementAndGet();
				return CompletableFuture.failedFuture(new IOException("down"));
			}), RetrySpec.defaults().withMaxRetries(100_000).withBaseDelay(Duration.ofMillis(1)).withBackoffFactor(1));
			TimeUnit.MICROSECONDS.sleep(300);
			retry.cancel(true);
			atCancel[i] = count.get();
		}
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
			.until(() -> this.pools.helpers().pendingPauses() == 0);
		for (int i = 0; i < operations; i++) {
			int after = attempts.get(i).get() - atCancel[i];
			assertThat(after).as("supplier calls after cancel() returned, operation " + i).isLessThanOrEqualTo(1);
		}
	}

	// ---------------------------------------------------------------------------------
	// The returned future is a CompletableFuture whose completeAsync "stops the work in
	// flight"; the override otherwise departs from CompletableFuture.completeAsync.
	// ---------------------------------------------------------------------------------

	@Test
	void completeAsyncOnAFinishedRetryDoesNotCallTheSupplierAsCompletableFutureDoes() {
		AtomicInteger plainCalls = new AtomicInteger();
		CompletableFuture.completedFuture("done").completeAsync(() -> "fallback " + plainCalls.incrementAndGet(),
				Runnable::run);
		CompletableFuture<String> retry = this.pools.helpers()
			.retryWithBackoff(Task.async(() -> CompletableFuture.completedFuture("done")));
		assertThat(retry).isCompletedWithValue("done");
		AtomicInteger retryCalls = new AtomicInteger();

		retry.completeAsync(() -> "fallback " + retryCalls.incrementAndGet(), Runnable::run);

		assertThat(plainCalls).hasValue(0);
		assertThat(retryCalls).as("supplier calls on an already completed retry future").hasValue(0);
	}

	@Test
	void completeAsyncWithAThrowingSupplierFailsAsCompletableFutureDoes() {
		IllegalStateException boom = new IllegalStateException("boom");
		CompletableFuture<String> plain = new CompletableFuture<>();
		plain.completeAsync(() -> {
			throw boom;
		}, Runnable::run);
		CompletableFuture<String> retry = this.pools.helpers()
			.retryWithBackoff(Task.async(() -> new CompletableFuture<String>()));

		retry.completeAsync(() -> {
			throw boom;
		}, Runnable::run);

		Throwable seenByPlainDependents = plain.handle((v, ex) -> ex).join();
		Throwable seenByRetryDependents = retry.handle((v, ex) -> ex).join();
		assertThat(seenByPlainDependents).isInstanceOf(CompletionException.class).hasCause(boom);
		assertThat(seenByRetryDependents).as("what a dependent of the retry future receives")
			.isInstanceOf(CompletionException.class)
			.hasCause(boom);
	}

}
