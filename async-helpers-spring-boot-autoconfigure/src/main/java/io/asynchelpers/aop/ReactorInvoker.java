/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.asynchelpers.AsyncEvent;
import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.AsyncTimeoutException;
import io.asynchelpers.AsyncTimer;
import io.asynchelpers.ConcurrencyLimiter;
import io.asynchelpers.RetrySpec;
import io.asynchelpers.RetryState;
import io.asynchelpers.Task;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.retry.Retry;

/**
 * {@code Mono} and {@code Flux} support, in a class of its own so that it is loaded only
 * when Reactor is on the class path.
 * <p>
 * Both stay lazy: each subscription invokes the method afresh. A {@code Mono} goes through
 * the same stage pipeline as a {@code CompletableFuture} method (so it behaves and is
 * measured alike). A {@code Flux} is retried by resubscribing (elements already emitted by
 * a failed attempt are not taken back), its time limit covers the whole stream up to
 * completion, and it is timed from subscription to completion. A {@code Flux} is retried on
 * failures only ({@code @Retry(retryOnResult)} on one fails start-up); with a retry deadline,
 * the retry hands its state to the time limit inside it through the subscriber context (keyed
 * by the method's spec), which cuts each attempt's limit to the time left. It keeps the
 * promises of the stage pipeline:
 * <ul>
 * <li>Pauses and time limits are timers on the helpers' scheduler, whose thread only fires
 * them: the next attempt, and the timeout failure, are signalled on the helpers'
 * executor.</li>
 * <li>Retries run out as in {@link AsyncHelpers#retryWithBackoff}: the last failure carries
 * the earlier ones as suppressed exceptions; each retried failure is logged at the spec's
 * {@link RetrySpec#retryLogLevel()} and retries that ran out once at its
 * {@link RetrySpec#exhaustedLogLevel()}, under the retry logger the core documents. An
 * interrupt, a cancellation, a failure that is not retryable and a
 * {@link NullReturnValueException} are never retried, nor logged: the subscriber receives
 * them.</li>
 * <li>A subscription that is cancelled is recorded as a cancelled future is: timed as a
 * failure with a {@code CancellationException}, a retry that failed, a time limit that
 * ended in failure.</li>
 * </ul>
 */
final class ReactorInvoker {

	private static final Callable<Boolean> RESUME = () -> Boolean.TRUE;

	private ReactorInvoker() {
	}

	/**
	 * A publisher that emits once the duration has passed: the timer fires on the helpers'
	 * scheduler, the value is emitted on their executor, so that what reacts to it (the next
	 * attempt, a timeout failure) never runs on the timer thread. Cancelling it cancels the
	 * timer.
	 */
	private static Mono<Boolean> afterPause(AsyncHelpers helpers, Duration duration) {
		return Mono.defer(() -> {
			CompletableFuture<?> pause = helpers.delay(duration);
			CompletableFuture<Boolean> resumed = pause.thenCompose((ignored) -> helpers.ensureAsync(RESUME));
			// Cancelling the Mono cancels resumed, which must stop the timer; only then, or
			// the cancelled pause would be signalled as a failure.
			resumed.whenComplete((value, ex) -> {
				if (resumed.isCancelled()) {
					pause.cancel(false);
				}
			});
			return Mono.fromFuture(resumed);
		});
	}

	static MethodSpec.@Nullable ReturnKind returnKind(Class<?> type) {
		if (Mono.class.isAssignableFrom(type)) {
			return MethodSpec.ReturnKind.MONO;
		}
		if (Flux.class.isAssignableFrom(type)) {
			return MethodSpec.ReturnKind.FLUX;
		}
		return null;
	}

	static boolean isPublisher(Class<?> type) {
		return Publisher.class.isAssignableFrom(type);
	}

	static Object invoke(MethodInvocation invocation, MethodSpec spec, AsyncHelpersInterceptor interceptor,
			AsyncHelpers helpers) {
		return (spec.returnKind() == MethodSpec.ReturnKind.MONO) ? mono(invocation, spec, interceptor, helpers)
				: flux(invocation, spec, interceptor, helpers);
	}

