/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.jayway.jsonpath.JsonPath;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;


import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Drives the progress page in Debian's headless Chromium through the packaged chromedriver
 * (nothing is downloaded): starts a job with the page's own form and watches its row move
 * to 100% and show how many items succeeded and failed, cancels a running job with its
 * row's button and sees the row end as cancelled, and saves a screenshot to
 * {@code target/progress-page.png}.
 * <p>
 * Lookups take 30 ms, two at a time, and 35% of attempts fail with one retry allowed: about
 * 12% of items fail for good, so a job of 120 shows failures and takes 2 to 3 s.
 */
abstract class ProgressPageChecks {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	/**
	 * The address of the app under test, without a trailing slash.
	 */
	abstract String baseUrl();

	private Http http;

	private WebDriver driver;

	private WebDriverWait wait;

	@BeforeEach
	void openBrowser(@TempDir Path profile) {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"Headless Chromium is not installed: run 'apt-get update && apt-get install -y chromium chromium-driver'"
						+ " to run this browser test (.ci/run installs them)");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		// Without the background-networking flags Chromium stalls on this closed network.
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1000,700");
		this.driver = new ChromeDriver(service, options);
		this.wait = new WebDriverWait(this.driver, Duration.ofSeconds(60), Duration.ofMillis(100));
		this.http = new Http(baseUrl());
	}

	@AfterEach
	void closeBrowser() {
		if (this.driver != null) {
			this.driver.quit();
		}
	}

	@Test
	void aNewJobsRowMovesToOneHundredPercentAndShowsItsStateAndCounts() throws Exception {
		this.driver.get(baseUrl() + "/");
		// The page draws its cards on its first poll, maybe after this line: the trackers of the
		// jobs that other tests started come from the application itself, and the new row must
		// also be of 120 items, so that no earlier tracker drawn late passes for it.
		Set<String> before = new HashSet<>(cardNames());
		before.addAll(JsonPath.<List<String>>read(this.http.get("/jobs").body(), "$[*].tracker"));
		WebElement items = this.driver.findElement(By.id("items"));
		items.clear();
		items.sendKeys("120");
		this.driver.findElement(By.id("start-job")).click();

		String tracker = this.wait.until((page) -> cardNames().stream()
			.filter((name) -> !before.contains(name))
			.filter((name) -> {
				Map<String, String> current = card(name);
				return current != null && current.get("counts").endsWith(" / 120");
			})
			.findFirst()
			.orElse(null));
		Set<String> percentages = new LinkedHashSet<>();
		Set<String> states = new LinkedHashSet<>();
		Map<String, String> card = this.wait.until((page) -> {
			Map<String, String> current = card(tracker);
			if (current == null) {
				return null;
			}
			percentages.add(current.get("pct"));
			states.add(current.get("state"));
			return current.get("pct").equals("100.0%") ? current : null;
		});

		assertThat(card).containsEntry("counts", "120 / 120")
			.containsEntry("width", "100%")
			.containsEntry("state", "completed")
			.containsEntry("cancelHidden", "true");
		assertThat(card.get("class")).contains("completed");
		assertThat(card.get("eta")).startsWith("took ");
		assertThat(states).as("the row showed the job running first").contains("running");
		assertThat(percentages).as("the bar moved through values between 0% and 100%")
			.anyMatch((percentage) -> !percentage.equals("0.0%") && !percentage.equals("100.0%"));
		long succeeded = count(card.get("succeeded"), "succeeded");
		long failed = count(card.get("failed"), "failed");
		assertThat(succeeded + failed).isEqualTo(120);
		// About 12% of items fail for good: none failing out of 120 has a probability below 1e-6.
		assertThat(failed).as("the row shows the items that failed").isPositive();
		String job = job(tracker);
		assertThat(JsonPath.<Integer>read(job, "$.succeeded")).isEqualTo((int) succeeded);
		assertThat(JsonPath.<Integer>read(job, "$.failed")).isEqualTo((int) failed);
		// Items that failed for good ran out of retries. The events list under the trackers shows
		// the newest 12 events of every kind, where the job's scheduled retries and recoveries can
		// push them out: the list's kind filter shows only those.
		new Select(this.driver.findElement(By.id("event-kind"))).selectByValue("retries_exhausted");
		List<String> exhausted = this.wait.until((page) -> {
			List<List<String>> rows = eventRows();
			boolean filtered = !rows.isEmpty() && rows.stream().allMatch((row) -> row.get(0).equals("retries_exhausted"));
			return filtered ? rows.stream().map((row) -> row.get(1)).toList() : null;
		});
		assertThat(exhausted).hasSizeBetween(1, 12)
			.allSatisfy((row) -> assertThat(row).contains("retries exhausted"))
			.anySatisfy((row) -> assertThat(row).contains("catalogue.lookup"));
		Path screenshot = ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.FILE).toPath();
		Path target = Path.of("target", "progress-page.png");
		Files.copy(screenshot, target, StandardCopyOption.REPLACE_EXISTING);
		assertThat(Files.size(target)).isPositive();
	}

	@Test
	void cancellingARunningJobWithItsRowsButtonShowsTheJobCancelled() throws Exception {
		// 3,000 lookups of 30 ms, two at a time, take 45 s or more: still running when cancelled.
		String started = this.http.post("/jobs?items=3000").body();
		String tracker = JsonPath.read(started, "$.tracker");
		int id = JsonPath.read(started, "$.id");
		this.driver.get(baseUrl() + "/");
		this.wait.until((page) -> {
			Map<String, String> current = card(tracker);
			return current != null && current.get("state").equals("running")
					&& current.get("cancelHidden").equals("false") && !current.get("counts").startsWith("0 /");
		});

		this.driver.findElement(By.cssSelector(".tracker[data-name='" + tracker + "'] button.cancel")).click();

		Map<String, String> card = this.wait.until((page) -> {
			Map<String, String> current = card(tracker);
			return (current != null && current.get("state").equals("cancelled")) ? current : null;
		});
		assertThat(card.get("class")).contains("cancelled");
		assertThat(card).containsEntry("cancelHidden", "true");
		assertThat(card.get("eta")).startsWith("ended after ");
		long succeeded = count(card.get("succeeded"), "succeeded");
		long failed = count(card.get("failed"), "failed");
		assertThat(succeeded + failed).isBetween(1L, 2999L);
		assertThat(card.get("counts")).isEqualTo((succeeded + failed) + " / 3000");
		String job = this.http.get("/jobs/" + id).body();
		assertThat(JsonPath.<String>read(job, "$.state")).isEqualTo("cancelled");
		assertThat(JsonPath.<Integer>read(job, "$.succeeded")).isEqualTo((int) succeeded);
		assertThat(JsonPath.<Integer>read(job, "$.failed")).isEqualTo((int) failed);
	}

	private String job(String tracker) throws Exception {
		List<Map<String, Object>> jobs = JsonPath.read(this.http.get("/jobs").body(),
				"$[?(@.tracker == '" + tracker + "')]");
		assertThat(jobs).as("the job tracked as " + tracker).hasSize(1);
		return this.http.get("/jobs/" + jobs.get(0).get("id")).body();
	}

	private static long count(String text, String word) {
		assertThat(text).matches("\\d+ " + word);
		return Long.parseLong(text.substring(0, text.indexOf(' ')));
	}

	/**
	 * The events list's rows as seen in one instant, each as its class and its text: the page
	 * replaces them every second.
	 */
	@SuppressWarnings("unchecked")
	private List<List<String>> eventRows() {
		return (List<List<String>>) ((JavascriptExecutor) this.driver).executeScript(
				"return Array.from(document.querySelectorAll('#events li'), (row) => [row.className, row.textContent]);");
	}

	@SuppressWarnings("unchecked")
	private List<String> cardNames() {
		return (List<String>) ((JavascriptExecutor) this.driver).executeScript(
				"return Array.from(document.querySelectorAll('.tracker[data-name]'), (card) => card.dataset.name);");
	}

	/**
	 * A tracker's card as seen in one instant: the page updates its cards every 500 ms, so
	 * reading element by element could mix two updates.
	 */
	@SuppressWarnings("unchecked")
	private @Nullable Map<String, String> card(String tracker) {
		return (Map<String, String>) ((JavascriptExecutor) this.driver).executeScript(
				"const card = Array.from(document.querySelectorAll('.tracker[data-name]'))"
						+ ".find((c) => c.dataset.name === arguments[0]);"
						+ "if (!card) { return null; }"
						+ "const text = (selector) => card.querySelector(selector).textContent;"
						+ "return { pct: text('.pct'), counts: text('.counts'), state: text('.state'),"
						+ " succeeded: text('.succeeded'), failed: text('.failed-count'), eta: text('.eta'),"
						+ " width: card.querySelector('.fill').style.width, class: card.className,"
						+ " cancelHidden: String(card.querySelector('.cancel').hidden) };",
				tracker);
	}

}
