/**
 * The async toolbox: {@link io.asynchelpers.AsyncHelpers} (bounded gather, map, filter,
 * batches, retry with backoff, timeouts, timing) and {@link io.asynchelpers.AsyncProgress}
 * with its {@link io.asynchelpers.ProgressRegistry}. Depends on the JDK and SLF4J only, so it
 * can be used without Spring: {@code new AsyncHelpers(executor, scheduler)}.
 */
@NullMarked
package io.asynchelpers;

import org.jspecify.annotations.NullMarked;
