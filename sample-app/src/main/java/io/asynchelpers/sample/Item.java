/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

/**
 * An item to enrich.
 *
 * @param jobId the job it belongs to
 * @param id its number within the job
 */
public record Item(long jobId, int id) {
}
