/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Let at most {@link #limit()} calls of the annotated method (or of each public method of
 * the annotated type) run at once, across all callers: one limit per method of the target
 * class, held by an {@code io.asynchelpers.ConcurrencyLimiter}; or one limit shared by the
 * methods with the same {@link #key()}; or, with {@link Scope#CLUSTER}, one limit over all
 * the replicas of the service.
 * <ul>
 * <li>A method returning a plain value runs on its caller's thread. Beyond the limit, the
 * caller waits (and only it) for at most {@link #maxWait()} with {@link Policy#WAIT}, or is
 * rejected at once with {@link Policy#REJECT}. A waiting caller takes a place in the same
 * queue as the calls below, so {@link #queueCapacity()} bounds the waiting threads too. An
 * interrupt ends the wait with an {@code InterruptedException}, the interrupt flag kept; a
 * method that does not declare it gets it wrapped in an
 * {@code java.lang.reflect.UndeclaredThrowableException} by Spring's proxy.</li>
 * <li>A method returning a {@code CompletionStage}, {@code Mono} or {@code Flux} never
 * blocks anybody: beyond the limit the call is queued and started (the method invoked, the
 * {@code Mono}/{@code Flux} subscribed) on the thread that completes a running call, as soon
 * as it completes. At most {@link #queueCapacity()} calls wait; with {@link Policy#REJECT}
 * none does. A call holds its slot until its stage completes, or its {@code Flux}
 * completes, fails or is cancelled; cancelling a queued call takes it out of the queue.</li>
 * </ul>
 * A rejected call fails with an {@code io.asynchelpers.ConcurrencyLimitExceededException}
 * and the method is not invoked. With Micrometer present, the gauges
 * {@code asynchelpers.concurrency.active} and {@code asynchelpers.concurrency.queued} and
 * the counter {@code asynchelpers.concurrency.rejected} are recorded, tagged with the
 * method's {@code name}.
 * <p>
 * With {@link Retry} (in the default order of {@code asynchelpers.aop.layers}) each attempt
 * takes a slot and gives it back when it ends, so a retry pausing before its next attempt
 * holds no slot; a rejected attempt is a failed attempt, retried unless
 * {@link Retry#noRetryOn()} lists the rejection. {@link WithTimeout} applies to the call once
 * it has its slot.
 * <p>
 * <b>Cluster scope.</b> With {@code scope = CLUSTER}, at most {@code limit} calls run at
 * once over every replica whose methods carry the same {@link #key()} (by default the
 * method's name, as above): a call runs once it holds a permit of the key, a lease in the
 * {@code io.asynchelpers.PermitStore} bean, which is in memory by default (a cluster limit
 * on one instance is then a local limit shared by key) and in Redis with
 * {@code asynchelpers.cluster.store=redis}. Leases have a time to live
 * ({@code asynchelpers.cluster.permit-lease-ttl}) and are renewed while their call runs, so
 * the permits of a replica that dies come back after that time. Blocking methods wait for a
 * permit at most {@link #maxWait()}, other methods wait in the queue without holding a
 * thread; with {@link Policy#REJECT} a call gets one round trip to the store and is rejected
 * if no permit is free. While the store is unreachable, {@code asynchelpers.cluster.failure-mode}
 * decides: {@code reject} (the default) fails the calls that need a permit with a
 * {@code ConcurrencyLimitExceededException} saying the store is unreachable, {@code local}
 * limits each replica to {@code max(1, limit / replicas last known)}. More than
 * {@code limit} calls can run when a replica cannot renew its leases for longer than their
 * time to live while its calls go on (a long pause, cut off from Redis), when Redis restarts
 * without its data, and while calls started on the local fallback limit still run after
 * Redis came back; {@code io.asynchelpers.redis.RedisPermitStore} describes each.
 * <p>
 * Methods sharing a key, in either scope, share one limiter per replica (and its meters,
 * tagged with the key as {@code name}); they must agree on the limit and on the queue
 * capacity, else start-up fails.
 * <p>
 * On a private, static or final method, or in a final class, the annotation fails start-up
 * rather than being ignored; so does a limit that is not a whole number above zero.
 */
@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface MaxConcurrency {

	/**
	 * How many calls may run at once, {@code > 0}. Required: set it here or with
	 * {@link #limitString()}.
	 * @return the limit
	 */
	int limit() default 0;

	/**
	 * {@link #limit()} as a string, so that it can be a {@code ${...}} placeholder. Wins over
	 * {@code limit} when set.
	 * @return the limit, or empty
	 */
	String limitString() default "";

	/**
	 * What a call beyond the limit does. {@link Policy#DEFAULT} means
	 * {@code asynchelpers.max-concurrency.policy}.
	 * @return the policy
	 */
	Policy policy() default Policy.DEFAULT;

	/**
	 * How long a blocking call waits for a free slot with {@link Policy#WAIT} before it is
	 * rejected, for instance {@code "500ms"} or {@code "${catalogue.max-wait}"}. Empty means
	 * {@code asynchelpers.max-concurrency.max-wait}. Calls returning a stage, {@code Mono} or
	 * {@code Flux} do not wait on a thread; only {@link #queueCapacity()} bounds them.
	 * @return the longest wait
	 */
	String maxWait() default "";

	/**
	 * How many calls may wait for a slot with {@link Policy#WAIT}, a whole number
	 * {@code >= 0}; further calls are rejected. Blocked callers and queued asynchronous calls
	 * share it, so {@code "0"} rejects every call beyond the limit at once, as
	 * {@link Policy#REJECT} does. Empty means
	 * {@code asynchelpers.max-concurrency.queue-capacity} (unbounded by default).
	 * @return the queue capacity, or empty
	 */
	String queueCapacity() default "";

	/**
	 * The name used in the {@code name} tag of metrics and in the rejection's message. A
	 * method has one name for all its meters: the value of its {@link Timed @Timed} if it has
	 * one, else the name of its {@link Retry @Retry}, else of its
	 * {@link WithTimeout @WithTimeout}, else this name, else {@code SimpleClassName.method}.
	 * @return the name, or empty for the default
	 */
	String name() default "";

	/**
	 * Where the limit holds: in this application ({@link Scope#LOCAL}, the default) or over
	 * all its replicas ({@link Scope#CLUSTER}).
	 * @return the scope
	 */
	Scope scope() default Scope.LOCAL;

	/**
	 * The key of a limit shared by several methods, and of a cluster limit in the permit
	 * store, for instance {@code "payments-api"} or {@code "${payments.limit-key}"}. Empty
	 * means: for {@link Scope#CLUSTER}, the method's name (see {@link #name()}); for
	 * {@link Scope#LOCAL}, a limit of this method alone.
	 * @return the key, or empty
	 */
	String key() default "";

	/**
	 * What a call does when the limit is reached.
	 */
	enum Policy {

		/** Use {@code asynchelpers.max-concurrency.policy}. */
		DEFAULT,

		/**
		 * Wait for a slot: a blocking caller for at most the maximum wait, an asynchronous
		 * call in the queue.
		 */
		WAIT,

		/** Fail at once with the rejection. */
		REJECT

	}

	/**
	 * Where a limit holds.
	 */
	enum Scope {

		/** In this application: today's behaviour, nothing shared with other replicas. */
		LOCAL,

		/**
		 * Over every replica sharing the {@link #key()}, through the permit store
		 * ({@code asynchelpers.cluster.store}).
		 */
		CLUSTER

	}

}
