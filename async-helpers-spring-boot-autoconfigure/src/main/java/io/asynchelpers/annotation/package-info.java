/**
 * Annotations that apply the async helpers to Spring bean methods: {@link Retry},
 * {@link Timed} and {@link WithTimeout}. They depend on nothing but the JDK; the
 * interceptors that act on them live in {@code io.asynchelpers.aop}.
 */
package io.asynchelpers.annotation;
