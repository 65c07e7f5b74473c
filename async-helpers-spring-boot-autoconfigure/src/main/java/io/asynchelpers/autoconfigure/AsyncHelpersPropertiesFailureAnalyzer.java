/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidAsyncHelpersPropertyException}: which property, which value,
 * what it must be, and how to fix it.
 */
class AsyncHelpersPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<InvalidAsyncHelpersPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidAsyncHelpersPropertyException cause) {
		String description = "Invalid value '" + cause.getValue() + "' for configuration property '"
				+ cause.getProperty() + "': it " + cause.getReason() + ".";
		String action = "Update '" + cause.getProperty() + "' in your application configuration so that it "
				+ cause.getReason() + ", or remove it to use the default.";
		return new FailureAnalysis(description, action, cause);
	}

}
