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
 * Limit how long the annotated method, or every public method of the annotated type, may
 * take. When the time is up the caller gets an {@code io.asynchelpers.AsyncTimeoutException}
 * carrying {@link #message()} and the call itself is cancelled.
 * <p>
 * A method returning a plain value runs on the caller's own thread, so thread-bound context
 * (transaction, security context, MDC, request scope) stays valid inside it and no thread
 * hop is paid; when the time is up the scheduler interrupts that thread and the caller gets
 * the timeout as soon as the call reacts. An interrupt from the timer never outlives the
 * call. For code that ignores interrupts, {@link #isolate()} runs the call on the helpers'
 * executor instead, so the caller gets its answer on time while the abandoned call is
 * interrupted. A method returning a {@code CompletionStage} (or {@code Mono}/{@code Flux})
 * gets a stage that fails on time, and the method's own stage is cancelled.
 * <p>
 * With {@link Retry}, the limit applies to each attempt (by default).
 * <p>
 * On a private, static or final method, or in a final class, the annotation fails start-up
 * rather than being ignored; so does a value that is not a duration.
 */
@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface WithTimeout {

	/**
	 * The time limit, for instance {@code "2s"} or {@code "${catalogue.timeout}"}. Empty
	 * means {@code asynchelpers.timeout.default}.
	 * @return the time limit
	 */
	String value() default "";

	/**
	 * The message of the timeout failure. Empty means
	 * {@code "Operation timed out after {timeout}"}.
	 * @return the message
	 */
	String message() default "";

	/**
	 * Run a blocking method on the helpers' executor instead of the caller's thread, for
	 * code that does not react to interrupts. {@code false} leaves the choice to
	 * {@code asynchelpers.timeout.isolate}. Ignored for methods returning a stage.
	 * @return whether to isolate the call
	 */
	boolean isolate() default false;

	/**
	 * The name used in the {@code name} tag of metrics. A method has one name for all its
	 * meters: the value of its {@link Timed @Timed} if it has one, else the name of its
	 * {@link Retry @Retry}, else this name, else the name of its
	 * {@link MaxConcurrency @MaxConcurrency}, else {@code SimpleClassName.method}.
	 * @return the name, or empty for the default
	 */
	String name() default "";

}