	@SuppressWarnings("unchecked")
	private static Mono<Object> mono(MethodInvocation invocation, MethodSpec spec, AsyncHelpersInterceptor interceptor,
			AsyncHelpers helpers) {
		return Mono.defer(() -> {
			Task<Object> task = Task.async(() -> {
				Mono<Object> mono = (Mono<Object>) AsyncHelpersInterceptor
					.sneakyProceed(AsyncHelpersInterceptor.clone(invocation));
				if (mono == null) {
					throw AsyncHelpersInterceptor.nullReturned(spec, "Mono", "Mono.empty()");
				}
				return mono.toFuture();
			});
			List<Layer> layers = spec.layers();
			AtomicReference<RetryState> retryOfCall = AsyncHelpersInterceptor.retryOfCall(spec);
			for (int i = layers.size() - 1; i >= 0; i--) {
				task = interceptor.wrapStage(layers.get(i), task, spec, retryOfCall, helpers);
			}
			return Mono.fromFuture(helpers.ensureAsync(task));
		});
	}

	@SuppressWarnings("unchecked")
	private static Flux<Object> flux(MethodInvocation invocation, MethodSpec spec, AsyncHelpersInterceptor interceptor,
			AsyncHelpers helpers) {
		InvocationMetrics metrics = interceptor.metrics();
		Flux<Object> flux = Flux.defer(() -> {
			Flux<Object> result = (Flux<Object>) AsyncHelpersInterceptor
				.sneakyProceed(AsyncHelpersInterceptor.clone(invocation));
			if (result == null) {
				throw AsyncHelpersInterceptor.nullReturned(spec, "Flux", "Flux.empty()");
			}
			return result;
		});
		List<Layer> layers = spec.layers();
		for (int i = layers.size() - 1; i >= 0; i--) {
			flux = switch (layers.get(i)) {
				case TIMED -> timed(flux, spec, helpers, metrics);
				case RETRY -> retried(flux, spec, helpers, metrics);
				case TIMEOUT -> limited(flux, spec, helpers, metrics);
				case MAX_CONCURRENCY -> concurrencyLimited(flux, spec, interceptor.limiter(spec));
			};
		}
		return flux;
	}

	/**
	 * Run an action once when a subscription ends, before its subscriber hears of it: with
	 * {@code null} on completion, with the failure on an error, and with a
	 * {@code CancellationException} when the subscriber cancels, as a cancelled future
	 * reports. To be called once per subscription.
	 */
	static Flux<Object> whenDone(Flux<Object> flux, MethodSpec spec, Consumer<@Nullable Throwable> action) {
		AtomicBoolean done = new AtomicBoolean();
		return flux.doOnComplete(() -> {
			if (done.compareAndSet(false, true)) {
				action.accept(null);
			}
		}).doOnError((ex) -> {
			if (done.compareAndSet(false, true)) {
				action.accept(ex);
			}
		}).doOnCancel(() -> {
			if (done.compareAndSet(false, true)) {
				action.accept(new CancellationException(spec.name() + " was cancelled"));
			}
		});
	}

	private static Flux<Object> timed(Flux<Object> inner, MethodSpec spec, AsyncHelpers helpers,
			InvocationMetrics metrics) {
		return Flux.defer(() -> {
			AsyncTimer timer = helpers.asyncTimer(spec.name());
			return whenDone(inner, spec, (ex) -> {
				if (ex == null) {
					timer.close();
				}
				else {
					timer.fail(ex);
				}
				metrics.timed(spec, timer.elapsed().toNanos(), ex);
			});
		});
	}

