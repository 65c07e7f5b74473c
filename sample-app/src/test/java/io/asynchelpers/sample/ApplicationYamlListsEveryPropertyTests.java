/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README says the sample app's {@code application.yml} lists every {@code asynchelpers.*}
 * property: hold it to that against the starter's configuration metadata, so that a property
 * added later cannot be left out. A key commented out ({@code # replica-id:}, for a property
 * without a default) counts as listed.
 */
class ApplicationYamlListsEveryPropertyTests {

	private static final Pattern KEY = Pattern.compile("^( *)(?:# *)?([a-z][a-z0-9-]*):(?: |$)");

	@Test
	void everyAsyncHelpersPropertyOfTheMetadataIsInTheSampleApplicationYaml() throws IOException {
		Set<String> documented = metadataProperties();
		Set<String> listed = yamlKeys(Path.of("src/main/resources/application.yml"));

		assertThat(documented).as("asynchelpers.* properties in the starter's metadata").hasSizeGreaterThan(40);
		assertThat(listed).containsAll(documented);
	}

	private static Set<String> metadataProperties() throws IOException {
		Set<String> names = new TreeSet<>();
		for (URL url : Collections.list(ApplicationYamlListsEveryPropertyTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				List<String> all = JsonPath.read(new String(in.readAllBytes(), StandardCharsets.UTF_8),
						"$.properties[*].name");
				all.stream().filter((name) -> name.startsWith("asynchelpers.")).forEach(names::add);
			}
		}
		return names;
	}

	/**
	 * The dotted keys of a YAML file written as nested blocks, one key per line.
	 */
	private static Set<String> yamlKeys(Path yaml) throws IOException {
		Set<String> keys = new TreeSet<>();
		Deque<int[]> indents = new ArrayDeque<>();
		Deque<String> path = new ArrayDeque<>();
		for (String line : Files.readAllLines(yaml)) {
			Matcher matcher = KEY.matcher(line);
			if (!matcher.find()) {
				continue;
			}
			int indent = matcher.group(1).length();
			while (!indents.isEmpty() && indents.peek()[0] >= indent) {
				indents.pop();
				path.pop();
			}
			indents.push(new int[] { indent });
			path.push(matcher.group(2));
			List<String> parts = new java.util.ArrayList<>(path);
			Collections.reverse(parts);
			keys.add(String.join(".", parts));
		}
		return keys;
	}

}
