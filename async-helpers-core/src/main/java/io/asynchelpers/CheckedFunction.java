/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

/**
 * A function that may throw a checked exception: the per-item shape of blocking work, as
 * {@link java.util.concurrent.Callable} is the shape of a single blocking task.
 *
 * @param <T> the type of the item
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface CheckedFunction<T, R> {

	/**
	 * Apply this function.
	 * @param item the item
	 * @return the result
	 * @throws Exception if the work fails
	 */
	R apply(T item) throws Exception;

}
