/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ImportRuntimeHints;

/**
 * A small service that uses the async helpers only through the starter, its properties and
 * its annotations, as a user would. It also builds processed ahead of time ({@code -Paot})
 * and as a native image ({@code -Pnative}).
 */
@SpringBootApplication
@EnableConfigurationProperties(CatalogueProperties.class)
@ImportRuntimeHints(SampleApplicationRuntimeHints.class)
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
