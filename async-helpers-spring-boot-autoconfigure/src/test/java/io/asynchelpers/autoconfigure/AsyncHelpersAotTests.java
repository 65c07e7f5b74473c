/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.asynchelpers.AsyncTimeoutException;
import io.asynchelpers.ProgressRegistry;
import io.asynchelpers.actuate.AsyncProgressEndpoint;
import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.Retry;
import io.asynchelpers.annotation.Timed;
import io.asynchelpers.annotation.WithTimeout;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.aop.support.AopUtils;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;
import org.springframework.test.util.AopTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The auto-configuration and the annotations processed ahead of time, as
 * {@code spring-boot:process-aot} processes an application: the context is refreshed for AOT
 * processing, its generated code and proxy classes are compiled, and the context that the
 * generated initializer builds is run. The annotated bean must be proxied by the class
 * generated at build time (which a native image needs), and its blocking,
 * {@code CompletableFuture}, {@code Mono} and {@code Flux} methods must be retried and
 * time-limited as on the JVM.
 */
@CompileWithForkedClassLoader
class AsyncHelpersAotTests {

	private static final String[] PROPERTIES = { "management.endpoints.web.exposure.include=asyncprogress",
			"asynchelpers.retry.no-retry-on=java.util.concurrent.TimeoutException",
			"asynchelpers.executor.thread-name-prefix=aot-worker-", "test.retry.delay=5ms" };

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
				AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class,
				AsyncProgressEndpointAutoConfiguration.class))
		.withUserConfiguration(CatalogueConfiguration.class)
		.withPropertyValues(PROPERTIES);

	@Test
	void buildTimeProcessingGeneratesTheProxyOfAnnotatedBeansOnlyAndRegistersTheirHints() {
		processAheadOfTime((generation, context) -> {
			Object catalogue = context.getBean(Catalogue.class);
			assertThat(proxyClassNames(generation.getGeneratedFiles(), Catalogue.class))
				.as("CGLIB proxy classes of %s written at build time", Catalogue.class.getSimpleName())
				.singleElement()
				.isEqualTo(catalogue.getClass().getName());
			assertThat(AopUtils.isCglibProxy(catalogue)).isTrue();
			assertThat(proxyClassNames(generation.getGeneratedFiles(), Plain.class)).isEmpty();
			assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).isFalse();

			RuntimeHints hints = generation.getRuntimeHints();
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(TypeReference.of(catalogue.getClass().getName()))
				.withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).as("the proxy class").accepts(hints);
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(Catalogue.class)
				.withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).as("the methods the proxy calls")
				.accepts(hints);
			assertThat(RuntimeHintsPredicates.reflection().onType(UnknownItemException.class))
				.as("a class named in noRetryOn")
				.accepts(hints);
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(TypeReference.of("java.util.concurrent.TimeoutException")))
				.as("a class named in asynchelpers.retry.no-retry-on")
				.accepts(hints);
			assertThat(RuntimeHintsPredicates.reflection().onType(AsyncHelpersProperties.Retry.class))
				.as("the configuration properties")
				.accepts(hints);
			assertThat(RuntimeHintsPredicates.reflection().onType(AsyncProgressEndpoint.TrackerDescriptor.class))
				.as("the endpoint's answers")
				.accepts(hints);
			assertThat(RuntimeHintsPredicates.reflection().onType(Mono.class))
				.as("the Reactor support, looked up by name")
				.accepts(hints);
		});
	}

	@Test
	void theGeneratedContextRetriesAndTimeLimitsBlockingFutureMonoAndFluxMethodsAndServesTheEndpoint() {
		processAheadOfTime((generation, context) -> {
			Catalogue catalogue = context.getBean(Catalogue.class);
			Catalogue target = AopTestUtils.getUltimateTargetObject(catalogue);

			assertThat(catalogue.blocking()).isEqualTo("blocking after 3");
			assertThat(context.getBean(MeterRegistry.class)
				.get("asynchelpers.timed")
				.tag("name", "catalogue.blocking")
				.timer()
				.count()).as("@Timed").isOne();
			assertThatExceptionOfType(UnknownItemException.class).isThrownBy(catalogue::unknown);
			assertThat(target.unknownAttempts).as("attempts of a failure in noRetryOn").hasValue(1);

			assertThat(catalogue.future()).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("future after 3");
			CompletableFuture<String> late = catalogue.neverCompletes();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> late.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(AsyncTimeoutException.class);

			StepVerifier.create(catalogue.mono()).expectNext("mono after 3").expectComplete().verify(Duration.ofSeconds(10));
			assertThat(target.threads).hasSize(3);
			assertThat(target.threads.subList(1, 3)).as("Mono attempts after a pause")
				.allMatch((name) -> name.startsWith("aot-worker-"));

			StepVerifier.create(catalogue.flux())
				.expectNext("first", "flux after 3")
				.expectComplete()
				.verify(Duration.ofSeconds(10));
			StepVerifier.create(catalogue.endlessFlux())
				.thenConsumeWhile((tick) -> true)
				.expectError(AsyncTimeoutException.class)
				.verify(Duration.ofSeconds(10));

			context.getBean(ProgressRegistry.class).create("aot", 2).update(1);
			assertThat(context.getBean(AsyncProgressEndpoint.class).trackers().trackers()).as("the endpoint")
				.singleElement()
				.satisfies((tracker) -> assertThat(tracker.percentage()).isEqualTo(50.0));
		});
	}

	/**
	 * Process the runner's context ahead of time, compile what was generated, build a fresh
	 * context with the generated initializer (the way an application starts with
	 * {@code -Dspring.aot.enabled=true}) and hand it over, refreshed.
	 */
	private void processAheadOfTime(GeneratedContextAssertions assertions) {
		this.contextRunner.prepare((prepared) -> {
			GenericApplicationContext source = prepared.getSourceApplicationContext(GenericApplicationContext.class);
			TestGenerationContext generation = new TestGenerationContext();
			ClassName initializerName = new ApplicationContextAotGenerator().processAheadOfTime(source, generation);
			generation.writeGeneratedContent();
			TestCompiler.forSystem().with(generation).compile((compiled) -> {
				GenericApplicationContext context = new GenericApplicationContext();
				TestPropertyValues.of(PROPERTIES).applyTo(context);
				@SuppressWarnings("unchecked")
				ApplicationContextInitializer<GenericApplicationContext> initializer = compiled
					.getInstance(ApplicationContextInitializer.class, initializerName.toString());
				initializer.initialize(context);
				context.refresh();
				try {
					assertions.accept(generation, context);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
				finally {
					context.close();
				}
			});
		});
	}

	private static List<String> proxyClassNames(InMemoryGeneratedFiles files, Class<?> type) {
		String prefix = type.getName().replace('.', '/') + "$$SpringCGLIB$$";
		return files.getGeneratedFiles(Kind.CLASS)
			.keySet()
			.stream()
			.filter((path) -> path.startsWith(prefix))
			.map((path) -> path.substring(0, path.length() - ".class".length()).replace('/', '.'))
			.toList();
	}

	@FunctionalInterface
	private interface GeneratedContextAssertions {

		void accept(TestGenerationContext generation, GenericApplicationContext context) throws Exception;

	}

	@Configuration(proxyBeanMethods = false)
	public static class CatalogueConfiguration {

		@Bean
		public Catalogue catalogue() {
			return new Catalogue();
		}

		@Bean
		public Plain plain() {
			return new Plain();
		}

		@Bean
		public SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	/** A flaky remote catalogue: each method fails twice, then answers. */
	public static class Catalogue {

		final AtomicInteger unknownAttempts = new AtomicInteger();

		final List<String> threads = new CopyOnWriteArrayList<>();

		private final AtomicInteger blockingAttempts = new AtomicInteger();

		private final AtomicInteger futureAttempts = new AtomicInteger();

		private final AtomicInteger monoAttempts = new AtomicInteger();

		private final AtomicInteger fluxAttempts = new AtomicInteger();

		@Timed("catalogue.blocking")
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "${test.retry.delay}"), noRetryOn = UnknownItemException.class)
		public String blocking() throws IOException {
			return attempt("blocking", this.blockingAttempts);
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "${test.retry.delay}"), noRetryOn = UnknownItemException.class)
		public String unknown() {
			this.unknownAttempts.incrementAndGet();
			throw new UnknownItemException("no such item");
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "${test.retry.delay}"))
		@WithTimeout("5s")
		public CompletableFuture<String> future() {
			try {
				return CompletableFuture.completedFuture(attempt("future", this.futureAttempts));
			}
			catch (IOException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}

		@WithTimeout("100ms")
		public CompletableFuture<String> neverCompletes() {
			return new CompletableFuture<>();
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "${test.retry.delay}"))
		public Mono<String> mono() {
			return Mono.fromCallable(() -> {
				this.threads.add(Thread.currentThread().getName());
				return attempt("mono", this.monoAttempts);
			});
		}

		@Retry(maxRetries = 3, backoff = @Backoff(delay = "${test.retry.delay}"))
		@WithTimeout("5s")
		public Flux<String> flux() {
			return Flux.defer(() -> {
				try {
					return Flux.just("first", attempt("flux", this.fluxAttempts));
				}
				catch (IOException ex) {
					return Flux.error(ex);
				}
			});
		}

		@WithTimeout("150ms")
		public Flux<Long> endlessFlux() {
			return Flux.interval(Duration.ofMillis(20));
		}

		private static String attempt(String method, AtomicInteger attempts) throws IOException {
			int attempt = attempts.incrementAndGet();
			if (attempt < 3) {
				throw new IOException(method + " attempt " + attempt);
			}
			return method + " after " + attempt;
		}

	}

	/** A bean without the annotations: never proxied. */
	public static class Plain {

		public String name() {
			return "plain";
		}

	}

	/** A failure that is never retried. */
	public static class UnknownItemException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		public UnknownItemException(String message) {
			super(message);
		}

	}

}
