/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.ContextPropagator;
import io.micrometer.context.ThreadLocalAccessor;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which {@link ContextPropagator} the helpers get, and what each one carries from the
 * caller's thread to the thread that runs a piece of work, and what it leaves behind there.
 */
class ContextPropagationAutoConfigurationTests {

	private static final ThreadLocal<String> TENANT = new ThreadLocal<>();

	private static final ExecutorService otherThread = Executors.newSingleThreadExecutor();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncHelpersAutoConfiguration.class));

	@AfterEach
	void cleanCallerThread() {
		MDC.clear();
		TENANT.remove();
	}

	@AfterAll
	static void stopOtherThread() {
		otherThread.shutdownNow();
	}

	@Test
	void withContextPropagationTheHelpersCarryTheMdcAndTheCurrentObservation() throws Exception {
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler((context) -> true);
		this.contextRunner.run((context) -> {
			ContextPropagator propagator = context.getBean(AsyncHelpers.class).contextPropagator();
			Observation observation = Observation.start("request", observations);
			Observation.Scope scope = observation.openScope();
			MDC.put("requestId", "r-42");
			ContextPropagator.Captured captured = propagator.capture();
			MDC.clear();
			scope.close();

			Map<String, Object> seen = onOtherThread(captured,
					() -> Map.of("requestId", String.valueOf(MDC.get("requestId")), "observation",
							String.valueOf(observations.getCurrentObservation())));

			assertThat(seen).containsEntry("requestId", "r-42")
				.containsEntry("observation", String.valueOf(observation));
			observation.stop();
		});
	}

	@Test
	void withContextPropagationAThreadLocalAccessorBeanIsCarriedToo() throws Exception {
		this.contextRunner.withUserConfiguration(TenantAccessorConfiguration.class).run((context) -> {
			ContextPropagator propagator = context.getBean(AsyncHelpers.class).contextPropagator();
			TENANT.set("acme");
			ContextPropagator.Captured captured = propagator.capture();
			TENANT.remove();

			Map<String, Object> seen = onOtherThread(captured, () -> Map.of("tenant", String.valueOf(TENANT.get())));

			assertThat(seen).containsEntry("tenant", "acme");
		});
	}

	@Test
	void withContextPropagationTheWorkingThreadGetsItsOwnContextBackAndSeesNoneOfItDuringTheWork()
			throws Exception {
		this.contextRunner.withUserConfiguration(TenantAccessorConfiguration.class).run((context) -> {
			ContextPropagator propagator = context.getBean(AsyncHelpers.class).contextPropagator();
			MDC.put("requestId", "r-1");
			ContextPropagator.Captured captured = propagator.capture();
			MDC.clear();
			AtomicReference<Map<String, String>> during = new AtomicReference<>();
			AtomicReference<String> tenantDuring = new AtomicReference<>();

			Map<String, Object> after = otherThread.submit(() -> {
				MDC.put("worker", "own");
				TENANT.set("worker's tenant");
				captured.run(() -> {
					during.set(MDC.getCopyOfContextMap());
					tenantDuring.set(TENANT.get());
				});
				Map<String, Object> own = Map.of("mdc", String.valueOf(MDC.getCopyOfContextMap()), "tenant",
						String.valueOf(TENANT.get()));
				MDC.clear();
				TENANT.remove();
				return own;
			}).get(10, TimeUnit.SECONDS);

			assertThat(during.get()).containsExactly(Map.entry("requestId", "r-1"));
			assertThat(tenantDuring.get()).as("missing from the capture: cleared during the work").isNull();
			assertThat(after).containsEntry("mdc", "{worker=own}").containsEntry("tenant", "worker's tenant");
		});
	}

	@Test
	void anAccessorThatWritesIntoTheMdcAsTracersDoLeavesNothingInTheWorkingThreadsMdc() throws Exception {
		this.contextRunner.withUserConfiguration(TraceAccessorConfiguration.class).run((context) -> {
			ContextPropagator propagator = context.getBean(AsyncHelpers.class).contextPropagator();
			TENANT.set("trace-1");
			MDC.put("traceId", "trace-1");
			MDC.put("requestId", "r-1");
			ContextPropagator.Captured captured = propagator.capture();
			MDC.clear();
			TENANT.remove();

			Map<String, Object> seen = otherThread.submit(() -> {
				AtomicReference<Map<String, String>> during = new AtomicReference<>();
				captured.run(() -> during.set(MDC.getCopyOfContextMap()));
				return Map.<String, Object>of("during", during.get(), "after", String.valueOf(MDC.getCopyOfContextMap()));
			}).get(10, TimeUnit.SECONDS);

			assertThat(seen.get("during")).isEqualTo(Map.of("traceId", "trace-1", "requestId", "r-1"));
			assertThat(seen.get("after")).isIn("null", "{}");
		});
	}

	@Test
	void withoutContextPropagationASingleTaskDecoratorIsAppliedOnTheCallersThreadOncePerCapture()
			throws Exception {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.context"))
			.withUserConfiguration(TenantDecoratorConfiguration.class)
			.run((context) -> {
				ContextPropagator propagator = context.getBean(AsyncHelpers.class).contextPropagator();
				TenantDecorator decorator = context.getBean(TenantDecorator.class);
				TENANT.set("acme");
				ContextPropagator.Captured captured = propagator.capture();
				TENANT.remove();
				List<String> seen = new CopyOnWriteArrayList<>();

				for (int i = 0; i < 3; i++) {
					int piece = i;
					onOtherThread(captured, () -> {
						seen.add(piece + ":" + TENANT.get());
						return Map.of();
					});
				}

				assertThat(seen).containsExactly("0:acme", "1:acme", "2:acme");
				assertThat(decorator.decorations).as("decorated once, at capture").hasValue(1);
				assertThat(decorator.decoratingThreads).containsExactly(Thread.currentThread().getName());
				assertThat(otherThread.submit(TENANT::get).get(10, TimeUnit.SECONDS)).isNull();
			});
	}

	@Test
	void theTaskDecoratorPropagatorRunsEachThreadsOwnWorkWhenOneCaptureRunsOnSeveralThreadsAtOnce()
			throws Exception {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.context"))
			.withUserConfiguration(TenantDecoratorConfiguration.class)
			.run((context) -> {
				ContextPropagator.Captured captured = context.getBean(AsyncHelpers.class).contextPropagator().capture();
				ExecutorService two = Executors.newFixedThreadPool(2);
				try {
					CountDownLatch bothInside = new CountDownLatch(2);
					List<CompletableFuture<String>> results = new ArrayList<>();
					for (String name : List.of("first", "second")) {
						CompletableFuture<String> result = new CompletableFuture<>();
						two.execute(() -> captured.run(() -> {
							bothInside.countDown();
							try {
								bothInside.await(10, TimeUnit.SECONDS);
							}
							catch (InterruptedException ex) {
								Thread.currentThread().interrupt();
							}
							result.complete(name);
						}));
						results.add(result);
					}

					assertThat(results.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("first");
					assertThat(results.get(1).get(10, TimeUnit.SECONDS)).isEqualTo("second");
				}
				finally {
					two.shutdownNow();
				}
			});
	}

	@Test
	void withContextPropagationTheTaskDecoratorIsNotTheHelpersPropagator() {
		this.contextRunner.withUserConfiguration(TenantDecoratorConfiguration.class).run((context) -> {
			ContextPropagator propagator = context.getBean(AsyncHelpers.class).contextPropagator();
			propagator.capture();

			assertThat(context.getBean(TenantDecorator.class).decorations).hasValue(0);
			assertThat(propagator).isSameAs(context.getBean(ContextPropagator.class));
		});
	}

	@Test
	void withNeitherTheHelpersCarryTheMdc() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.context"))
			.run((context) -> assertThat(context.getBean(AsyncHelpers.class).contextPropagator())
				.isSameAs(ContextPropagator.mdc()));
	}

	@Test
	void aContextPropagatorBeanOfTheApplicationIsTheOneTheHelpersUse() {
		this.contextRunner.withUserConfiguration(UserPropagatorConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ContextPropagator.class);
			assertThat(context.getBean(AsyncHelpers.class).contextPropagator())
				.isSameAs(context.getBean("myPropagator"));
		});
	}

	private static Map<String, Object> onOtherThread(ContextPropagator.Captured captured,
			java.util.concurrent.Callable<Map<String, Object>> work) throws Exception {
		return otherThread.submit(() -> {
			AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
			captured.run(() -> {
				try {
					seen.set(work.call());
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			return seen.get();
		}).get(10, TimeUnit.SECONDS);
	}

	@Configuration(proxyBeanMethods = false)
	static class TenantAccessorConfiguration {

		@Bean
		ThreadLocalAccessor<String> tenantAccessor() {
			return new ThreadLocalAccessor<>() {

				@Override
				public Object key() {
					return "tenant";
				}

				@Override
				public String getValue() {
					return TENANT.get();
				}

				@Override
				public void setValue(String value) {
					TENANT.set(value);
				}

				@Override
				public void setValue() {
					TENANT.remove();
				}

			};
		}

	}

	/**
	 * Like a tracer's scope: setting the value also writes it into the MDC, and restoring
	 * puts back the MDC entry that was there before.
	 */
	@Configuration(proxyBeanMethods = false)
	static class TraceAccessorConfiguration {

		@Bean
		ThreadLocalAccessor<String> traceAccessor() {
			ThreadLocal<String> previousMdcEntry = new ThreadLocal<>();
			return new ThreadLocalAccessor<>() {

				@Override
				public Object key() {
					return "trace";
				}

				@Override
				public String getValue() {
					return TENANT.get();
				}

				@Override
				public void setValue(String value) {
					previousMdcEntry.set(MDC.get("traceId"));
					TENANT.set(value);
					MDC.put("traceId", value);
				}

				@Override
				public void setValue() {
					TENANT.remove();
				}

				@Override
				public void restore() {
					TENANT.remove();
					putBack();
				}

				@Override
				public void restore(String previousValue) {
					TENANT.set(previousValue);
					putBack();
				}

				private void putBack() {
					String previous = previousMdcEntry.get();
					if (previous != null) {
						MDC.put("traceId", previous);
					}
					else {
						MDC.remove("traceId");
					}
				}

			};
		}

	}

	/** Copies the tenant from the decorating thread to the running one; counts its uses. */
	static final class TenantDecorator implements TaskDecorator {

		final AtomicInteger decorations = new AtomicInteger();

		final List<String> decoratingThreads = new CopyOnWriteArrayList<>();

		@Override
		public Runnable decorate(Runnable runnable) {
			this.decorations.incrementAndGet();
			this.decoratingThreads.add(Thread.currentThread().getName());
			String tenant = TENANT.get();
			return () -> {
				String previous = TENANT.get();
				TENANT.set(tenant);
				try {
					runnable.run();
				}
				finally {
					TENANT.set(previous);
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TenantDecoratorConfiguration {

		@Bean
		TenantDecorator tenantDecorator() {
			return new TenantDecorator();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPropagatorConfiguration {

		@Bean
		ContextPropagator myPropagator() {
			return ContextPropagator.none();
		}

	}

}
