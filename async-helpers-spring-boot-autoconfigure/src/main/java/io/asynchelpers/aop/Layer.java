/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

/**
 * The three behaviours one interceptor applies, named so that their nesting can be
 * configured ({@code asynchelpers.aop.layers}, outermost first). The default order is
 * {@link #TIMED}, {@link #RETRY}, {@link #TIMEOUT}: timing measures what the caller sees,
 * retries included, and the time limit applies to each attempt.
 */
public enum Layer {

	/** {@code @Timed}. */
	TIMED,

	/** {@code @Retry}. */
	RETRY,

	/** {@code @WithTimeout}. */
	TIMEOUT

}
