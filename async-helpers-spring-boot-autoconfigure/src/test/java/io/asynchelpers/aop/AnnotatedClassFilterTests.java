/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import io.asynchelpers.annotation.Timed;
import io.asynchelpers.annotation.WithTimeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.aop.support.AopUtils;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MethodSpecResolver#mayBeAnnotated(Class)}, the quick look that lets the
 * advisor and the verifier pass over classes without a search of each method: it may only
 * say "no" where no method of the class is {@link MethodSpecResolver#isAnnotated annotated}.
 */
class AnnotatedClassFilterTests {

	@ParameterizedTest
	@ValueSource(classes = { TestServices.MetaAnnotated.class, TestServices.ClassLevelWithHelpers.class,
			TestServices.FailingSource.class, TestServices.PendingSource.class, InheritsFromInterface.class,
			InheritsClassLevel.class, PrivateAnnotated.class })
	void classesWithAnAnnotationAnywhereInTheirHierarchyAreLookedAt(Class<?> type) {
		assertThat(MethodSpecResolver.mayBeAnnotated(type)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(classes = { Plain.class, String.class, RestClient.Builder.class, AnnotatedClassFilterTests.class })
	void classesWithoutAnyArePassedOver(Class<?> type) {
		assertThat(MethodSpecResolver.mayBeAnnotated(type)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(classes = { TestServices.MetaAnnotated.class, TestServices.ClassLevelWithHelpers.class,
			TestServices.FailingSource.class, TestServices.PendingSource.class, InheritsFromInterface.class,
			InheritsClassLevel.class, Plain.class, PrivateAnnotated.class })
	void theFilterNeverPassesOverAClassWithAnAnnotatedMethod(Class<?> type) {
		boolean anyAnnotated = Arrays.stream(type.getMethods())
			.map((method) -> AopUtils.getMostSpecificMethod(method, type))
			.anyMatch((Method method) -> MethodSpecResolver.isAnnotated(method, type));

		assertThat(!anyAnnotated || MethodSpecResolver.mayBeAnnotated(type)).isTrue();
	}

	public interface Annotated {

		@WithTimeout("1s")
		CompletableFuture<String> fetch();

	}

	public static class InheritsFromInterface implements Annotated {

		@Override
		public CompletableFuture<String> fetch() {
			return CompletableFuture.completedFuture("ok");
		}

	}

	@Timed
	public static class ClassLevel {

	}

	public static class InheritsClassLevel extends ClassLevel {

		public String call() {
			return "ok";
		}

	}

	public static class PrivateAnnotated {

		@Timed
		private String call() {
			return "ok";
		}

	}

	public static class Plain {

		@Deprecated
		public String call() {
			return "ok";
		}

	}

}
