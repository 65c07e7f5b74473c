/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.benchmarks.startup.MinimalWebApplication;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;

/**
 * Issue 16, case 4: a minimal web application ({@link MinimalWebApplication}: Spring MVC on
 * Tomcat, one controller) started in-process {@value #DEFAULT_STARTS} times with the
 * starter's auto-configurations and {@value #DEFAULT_STARTS} times with all of them excluded
 * ({@code spring.autoconfigure.exclude}, so nothing of ours is created), alternating, after
 * {@value #DEFAULT_WARM_UP_STARTS} unrecorded starts of each. A start is
 * {@code SpringApplication.run} until it returns (context refreshed, Tomcat listening on a
 * random port) after a GC; each start is checked (our {@code AsyncHelpers} bean is there or not, the
 * controller answers) and closed. AOT mode is not measured here.
 */
public final class StartupScenario {

	/** Forty, not the ten the issue asks for at least: ten starts of each swung the difference from +6 to +64 ms. */
	static final int DEFAULT_STARTS = 40;

	/**
	 * Forty: the JIT keeps making starts faster long after the first (after ten unrecorded
	 * starts of each, Java 17's went on falling from about 350 to 210 ms over the next thirty,
	 * and the difference of the medians came out at +43 ms; after forty, +4 ms). The starts
	 * alternate, so the drift falls on both sides alike, but it widens the spread each median
	 * is taken from.
	 */
	static final int DEFAULT_WARM_UP_STARTS = 40;

	private StartupScenario() {
	}

	public static void main(String[] args) throws Exception {
		int starts = Integer.getInteger("bench.starts", DEFAULT_STARTS);
		int warmUp = Integer.getInteger("bench.warmUpStarts", DEFAULT_WARM_UP_STARTS);
		List<String> ours = ImportCandidates.load(AutoConfiguration.class, StartupScenario.class.getClassLoader())
			.getCandidates()
			.stream()
			.filter((name) -> name.startsWith("io.asynchelpers."))
			.toList();
		if (ours.isEmpty()) {
			throw new IllegalStateException("the starter's auto-configurations are not on the class path");
		}
		for (int i = 0; i < warmUp; i++) {
			start(true, ours);
			start(false, ours);
		}
		long[] with = new long[starts];
		long[] without = new long[starts];
		for (int i = 0; i < starts; i++) {
			with[i] = start(true, ours);
			without[i] = start(false, ours);
		}
		Map<String, Object> results = new LinkedHashMap<>();
		BufferingApplicationStartup withSteps = new BufferingApplicationStartup(100_000);
		start(true, ours, withSteps);
		BufferingApplicationStartup withoutSteps = new BufferingApplicationStartup(100_000);
		start(false, ours, withoutSteps);
		results.put("slowestBeansWithStarter", slowestBeans(withSteps));
		results.put("stepsThatGrewWithStarter", stepsThatGrew(withSteps, withoutSteps));
		results.put("starts", (long) starts);
		results.put("warmUpStarts", (long) warmUp);
		results.put("excluded", String.join(",", ours));
		results.put("withStarter", summary(with));
		results.put("withoutStarter", summary(without));
		System.out.println(Json.write(results));
		System.exit(0);
	}

	private static Map<String, Object> summary(long[] nanos) {
		long[] millis = Arrays.stream(nanos).map(TimeUnit.NANOSECONDS::toMicros).sorted().toArray();
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("medianMillis", median(millis) / 1000.0);
		summary.put("minMillis", millis[0] / 1000.0);
		summary.put("maxMillis", millis[millis.length - 1] / 1000.0);
		List<Object> all = new ArrayList<>();
		for (long nano : nanos) {
			all.add(TimeUnit.NANOSECONDS.toMicros(nano) / 1000.0);
		}
		summary.put("allMillis", all);
		return summary;
	}

	private static double median(long[] sorted) {
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
	}

