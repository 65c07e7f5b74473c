/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The progress page of a sample app that runs elsewhere, at the address in the
 * {@code sample.base-url} system property ({@code .ci/aot-check.sh} points it at the
 * ahead-of-time processed jar). Skipped without that property, and without Chromium.
 */
@EnabledIfSystemProperty(named = ExternalApplicationHttpTests.BASE_URL, matches = "https?://.+",
		disabledReason = "runs against an app started elsewhere: set -Dsample.base-url=http://localhost:PORT")
class ExternalApplicationProgressPageTests extends ProgressPageChecks {

	@Override
	String baseUrl() {
		return System.getProperty(ExternalApplicationHttpTests.BASE_URL);
	}

}
