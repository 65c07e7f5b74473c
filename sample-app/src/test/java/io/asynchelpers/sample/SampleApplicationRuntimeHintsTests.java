/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A native image of the sample app keeps the progress page: every file under
 * {@code static/} is covered by {@link SampleApplicationRuntimeHints}.
 */
class SampleApplicationRuntimeHintsTests {

	@Test
	void everyFileThePageIsMadeOfIsARegisteredResource() throws IOException {
		RuntimeHints hints = new RuntimeHints();

		new SampleApplicationRuntimeHints().registerHints(hints, getClass().getClassLoader());

		List<String> files = Arrays
			.stream(new PathMatchingResourcePatternResolver().getResources("classpath:static/**/*.*"))
			.map(SampleApplicationRuntimeHintsTests::pathUnderStatic)
			.toList();
		assertThat(files).contains("static/index.html")
			.allSatisfy((file) -> assertThat(RuntimeHintsPredicates.resource().forResource(file)).as(file).accepts(hints));
	}

	private static String pathUnderStatic(Resource resource) {
		try {
			String url = resource.getURL().toString();
			return url.substring(url.lastIndexOf("static/"));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
