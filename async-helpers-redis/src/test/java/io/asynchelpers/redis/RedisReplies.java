/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Reads whole replies from the test's Redis over a plain socket (the fixture's
 * {@code command} returns the first line only): bulk strings such as {@code HGET} or
 * {@code INFO commandstats}, and integers.
 */
final class RedisReplies {

	private RedisReplies() {
	}

	/**
	 * Send an inline command and return its bulk-string or integer reply.
	 * @return the text, or {@code null} for a nil reply
	 */
	static @Nullable String reply(RedisServerProcess redis, String command) {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), redis.port())) {
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			DataInputStream in = new DataInputStream(socket.getInputStream());
			String first = line(in);
			if (first.startsWith("$")) {
				int length = Integer.parseInt(first.substring(1));
				if (length < 0) {
					return null;
				}
				byte[] body = new byte[length];
				in.readFully(body);
				return new String(body, StandardCharsets.UTF_8);
			}
			if (first.startsWith(":") || first.startsWith("+")) {
				return first.substring(1);
			}
			throw new IllegalStateException(command + " answered " + first);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Redis did not answer " + command, ex);
		}
	}

	/**
	 * Return how often Redis has run a command, scripts' calls included, from
	 * {@code INFO commandstats}.
	 * @param command the command in lower case, e.g. {@code hset}
	 * @return the calls since the server started
	 */
	static long calls(RedisServerProcess redis, String command) {
		String stats = reply(redis, "INFO commandstats");
		for (String line : stats.split("\r\n")) {
			if (line.startsWith("cmdstat_" + command + ":calls=")) {
				String rest = line.substring(("cmdstat_" + command + ":calls=").length());
				return Long.parseLong(rest.substring(0, rest.indexOf(',')));
			}
		}
		return 0;
	}

	private static String line(DataInputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != '\r') {
			if (c < 0) {
				throw new IOException("Connection closed");
			}
			line.append((char) c);
		}
		in.read();
		return line.toString();
	}

}
