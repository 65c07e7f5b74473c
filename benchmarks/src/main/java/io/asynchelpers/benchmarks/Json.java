/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Just enough JSON for numbers, strings, booleans, lists and nested maps: what the scenarios print for report.py. */
final class Json {

	private Json() {
	}

	@SuppressWarnings("unchecked")
	static String write(Object value) {
		if (value instanceof Map<?, ?> map) {
			StringBuilder json = new StringBuilder("{");
			for (Map.Entry<String, Object> entry : ((Map<String, Object>) map).entrySet()) {
				if (json.length() > 1) {
					json.append(", ");
				}
				json.append('"').append(entry.getKey()).append("\": ").append(write(entry.getValue()));
			}
			return json.append('}').toString();
		}
		if (value instanceof List<?> list) {
			StringBuilder json = new StringBuilder("[");
			for (Object element : list) {
				if (json.length() > 1) {
					json.append(", ");
				}
				json.append(write(element));
			}
			return json.append(']').toString();
		}
		if (value instanceof String text) {
			return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
		}
		if (value instanceof Double number) {
			return String.format(Locale.ROOT, "%.1f", number);
		}
		return String.valueOf(value);
	}

}
