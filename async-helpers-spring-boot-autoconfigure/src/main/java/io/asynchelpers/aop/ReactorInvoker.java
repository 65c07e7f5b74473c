/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.AsyncTimeoutException;
import io.asynchelpers.AsyncTimer;
import io.asynchelpers.RetrySpec;
import io.asynchelpers.Task;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * {@code Mono} and {@code Flux} support, in a class of its own so that it is loaded only
 * when Reactor is on the class path.
 * <p>
 * Both stay lazy: each subscription invokes the method afresh. A {@code Mono} goes through
 * the same stage pipeline as a {@code CompletableFuture} method (so it behaves and is
 * measured alike). A {@code Flux} is retried by resubscribing (elements already emitted by
 * a failed attempt are not taken back), its time limit covers the whole stream up to
 * completion, and it is timed from subscription to completion. Pauses and time limits are
 * timers on the helpers' scheduler.
 */
final class ReactorInvoker {

	private static final Logger logger = LoggerFactory.getLogger(AsyncHelpers.class);

	private ReactorInvoker() {
	}

	/**
	 * A publisher that emits once the duration has passed on the helpers' scheduler.
	 */
	private static Mono<Boolean> elapse(AsyncHelpers helpers, Duration duration) {
		return Mono.fromFuture(() -> helpers.delay(duration)).thenReturn(Boolean.TRUE);
	}

	static MethodSpec.@Nullable ReturnKind returnKind(Class<?> type) {
		if (Mono.class.isAssignableFrom(type)) {
			return MethodSpec.ReturnKind.MONO;
		}
		if (Flux.class.isAssignableFrom(type)) {
			return MethodSpec.ReturnKind.FLUX;
		}
		if (Publisher.class.isAssignableFrom(type)) {
			throw new IllegalStateException("Return type " + type.getName()
					+ " is not supported by @Retry, @Timed or @WithTimeout: return Mono or Flux");
		}
		return null;
	}

	static Object invoke(MethodInvocation invocation, MethodSpec spec, AsyncHelpersInterceptor interceptor) {
		return (spec.returnKind() == MethodSpec.ReturnKind.MONO) ? mono(invocation, spec, interceptor)
				: flux(invocation, spec, interceptor);
	}

	@SuppressWarnings("unchecked")
	private static Mono<Object> mono(MethodInvocation invocation, MethodSpec spec, AsyncHelpersInterceptor interceptor) {
		return Mono.defer(() -> {
			Task<Object> task = Task.async(() -> {
				Mono<Object> mono = (Mono<Object>) AsyncHelpersInterceptor
					.sneakyProceed(AsyncHelpersInterceptor.clone(invocation));
				if (mono == null) {
					throw new IllegalStateException(
							spec.className() + "." + spec.methodName() + "() returned null instead of a Mono");
				}
				return mono.toFuture();
			});
			List<Layer> layers = spec.layers();
			for (int i = layers.size() - 1; i >= 0; i--) {
				task = interceptor.wrapStage(layers.get(i), task, spec);
			}
			return Mono.fromFuture(interceptor.helpers().ensureAsync(task));
		});
	}

	@SuppressWarnings("unchecked")
	private static Flux<Object> flux(MethodInvocation invocation, MethodSpec spec, AsyncHelpersInterceptor interceptor) {
		AsyncHelpers helpers = interceptor.helpers();
		InvocationMetrics metrics = interceptor.metrics();
		Flux<Object> flux = Flux.defer(() -> {
			Flux<Object> result = (Flux<Object>) AsyncHelpersInterceptor
				.sneakyProceed(AsyncHelpersInterceptor.clone(invocation));
			if (result == null) {
				throw new IllegalStateException(
						spec.className() + "." + spec.methodName() + "() returned null instead of a Flux");
			}
			return result;
		});
		List<Layer> layers = spec.layers();
		for (int i = layers.size() - 1; i >= 0; i--) {
			flux = switch (layers.get(i)) {
				case TIMED -> timed(flux, spec, helpers, metrics);
				case RETRY -> retried(flux, spec, helpers, metrics);
				case TIMEOUT -> limited(flux, spec, helpers, metrics);
			};
		}
		return flux;
	}

	private static Flux<Object> timed(Flux<Object> inner, MethodSpec spec, AsyncHelpers helpers,
			InvocationMetrics metrics) {
		return Flux.defer(() -> {
			AsyncTimer timer = helpers.asyncTimer(String.valueOf(spec.timedName()));
			return inner.doOnComplete(() -> {
				timer.close();
				metrics.timed(spec, timer.elapsed().toNanos(), null);
			}).doOnError((ex) -> {
				timer.fail(ex);
				metrics.timed(spec, timer.elapsed().toNanos(), ex);
			});
		});
	}

	private static Flux<Object> retried(Flux<Object> inner, MethodSpec spec, AsyncHelpers helpers,
			InvocationMetrics metrics) {
		RetrySpec retry = spec.retry();
		if (retry == null) {
			return inner;
		}
		return Flux.defer(() -> {
			AtomicInteger attempts = new AtomicInteger();
			return Flux.defer(() -> {
				attempts.incrementAndGet();
				return inner;
			}).retryWhen(Retry.from((signals) -> signals.concatMap((signal) -> {
				Throwable failure = signal.failure();
				int attempt = attempts.get();
				if (!retry.isRetryable(failure) || attempt > retry.maxRetries()) {
					if (retry.isRetryable(failure)) {
						logger.error("{}: failed after {} attempts: {}", spec.retryName(), attempt, failure.toString());
					}
					return Mono.error(failure);
				}
				Duration delay = retry.delayBeforeRetry(attempt);
				logger.warn("{}: attempt {} of {} failed: {}. Retrying in {}", spec.retryName(), attempt,
						retry.maxRetries() + 1, failure.toString(), delay);
				// retryWhen resubscribes on a value, so the pause must emit one, not just complete.
				return Mono.fromFuture(() -> helpers.delay(delay)).thenReturn(attempt);
			})))
				.doOnComplete(() -> metrics.retried(spec, attempts.get(), true))
				.doOnError((ex) -> metrics.retried(spec, attempts.get(), false));
		});
	}

	private static Flux<Object> limited(Flux<Object> inner, MethodSpec spec, AsyncHelpers helpers,
			InvocationMetrics metrics) {
		MethodSpec.Timeout timeout = spec.timeout();
		if (timeout == null) {
			return inner;
		}
		Duration limit = timeout.duration();
		return Flux.defer(() -> {
			long deadline = System.nanoTime() + limit.toNanos();
			// One deadline for the whole stream: each element's timer only gets what is left.
			Flux<Object> failure = Flux.error(() -> (timeout.message() != null)
					? new AsyncTimeoutException(timeout.message(), limit) : new AsyncTimeoutException(limit));
			return inner
				.timeout(elapse(helpers, limit),
						(item) -> elapse(helpers, Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))), failure)
				.doOnComplete(() -> metrics.timeout(spec, InvocationMetrics.TimeoutOutcome.SUCCESS))
				.doOnError((ex) -> metrics.timeout(spec, (ex instanceof AsyncTimeoutException)
						? InvocationMetrics.TimeoutOutcome.TIMEOUT : InvocationMetrics.TimeoutOutcome.FAILURE));
		});
	}

}