	/**
	 * Where a start with the starter spends its time, from one more start, not measured,
	 * that records Spring's start-up steps: the bean instantiations of ours that took longest
	 * (a bean's time includes the beans it needed first), in milliseconds.
	 */
	private static Map<String, Object> slowestBeans(BufferingApplicationStartup steps) {
		Map<String, Object> slowest = new LinkedHashMap<>();
		steps.getBufferedTimeline()
			.getEvents()
			.stream()
			.filter((event) -> event.getStartupStep().getName().equals("spring.beans.instantiate"))
			.filter((event) -> isOurs(event.getStartupStep()))
			.sorted(Comparator.comparing(StartupTimeline.TimelineEvent::getDuration).reversed())
			.limit(8)
			.forEach((event) -> slowest.put(tag(event.getStartupStep(), "beanName"),
					event.getDuration().toNanos() / 1000 / 1000.0));
		return slowest;
	}

	/**
	 * The start-up steps whose total time grew most from a start without the starter to one
	 * with it (summed by step name; nested steps count in their parents too), in milliseconds.
	 */
	private static Map<String, Object> stepsThatGrew(BufferingApplicationStartup with,
			BufferingApplicationStartup without) {
		Map<String, Double> grown = new java.util.HashMap<>();
		with.getBufferedTimeline()
			.getEvents()
			.forEach((event) -> grown.merge(event.getStartupStep().getName(), millis(event), Double::sum));
		without.getBufferedTimeline()
			.getEvents()
			.forEach((event) -> grown.merge(event.getStartupStep().getName(), -millis(event), Double::sum));
		Map<String, Object> top = new LinkedHashMap<>();
		grown.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
			.limit(8)
			.forEach((entry) -> top.put(entry.getKey(), Math.round(entry.getValue() * 10) / 10.0));
		return top;
	}

	private static double millis(StartupTimeline.TimelineEvent event) {
		return event.getDuration().toNanos() / 1_000_000.0;
	}

	private static boolean isOurs(StartupStep step) {
		String bean = tag(step, "beanName") + " " + tag(step, "beanType");
		return bean.contains("asynchelpers") || bean.contains("asyncHelpers") || bean.contains("AsyncHelpers");
	}

	private static String tag(StartupStep step, String key) {
		for (StartupStep.Tag tag : step.getTags()) {
			if (tag.getKey().equals(key)) {
				return tag.getValue();
			}
		}
		return "";
	}

	private static long start(boolean withStarter, List<String> ours) throws Exception {
		return start(withStarter, ours, ApplicationStartup.DEFAULT);
	}

	private static long start(boolean withStarter, List<String> ours, ApplicationStartup steps) throws Exception {
		SpringApplication application = new SpringApplication(MinimalWebApplication.class);
		application.setApplicationStartup(steps);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", "0");
		properties.put("spring.jmx.enabled", "false");
		properties.put("logging.level.root", "WARN");
		if (!withStarter) {
			properties.put("spring.autoconfigure.exclude", String.join(",", ours));
		}
		application.setDefaultProperties(properties);
		// The previous context's garbage is collected before the clock starts, not during the start.
		System.gc();
		Thread.sleep(100);
		long start = System.nanoTime();
		ConfigurableApplicationContext context = application.run();
		long nanos = System.nanoTime() - start;
		try {
			int helpers = context.getBeanNamesForType(AsyncHelpers.class).length;
			if (helpers != (withStarter ? 1 : 0)) {
				throw new IllegalStateException("with starter " + withStarter + ": " + helpers + " AsyncHelpers beans");
			}
			String port = context.getEnvironment().getProperty("local.server.port");
			HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/hello")
				.openConnection();
			try (InputStream body = connection.getInputStream()) {
				String answer = new String(body.readAllBytes(), StandardCharsets.UTF_8);
				if (connection.getResponseCode() != 200 || !answer.equals("hello")) {
					throw new IllegalStateException("the application answered " + answer);
				}
			}
		}
		finally {
			context.close();
		}
		return nanos;
	}

}
