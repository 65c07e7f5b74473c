/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Time the annotated method, or every public method of the annotated type: log
 * {@code "{name} completed in {s}s"} at DEBUG (like {@code AsyncHelpers.asyncTimer}) and,
 * with Micrometer present, record the {@code asynchelpers.timed} timer tagged with
 * {@code name}, {@code class}, {@code method}, {@code exception} and {@code outcome}.
 * <p>
 * A method returning a {@code CompletionStage} (or {@code Mono}/{@code Flux}) is timed until
 * its result completes, not until it returns. By default {@code @Timed} is the outermost of
 * the three annotations, so it measures what the caller sees, retries included. A cancelled
 * call is recorded as a failure with a {@code CancellationException}.
 * <p>
 * On a private, static or final method, or in a final class, the annotation fails start-up
 * rather than being ignored.
 */
@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface Timed {

	/**
	 * The name of the method in logs and in the {@code name} tag. It is the method's one
	 * name: its {@link Retry @Retry} and {@link WithTimeout @WithTimeout} log and meters use
	 * it too, so that all of a method's meters are found under one {@code name}. Defaults to
	 * the name of its {@code @Retry}, else of its {@code @WithTimeout}, else of its
	 * {@link MaxConcurrency @MaxConcurrency}, else {@code SimpleClassName.method}.
	 * @return the name, or empty for the default
	 */
	String value() default "";

}
