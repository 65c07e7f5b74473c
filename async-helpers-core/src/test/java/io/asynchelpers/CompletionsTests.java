/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Completions}.
 */
class CompletionsTests {

	@Test
	void actionSeesTheFailureItselfWhetherTheStageFailsBeforeOrAfter() {
		IllegalStateException failure = new IllegalStateException("boom");
		List<Object> seen = new ArrayList<>();
		CompletableFuture<String> later = new CompletableFuture<>();

		Completions.whenDone(CompletableFuture.failedFuture(failure), (value, ex) -> seen.add(ex));
		Completions.whenDone(later, (value, ex) -> seen.add(ex));
		assertThat(seen).hasSize(1);
		later.completeExceptionally(failure);

		assertThat(seen).containsExactly(failure, failure);
	}

	@Test
	void actionSeesTheValueAndNoFailure() {
		List<Object> seen = new ArrayList<>();

		Completions.whenDone(CompletableFuture.completedFuture("value"), (value, ex) -> {
			seen.add(value);
			seen.add(String.valueOf(ex));
		});

		assertThat(seen).containsExactly("value", "null");
	}

}
