/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The HTTP checks against a sample app that runs elsewhere, at the address in the
 * {@code sample.base-url} system property: {@code .ci/aot-check.sh} points them at the
 * ahead-of-time processed jar running with {@code -Dspring.aot.enabled=true}. Skipped
 * without that property. The app must run with {@link SampleApplicationHttpChecks#PROPERTIES}.
 */
@EnabledIfSystemProperty(named = ExternalApplicationHttpTests.BASE_URL, matches = "https?://.+",
		disabledReason = "runs against an app started elsewhere: set -Dsample.base-url=http://localhost:PORT")
class ExternalApplicationHttpTests extends SampleApplicationHttpChecks {

	/** The system property that holds the running app's address. */
	static final String BASE_URL = "sample.base-url";

	@Override
	String baseUrl() {
		return System.getProperty(BASE_URL);
	}

}