	private static Flux<Object> retried(Flux<Object> inner, MethodSpec spec, AsyncHelpers helpers,
			InvocationMetrics metrics) {
		RetrySpec retrySpec = spec.retry();
		if (retrySpec == null) {
			return inner;
		}
		return Flux.defer(() -> {
			RetryState retry = helpers.retryState(spec.name(), retrySpec);
			Flux<Object> attempts = Flux.defer(() -> {
				retry.beginAttempt();
				return inner;
			}).retryWhen(Retry.from((signals) -> signals.concatMap((signal) -> {
				Throwable failure = signal.failure();
				Duration delay = retry.nextDelay(failure);
				// retryWhen resubscribes on a value, so the pause must emit one, not just complete.
				return (delay != null) ? afterPause(helpers, delay) : Mono.<Boolean>error(failure);
			})))
				// The time limit inside (if any) cuts each attempt to what is left of the deadline.
				.contextWrite(Context.of(spec, retry));
			return whenDone(attempts, spec, (ex) -> {
				// Cancelled before the first attempt started: nothing was tried, nothing to count.
				if (retry.attempts() > 0) {
					metrics.retried(spec, retry.attempts(), ex == null);
				}
				if (ex == null) {
					retry.succeeded();
				}
			});
		});
	}

	/**
	 * Hold a slot of the method's limiter from subscription until the stream completes,
	 * fails or is cancelled. Beyond the limit the subscription to the method's stream is
	 * queued, not blocked on: it happens on the thread that gives a slot back. Cancelling a
	 * queued subscription takes it out of the queue; a rejection is signalled as the
	 * {@code ConcurrencyLimitExceededException}. The slot is given back before the
	 * subscriber hears that the stream ended.
	 */
	private static Flux<Object> concurrencyLimited(Flux<Object> inner, MethodSpec spec, ConcurrencyLimiter limiter) {
		return Flux.defer(() -> {
			CompletableFuture<@Nullable Void> slot = new CompletableFuture<>();
			CompletableFuture<@Nullable Void> ended = new CompletableFuture<>();
			CompletableFuture<@Nullable Void> held = limiter.submit(Task.async(() -> {
				slot.complete(null);
				return ended;
			}));
			held.whenComplete((value, ex) -> {
				// Rejected; a cancellation is ours, from a subscription that is gone already.
				if (ex != null && !held.isCancelled()) {
					slot.completeExceptionally(ex);
				}
			});
			return whenDone(Mono.fromFuture(slot).thenMany(inner), spec, (ex) -> {
				ended.complete(null);
				held.cancel(false);
			});
		});
	}

	private static Flux<Object> limited(Flux<Object> inner, MethodSpec spec, AsyncHelpers helpers,
			InvocationMetrics metrics) {
		MethodSpec.Timeout timeout = spec.timeout();
		if (timeout == null) {
			return inner;
		}
		return Flux.deferContextual((context) -> {
			// An attempt of a retry with a deadline gets at most what is left of it.
			RetryState retry = context.getOrDefault(spec, null);
			Duration limit = (retry != null) ? retry.limitToTimeLeft(timeout.duration()) : timeout.duration();
			long deadline = System.nanoTime() + limit.toNanos();
			// One deadline for the whole stream: each element's timer only gets what is left.
			Flux<Object> failure = Flux.error(() -> (timeout.message() != null)
					? new AsyncTimeoutException(timeout.message(), limit) : new AsyncTimeoutException(limit));
			Flux<Object> limitedFlux = inner.timeout(afterPause(helpers, limit),
					(item) -> afterPause(helpers, Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))), failure);
			return whenDone(limitedFlux, spec, (ex) -> {
				metrics.timeout(spec, (ex == null) ? InvocationMetrics.TimeoutOutcome.SUCCESS
						: (ex instanceof AsyncTimeoutException) ? InvocationMetrics.TimeoutOutcome.TIMEOUT
								: InvocationMetrics.TimeoutOutcome.FAILURE);
				if (ex instanceof AsyncTimeoutException) {
					helpers.publishEvent(new AsyncEvent.TimeLimitReached(spec.name(), Instant.now(), limit));
				}
			});
		});
	}

}
