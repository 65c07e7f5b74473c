/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Drives the progress page in Debian's headless Chromium through the packaged chromedriver
 * (nothing is downloaded): starts a job with the page's own form, watches its bar move and
 * reach 100%, and saves a screenshot to {@code target/progress-page.png}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.demo-job.enabled=false", "catalogue.latency=40ms", "catalogue.failure-rate=0.05",
				"catalogue.slow-rate=0", "catalogue.retry.delay=10ms", "asynchelpers.concurrency.limit=2" })
class ProgressPageBrowserTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	@Value("${local.server.port}")
	private int port;

	@Test
	void theBarOfANewJobMovesAndReachesOneHundredPercent(@TempDir Path profile) throws Exception {
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
		WebDriver driver = new ChromeDriver(service, options);
		try {
			driver.get("http://localhost:" + this.port + "/");
			WebElement items = driver.findElement(By.id("items"));
			items.clear();
			items.sendKeys("150");
			driver.findElement(By.id("start-job")).click();

			WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(100));
			Set<String> percentages = new LinkedHashSet<>();
			Map<String, String> card = wait.until((page) -> {
				Map<String, String> current = firstCard(page);
				if (current == null) {
					return null;
				}
				percentages.add(current.get("pct"));
				return current.get("pct").equals("100.0%") ? current : null;
			});

			assertThat(card).containsEntry("counts", "150 / 150").containsEntry("width", "100%");
			assertThat(card.get("class")).contains("complete");
			assertThat(percentages).as("the bar moved through values between 0% and 100%")
				.anyMatch((percentage) -> !percentage.equals("0.0%") && !percentage.equals("100.0%"));
			Path screenshot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
			Path target = Path.of("target", "progress-page.png");
			Files.copy(screenshot, target, StandardCopyOption.REPLACE_EXISTING);
			assertThat(Files.size(target)).isPositive();
		}
		finally {
			driver.quit();
		}
	}

	/**
	 * The first tracker card as seen in one instant. The page re-renders its cards every
	 * 500 ms, so reading element by element could pick up a card that was just replaced.
	 */
	@SuppressWarnings("unchecked")
	private static @Nullable Map<String, String> firstCard(WebDriver driver) {
		return (Map<String, String>) ((JavascriptExecutor) driver)
			.executeScript("const card = document.querySelector('.tracker[data-name]');"
					+ "if (!card) { return null; }"
					+ "return { pct: card.querySelector('.pct').textContent,"
					+ " counts: card.querySelector('.counts').textContent,"
					+ " width: card.querySelector('.fill').style.width, class: card.className };");
	}

}
