/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} (Debian's package, which {@code .ci/run} installs) started by a
 * test on a free loopback port, without persistence. Where the binary is absent the test is
 * skipped, saying so, as the browser test is without Chromium.
 * <p>
 * {@link #stop()} kills the server (as a crash would: no clean shutdown, nothing saved) and
 * {@link #start()} starts a new one on the same port, so tests can take Redis away in the
 * middle of a job and bring it back. Only the process this fixture started is ever stopped.
 * <p>
 * As a JUnit extension ({@link #perTestClass()} in a {@code @RegisterExtension} static
 * field) it starts before the class's tests (or skips them), gives each test an empty and
 * running server, and stops after the last test.
 */
public final class RedisServerProcess
		implements AutoCloseable, BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

	private static final List<String> BINARIES = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server");

	private static final String ABSENT = "redis-server is not installed here (apt-get install redis-server; .ci/run does): skipping the tests that need a real Redis";

	private final @Nullable Path binary;

	private final int port;

	private Process process;

	private RedisServerProcess(@Nullable Path binary, int port) {
		this.binary = binary;
		this.port = port;
	}

	/**
	 * Start a server on a free port, or skip the calling test when there is no
	 * {@code redis-server} on this machine.
	 * @return the running server
	 */
	public static RedisServerProcess startOrSkip() {
		RedisServerProcess server = perTestClass();
		Assumptions.assumeTrue(server.binary != null, ABSENT);
		server.start();
		return server;
	}

	/**
	 * A server for a test class to register as an extension: started before its first test
	 * (which is skipped, with the rest of the class, when there is no {@code redis-server}),
	 * running and emptied ({@code FLUSHALL}) before each test, stopped after the last. Its
	 * port is chosen now, so that fields initialised per test can read
	 * {@link #springProperties()}.
	 * @return the server, not yet started
	 */
	public static RedisServerProcess perTestClass() {
		Path binary = BINARIES.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
		return new RedisServerProcess(binary, freePort());
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		Assumptions.assumeTrue(this.binary != null, ABSENT);
		start();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		start();
		command("FLUSHALL");
	}

	@Override
	public void afterAll(ExtensionContext context) {
		stop();
	}

	/**
	 * Return the port the server listens on (the same across restarts).
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the properties that point Spring Boot's Redis connection at this server.
	 * @return {@code key=value} pairs for {@code ApplicationContextRunner.withPropertyValues}
	 */
	public String[] springProperties() {
		return new String[] { "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + this.port };
	}

	/**
	 * Whether the server process is running.
	 * @return {@code true} between {@link #start()} and {@link #stop()}
	 */
	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Start the server (again) on its port and wait until it answers {@code PING}.
	 */
	public synchronized void start() {
		if (isRunning()) {
			return;
		}
		try {
			this.process = new ProcessBuilder(this.binary.toString(), "--port", Integer.toString(this.port), "--bind",
					"127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start " + this.binary, ex);
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!ping()) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("redis-server on port " + this.port + " exited with "
						+ this.process.exitValue());
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("redis-server on port " + this.port + " did not answer within 10s");
			}
			sleepBriefly();
		}
	}

	/**
	 * Kill the server at once, as a crash would, and wait until it is gone.
	 */
	public synchronized void stop() {
		if (this.process == null) {
			return;
		}
		this.process.destroyForcibly();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("redis-server on port " + this.port + " did not stop");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while stopping redis-server", ex);
		}
		this.process = null;
	}

	/**
	 * Send one command in Redis's inline form and return the first line of the answer: a
	 * plain socket, so tests can look at the server without the code under test.
	 * @param command the command, e.g. {@code "DBSIZE"}
	 * @return the first line of the reply, e.g. {@code ":3"}
	 */
	public String command(String command) {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			return in.readLine();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Redis on port " + this.port + " did not answer " + command, ex);
		}
	}

	private boolean ping() {
		try {
			return "+PONG".equals(command("PING"));
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		stop();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException("No free port", ex);
		}
	}

	private static void sleepBriefly() {
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server", ex);
		}
	}

}
