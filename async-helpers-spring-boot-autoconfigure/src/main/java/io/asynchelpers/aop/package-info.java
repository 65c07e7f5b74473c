/**
 * The Spring AOP side of the annotations: one {@link io.asynchelpers.aop.AsyncHelpersAdvisor}
 * and {@link io.asynchelpers.aop.AsyncHelpersInterceptor} for all three, the per-method
 * {@link io.asynchelpers.aop.MethodSpec} they resolve once, and optional Micrometer and
 * Reactor support.
 */
@NullMarked
package io.asynchelpers.aop;

import org.jspecify.annotations.NullMarked;
