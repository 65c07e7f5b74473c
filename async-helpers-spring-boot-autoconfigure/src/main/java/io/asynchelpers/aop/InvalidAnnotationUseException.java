/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when {@code @Retry}, {@code @Timed} or {@code @WithTimeout} is used where it
 * cannot work: on a method no proxy can intercept (private, static, final, or of a final
 * class), with an attribute that cannot be resolved (a delay of {@code "soon"}), or on a
 * method whose return type cannot be retried, timed or limited. Raised at start-up by
 * {@link ProxyabilityVerifier}, so that an annotation never silently does nothing; the
 * auto-configuration's failure analyzer turns it into Boot's "APPLICATION FAILED TO START"
 * report with the {@linkplain #getDescription() description} and the
 * {@linkplain #getAction() action}.
 */
public final class InvalidAnnotationUseException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String beanName;

	private final String method;

	private final String annotation;

	private final String description;

	private final String action;

	/**
	 * Create a new instance.
	 * @param method the method, as {@code com.example.PricingClient.price()}
	 * @param annotation the annotation or attribute in question, as {@code @Retry} or
	 * {@code @Backoff.delay}
	 * @param description what is wrong, naming the method and the annotation
	 * @param action what to change
	 */
	public InvalidAnnotationUseException(String method, String annotation, String description, String action) {
		this(null, method, annotation, description, action);
	}

	private InvalidAnnotationUseException(@Nullable String beanName, String method, String annotation,
			String description, String action) {
		super(((beanName != null) ? "Bean '" + beanName + "': " : "") + description + ". " + action + ".");
		this.beanName = beanName;
		this.method = method;
		this.annotation = annotation;
		this.description = description;
		this.action = action;
	}

	/**
	 * Return a copy that names the bean the method belongs to.
	 * @param beanName the name of the bean
	 * @return the copy
	 */
	public InvalidAnnotationUseException forBean(String beanName) {
		InvalidAnnotationUseException copy = new InvalidAnnotationUseException(beanName, this.method,
				this.annotation, this.description, this.action);
		copy.setStackTrace(getStackTrace());
		return copy;
	}

	/**
	 * Return the name of the bean, if known.
	 * @return the bean name, or {@code null}
	 */
	public @Nullable String getBeanName() {
		return this.beanName;
	}

	/**
	 * Return the method, as {@code com.example.PricingClient.price()}.
	 * @return the method
	 */
	public String getMethod() {
		return this.method;
	}

	/**
	 * Return the annotation or attribute in question, as {@code @Retry} or
	 * {@code @Backoff.delay}.
	 * @return the annotation
	 */
	public String getAnnotation() {
		return this.annotation;
	}

	/**
	 * Return what is wrong, naming the method and the annotation.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	/**
	 * Return what to change.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
