/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import io.asynchelpers.Jitter;
import io.asynchelpers.OnResultExhausted;
import io.asynchelpers.aop.Layer;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Name;

/**
 * Configuration properties of the async helpers. Invalid values stop start-up with a
 * description and an action naming the property.
 */
@ConfigurationProperties("asynchelpers")
public class AsyncHelpersProperties implements InitializingBean {

	/**
	 * Whether to auto-configure the async helpers at all.
	 */
	private boolean enabled = true;

	private final Executor executor = new Executor();

	private final Scheduler scheduler = new Scheduler();

	private final Concurrency concurrency = new Concurrency();

	private final Batch batch = new Batch();

	private final Retry retry = new Retry();

	private final Timeout timeout = new Timeout();

	private final Progress progress = new Progress();

	private final Aop aop = new Aop();

	private final Events events = new Events();

	private final MaxConcurrency maxConcurrency = new MaxConcurrency();

	private final Cluster cluster = new Cluster();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Executor getExecutor() {
		return this.executor;
	}

	public Scheduler getScheduler() {
		return this.scheduler;
	}

	public Concurrency getConcurrency() {
		return this.concurrency;
	}

	public Batch getBatch() {
		return this.batch;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Timeout getTimeout() {
		return this.timeout;
	}

	public Progress getProgress() {
		return this.progress;
	}

	public Aop getAop() {
		return this.aop;
	}

	public Events getEvents() {
		return this.events;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	public MaxConcurrency getMaxConcurrency() {
		return this.maxConcurrency;
	}

	@Override
	public void afterPropertiesSet() {
		Executor pool = this.executor;
		require(pool.coreSize >= 0, "executor.core-size", pool.coreSize, "must be >= 0");
		require(pool.maxSize > 0, "executor.max-size", pool.maxSize, "must be > 0");
		require(pool.maxSize >= pool.coreSize, "executor.max-size", pool.maxSize,
				"must be >= asynchelpers.executor.core-size (" + pool.coreSize + ")");
		require(pool.queueCapacity >= 0, "executor.queue-capacity", pool.queueCapacity, "must be >= 0");
		require(!pool.keepAlive.isNegative(), "executor.keep-alive", pool.keepAlive, "must be >= 0");
		// The pool keeps idle threads for whole seconds, as an int (ThreadPoolTaskExecutor's keepAliveSeconds).
		require(pool.keepAlive.getSeconds() <= Integer.MAX_VALUE, "executor.keep-alive", pool.keepAlive,
				"must be at most " + Integer.MAX_VALUE + " seconds");
		require(!pool.allowCoreThreadTimeout || pool.keepAlive.getSeconds() >= 1, "executor.keep-alive", pool.keepAlive,
				"must be >= 1s while asynchelpers.executor.allow-core-thread-timeout is true (idle threads are kept "
						+ "for whole seconds)");
		Duration period = pool.shutdown.awaitTerminationPeriod;
		require(period == null || !period.isNegative(), "executor.shutdown.await-termination-period", period,
				"must be >= 0");
		require(this.scheduler.poolSize > 0, "scheduler.pool-size", this.scheduler.poolSize, "must be > 0");
		require(this.concurrency.limit > 0, "concurrency.limit", this.concurrency.limit, "must be > 0");
		require(this.batch.size > 0, "batch.size", this.batch.size, "must be > 0");
		require(!this.batch.delay.isNegative(), "batch.delay", this.batch.delay, "must be >= 0");
		Retry r = this.retry;
		require(r.maxRetries >= 0, "retry.max-retries", r.maxRetries, "must be >= 0");
		require(!r.retryOn.isEmpty(), "retry.retry-on", r.retryOn,
				"must name at least one failure type (to retry nothing, set asynchelpers.retry.max-retries to 0)");
		requireThrowables(r.retryOn, "retry.retry-on");
		requireThrowables(r.noRetryOn, "retry.no-retry-on");
		require(!r.baseDelay.isNegative(), "retry.base-delay", r.baseDelay, "must be >= 0");
		require(r.maxDelay.compareTo(r.baseDelay) >= 0, "retry.max-delay", r.maxDelay,
				"must be >= asynchelpers.retry.base-delay (" + r.baseDelay + ")");
		require(r.backoffFactor >= 1.0 && !Double.isInfinite(r.backoffFactor), "retry.backoff-factor", r.backoffFactor,
				"must be >= 1");
		require(r.maxDuration == null || (!r.maxDuration.isNegative() && !r.maxDuration.isZero()), "retry.max-duration",
				r.maxDuration, "must be > 0");
		Duration defaultTimeout = this.timeout.defaultTimeout;
		require(defaultTimeout == null || (!defaultTimeout.isNegative() && !defaultTimeout.isZero()), "timeout.default",
				defaultTimeout, "must be > 0");
		Progress p = this.progress;
		require(p.logEveryPercent >= 1 && p.logEveryPercent <= 100, "progress.log-every-percent", p.logEveryPercent,
				"must be between 1 and 100");
		require(!p.retention.isNegative(), "progress.retention", p.retention, "must be >= 0");
		require(p.maxTrackers > 0, "progress.max-trackers", p.maxTrackers, "must be > 0");
		List<Layer> layers = Layer.withDefaults(this.aop.layers);
		require(layers.size() == Layer.values().length && new HashSet<>(layers).size() == Layer.values().length,
				"aop.layers", this.aop.layers, "must name timed, retry, max-concurrency and timeout once each");
		MaxConcurrency limits = this.maxConcurrency;
		require(limits.policy != io.asynchelpers.annotation.MaxConcurrency.Policy.DEFAULT, "max-concurrency.policy",
				limits.policy, "must be wait or reject");
		require(!limits.maxWait.isNegative(), "max-concurrency.max-wait", limits.maxWait, "must be >= 0");
		require(limits.queueCapacity >= 0, "max-concurrency.queue-capacity", limits.queueCapacity, "must be >= 0");
		require(this.events.bufferSize > 0, "events.buffer-size", this.events.bufferSize, "must be > 0");
		Cluster c = this.cluster;
		require(c.replicaId == null || !c.replicaId.isBlank(), "cluster.replica-id", c.replicaId, "must not be blank");
		require(!c.keyPrefix.isBlank(), "cluster.key-prefix", c.keyPrefix, "must not be blank");
		require(!c.heartbeatInterval.isNegative() && !c.heartbeatInterval.isZero(), "cluster.heartbeat-interval", c.heartbeatInterval, "must be > 0");
		require(atLeastTwice(c.replicaTtl, c.heartbeatInterval), "cluster.replica-ttl", c.replicaTtl,
				"must be >= twice asynchelpers.cluster.heartbeat-interval (" + c.heartbeatInterval + ")");
		require(!c.flushInterval.isNegative() && !c.flushInterval.isZero(), "cluster.flush-interval", c.flushInterval, "must be > 0");
		require(c.permitLeaseTtl.compareTo(Duration.ofSeconds(1)) >= 0, "cluster.permit-lease-ttl", c.permitLeaseTtl,
				"must be >= 1s (the holder renews it three times per TTL)");
	}

	private static boolean atLeastTwice(Duration value, Duration of) {
		try {
			return value.compareTo(of.multipliedBy(2)) >= 0;
		}
		catch (ArithmeticException ex) {
			// Twice the interval is beyond any Duration: no value is that long.
			return false;
		}
	}

	/**
	 * The binder loads any class named in a list of failure types: one that is not a
	 * Throwable would never match a failure, silently.
	 */
	private static void requireThrowables(List<Class<? extends Throwable>> types, String property) {
		for (Class<?> type : types) {
			require(type != null && Throwable.class.isAssignableFrom(type), property, (type != null) ? type.getName() : null,
					"must name Throwable types only");
		}
	}

	private static void require(boolean valid, String property, @Nullable Object value, String reason) {
		if (!valid) {
			throw new InvalidAsyncHelpersPropertyException("asynchelpers." + property, value, reason);
		}
	}

	/**
	 * The executor that runs blocking tasks ({@code asyncHelpersTaskExecutor}).
	 */
	public static class Executor {

		/**
		 * Core number of threads.
		 */
		private int coreSize = 8;

		/**
		 * Maximum allowed number of threads. Only used once the queue is full, so it has no
		 * effect with an unbounded queue.
		 */
		private int maxSize = Integer.MAX_VALUE;

		/**
		 * Queue capacity. An unbounded capacity does not increase the pool and therefore
		 * ignores the "max-size" property. The helpers never queue more than their
		 * concurrency limit per call.
		 */
		private int queueCapacity = Integer.MAX_VALUE;

		/**
		 * Time limit for which threads may remain idle before being terminated, in whole
		 * seconds (a fraction is dropped); at least 1s while core threads may time out.
		 */
		private Duration keepAlive = Duration.ofSeconds(60);

		/**
		 * Whether core threads are allowed to time out. This enables dynamic growing and
		 * shrinking of the pool.
		 */
		private boolean allowCoreThreadTimeout = true;

		/**
		 * Prefix to use for the names of newly created threads.
		 */
		private String threadNamePrefix = "async-helpers-";

		/**
		 * What to do with a task when the queue is full and the pool at its maximum. A task
		 * that is not run fails with a RejectedExecutionException in its result; none is
		 * dropped silently. Whatever the policy, a task offered once the executor has shut
		 * down fails with NotStartedException.
		 */
		private RejectionPolicy rejectionPolicy = RejectionPolicy.ABORT;

		private final Shutdown shutdown = new Shutdown();

		public int getCoreSize() {
			return this.coreSize;
		}

		public void setCoreSize(int coreSize) {
			this.coreSize = coreSize;
		}

		public int getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(int maxSize) {
			this.maxSize = maxSize;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public Duration getKeepAlive() {
			return this.keepAlive;
		}

		public void setKeepAlive(Duration keepAlive) {
			this.keepAlive = keepAlive;
		}

		public boolean isAllowCoreThreadTimeout() {
			return this.allowCoreThreadTimeout;
		}

		public void setAllowCoreThreadTimeout(boolean allowCoreThreadTimeout) {
			this.allowCoreThreadTimeout = allowCoreThreadTimeout;
		}

		public String getThreadNamePrefix() {
			return this.threadNamePrefix;
		}

		public void setThreadNamePrefix(String threadNamePrefix) {
			this.threadNamePrefix = threadNamePrefix;
		}

		public RejectionPolicy getRejectionPolicy() {
			return this.rejectionPolicy;
		}

		public void setRejectionPolicy(RejectionPolicy rejectionPolicy) {
			this.rejectionPolicy = rejectionPolicy;
		}

		public Shutdown getShutdown() {
			return this.shutdown;
		}

		/**
		 * What happens to running and queued work when the application context closes.
		 * The executor stops in the context's lifecycle stop phase, before the
		 * application's beans (a DataSource, say) are destroyed: it takes no more tasks
		 * (each fails with NotStartedException), lets running and queued ones finish for
		 * up to the grace period, then interrupts what still runs and fails what is still
		 * queued with NotStartedException.
		 */
		public static class Shutdown {

			/**
			 * Whether running and queued tasks may finish, for up to
			 * await-termination-period, when the application closes. When false, running
			 * tasks are interrupted and queued ones fail at once.
			 */
			private boolean awaitTermination = true;

			/**
			 * Maximum time running and queued tasks may take to finish once the application
			 * closes. What still runs after it is interrupted and reported in the log. Keep
			 * it below spring.lifecycle.timeout-per-shutdown-phase. Unset: no wait.
			 */
			private @Nullable Duration awaitTerminationPeriod = Duration.ofSeconds(30);

			public boolean isAwaitTermination() {
				return this.awaitTermination;
			}

			public void setAwaitTermination(boolean awaitTermination) {
				this.awaitTermination = awaitTermination;
			}

			public @Nullable Duration getAwaitTerminationPeriod() {
				return this.awaitTerminationPeriod;
			}

			public void setAwaitTerminationPeriod(@Nullable Duration awaitTerminationPeriod) {
				this.awaitTerminationPeriod = awaitTerminationPeriod;
			}

		}

	}

	/**
	 * The scheduler that times pauses, backoff and timeouts
	 * ({@code asyncHelpersTaskScheduler}). It only fires timers; no user work runs on it.
	 */
	public static class Scheduler {

		/**
		 * Number of scheduler threads. One is enough for thousands of timers.
		 */
		private int poolSize = 1;

		/**
		 * Prefix to use for the names of scheduler threads.
		 */
		private String threadNamePrefix = "async-helpers-scheduler-";

		public int getPoolSize() {
			return this.poolSize;
		}

		public void setPoolSize(int poolSize) {
			this.poolSize = poolSize;
		}

		public String getThreadNamePrefix() {
			return this.threadNamePrefix;
		}

		public void setThreadNamePrefix(String threadNamePrefix) {
			this.threadNamePrefix = threadNamePrefix;
		}

	}

	/**
	 * Bounded concurrency of gatherWithLimit, asyncMap and asyncFilter.
	 */
	public static class Concurrency {

		/**
		 * Maximum number of tasks one call runs at once when the call passes no limit.
		 */
		private int limit = 10;

		public int getLimit() {
			return this.limit;
		}

		public void setLimit(int limit) {
			this.limit = limit;
		}

	}

	/**
	 * Batches of batchProcess.
	 */
	public static class Batch {

		/**
		 * Number of items per batch when the call passes none.
		 */
		private int size = 10;

		/**
		 * Pause between two batches (none after the last) when the call passes none.
		 */
		private Duration delay = Duration.ZERO;

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

		public Duration getDelay() {
			return this.delay;
		}

		public void setDelay(Duration delay) {
			this.delay = delay;
		}

	}

	/**
	 * Defaults of retryWithBackoff and of @Retry attributes left unset.
	 */
	public static class Retry {

		/**
		 * Number of retries after the first attempt: 3 allows four attempts.
		 */
		private int maxRetries = 3;

		/**
		 * Wait before the first retry.
		 */
		private Duration baseDelay = Duration.ofSeconds(1);

		/**
		 * Longest wait between two attempts.
		 */
		private Duration maxDelay = Duration.ofSeconds(60);

		/**
		 * Multiplier applied to the wait after each retry.
		 */
		private double backoffFactor = 2.0;

		/**
		 * How waits are randomised so that callers that failed together do not retry
		 * together.
		 */
		private Jitter jitter = Jitter.NONE;

		/**
		 * Failure types that are retried, subtypes included, anywhere in the failure's cause
		 * chain. At least one.
		 */
		private List<Class<? extends Throwable>> retryOn = new ArrayList<>(List.of(Exception.class));

		/**
		 * Failure types that are never retried, even when listed in retry-on.
		 */
		private List<Class<? extends Throwable>> noRetryOn = new ArrayList<>();

		/**
		 * Level at which the last failure is logged, once, when the retries ran out. A
		 * failure that is not retried is not logged: the caller receives it. @Retry's
		 * logLevel overrides it per method.
		 */
		private Level logLevel = Level.WARN;

		/**
		 * Level at which each failed attempt that will be retried is logged, with the
		 * pause before the next one. @Retry's attemptLogLevel overrides it per method.
		 */
		private Level attemptLogLevel = Level.DEBUG;

		/**
		 * Deadline of the whole retry, measured from the start of the first attempt: no
		 * attempt starts when the pause before it would end past it, and a @WithTimeout
		 * inside the retry is cut to the time left. No deadline when unset. @Retry's
		 * maxDuration overrides it per method.
		 */
		private @Nullable Duration maxDuration;

		/**
		 * What the caller gets when the last attempt returned a result that @Retry's
		 * retryOnResult wanted retried and no attempt is left: the last result, or a
		 * RetriesExhaustedException carrying it. @Retry's onResultExhausted overrides it per
		 * method.
		 */
		private OnResultExhausted onResultExhausted = OnResultExhausted.RETURN_LAST;

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

		public Duration getBaseDelay() {
			return this.baseDelay;
		}

		public void setBaseDelay(Duration baseDelay) {
			this.baseDelay = baseDelay;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public double getBackoffFactor() {
			return this.backoffFactor;
		}

		public void setBackoffFactor(double backoffFactor) {
			this.backoffFactor = backoffFactor;
		}

		public Jitter getJitter() {
			return this.jitter;
		}

		public void setJitter(Jitter jitter) {
			this.jitter = jitter;
		}

		public List<Class<? extends Throwable>> getRetryOn() {
			return this.retryOn;
		}

		public void setRetryOn(List<Class<? extends Throwable>> retryOn) {
			this.retryOn = retryOn;
		}

		public List<Class<? extends Throwable>> getNoRetryOn() {
			return this.noRetryOn;
		}

		public void setNoRetryOn(List<Class<? extends Throwable>> noRetryOn) {
			this.noRetryOn = noRetryOn;
		}

		public Level getLogLevel() {
			return this.logLevel;
		}

		public void setLogLevel(Level logLevel) {
			this.logLevel = logLevel;
		}

		public Level getAttemptLogLevel() {
			return this.attemptLogLevel;
		}

		public void setAttemptLogLevel(Level attemptLogLevel) {
			this.attemptLogLevel = attemptLogLevel;
		}

		public @Nullable Duration getMaxDuration() {
			return this.maxDuration;
		}

		public void setMaxDuration(@Nullable Duration maxDuration) {
			this.maxDuration = maxDuration;
		}

		public OnResultExhausted getOnResultExhausted() {
			return this.onResultExhausted;
		}

		public void setOnResultExhausted(OnResultExhausted onResultExhausted) {
			this.onResultExhausted = onResultExhausted;
		}

	}

	/**
	 * Defaults of runWithTimeout and of @WithTimeout attributes left unset.
	 */
	public static class Timeout {

		/**
		 * Time limit of runWithTimeout calls and @WithTimeout methods that give none. No
		 * limit when unset.
		 */
		@Name("default")
		private @Nullable Duration defaultTimeout;

		/**
		 * Whether blocking @WithTimeout methods run on the helpers' executor instead of the
		 * caller's thread, for code that ignores interrupts. Costs a thread hop per call and
		 * loses thread-bound context.
		 */
		private boolean isolate = false;

		public @Nullable Duration getDefaultTimeout() {
			return this.defaultTimeout;
		}

		public void setDefaultTimeout(@Nullable Duration defaultTimeout) {
			this.defaultTimeout = defaultTimeout;
		}

		public boolean isIsolate() {
			return this.isolate;
		}

		public void setIsolate(boolean isolate) {
			this.isolate = isolate;
		}

	}

	/**
	 * Progress trackers and their registry.
	 */
	public static class Progress {

		/**
		 * Log a tracker's progress at INFO each time this many more percent are done.
		 */
		private int logEveryPercent = 10;

		/**
		 * How long a tracker that has ended is kept (and shown on the asyncprogress
		 * endpoint), whichever way it ended: completed, failed, cancelled or stopped.
		 */
		private Duration retention = Duration.ofHours(1);

		/**
		 * Maximum number of trackers held. The oldest finished tracker makes room for a new
		 * one; when all are running, creating another fails.
		 */
		private int maxTrackers = 100;

		public int getLogEveryPercent() {
			return this.logEveryPercent;
		}

		public void setLogEveryPercent(int logEveryPercent) {
			this.logEveryPercent = logEveryPercent;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public int getMaxTrackers() {
			return this.maxTrackers;
		}

		public void setMaxTrackers(int maxTrackers) {
			this.maxTrackers = maxTrackers;
		}

	}

	/**
	 * Sharing progress trackers and concurrency limits between the replicas of a service.
	 */
	public static class Cluster {

		/**
		 * Where trackers and cluster-scoped permits live: in this application's memory
		 * (one instance is the whole cluster), or in Redis, shared by every replica that
		 * points at the same server (needs io.asynchelpers:async-helpers-redis and Boot's
		 * spring.data.redis.* connection).
		 */
		private Store store = Store.MEMORY;

		/**
		 * This replica's id, unique in the cluster, shown in the per-replica breakdown.
		 * Defaults to the host name and the process id.
		 */
		private @Nullable String replicaId;

		/**
		 * Prefix of every Redis key written, so that several services can share one Redis.
		 */
		private String keyPrefix = "asynchelpers";

		/**
		 * How often this replica tells the others it is alive.
		 */
		private Duration heartbeatInterval = Duration.ofSeconds(1);

		/**
		 * How long after its last heartbeat a replica counts as gone: its part of a
		 * tracker is marked stale and it no longer counts among the known replicas.
		 */
		private Duration replicaTtl = Duration.ofSeconds(10);

		/**
		 * How often a tracker's changes are written to the store, at most: the writes per
		 * tracker and replica do not grow with the item rate. A tracker's end is written at
		 * the next flush, and what is left when the application stops.
		 */
		private Duration flushInterval = Duration.ofMillis(250);

		/**
		 * How long a cluster permit is held without renewal: the holder renews it, so a
		 * replica that dies loses its permits after this long at most.
		 */
		private Duration permitLeaseTtl = Duration.ofSeconds(10);

		/**
		 * What cluster-scoped limits do while the store is unreachable: reject the calls
		 * that need a permit, or fall back to a local limit of the cluster limit divided by
		 * the replicas last known (at least 1).
		 */
		private FailureMode failureMode = FailureMode.REJECT;

		public Store getStore() {
			return this.store;
		}

		public void setStore(Store store) {
			this.store = store;
		}

		public @Nullable String getReplicaId() {
			return this.replicaId;
		}

		public void setReplicaId(@Nullable String replicaId) {
			this.replicaId = replicaId;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

		public Duration getReplicaTtl() {
			return this.replicaTtl;
		}

		public void setReplicaTtl(Duration replicaTtl) {
			this.replicaTtl = replicaTtl;
		}

		public Duration getFlushInterval() {
			return this.flushInterval;
		}

		public void setFlushInterval(Duration flushInterval) {
			this.flushInterval = flushInterval;
		}

		public Duration getPermitLeaseTtl() {
			return this.permitLeaseTtl;
		}

		public void setPermitLeaseTtl(Duration permitLeaseTtl) {
			this.permitLeaseTtl = permitLeaseTtl;
		}

		public FailureMode getFailureMode() {
			return this.failureMode;
		}

		public void setFailureMode(FailureMode failureMode) {
			this.failureMode = failureMode;
		}

		/**
		 * Where trackers and cluster permits are kept.
		 */
		public enum Store {

			/** In this application's memory: the default, needs nothing. */
			MEMORY,

			/** In Redis, shared by the replicas. */
			REDIS

		}

		/**
		 * What cluster-scoped limits do while the store is unreachable.
		 */
		public enum FailureMode {

			/** Reject calls that need a permit (the limit is never exceeded). */
			REJECT,

			/** Limit locally to the cluster limit divided by the replicas last known. */
			LOCAL

		}

	}

	/**
	 * The @Retry, @Timed and @WithTimeout annotations.
	 */
	public static class Aop {

		/**
		 * Whether the annotations are applied.
		 */
		private boolean enabled = true;

		/**
		 * How the annotations nest on one method, outermost first. The interceptor itself
		 * sits outside other advisors such as @Transactional and @Async, so each retry
		 * attempt gets a fresh transaction and runs on the async thread. A list without
		 * max-concurrency gets it right after retry.
		 */
		private List<Layer> layers = new ArrayList<>(
				List.of(Layer.TIMED, Layer.RETRY, Layer.MAX_CONCURRENCY, Layer.TIMEOUT));

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<Layer> getLayers() {
			return this.layers;
		}

		public void setLayers(List<Layer> layers) {
			this.layers = layers;
		}

	}

	/**
	 * Events of the helpers' operations (retries scheduled and exhausted, recoveries, time
	 * limits reached, calls rejected).
	 */
	public static class Events {

		/**
		 * How many of the most recent events the asyncevents Actuator endpoint keeps.
		 */
		private int bufferSize = 100;

		/**
		 * Whether each event is also published to the application context as an
		 * AsyncApplicationEvent, for @EventListener methods.
		 */
		private boolean publishApplicationEvents = true;

		public int getBufferSize() {
			return this.bufferSize;
		}

		public void setBufferSize(int bufferSize) {
			this.bufferSize = bufferSize;
		}

		public boolean isPublishApplicationEvents() {
			return this.publishApplicationEvents;
		}

		public void setPublishApplicationEvents(boolean publishApplicationEvents) {
			this.publishApplicationEvents = publishApplicationEvents;
		}

	}

	/**
	 * Defaults of @MaxConcurrency methods, for the attributes they leave unset.
	 */
	public static class MaxConcurrency {

		/**
		 * What a call beyond the limit does: wait for a slot (a blocking caller for at most
		 * max-wait, an asynchronous call in the queue) or be rejected at once.
		 */
		private io.asynchelpers.annotation.MaxConcurrency.Policy policy =
				io.asynchelpers.annotation.MaxConcurrency.Policy.WAIT;

		/**
		 * How long a blocking call waits for a free slot before it is rejected. Calls
		 * returning a CompletionStage, Mono or Flux never block: queue-capacity bounds them.
		 */
		private Duration maxWait = Duration.ofSeconds(1);

		/**
		 * How many calls of one method may wait for a slot, blocked callers and queued
		 * asynchronous calls together; further calls are rejected. A waiting asynchronous call
		 * costs a small queue entry and no thread.
		 */
		private int queueCapacity = Integer.MAX_VALUE;

		public io.asynchelpers.annotation.MaxConcurrency.Policy getPolicy() {
			return this.policy;
		}

		public void setPolicy(io.asynchelpers.annotation.MaxConcurrency.Policy policy) {
			this.policy = policy;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

	}

}
