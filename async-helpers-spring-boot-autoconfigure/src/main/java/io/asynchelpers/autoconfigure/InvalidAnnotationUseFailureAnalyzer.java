/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import io.asynchelpers.aop.InvalidAnnotationUseException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidAnnotationUseException}: which bean and method, which
 * annotation or attribute, what is wrong with it, and what to change.
 */
class InvalidAnnotationUseFailureAnalyzer extends AbstractFailureAnalyzer<InvalidAnnotationUseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidAnnotationUseException cause) {
		String bean = (cause.getBeanName() != null) ? "Bean '" + cause.getBeanName() + "': " : "";
		return new FailureAnalysis(bean + cause.getDescription() + ".", cause.getAction() + ".", cause);
	}

}
