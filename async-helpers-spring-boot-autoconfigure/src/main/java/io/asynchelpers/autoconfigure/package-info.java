/**
 * Spring Boot auto-configuration of the async helpers, their annotations and their
 * properties ({@code asynchelpers.*}).
 */
@NullMarked
package io.asynchelpers.autoconfigure;

import org.jspecify.annotations.NullMarked;
