/**
 * Actuator and Micrometer support for progress tracking: the {@code asyncprogress} endpoint
 * and the progress gauges.
 */
@NullMarked
package io.asynchelpers.actuate;

import org.jspecify.annotations.NullMarked;
