/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at start-up when an {@code asynchelpers.*} property has a value the helpers cannot
 * work with. {@link AsyncHelpersPropertiesFailureAnalyzer} turns it into a description and
 * an action.
 */
public class InvalidAsyncHelpersPropertyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final @Nullable Object value;

	private final String reason;

	/**
	 * Create a new instance.
	 * @param property the full property name
	 * @param value the offending value
	 * @param reason what the value must be
	 */
	public InvalidAsyncHelpersPropertyException(String property, @Nullable Object value, String reason) {
		super("Property " + property + " " + reason + ", was " + value);
		this.property = property;
		this.value = value;
		this.reason = reason;
	}

	/**
	 * Return the full property name.
	 * @return the property
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return the offending value.
	 * @return the value
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * Return what the value must be.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
