/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Whole-run measurements repeated: {@link #WARM_UP} rounds run and discarded (the first
 * rounds of every variant run 10 to 50 % slower while the JIT compiles), then
 * {@link #MEASURED} rounds. {@code -Dbench.warmUpRounds} and {@code -Dbench.rounds} change
 * both, for the smoke runs of {@code SMOKE=1 benchmarks/run.sh}.
 */
final class Rounds {

	static final int WARM_UP = Integer.getInteger("bench.warmUpRounds", 5);

	static final int MEASURED = Integer.getInteger("bench.rounds", 5);

	private Rounds() {
	}

	/**
	 * Run {@code round} {@link #WARM_UP} times unrecorded, then {@link #MEASURED} times, and
	 * summarise: the median wall time with its range, the median of each key in
	 * {@code medians}, the lowest of each key in {@code lowestIsWorst} and the highest of
	 * every other figure (peaks, counts of what was left behind).
	 */
	static Map<String, Object> run(Callable<Map<String, Object>> round, Set<String> medians,
			Set<String> lowestIsWorst) throws Exception {
		for (int i = 0; i < WARM_UP; i++) {
			round.call();
		}
		List<Map<String, Object>> measured = new ArrayList<>();
		for (int i = 0; i < MEASURED; i++) {
			measured.add(round.call());
		}
		return summarise(measured, medians, lowestIsWorst);
	}

	/**
	 * Summarise measured rounds as {@link #run} does: the median wall time with its range,
	 * the median of each key in {@code medians}, the lowest of each key in
	 * {@code lowestIsWorst} and the highest of every other figure.
	 */
	static Map<String, Object> summarise(List<Map<String, Object>> measured, Set<String> medians,
			Set<String> lowestIsWorst) {
		Map<String, Object> summary = new LinkedHashMap<>();
		long[] walls = values(measured, "wallMillis");
		summary.put("wallMillis", walls[walls.length / 2]);
		summary.put("wallMillisMin", walls[0]);
		summary.put("wallMillisMax", walls[walls.length - 1]);
		for (String key : measured.get(0).keySet()) {
			if (key.equals("wallMillis")) {
				continue;
			}
			long[] values = values(measured, key);
			long value = medians.contains(key) ? values[values.length / 2]
					: lowestIsWorst.contains(key) ? values[0] : values[values.length - 1];
			summary.put(key, value);
		}
		summary.put("rounds", (long) measured.size());
		return summary;
	}

	private static long[] values(List<Map<String, Object>> rounds, String key) {
		long[] values = rounds.stream().mapToLong((round) -> ((Number) round.get(key)).longValue()).toArray();
		Arrays.sort(values);
		return values;
	}

}
