/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when virtual threads are (or, with {@code false}, are not) in use, by Boot's rule:
 * {@code spring.threads.virtual.enabled=true} on Java 21 or later.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnThreadingCondition.class)
@interface ConditionalOnVirtualThreads {

	/**
	 * Whether virtual threads must be in use for the condition to match.
	 * @return {@code true} to match virtual threads, {@code false} for platform threads
	 */
	boolean value() default true;

}
