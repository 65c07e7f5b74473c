/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.util.HashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code asyncevents} endpoint's settings, named as Boot names those of its own endpoints
 * that may show sensitive values ({@code env}, {@code configprops}).
 */
@ConfigurationProperties("management.endpoint.asyncevents")
public class AsyncEventsEndpointProperties {

	/**
	 * When to show exception messages, which can carry customer data: never, when-authorized
	 * or always. The exception type is always shown.
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles that may see exception messages when show-values is when-authorized. When empty,
	 * any authenticated user may.
	 */
	private Set<String> roles = new HashSet<>();

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

	public void setRoles(Set<String> roles) {
		this.roles = roles;
	}

}
