/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;

/**
 * The server of the fan-out case: the JDK's {@code HttpServer} on the loopback interface,
 * answering {@code GET /{delayMillis}/{id}} with the body {@code id} after
 * {@code delayMillis}, without a thread per request: the handler hands the exchange to a
 * two-thread scheduler and returns, and the scheduler writes the response when the delay is
 * over (a delay of 0 answers at once, on the handler's thread). It runs in a JVM of its own
 * ({@link Process}), so that its CPU time and threads are not counted as the client's.
 * <p>
 * With the argument {@code netty} ({@code -Dbench.server=netty} on the scenario) the same
 * answers come from a Reactor Netty server on two event-loop threads whose delay is a
 * {@code Mono.delay}: a cheaper server, for a machine where the JDK's would be the bottleneck.
 * <p>
 * Its main method prints the port on the first line of standard output and stops when its
 * standard input closes.
 */
public final class DelayServer {

	private DelayServer() {
	}

	public static void main(String[] args) throws IOException {
		int port = (args.length > 0 && args[0].equals("netty")) ? startNetty() : startJdk();
		System.out.println(port);
		System.out.flush();
		while (System.in.read() != -1) {
			// runs until the client closes our standard input
		}
		System.exit(0);
	}

	private static int startNetty() {
		DisposableServer server = reactor.netty.http.server.HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(LoopResources.create("delay-server", 2, true))
			.route((routes) -> routes.get("/{delay}/{id}", (request, response) -> {
				long delay = Long.parseLong(request.param("delay"));
				String id = request.param("id");
				Mono<String> body = (delay == 0) ? Mono.just(id) : Mono.delay(Duration.ofMillis(delay)).thenReturn(id);
				return response.header("Content-Type", "text/plain")
					.header("Content-Length", Integer.toString(id.length()))
					.sendString(body);
			}))
			.bindNow();
		return server.port();
	}

	private static int startJdk() throws IOException {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(2);
		ExecutorService handlers = Executors.newFixedThreadPool(4);
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
		server.setExecutor(handlers);
		server.createContext("/", (exchange) -> {
			String[] path = exchange.getRequestURI().getPath().split("/");
			long delay = Long.parseLong(path[1]);
			byte[] body = path[2].getBytes(StandardCharsets.US_ASCII);
			if (delay == 0) {
				respond(exchange, body);
			}
			else {
				timer.schedule(() -> respond(exchange, body), delay, TimeUnit.MILLISECONDS);
			}
		});
		server.start();
		return server.getAddress().getPort();
	}

	private static void respond(HttpExchange exchange, byte[] body) {
		try (OutputStream out = exchange.getResponseBody()) {
			exchange.getResponseHeaders().set("Content-Type", "text/plain");
			exchange.sendResponseHeaders(200, body.length);
			out.write(body);
		}
		catch (IOException ex) {
			// The client went away: nothing to answer.
		}
	}

	/** The server started in a JVM of its own, with this JVM's class path. */
	static final class Handle implements Closeable {

		private final Process process;

		private final URI base;

		private Handle(Process process, URI base) {
			this.process = process;
			this.base = base;
		}

		/** {@code kind}: {@code jdk} or {@code netty}. */
		static Handle start(String kind) throws IOException {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			// nodelay: the JDK server writes headers and body apart; with Nagle's algorithm the body
			// can wait for a delayed ACK (tens of milliseconds), which would measure TCP, not the client.
			List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-Dsun.net.httpserver.nodelay=true"));
			if (Runtime.version().feature() >= 22) {
				// Netty loads its native transport: without this Java 22+ warns on every start.
				command.add("--enable-native-access=ALL-UNNAMED");
			}
			command.addAll(List.of("-cp", System.getProperty("java.class.path"), DelayServer.class.getName(), kind));
			Process process = new ProcessBuilder(command)
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			BufferedReader out = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
			String port = out.readLine();
			if (port == null) {
				process.destroyForcibly();
				throw new IllegalStateException("the delay server did not start");
			}
			return new Handle(process, URI.create("http://127.0.0.1:" + port.trim() + "/"));
		}

		/** {@code http://127.0.0.1:port/}: requests go to {@code base + delayMillis + "/" + id}. */
		URI base() {
			return this.base;
		}

		@Override
		public void close() throws IOException {
			this.process.getOutputStream().close();
			try {
				if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.process.destroyForcibly();
			}
		}

	}

}
