/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The HTTP checks against the sample app started on a random port.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = SampleApplicationHttpChecks.PROPERTIES)
class SampleApplicationHttpTests extends SampleApplicationHttpChecks {

	@Value("${local.server.port}")
	private int port;

	@Override
	String baseUrl() {
		return "http://localhost:" + this.port;
	}

}
