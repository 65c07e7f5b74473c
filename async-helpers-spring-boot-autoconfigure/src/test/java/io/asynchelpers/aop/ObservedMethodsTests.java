/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.AsyncTimeoutException;
import io.asynchelpers.RetrySpec;
import io.asynchelpers.Task;
import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.Retry;
import io.asynchelpers.annotation.Timed;
import io.asynchelpers.annotation.WithTimeout;
import io.asynchelpers.autoconfigure.AsyncHelpersAopAutoConfiguration;
import io.asynchelpers.autoconfigure.AsyncHelpersAutoConfiguration;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.AopTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Annotated calls as Micrometer observations, through real Spring proxies, with Micrometer
 * Tracing's test tracer: one span per call, its keys and events, and the
 * {@code asynchelpers.*} meters unchanged.
 */
class ObservedMethodsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
				AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withBean(SimpleTracer.class)
		.withBean(ObservationRegistry.class, ObservedMethodsTests::observationRegistry)
		.withBean(Observed.class);

	private static ObservationRegistry observationRegistry() {
		// Filled in by tracingAndMeters once the context holds the tracer and the meter registry.
		return ObservationRegistry.create();
	}

	private ApplicationContextRunner traced() {
		return this.contextRunner.withInitializer((context) -> context.getBeanFactory()
			.addBeanPostProcessor(new org.springframework.beans.factory.config.BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (bean instanceof ObservationRegistry registry) {
						registry.observationConfig()
							.observationHandler(
									new DefaultTracingObservationHandler(context.getBean(SimpleTracer.class)))
							.observationHandler(new DefaultMeterObservationHandler(context.getBean(MeterRegistry.class)));
					}
					return bean;
				}

			}));
	}

	@Test
	void aBlockingCallIsOneSpanWithItsKeysAndIsCurrentWhileTheMethodRuns() {
		traced().run((context) -> {
			Observed observed = context.getBean(Observed.class);

			assertThat(observed.blocking()).isEqualTo("ok");

			SimpleSpan span = context.getBean(SimpleTracer.class).onlySpan();
			assertThat(span.getName()).isEqualTo("blocking");
			assertThat(span.getTags()).containsExactlyInAnyOrderEntriesOf(Map.of("name", "blocking", "class",
					"Observed", "method", "blocking", "outcome", "success", "exception", "none"));
			assertThat(span.getError()).isNull();
			assertThat(target(observed).current).singleElement()
				.satisfies((current) -> assertThat(current.getContext().getContextualName()).isEqualTo("blocking"));
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(timerCount(meters, "asynchelpers.timed", "blocking")).isEqualTo(1);
			assertThat(meters.get("asynchelpers.call")
				.tags("name", "blocking", "class", "Observed", "method", "blocking", "outcome", "success", "exception",
						"none", "error", "none")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void theSpanOfACallNestsUnderTheCallersObservation() {
		traced().run((context) -> {
			Observed observed = context.getBean(Observed.class);
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);

			Observation.createNotStarted("outer", registry).observe(observed::blocking);

			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			SimpleSpan outer = span(tracer, "outer");
			assertThat(span(tracer, "blocking").getParentId()).isEqualTo(outer.getSpanId());
		});
	}

	@Test
	void aRetriedBlockingCallWithoutTimedIsObservedWithItsRetriesAsEvents() {
		traced().run((context) -> {
			Observed observed = context.getBean(Observed.class);

			assertThatExceptionOfType(IOException.class).isThrownBy(observed::alwaysFailing);

			SimpleSpan span = context.getBean(SimpleTracer.class).onlySpan();
			// The span is named after the method's one name; Micrometer Tracing 1.5 (Boot 3.5)
			// writes it lower-case and hyphenated, 1.6 (Boot 4) as it is.
			assertThat(span.getName()).isIn("Observed.alwaysFailing", "observed.always-failing");
			assertThat(span.getTags()).containsEntry("outcome", "failure").containsEntry("exception", "IOException");
			assertThat(span.getError()).isInstanceOf(IOException.class);
			assertThat(eventNames(span)).containsExactly("retry after attempt 1 failed",
					"retry after attempt 2 failed", "retries exhausted after 3 attempts");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(counter(meters, "asynchelpers.retry.calls", "kind", "failed_with_retry")).isEqualTo(1);
			assertThat(meters.find("asynchelpers.timed").timers()).isEmpty();
			assertThat(errorTags(meters, "Observed.alwaysFailing")).containsExactly("IOException");
		});
	}

	@Test
	void aBlockingTimeoutIsAnEventAndTheSpansError() {
		traced().run((context) -> {
			Observed observed = context.getBean(Observed.class);

			assertThatExceptionOfType(AsyncTimeoutException.class).isThrownBy(observed::slowBlocking);

			SimpleSpan span = context.getBean(SimpleTracer.class).onlySpan();
			assertThat(span.getTags()).containsEntry("outcome", "failure")
				.containsEntry("exception", "AsyncTimeoutException");
			assertThat(span.getError()).isInstanceOf(AsyncTimeoutException.class);
			assertThat(eventNames(span)).containsExactly("timeout after 50ms");
			assertThat(counter(context.getBean(MeterRegistry.class), "asynchelpers.timeout.calls", "outcome",
					"timeout")).isEqualTo(1);
		});
	}

	@Test
	void aCompletableFutureCallIsObservedUntilTheFutureCompletesWithItsRetries() {
		traced().run((context) -> {
			Observed observed = context.getBean(Observed.class);

			CompletableFuture<String> future = observed.stage();
			assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo("ok after 3");

			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> timerCount(meters, "asynchelpers.call", "stage") == 1);
			SimpleSpan span = context.getBean(SimpleTracer.class).onlySpan();
			assertThat(span.getName()).isEqualTo("stage");
			assertThat(span.getTags()).containsEntry("outcome", "success");
			assertThat(span.getError()).isNull();
			assertThat(eventNames(span)).containsExactly("retry after attempt 1 failed",
					"retry after attempt 2 failed", "recovered after 3 attempts");
			assertThat(target(observed).current).first()
				.satisfies((current) -> assertThat(current.getContext().getContextualName()).isEqualTo("stage"));
			assertThat(timerCount(meters, "asynchelpers.timed", "stage")).isEqualTo(1);
			assertThat(counter(meters, "asynchelpers.retry.calls", "kind", "successful_with_retry")).isEqualTo(1);
		});
	}

	@Test
	void aCompletableFutureTimeoutAndACancellationEndTheSpanAsFailures() {
		traced().run((context) -> {
			Observed observed = context.getBean(Observed.class);
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);

			CompletableFuture<String> timedOut = observed.neverCompletes();
			assertThatExceptionOfType(Exception.class).isThrownBy(() -> timedOut.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(AsyncTimeoutException.class);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> timerCount(meters, "asynchelpers.call", "Observed.neverCompletes") == 1);
			SimpleSpan timeoutSpan = tracer.onlySpan();
			assertThat(timeoutSpan.getError()).isInstanceOf(AsyncTimeoutException.class);
			assertThat(errorTags(meters, "Observed.neverCompletes")).containsExactly("AsyncTimeoutException");
			assertThat(eventNames(timeoutSpan)).containsExactly("timeout after 50ms");
			tracer.getSpans().clear();

			CompletableFuture<String> cancelled = observed.neverCompletesSlowly();
			cancelled.cancel(true);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> timerCount(meters, "asynchelpers.call", "Observed.neverCompletesSlowly") == 1);
			assertThat(tracer.onlySpan().getTags()).containsEntry("outcome", "failure");
			assertThat(tracer.onlySpan().getError()).isInstanceOf(CancellationException.class);
			assertThat(errorTags(meters, "Observed.neverCompletesSlowly")).containsExactly("CancellationException");
		});
	}

	@Test
	void aMonoIsObservedPerSubscriptionWithItsRetries() {
		traced().run((context) -> {
			Observed observed = context.getBean(Observed.class);
			Mono<String> mono = observed.mono();
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			assertThat(tracer.getSpans()).as("nothing is observed before subscription").isEmpty();

			StepVerifier.create(mono).expectNext("ok after 3").verifyComplete();

			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> timerCount(meters, "asynchelpers.call", "mono") == 1);
			SimpleSpan span = tracer.onlySpan();
			assertThat(span.getName()).isEqualTo("mono");
			assertThat(span.getTags()).containsEntry("outcome", "success").containsEntry("method", "mono");
			assertThat(eventNames(span)).containsExactly("retry after attempt 1 failed",
					"retry after attempt 2 failed", "recovered after 3 attempts");
			assertThat(target(observed).current).first()
				.satisfies((current) -> assertThat(current.getContext().getContextualName()).isEqualTo("mono"));
			assertThat(timerCount(meters, "asynchelpers.timed", "mono")).isEqualTo(1);
			assertThat(counter(meters, "asynchelpers.retry.calls", "kind", "successful_with_retry")).isEqualTo(1);
		});
	}

	@Test
	void aMonosParentIsTheObservationInItsReactorContext() {
		traced().run((context) -> {
			Observed observed = context.getBean(Observed.class);
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);
			Observation outer = Observation.start("outer", registry);

			StepVerifier.create(observed.mono().contextWrite((ctx) -> ctx.put(ObservationThreadLocalAccessor.KEY, outer)))
				.expectNext("ok after 3")
				.verifyComplete();
			outer.stop();

			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			assertThat(span(tracer, "mono").getParentId()).isEqualTo(span(tracer, "outer").getSpanId());
		});
	}

	@Test
	void aFluxIsObservedUntilItCompletesTimesOutOrIsCancelled() {
		traced().run((context) -> {
			Observed observed = context.getBean(Observed.class);
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);

			StepVerifier.create(observed.flux()).expectNext("a", "b").verifyComplete();
			SimpleSpan completed = tracer.onlySpan();
			assertThat(completed.getName()).isEqualTo("flux");
			assertThat(completed.getTags()).containsEntry("outcome", "success");
			assertThat(target(observed).current).singleElement()
				.satisfies((current) -> assertThat(current.getContext().getContextualName()).isEqualTo("flux"));
			tracer.getSpans().clear();

			StepVerifier.create(observed.slowFlux()).expectError(AsyncTimeoutException.class).verify(Duration.ofSeconds(10));
			SimpleSpan timedOut = tracer.onlySpan();
			assertThat(timedOut.getTags()).containsEntry("outcome", "failure");
			assertThat(timedOut.getError()).isInstanceOf(AsyncTimeoutException.class);
			assertThat(eventNames(timedOut)).containsExactly("timeout after 50ms");
			tracer.getSpans().clear();

			StepVerifier.create(observed.flux().take(1)).expectNext("a").verifyComplete();
			assertThat(tracer.onlySpan().getError()).isInstanceOf(CancellationException.class);

			assertThat(timerCount(meters, "asynchelpers.timed", "flux")).isEqualTo(2);
			assertThat(timerCount(meters, "asynchelpers.call", "flux")).isEqualTo(2);
			assertThat(errorTags(meters, "flux")).containsExactlyInAnyOrder("none", "CancellationException");
			assertThat(errorTags(meters, "slowFlux")).containsExactly("AsyncTimeoutException");
			assertThat(counter(meters, "asynchelpers.timeout.calls", "outcome", "timeout")).isEqualTo(1);
		});
	}

	@Test
	void aConventionBeanNamesAndTagsTheObservations() {
		traced().withBean(AsyncHelpersObservationConvention.class, () -> new DefaultAsyncHelpersObservationConvention() {

			@Override
			public KeyValues getLowCardinalityKeyValues(AsyncHelpersObservationContext context) {
				return super.getLowCardinalityKeyValues(context).and("team", "payments");
			}

		}).run((context) -> {
			context.getBean(Observed.class).blocking();

			assertThat(context.getBean(SimpleTracer.class).onlySpan().getTags()).containsEntry("team", "payments")
				.containsEntry("outcome", "success");
		});
	}

	@Test
	void withoutObservationRegistryNothingIsObservedAndCallsWorkAsBefore() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
					AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.withBean(ObservationRegistry.class, () -> ObservationRegistry.NOOP)
			.withBean(Observed.class)
			.run((context) -> {
			assertThat(context.getBean(InvocationObserver.class)).isSameAs(InvocationObserver.NONE);
			assertThat(context.getBean(Observed.class).blocking()).isEqualTo("ok");
			assertThat(timerCount(context.getBean(MeterRegistry.class), "asynchelpers.timed", "blocking")).isEqualTo(1);
		});
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
					AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
			.withBean(Observed.class)
			.run((context) -> {
				assertThat(context.getBean(InvocationObserver.class)).isSameAs(InvocationObserver.NONE);
				Observed observed = context.getBean(Observed.class);
				assertThat(observed.blocking()).isEqualTo("ok");
				assertThat(target(observed).current).containsOnlyNulls();
			});
	}

	@Test
	void withoutMicrometerObservationOnTheClassPathNoObserverIsDefined() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(InvocationObserver.class);
			assertThat(context.getBean(Observed.class).blocking()).isEqualTo("ok");
		});
	}

	@Test
	void coreApiCallsReportTheirEventsToAnObservationOfTheirOwn() throws Exception {
		SimpleTracer tracer = new SimpleTracer();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
		try {
			AsyncHelpers helpers = new AsyncHelpers(Runnable::run, scheduler);
			AtomicInteger attempts = new AtomicInteger();
			Observation observation = Observation.start("price.fetch", registry);

			String price = helpers.withEventListener(new ObservationEventListener(observation))
				.retryWithBackoff("price", Task.blocking(() -> {
					if (attempts.incrementAndGet() < 2) {
						throw new IOException("down");
					}
					return "42";
				}), RetrySpec.defaults().withMaxRetries(3).withBaseDelay(Duration.ofMillis(1)))
				.get(10, TimeUnit.SECONDS);
			observation.stop();

			assertThat(price).isEqualTo("42");
			assertThat(eventNames(tracer.onlySpan())).containsExactly("retry after attempt 1 failed",
					"recovered after 2 attempts");
		}
		finally {
			scheduler.shutdownNow();
		}
	}

	private static List<String> eventNames(SimpleSpan span) {
		// The pause before each retry grows with the backoff: leave it out.
		return span.getEvents().stream().map((event) -> event.getValue().replaceAll(", next in \\d+ms$", "")).toList();
	}

	private static SimpleSpan span(SimpleTracer tracer, String name) {
		return tracer.getSpans().stream().filter((span) -> name.equals(span.getName())).findFirst().orElseThrow();
	}

	private static List<String> errorTags(MeterRegistry registry, String nameTag) {
		return registry.find("asynchelpers.call").tag("name", nameTag).timers().stream()
			.map((timer) -> timer.getId().getTag("error"))
			.toList();
	}

	private static long timerCount(MeterRegistry registry, String name, String nameTag) {
		return registry.find(name).tag("name", nameTag).timers().stream().mapToLong(Timer::count).sum();
	}

	private static double counter(MeterRegistry registry, String name, String tag, String value) {
		var counter = registry.find(name).tag(tag, value).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static <T> T target(T proxy) {
		return AopTestUtils.getUltimateTargetObject(proxy);
	}

	/**
	 * Annotated methods that remember the current observation while they run. Public, so
	 * that CGLIB can subclass it from any class loader.
	 */
	public static class Observed {

		private final ObservationRegistry registry;

		final List<Observation> current = new CopyOnWriteArrayList<>();

		private final AtomicInteger attempts = new AtomicInteger();

		public Observed(org.springframework.beans.factory.ObjectProvider<ObservationRegistry> registry) {
			this.registry = registry.getIfAvailable(() -> ObservationRegistry.NOOP);
		}

		private void remember() {
			this.current.add(this.registry.getCurrentObservation());
		}

		@Timed("blocking")
		public String blocking() {
			remember();
			return "ok";
		}

		@Retry(maxRetries = 2, backoff = @Backoff(delay = "1ms"))
		public String alwaysFailing() throws IOException {
			throw new IOException("down");
		}

		@WithTimeout("50ms")
		public String slowBlocking() throws InterruptedException {
			Thread.sleep(5_000);
			return "late";
		}

		@Timed("stage")
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public CompletableFuture<String> stage() {
			remember();
			int attempt = this.attempts.incrementAndGet();
			return (attempt < 3) ? CompletableFuture.failedFuture(new IOException("attempt " + attempt))
					: CompletableFuture.completedFuture("ok after " + attempt);
		}

		@WithTimeout("50ms")
		public CompletableFuture<String> neverCompletes() {
			return new CompletableFuture<>();
		}

		@WithTimeout("10s")
		public CompletableFuture<String> neverCompletesSlowly() {
			return new CompletableFuture<>();
		}

		@Timed("mono")
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public Mono<String> mono() {
			remember();
			int attempt = this.attempts.incrementAndGet();
			return (attempt < 3) ? Mono.error(new IOException("attempt " + attempt)) : Mono.just("ok after " + attempt);
		}

		@Timed("flux")
		public Flux<String> flux() {
			remember();
			return Flux.just("a", "b");
		}

		@Timed("slowFlux")
		@WithTimeout("50ms")
		public Flux<String> slowFlux() {
			return Flux.never();
		}

	}

}
