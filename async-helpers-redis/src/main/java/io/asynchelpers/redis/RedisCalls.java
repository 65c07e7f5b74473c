/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.redis;

import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * How the Redis stores issue their commands, in one place.
 * <p>
 * Spring Data Redis opens Lettuce's shared connection on first use with a blocking call that
 * waits up to the connect timeout while Redis is unreachable, so every command is subscribed
 * on Reactor's {@code boundedElastic} scheduler, never on the caller's thread nor on the
 * helpers' scheduler. A command whose time limit ran out while that connect was still
 * waiting ends in an error nobody listens to any more; Reactor would log each such error at
 * ERROR through its global "error dropped" hook (one line per call during an outage), so the
 * stores give their subscriptions a local hook, under the context key Reactor reads for it,
 * that logs them at DEBUG: the outage itself is reported once, by the store that saw it.
 */
final class RedisCalls {

	private static final Logger logger = LoggerFactory.getLogger(RedisCalls.class);

	/** Reactor's context key for a subscription's own "error dropped" hook ({@code Hooks.KEY_ON_ERROR_DROPPED}). */
	private static final String ON_ERROR_DROPPED = "reactor.onErrorDropped.local";

	private static final Context QUIET_DROPS = Context.of(ON_ERROR_DROPPED,
			(Consumer<Throwable>) (ex) -> logger.debug("Redis call failed after its caller stopped waiting", ex));

	private RedisCalls() {
	}

	/**
	 * Issue a command off the calling thread, with dropped late errors logged at DEBUG.
	 * @param command the command, as the template returns it
	 * @param <T> the type of the replies
	 * @return the command subscribed on {@code boundedElastic}
	 */
	static <T> Flux<T> offThread(Flux<T> command) {
		return command.subscribeOn(Schedulers.boundedElastic()).contextWrite(QUIET_DROPS);
	}

	/**
	 * Issue a command off the calling thread, with dropped late errors logged at DEBUG.
	 * @param command the command, as the template returns it
	 * @param <T> the type of the reply
	 * @return the command subscribed on {@code boundedElastic}
	 */
	static <T> Mono<T> offThread(Mono<T> command) {
		return command.subscribeOn(Schedulers.boundedElastic()).contextWrite(QUIET_DROPS);
	}

}
