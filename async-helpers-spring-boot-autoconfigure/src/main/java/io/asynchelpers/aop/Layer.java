/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.util.ArrayList;
import java.util.List;

/**
 * The behaviours one interceptor applies, named so that their nesting can be configured
 * ({@code asynchelpers.aop.layers}, outermost first). The default order is {@link #TIMED},
 * {@link #RETRY}, {@link #MAX_CONCURRENCY}, {@link #TIMEOUT}: timing measures what the caller
 * sees, retries included, each attempt takes a slot of the concurrency limit (so a retry
 * pausing holds none), and the time limit applies to each attempt once it has its slot.
 */
public enum Layer {

	/** {@code @Timed}. */
	TIMED,

	/** {@code @Retry}. */
	RETRY,

	/** {@code @WithTimeout}. */
	TIMEOUT,

	/** {@code @MaxConcurrency}. */
	MAX_CONCURRENCY;

	/**
	 * Complete a configured nesting: a list that leaves {@link #MAX_CONCURRENCY} out (one
	 * written before it existed) gets it right inside {@link #RETRY}, its default place, or
	 * at the end without a {@code RETRY}.
	 * @param layers the configured layers, outermost first
	 * @return the layers with {@code MAX_CONCURRENCY}, as a new list
	 */
	public static List<Layer> withDefaults(List<Layer> layers) {
		List<Layer> complete = new ArrayList<>(layers);
		if (!complete.contains(MAX_CONCURRENCY)) {
			int retry = complete.indexOf(RETRY);
			complete.add((retry >= 0) ? retry + 1 : complete.size(), MAX_CONCURRENCY);
		}
		return complete;
	}

}
