/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.AsyncTimeoutException;
import io.asynchelpers.AsyncTimer;
import io.asynchelpers.ConcurrencyLimiter;
import io.asynchelpers.PermitFailureMode;
import io.asynchelpers.PermitStore;
import io.asynchelpers.RetrySpec;
import io.asynchelpers.RetryState;
import io.asynchelpers.Task;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.TargetClassAware;
import org.springframework.aop.support.AopUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * The one interceptor behind {@code @Timed}, {@code @Retry}, {@code @WithTimeout} and
 * {@code @MaxConcurrency}: a method carrying several of them pays for one proxy hop and one
 * spec lookup, not one per annotation. The layers nest in the order of
 * {@link MethodSpec#layers()} (by default timing outermost, then retry, then the concurrency
 * limit of each attempt, then the time limit of each attempt).
 * <p>
 * Each method with {@code @MaxConcurrency} (per target class) gets one
 * {@link ConcurrencyLimiter}, created on its first call and shared by all its callers: a
 * blocking call waits for a slot on its own thread ({@link ConcurrencyLimiter#call}), any
 * other call is queued without blocking ({@link ConcurrencyLimiter#submit}). Methods whose
 * {@code @MaxConcurrency} names a {@code key} share one limiter per key (and scope) instead,
 * named after the key. A {@code scope = CLUSTER} limiter takes its slots as leases from the
 * {@link PermitStore} (the in-memory one unless the auto-configuration provides Redis's),
 * with the {@link PermitFailureMode} given here for while the store is unreachable; a
 * blocking caller then waits at most its {@code maxWait} for a lease, other calls never
 * block.
 * <p>
 * Blocking methods stay on the caller's thread (retry pauses block only the caller, the time
 * limit interrupts the caller's thread) unless the time limit is isolated. Methods returning
 * a {@code CompletionStage} are re-invoked for each attempt after a scheduled pause, and the
 * caller gets a {@code CompletableFuture} whose cancellation reaches the running attempt.
 * Retried or isolated calls run a fresh clone of the invocation each time, so that the
 * interceptors further in (a transaction, for instance) act on every attempt.
 * <p>
 * With a {@code @Retry(maxDuration)} around a {@code @WithTimeout} (the default nesting),
 * each attempt's time limit is cut to what is left of the retry's deadline, so that the
 * caller's wait is bounded by it: the retry layer hands its {@link RetryState} of the call
 * to the time-limit layer inside it.
 * <p>
 * With an {@link InvocationObserver} (the auto-configuration provides one when a Micrometer
 * {@code ObservationRegistry} exists), each call is handed to it around all the layers; with
 * none, a call pays one field check for it.
 */
public final class AsyncHelpersInterceptor implements MethodInterceptor {

	private final Supplier<AsyncHelpers> helpers;

	private final Supplier<MethodSpecResolver> resolver;

	private final Supplier<InvocationMetrics> metrics;

	private final Map<MethodSpec, ConcurrencyLimiter> limiters = new ConcurrentHashMap<>();

	/** The plans by method: the head of a chain with one plan per target class. */
	private final ConcurrentHashMap<Method, InvocationPlan> plans = new ConcurrentHashMap<>();

	/** The limiters shared by key, as {@code "local:key"} or {@code "cluster:key"}. */
	private final Map<String, ConcurrencyLimiter> sharedLimiters = new ConcurrentHashMap<>();

	private final Supplier<PermitStore> permitStore;

	private final PermitFailureMode failureMode;

	private final Supplier<InvocationObserver> observer;

	/**
	 * Create an interceptor. The suppliers are called on first use and their results kept,
	 * so that creating the interceptor (early, with the other advisors) creates no executor.
	 * @param helpers the helpers that run retries and time limits
	 * @param resolver resolves the methods' specs
	 * @param metrics records what the calls did
	 */
	public AsyncHelpersInterceptor(Supplier<AsyncHelpers> helpers, Supplier<MethodSpecResolver> resolver,
			Supplier<InvocationMetrics> metrics) {
		this(helpers, resolver, metrics, () -> InvocationObserver.NONE);
	}

	/**
	 * Create an interceptor whose calls are observed. The suppliers are called on first use
	 * and their results kept, so that creating the interceptor (early, with the other
	 * advisors) creates no executor and no observation registry.
	 * @param helpers the helpers that run retries and time limits
	 * @param resolver resolves the methods' specs
	 * @param metrics records what the calls did
	 * @param observer observes each call, or {@link InvocationObserver#NONE}
	 */
	public AsyncHelpersInterceptor(Supplier<AsyncHelpers> helpers, Supplier<MethodSpecResolver> resolver,
			Supplier<InvocationMetrics> metrics, Supplier<InvocationObserver> observer) {
		this(helpers, resolver, metrics, observer, SingletonSupplier.of(PermitStore::inMemory),
				PermitFailureMode.REJECT);
	}

	/**
	 * Create an interceptor whose cluster-scoped limits take their permits from a store. The
	 * suppliers are called on first use and their results kept.
	 * @param helpers the helpers that run retries and time limits
	 * @param resolver resolves the methods' specs
	 * @param metrics records what the calls did
	 * @param observer observes each call, or {@link InvocationObserver#NONE}
	 * @param permitStore the store of the permits of {@code @MaxConcurrency(scope = CLUSTER)}
	 * methods, asked for on the first call of such a method
	 * @param failureMode what cluster-scoped limits do while the store is unreachable
	 */
	public AsyncHelpersInterceptor(Supplier<AsyncHelpers> helpers, Supplier<MethodSpecResolver> resolver,
			Supplier<InvocationMetrics> metrics, Supplier<InvocationObserver> observer,
			Supplier<PermitStore> permitStore, PermitFailureMode failureMode) {
		this.helpers = helpers;
		this.resolver = resolver;
		this.metrics = metrics;
		this.observer = observer;
		this.permitStore = permitStore;
		this.failureMode = failureMode;
	}

	/**
	 * Return the spec of a method, resolving it if needed.
	 * @param invocation the invocation
	 * @return the spec
	 */
	MethodSpec spec(MethodInvocation invocation) {
		return plan(invocation).spec();
	}

	/**
	 * Return the plan of a method for the invocation's target, making it on the first call.
	 * The lookup is by {@code Method} alone, then by the target's class: no second map on the
	 * path every call takes.
	 */
	private InvocationPlan plan(MethodInvocation invocation) {
		Object target = invocation.getThis();
		Class<?> type = planType(target);
		InvocationPlan plans = this.plans.get(invocation.getMethod());
		if (plans != null && plans.targetType() == type) {
			return plans;
		}
		return otherPlan(invocation, target, type);
	}

	/**
	 * The class a target's plan is kept under. Its runtime class, unless it is itself a proxy
	 * that knows its target class ({@link TargetClassAware}): all JDK proxies of the same
	 * interfaces share one runtime class, and a proxy's target may be swapped, so for those
	 * the plan is kept under the class the spec is resolved for, asked on every call.
	 */
	private static @Nullable Class<?> planType(@Nullable Object target) {
		if (target == null) {
			return null;
		}
		return (target instanceof TargetClassAware) ? AopUtils.getTargetClass(target) : target.getClass();
	}

	/**
	 * The plan of a method on a target class that is not the first one seen for it, or of a
	 * method not called before: found along the chain, or made and put at its head. Made
	 * under the map's lock for the method, so that two first calls share one plan.
	 */
	private InvocationPlan otherPlan(MethodInvocation invocation, @Nullable Object target, @Nullable Class<?> type) {
		Method method = invocation.getMethod();
		InvocationPlan chain = this.plans.get(method);
		InvocationPlan found = (chain != null) ? chain.find(type) : null;
		if (found != null) {
			return found;
		}
		// The spec is resolved outside the map's lock: resolving may create beans (a retry
		// predicate) that call proxied methods themselves.
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : method.getDeclaringClass();
		MethodSpec spec = this.resolver.get().resolve(method, targetClass);
		InvocationPlan.Route route = InvocationPlan.Route.of(spec);
		ConcurrencyLimiter limiter = (route == InvocationPlan.Route.LIMIT) ? limiter(spec) : null;
		Duration blockingWait = (route == InvocationPlan.Route.LIMIT) ? maxConcurrency(spec).blockingWait() : null;
		return this.plans.compute(method, (key, current) -> {
			InvocationPlan existing = (current != null) ? current.find(type) : null;
			return (existing != null) ? current : new InvocationPlan(type, spec, route, limiter, blockingWait, current);
		}).find(type);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		InvocationPlan plan = plan(invocation);
		InvocationObserver observer = this.observer.get();
		if (observer != InvocationObserver.NONE) {
			return observe(observer, invocation, plan);
		}
		// The switch of invoke(invocation, plan, helpers), written out: one call less on the
		// unobserved path keeps it as cheap (and as allocation-free) as before observers.
		AsyncHelpers helpers = this.helpers.get();
		MethodSpec spec = plan.spec();
		return switch (plan.route()) {
			case LIMIT -> limited(invocation, plan);
			case TIMED -> timedBlocking(invocation, spec, null);
			case TIMED_RETRY -> timedBlocking(invocation, spec, helpers);
			case RETRY -> retryBlocking(invocation, spec, helpers);
			case TIMEOUT -> timeLimited(spec, () -> proceed(invocation), timeout(spec).duration(), helpers);
			case CHAIN -> chainBlocking(invocation, spec, helpers);
			case STAGE -> invokeStage(invocation, spec, helpers);
			case REACTIVE -> ReactorInvoker.invoke(invocation, spec, this, helpers);
		};
	}

	/**
	 * Hand a call to the observer, out of {@link #invoke(MethodInvocation)} so that the
	 * unobserved path stays small enough to be inlined whole.
	 */
	private @Nullable Object observe(InvocationObserver observer, MethodInvocation invocation, InvocationPlan plan)
			throws Throwable {
		return observer.observe(plan.spec(), this.helpers.get(), (helpers) -> invoke(invocation, plan, helpers));
	}

	/**
	 * Run an observed call through its layers.
	 * @param helpers the helpers that run its retries and time limits, and tell their events
	 */
	private @Nullable Object invoke(MethodInvocation invocation, InvocationPlan plan, AsyncHelpers helpers)
			throws Throwable {
		MethodSpec spec = plan.spec();
		return switch (plan.route()) {
			case LIMIT -> limited(invocation, plan);
			case TIMED -> timedBlocking(invocation, spec, null);
			case TIMED_RETRY -> timedBlocking(invocation, spec, helpers);
			case RETRY -> retryBlocking(invocation, spec, helpers);
			case TIMEOUT -> timeLimited(spec, () -> proceed(invocation), timeout(spec).duration(), helpers);
			case CHAIN -> chainBlocking(invocation, spec, helpers);
			case STAGE -> invokeStage(invocation, spec, helpers);
			case REACTIVE -> ReactorInvoker.invoke(invocation, spec, this, helpers);
		};
	}

	/**
	 * A blocking method whose only layer is {@code @MaxConcurrency}: on the caller's thread,
	 * with the plan's limiter.
	 */
	private static @Nullable Object limited(MethodInvocation invocation, InvocationPlan plan) throws Exception {
		ConcurrencyLimiter limiter = plan.limiter();
		Duration blockingWait = plan.blockingWait();
		if (limiter == null || blockingWait == null) {
			throw new IllegalStateException("No limiter in the plan of " + plan.spec().methodName());
		}
		// A method reference that captures nothing: no allocation per call.
		return limiter.call(AsyncHelpersInterceptor::proceed, invocation, blockingWait);
	}

	/**
	 * A blocking method whose layers have no route of their own: each layer wraps the next.
	 */
	private @Nullable Object chainBlocking(MethodInvocation invocation, MethodSpec spec, AsyncHelpers helpers)
			throws Throwable {
		Callable<Object> call = spec.reinvokes() ? () -> proceed(clone(invocation)) : () -> proceed(invocation);
		List<Layer> layers = spec.layers();
		AtomicReference<RetryState> retryOfCall = retryOfCall(spec);
		for (int i = layers.size() - 1; i >= 0; i--) {
			call = wrapBlocking(layers.get(i), call, spec, retryOfCall, helpers);
		}
		return call.call();
	}

	/**
	 * Where the retry layer of one call publishes its state for the time-limit layer, when
	 * the method has both and a retry deadline; else {@code null}.
	 */
	static @Nullable AtomicReference<RetryState> retryOfCall(MethodSpec spec) {
		RetrySpec retry = spec.retry();
		return (retry != null && retry.maxDuration() != null && spec.timeout() != null) ? new AtomicReference<>()
				: null;
	}

	/**
	 * The time limit of an attempt: the annotation's, cut to what is left of the deadline of
	 * the retry around it, if any.
	 */
	static Duration limit(MethodSpec.Timeout timeout, @Nullable AtomicReference<RetryState> retryOfCall) {
		RetryState retry = (retryOfCall != null) ? retryOfCall.get() : null;
		return (retry != null) ? retry.limitToTimeLeft(timeout.duration()) : timeout.duration();
	}

	private Callable<Object> wrapBlocking(Layer layer, Callable<Object> inner, MethodSpec spec,
			@Nullable AtomicReference<RetryState> retryOfCall, AsyncHelpers helpers) {
		InvocationMetrics metrics = this.metrics.get();
		return switch (layer) {
			case TIMED -> () -> {
				AsyncTimer timer = helpers.asyncTimer(spec.name());
				try {
					Object result = inner.call();
					timer.close();
					metrics.timed(spec, timer.elapsed().toNanos(), null);
					return result;
				}
				catch (Throwable ex) {
					timer.fail(ex);
					metrics.timed(spec, timer.elapsed().toNanos(), ex);
					throw ex;
				}
			};
			case RETRY -> () -> retryCounted(spec, (attempt) -> inner.call(), retryOfCall, helpers);
			case TIMEOUT -> () -> timeLimited(spec, inner, limit(timeout(spec), retryOfCall), helpers);
			case MAX_CONCURRENCY -> {
				ConcurrencyLimiter limiter = limiter(spec);
				Duration maxWait = maxConcurrency(spec).blockingWait();
				yield () -> limiter.call(inner, maxWait);
			}
		};
	}

	/**
	 * {@code @Retry} on a blocking method, with a time limit per attempt if the method has
	 * one (a plain retry: see {@link InvocationPlan.Route#of}): the common case, kept free of per-call lambdas but the
	 * time limit's. The invocation is snapshotted before the first attempt (a proceeded
	 * invocation cannot be replayed), and the retry machinery is only set up once an attempt
	 * has failed.
	 */
	private @Nullable Object retryBlocking(MethodInvocation invocation, MethodSpec spec, AsyncHelpers helpers)
			throws Throwable {
		MethodInvocation snapshot = clone(invocation);
		MethodSpec.Timeout timeout = spec.timeout();
		Object result;
		try {
			// proceed(...) as every attempt: a Throwable that is neither an Exception nor an Error
			// is judged wrapped, as the retry loop sees it.
			result = (timeout != null) ? timeLimited(spec, () -> proceed(invocation), timeout.duration(), helpers)
					: proceed(invocation);
		}
		catch (Throwable firstFailure) {
			return retryAfterFirstFailure(snapshot, spec, firstFailure, helpers);
		}
		this.metrics.get().retried(spec, 1, true);
		return result;
	}

	private @Nullable Object retryAfterFirstFailure(MethodInvocation snapshot, MethodSpec spec, Throwable firstFailure,
			AsyncHelpers helpers) throws Exception {
		MethodSpec.Timeout timeout = spec.timeout();
		return retryCounted(spec, (attempt) -> {
			if (attempt == 1) {
				// The first attempt already ran: let the retry loop judge its failure.
				throw AsyncHelpersInterceptor.<Exception>sneaky(firstFailure);
			}
			return (timeout != null) ? timeLimited(spec, () -> proceed(clone(snapshot)), timeout.duration(), helpers)
					: proceed(clone(snapshot));
		}, null, helpers);
	}

	/**
	 * Retry blocking attempts on the caller's thread, recording how many there were.
	 */
	private @Nullable Object retryCounted(MethodSpec spec, Attempt attempt,
			@Nullable AtomicReference<RetryState> retryOfCall, AsyncHelpers helpers) throws Exception {
		InvocationMetrics metrics = this.metrics.get();
		int[] attempts = { 0 };
		try {
			RetryState state = helpers.retryState(spec.name(), retry(spec));
			if (retryOfCall != null) {
				retryOfCall.set(state);
			}
			Object result = helpers.callWithRetry(() -> attempt.call(++attempts[0]), state);
			metrics.retried(spec, attempts[0], !state.exhaustedOnResult());
			return result;
		}
		catch (Throwable ex) {
			metrics.retried(spec, attempts[0], false);
			throw ex;
		}
	}

	/**
	 * One attempt of a retried blocking call.
	 */
	@FunctionalInterface
	private interface Attempt {

		@Nullable Object call(int attempt) throws Exception;

	}

	/**
	 * A blocking call under its time limit (on the caller's thread, or on the executor where
	 * the method asks to be isolated), counted by outcome.
	 */
	private Object timeLimited(MethodSpec spec, Callable<Object> inner, Duration limit, AsyncHelpers helpers)
			throws Exception {
		MethodSpec.Timeout timeout = timeout(spec);
		InvocationMetrics metrics = this.metrics.get();
		try {
			Object result = timeout.isolate() ? callIsolated(helpers, spec.name(), inner, limit, timeout.message())
					: helpers.callWithTimeout(spec.name(), inner, limit, timeout.message());
			metrics.timeout(spec, InvocationMetrics.TimeoutOutcome.SUCCESS);
			return result;
		}
		catch (Throwable ex) {
			metrics.timeout(spec, (ex instanceof AsyncTimeoutException) ? InvocationMetrics.TimeoutOutcome.TIMEOUT
					: InvocationMetrics.TimeoutOutcome.FAILURE);
			throw ex;
		}
	}

	/**
	 * {@code @Timed} on a blocking method, alone or around a plain retry (see {@link InvocationPlan.Route#of}):
	 * a clock read either side, no timer object.
	 * @param retryHelpers the helpers to retry with, or {@code null} when {@code @Timed} is alone
	 */
	private @Nullable Object timedBlocking(MethodInvocation invocation, MethodSpec spec,
			@Nullable AsyncHelpers retryHelpers) throws Throwable {
		long start = System.nanoTime();
		Object result;
		try {
			result = (retryHelpers != null) ? retryBlocking(invocation, spec, retryHelpers) : invocation.proceed();
		}
		catch (Throwable ex) {
			long nanos = System.nanoTime() - start;
			AsyncTimer.log(spec.name(), nanos, ex);
			this.metrics.get().timed(spec, nanos, ex);
			throw ex;
		}
		long nanos = System.nanoTime() - start;
		AsyncTimer.log(spec.name(), nanos, null);
		this.metrics.get().timed(spec, nanos, null);
		return result;
	}

	private static Object callIsolated(AsyncHelpers helpers, String name, Callable<Object> inner, Duration limit,
			@Nullable String message) throws Exception {
		CompletableFuture<Object> future = helpers.runWithTimeout(name, Task.blocking(inner), limit, message);
		try {
			return future.get();
		}
		catch (InterruptedException ex) {
			// The caller gave up waiting: the work must not run on unobserved.
			future.cancel(true);
			Thread.currentThread().interrupt();
			throw ex;
		}
		catch (ExecutionException ex) {
			throw rethrowable(ex.getCause());
		}
	}

	private Object invokeStage(MethodInvocation invocation, MethodSpec spec, AsyncHelpers helpers) {
		Task<Object> task = stageTask(invocation, spec);
		List<Layer> layers = spec.layers();
		AtomicReference<RetryState> retryOfCall = retryOfCall(spec);
		for (int i = layers.size() - 1; i >= 0; i--) {
			task = wrapStage(layers.get(i), task, spec, retryOfCall, helpers);
		}
		return helpers.ensureAsync(task);
	}

	/**
	 * The innermost task of an async method: invoke it (a fresh clone when it may be invoked
	 * more than once) and hand back the stage it returns. A {@code null} fails the task with
	 * a {@link NullReturnValueException}, which no retry retries.
	 */
	Task<Object> stageTask(MethodInvocation invocation, MethodSpec spec) {
		boolean reinvokes = spec.reinvokes();
		return Task.async(() -> {
			Object stage = sneakyProceed(reinvokes ? clone(invocation) : invocation);
			if (stage == null) {
				throw nullReturned(spec, "CompletionStage", "CompletableFuture.completedFuture(null)");
			}
			return toStage(stage);
		});
	}

	static NullReturnValueException nullReturned(MethodSpec spec, String expected, String empty) {
		return new NullReturnValueException(spec.className() + "." + spec.methodName() + "()", expected, empty);
	}

	@SuppressWarnings("unchecked")
	private static CompletionStage<Object> toStage(Object stage) {
		return (CompletionStage<Object>) stage;
	}

	Task<Object> wrapStage(Layer layer, Task<Object> inner, MethodSpec spec,
			@Nullable AtomicReference<RetryState> retryOfCall, AsyncHelpers helpers) {
		InvocationMetrics metrics = this.metrics.get();
		return switch (layer) {
			case TIMED -> Task.async(() -> {
				AsyncTimer timer = helpers.asyncTimer(spec.name());
				CompletableFuture<Object> future = helpers.ensureAsync(inner);
				future.whenComplete((value, ex) -> {
					if (ex == null) {
						timer.close();
					}
					else {
						timer.fail(ex);
					}
					metrics.timed(spec, timer.elapsed().toNanos(), ex);
				});
				return future;
			});
			case RETRY -> Task.async(() -> {
				int[] attempts = new int[1];
				Task<Object> counted = Task.async(() -> {
					attempts[0]++;
					return helpers.ensureAsync(inner);
				});
				RetryState state = helpers.retryState(spec.name(), retry(spec));
				if (retryOfCall != null) {
					retryOfCall.set(state);
				}
				CompletableFuture<Object> future = helpers.retryWithBackoff(counted, state);
				future.whenComplete(
						(value, ex) -> metrics.retried(spec, attempts[0], ex == null && !state.exhaustedOnResult()));
				return future;
			});
			case TIMEOUT -> Task.async(() -> {
				MethodSpec.Timeout timeout = timeout(spec);
				CompletableFuture<Object> future = helpers.runWithTimeout(spec.name(), inner,
						limit(timeout, retryOfCall), timeout.message());
				future.whenComplete((value, ex) -> metrics.timeout(spec, (ex == null) ? InvocationMetrics.TimeoutOutcome.SUCCESS
						: (ex instanceof AsyncTimeoutException) ? InvocationMetrics.TimeoutOutcome.TIMEOUT
								: InvocationMetrics.TimeoutOutcome.FAILURE));
				return future;
			});
			case MAX_CONCURRENCY -> {
				ConcurrencyLimiter limiter = limiter(spec);
				yield Task.async(() -> limiter.submit(inner));
			}
		};
	}

	/**
	 * Return the limiter of a method with {@code @MaxConcurrency}, creating it (and its
	 * meters) on first use: one per spec, that is per method and target class, or one per key
	 * for the methods that share a key.
	 * @param spec the method's spec
	 * @return its limiter
	 */
	ConcurrencyLimiter limiter(MethodSpec spec) {
		ConcurrencyLimiter limiter = this.limiters.get(spec);
		return (limiter != null) ? limiter : this.limiters.computeIfAbsent(spec, this::createLimiter);
	}

	private ConcurrencyLimiter createLimiter(MethodSpec spec) {
		MethodSpec.MaxConcurrency maxConcurrency = maxConcurrency(spec);
		String key = maxConcurrency.key();
		if (key != null) {
			return this.sharedLimiters.computeIfAbsent((maxConcurrency.cluster() ? "cluster:" : "local:") + key,
					(shared) -> createSharedLimiter(spec, maxConcurrency, key));
		}
		ConcurrencyLimiter limiter = this.helpers.get()
			.concurrencyLimiter(spec.name(), maxConcurrency.limit(), maxConcurrency.queueLimit());
		this.metrics.get().concurrencyLimited(spec, limiter);
		return limiter;
	}

	/**
	 * The limiter of a key, named after it: the resolver made sure that the methods sharing
	 * it agree on its limit and queue.
	 */
	private ConcurrencyLimiter createSharedLimiter(MethodSpec spec, MethodSpec.MaxConcurrency maxConcurrency,
			String key) {
		AsyncHelpers helpers = this.helpers.get();
		ConcurrencyLimiter limiter = maxConcurrency.cluster()
				? helpers.concurrencyLimiter(key, maxConcurrency.limit(), maxConcurrency.queueLimit(),
						this.permitStore.get(), key, this.failureMode)
				: helpers.concurrencyLimiter(key, maxConcurrency.limit(), maxConcurrency.queueLimit());
		this.metrics.get().concurrencyLimited(spec, limiter);
		return limiter;
	}

	AsyncHelpers helpers() {
		return this.helpers.get();
	}

	InvocationMetrics metrics() {
		return this.metrics.get();
	}

	private static RetrySpec retry(MethodSpec spec) {
		RetrySpec retry = spec.retry();
		if (retry == null) {
			throw new IllegalStateException("No @Retry on " + spec.methodName());
		}
		return retry;
	}

	private static MethodSpec.MaxConcurrency maxConcurrency(MethodSpec spec) {
		MethodSpec.MaxConcurrency maxConcurrency = spec.maxConcurrency();
		if (maxConcurrency == null) {
			throw new IllegalStateException("No @MaxConcurrency on " + spec.methodName());
		}
		return maxConcurrency;
	}

	private static MethodSpec.Timeout timeout(MethodSpec spec) {
		MethodSpec.Timeout timeout = spec.timeout();
		if (timeout == null) {
			throw new IllegalStateException("No @WithTimeout on " + spec.methodName());
		}
		return timeout;
	}

	static MethodInvocation clone(MethodInvocation invocation) {
		if (invocation instanceof ProxyMethodInvocation proxyInvocation) {
			return proxyInvocation.invocableClone();
		}
		throw new IllegalStateException("@Retry and isolated @WithTimeout need a Spring AOP ProxyMethodInvocation, got "
				+ invocation.getClass().getName());
	}

	private static @Nullable Object proceed(MethodInvocation invocation) throws Exception {
		try {
			return invocation.proceed();
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

	/**
	 * Proceed, rethrowing whatever the method threw as it is, so that an async task fails
	 * with the method's own exception rather than a wrapper.
	 */
	static @Nullable Object sneakyProceed(MethodInvocation invocation) {
		try {
			return invocation.proceed();
		}
		catch (Throwable ex) {
			throw AsyncHelpersInterceptor.<RuntimeException>sneaky(ex);
		}
	}

	@SuppressWarnings("unchecked")
	static <E extends Throwable> E sneaky(Throwable ex) throws E {
		throw (E) ex;
	}

	private static Exception rethrowable(@Nullable Throwable cause) {
		if (cause instanceof Error error) {
			throw error;
		}
		if (cause instanceof Exception exception) {
			return exception;
		}
		return new CancellationException("Isolated call ended without a result");
	}

}
