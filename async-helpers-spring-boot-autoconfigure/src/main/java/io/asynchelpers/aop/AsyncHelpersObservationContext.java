/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import io.micrometer.observation.Observation;

/**
 * The context of the observation of one annotated call ({@code asynchelpers.call}): the
 * method's spec, and (once the call has failed) its error.
 */
public final class AsyncHelpersObservationContext extends Observation.Context {

	private final MethodSpec spec;

	private volatile boolean ended;

	/**
	 * Create the context of one call.
	 * @param spec the method's spec
	 */
	public AsyncHelpersObservationContext(MethodSpec spec) {
		this.spec = spec;
	}

	/**
	 * Return the spec of the observed method.
	 * @return the spec
	 */
	public MethodSpec getSpec() {
		return this.spec;
	}

	/**
	 * Return whether the call has ended (set just before the observation stops), so that a
	 * convention can tell a call still running from one that succeeded.
	 * @return whether the call has ended
	 */
	public boolean isEnded() {
		return this.ended;
	}

	void end() {
		this.ended = true;
	}

}
