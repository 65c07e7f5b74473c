/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The async toolbox: bounded-concurrency gather, map and filter, batches with pauses, retry
 * with exponential backoff, timeouts that cancel the work, timing, all returning
 * {@link CompletableFuture}s.
 * <p>
 * <b>Where things run.</b> {@link Task#blocking blocking} tasks run on the {@code executor};
 * the supplier of an {@link Task#async async} task is called on whichever thread starts it
 * (the caller for the first tasks, then the thread that completed an earlier task, or an
 * executor thread after a pause) and must not block. Pauses and timeouts are timers on the
 * {@code scheduler}, whose threads only fire timers: when a timer fires, whatever comes next
 * (the next attempt, the next batch, the failure of a timed-out call and everything that
 * completing it sets off) is handed to the {@code executor}, so user code never runs on a
 * scheduler thread. No executor thread ever sleeps or blocks to wait for a slot, a pause or
 * another task. Returned futures complete on the thread that completed the last piece of
 * work, so heavy continuations belong on an executor of the caller's choosing
 * ({@code thenApplyAsync(fn, executor)}).
 * <p>
 * <b>Context.</b> Each call captures the caller's context once, when it starts, with the
 * {@link ContextPropagator} (SLF4J's MDC by default), and runs every piece of its work in
 * that context: each blocking task, async supplier, retry attempt, mapped, filtered or
 * batched item, and per-item callback, on whichever thread. The thread's own context is put
 * back afterwards, so no pool thread carries one caller's context into another's work.
 * <p>
 * <b>Cancellation.</b> Cancelling a returned future cancels the work it stands for: running
 * blocking tasks are interrupted, async stages are cancelled, queued tasks never start and
 * pending pauses never fire. The same holds for any other completion of a returned future
 * by the caller ({@code complete}, {@code completeExceptionally}, {@code orTimeout}): the
 * work behind it stops.
 * <p>
 * <b>Interrupts.</b> An interrupt is a request to stop: a retry never retries an
 * {@link InterruptedException}, a {@code ClosedByInterruptException} or an
 * {@code InterruptedIOException} (a {@code SocketTimeoutException} excepted: it is a failed
 * attempt), and a blocking retry on the caller's thread stops at once, with the interrupt
 * flag kept, when it is interrupted during an attempt or a pause.
 * <p>
 * <b>Failures.</b> Methods that return outcomes ({@link Outcome}) never fail because one
 * task failed; the others fail with the task's own exception, not a wrapper. A task that
 * the executor rejects fails with the {@link RejectedExecutionException}, so no task is ever
 * silently lost. Bad arguments fail at call time with an {@link IllegalArgumentException}
 * or {@link NullPointerException} naming the parameter and the value.
 * <p>
 * <b>Shutdown.</b> When the executor refuses work because it is shut down, the work that
 * was never started fails with a {@link NotStartedException}, and a fan-out stops taking
 * items: each item of a collection not started yet ends as that failure, and a tracker of
 * the run ends as {@link AsyncProgress.State#STOPPED stopped}. {@link #close() Closing} the
 * helpers ends the operations that are pausing; an operation that needs a pause after that
 * fails with a {@link NotStartedException} (the executor, which the helpers do not own,
 * decides about everything else). The pauses share one timer on the scheduler, armed for
 * the earliest: once the scheduler is shut down and refuses the next one, the pauses still
 * waiting fail with a {@link RejectedExecutionException} instead of waiting forever.
 * <p>
 * The scheduler should drop cancelled timers at once (for a
 * {@link ScheduledThreadPoolExecutor}, {@code setRemoveOnCancelPolicy(true)}); otherwise
 * every call that finishes before its timeout leaves a dead timer queued until it would
 * have fired. This class does not own the executor or the scheduler and never shuts them
 * down. Instances are thread-safe.
 */
public final class AsyncHelpers implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(AsyncHelpers.class);

	private final Executor executor;

	private final ScheduledExecutorService scheduler;

	private final AsyncDefaults defaults;

	private final LongSupplier nanoClock;

	private final Pauses pauses;

	private final CallerTimeouts callerTimeouts;

	private final ContextPropagator contextPropagator;

	private final AsyncEvents events;

	/**
	 * Create helpers with the {@link AsyncDefaults#standard() standard defaults}.
	 * @param executor runs blocking tasks
	 * @param scheduler times pauses, backoff and timeouts
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public AsyncHelpers(Executor executor, ScheduledExecutorService scheduler) {
		this(executor, scheduler, AsyncDefaults.standard());
	}

	/**
	 * Create helpers.
	 * @param executor runs blocking tasks
	 * @param scheduler times pauses, backoff and timeouts
	 * @param defaults the values used when a call passes none
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public AsyncHelpers(Executor executor, ScheduledExecutorService scheduler, AsyncDefaults defaults) {
		this(executor, scheduler, defaults, System::nanoTime);
	}

	/**
	 * Create helpers with their own monotonic clock, for tests.
	 * @param executor runs blocking tasks
	 * @param scheduler times pauses, backoff and timeouts
	 * @param defaults the values used when a call passes none
	 * @param nanoClock the monotonic clock for {@link #asyncTimer(String)} and retry deadlines
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public AsyncHelpers(Executor executor, ScheduledExecutorService scheduler, AsyncDefaults defaults,
			LongSupplier nanoClock) {
		this(executor, scheduler, defaults, nanoClock, ContextPropagator.mdc());
	}

	/**
	 * Create helpers that carry the caller's context to its work with a propagator of their
	 * own (the other constructors carry SLF4J's MDC: {@link ContextPropagator#mdc()}).
	 * @param executor runs blocking tasks
	 * @param scheduler times pauses, backoff and timeouts
	 * @param defaults the values used when a call passes none
	 * @param nanoClock the monotonic clock for {@link #asyncTimer(String)} and retry deadlines
	 * @param contextPropagator captures the caller's context when a call starts and puts it in
	 * place around each piece of the call's work
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public AsyncHelpers(Executor executor, ScheduledExecutorService scheduler, AsyncDefaults defaults,
			LongSupplier nanoClock, ContextPropagator contextPropagator) {
		this.contextPropagator = Checks.notNull(contextPropagator, "contextPropagator");
		this.executor = Checks.notNull(executor, "executor");
		this.scheduler = Checks.notNull(scheduler, "scheduler");
		this.defaults = Checks.notNull(defaults, "defaults");
		this.nanoClock = Checks.notNull(nanoClock, "nanoClock");
		this.pauses = new Pauses(scheduler, executor);
		this.callerTimeouts = new CallerTimeouts(scheduler);
		this.events = AsyncEvents.NONE;
		if (scheduler instanceof ScheduledThreadPoolExecutor pool && !pool.getRemoveOnCancelPolicy()) {
			logger.warn("The scheduler does not remove cancelled tasks: each call that finishes before its "
					+ "timeout leaves a timer queued until it expires. Call setRemoveOnCancelPolicy(true) on it.");
		}
	}

	/**
	 * A view of these helpers that shares everything with them (executor, scheduler, pending
	 * pauses, defaults) and also tells {@code listener} about the {@link AsyncEvent}s of the
	 * calls made through it.
	 */
	private AsyncHelpers(AsyncHelpers helpers, AsyncEvents events) {
		this.contextPropagator = helpers.contextPropagator;
		this.executor = helpers.executor;
		this.scheduler = helpers.scheduler;
		this.defaults = helpers.defaults;
		this.nanoClock = helpers.nanoClock;
		this.pauses = helpers.pauses;
		this.callerTimeouts = helpers.callerTimeouts;
		this.events = events;
	}

	/**
	 * Return helpers that also tell {@code listener} about the events of every call made
	 * through them: an attempt failed and a retry is scheduled, retries ran out, an operation
	 * recovered after retries, a time limit was reached, a call was rejected by a concurrency
	 * limit. The returned helpers share everything else with these (executor, scheduler,
	 * pending pauses; closing either closes both), and these keep their own listeners: use it
	 * per call, {@code helpers.withEventListener(audit).retryWithBackoff(...)}, or once, to
	 * build the helpers an application injects. Listeners run as
	 * {@link AsyncEventListener} describes.
	 * @param listener the listener to add
	 * @return helpers with the listeners of these plus {@code listener}
	 * @throws NullPointerException if {@code listener} is {@code null}
	 */
	public AsyncHelpers withEventListener(AsyncEventListener listener) {
		return new AsyncHelpers(this, this.events.with(listener));
	}

	/**
	 * End every operation that is pausing (a retry waiting for its next attempt, batches
	 * waiting for the next batch, a plain {@code Future} being polled): each fails with a
	 * {@link CancellationException} instead of waiting for a timer that a shutting-down
	 * scheduler will never fire. Running tasks are not touched (they belong to the executor,
	 * which this class does not own), and later calls that need a pause fail with a
	 * {@link RejectedExecutionException}. Called by the Spring context when it closes.
	 */
	@Override
	public void close() {
		this.pauses.close();
	}

	/**
	 * Return how many operations are waiting out a pause right now.
	 * @return the number of pending pauses
	 */
	public int pendingPauses() {
		return this.pauses.pendingCount();
	}

	/**
	 * Return how many {@link #callWithTimeout(Callable, Duration, String) calls with a time
	 * limit} are running right now: a snapshot, since calls on other threads may start or
	 * end while it is counted. Calls nested on one thread are counted once.
	 * @return the number of calls whose time limit is being watched
	 */
	public int watchedCalls() {
		return this.callerTimeouts.watchedCount();
	}

	/**
	 * Return the propagator that carries callers' context to their work.
	 * @return the propagator
	 */
	public ContextPropagator contextPropagator() {
		return this.contextPropagator;
	}

	/**
	 * Return the values used when a call passes none.
	 * @return the defaults
	 */
	public AsyncDefaults defaults() {
		return this.defaults;
	}

	// gather_with_limit

	/**
	 * Run tasks with at most {@link AsyncDefaults#limit() the default limit} at once, failing
	 * fast. See {@link #gatherWithLimit(List, int)}.
	 * @param tasks the tasks
	 * @param <T> the type of the results
	 * @return a future of the results, in input order, as an unmodifiable list
	 * @throws NullPointerException if {@code tasks} or one of them is {@code null}
	 */
	public <T> CompletableFuture<List<T>> gatherWithLimit(List<? extends Task<? extends T>> tasks) {
		return gatherWithLimit(tasks, this.defaults.limit());
	}

	/**
	 * Run tasks with at most {@code limit} running at once, failing fast: the seed's
	 * {@code return_exceptions=False}.
	 * <p>
	 * Tasks beyond the window are not submitted until a running one completes, so the
	 * executor never holds more than {@code limit} of them. The first failure fails the
	 * returned future with that task's exception, interrupts or cancels the tasks still
	 * running and starts no more. Cancelling the returned future does the same.
	 * @param tasks the tasks
	 * @param limit how many run at once, {@code > 0}
	 * @param <T> the type of the results
	 * @return a future of the results, in input order, as an unmodifiable list
	 * @throws IllegalArgumentException if {@code limit <= 0}
	 * @throws NullPointerException if {@code tasks} or one of them is {@code null}
	 */
	public <T> CompletableFuture<List<T>> gatherWithLimit(List<? extends Task<? extends T>> tasks, int limit) {
		Checks.noNullElements(tasks, "tasks");
		Checks.positive(limit, "limit");
		return BoundedExecution.<Task<? extends T>, T, List<T>>run(tasks, Function.identity(), "tasks", limit,
				fanOutExecutor(), true, null, ResultSlots::values, options(null));
	}

	/**
	 * Run tasks as {@link #gatherWithLimit(List, int)} does, under a limiter shared with other
	 * callers (a cluster-scoped one limits them over all replicas): each task is
	 * {@linkplain ConcurrencyLimiter#submit submitted} to it when its turn comes, and at most
	 * {@link ConcurrencyLimiter#limit()} tasks of this call are handed to it at once, so a
	 * long list does not fill the limiter's queue. Tasks run as the limiter runs them (blocking
	 * ones on its executor) in the caller's context. The first failure, a rejection by the
	 * limiter included, fails the returned future and cancels the others, queued or running;
	 * so does cancelling the returned future.
	 * @param tasks the tasks
	 * @param limiter the limit they share with other callers
	 * @param <T> the type of the results
	 * @return a future of the results, in input order, as an unmodifiable list
	 * @throws NullPointerException if an argument, or one of the tasks, is {@code null}
	 */
	public <T> CompletableFuture<List<T>> gatherWithLimit(List<? extends Task<? extends T>> tasks,
			ConcurrencyLimiter limiter) {
		Checks.noNullElements(tasks, "tasks");
		Checks.notNull(limiter, "limiter");
		return BoundedExecution.<Task<? extends T>, T, List<T>>run(tasks, (task) -> underLimiter(task, limiter),
				"tasks", limiter.limit(), fanOutExecutor(), true, null, ResultSlots::values, options(null));
	}

	/**
	 * Run tasks with at most {@code limit} running at once and return one outcome per task:
	 * the seed's {@code return_exceptions=True}. Never fails because a task failed.
	 * Cancelling the returned future interrupts or cancels the running tasks and starts no
	 * more.
	 * @param tasks the tasks
	 * @param limit how many run at once, {@code > 0}
	 * @param <T> the type of the results
	 * @return a future of the outcomes, in input order, as an unmodifiable list
	 * @throws IllegalArgumentException if {@code limit <= 0}
	 * @throws NullPointerException if {@code tasks} or one of them is {@code null}
	 */
	public <T> CompletableFuture<List<Outcome<T>>> gatherWithLimitSettled(List<? extends Task<? extends T>> tasks,
			int limit) {
		Checks.noNullElements(tasks, "tasks");
		Checks.positive(limit, "limit");
		return BoundedExecution.<Task<? extends T>, T>run(tasks, Function.identity(), "tasks", limit, fanOutExecutor(),
				false, null, options(null));
	}

	// batch_process

	/**
	 * Process items in batches of {@link AsyncDefaults#batchSize()} with the default pause.
	 * See {@link #batchProcess(List, Function, int, Duration)}.
	 * @param items the items
	 * @param taskFunction makes the task for one item
	 * @param <I> the type of the items
	 * @param <R> the type of the results
	 * @return a future of one outcome per item, in input order, as an unmodifiable list
	 * @throws NullPointerException if an argument or item is {@code null}
	 */
	public <I, R> CompletableFuture<List<Outcome<R>>> batchProcess(List<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction) {
		return batchProcess(items, taskFunction, this.defaults.batchSize(), this.defaults.batchDelay());
	}

	/**
	 * Process items in batches: the batches one after another, the items of one batch all at
	 * once. Between two batches the scheduler waits {@code delay} (no thread is held); there
	 * is no pause after the last batch. Each finished batch is logged at DEBUG as
	 * {@code Processed n/total items}.
	 * <p>
	 * A failed item is a failure outcome in its place (the seed replaced a whole failed batch
	 * by {@code None}s); the other items of its batch keep their results. Cancelling the
	 * returned future cancels the running batch and the pending pause. If the executor or the
	 * scheduler is shut down between two batches, the result completes with the outcomes so
	 * far and a {@link NotStartedException} failure for each item not started; if the helpers
	 * {@link #close() close} during a pause, it fails with their {@link CancellationException}.
	 * @param items the items
	 * @param taskFunction makes the task for one item, for instance
	 * {@code Task.blocking(this::enrich)}
	 * @param batchSize how many items one batch holds, {@code > 0}
	 * @param delay the pause between batches, {@code >= 0}
	 * @param <I> the type of the items
	 * @param <R> the type of the results
	 * @return a future of one outcome per item, in input order, as an unmodifiable list
	 * @throws IllegalArgumentException if {@code batchSize <= 0} or {@code delay} is negative
	 * @throws NullPointerException if an argument or item is {@code null}
	 */
	public <I, R> CompletableFuture<List<Outcome<R>>> batchProcess(List<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, int batchSize, Duration delay) {
		Checks.noNullElements(items, "items");
		Checks.notNull(taskFunction, "taskFunction");
		Checks.positive(batchSize, "batchSize");
		Checks.notNegative(delay, "delay");
		return BatchExecution.run(items, taskFunction, batchSize, Durations.saturatedNanos(delay),
				fanOutExecutor(), this.pauses, options(null));
	}

	// async_timer

	/**
	 * Start a timer named {@code "operation"}. See {@link #asyncTimer(String)}.
	 * @return the running timer
	 */
	public AsyncTimer asyncTimer() {
		return asyncTimer("operation");
	}

	/**
	 * Start a timer for a try-with-resources block; closing it logs
	 * {@code "{name} completed in {s}s"} at DEBUG. Measured on a monotonic clock.
	 * @param name the name of the operation
	 * @return the running timer
	 * @throws NullPointerException if {@code name} is {@code null}
	 */
	public AsyncTimer asyncTimer(String name) {
		return new AsyncTimer(Checks.notNull(name, "name"), this.nanoClock);
	}

	/**
	 * Time a stage until it completes (not until it is returned) and log it at DEBUG:
	 * {@code "{name} completed in {s}s"}, or {@code "{name} failed in {s}s: {exception}"}.
	 * The timer starts now.
	 * @param name the name of the operation
	 * @param stage the stage to time
	 * @param <T> the type of the result
	 * @return a future that completes as the stage does, after logging; cancelling it
	 * cancels the stage
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public <T> CompletableFuture<T> asyncTimer(String name, CompletionStage<T> stage) {
		AsyncTimer timer = asyncTimer(name);
		Checks.notNull(stage, "stage");
		CompletableFuture<T> future = StageFuture.of(stage);
		Completions.whenDone(future, (value, ex) -> {
			if (ex != null) {
				timer.fail(Exceptions.unwrap(ex));
			}
			else {
				timer.close();
			}
		});
		return future;
	}

	// asyncio.sleep

	/**
	 * A future that completes after a delay, timed on the scheduler: the non-blocking
	 * {@code asyncio.sleep}. No thread waits. It is completed from the executor, so its
	 * continuations do not run on the scheduler's thread (only when the executor refuses,
	 * draining at shutdown, is it completed from the timer thread, so that work finishing
	 * meanwhile is not left waiting). Cancelling it cancels the timer.
	 * @param delay how long to wait, {@code >= 0} (anything over 100 years waits 100 years)
	 * @return a future completed with {@code null} after the delay
	 * @throws IllegalArgumentException if {@code delay} is negative
	 */
	public CompletableFuture<@Nullable Void> delay(Duration delay) {
		Checks.notNegative(delay, "delay");
		CompletableFuture<@Nullable Void> result = new CompletableFuture<>();
		try {
			Future<?> pause = this.pauses.schedule(() -> result.complete(null), Durations.saturatedNanos(delay),
					result::completeExceptionally, Pauses.Wake.ON_EXECUTOR_OR_TIMER);
			Completions.whenDone(result, (value, ex) -> pause.cancel(false));
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(ex);
		}
		return result;
	}

	// retry_with_backoff

	/**
	 * Retry a task with the {@link AsyncDefaults#retry() default retry spec}. See
	 * {@link #retryWithBackoff(String, Task, RetrySpec)}.
	 * @param task the task
	 * @param <T> the type of the result
	 * @return a future of the first successful attempt's result
	 * @throws NullPointerException if {@code task} is {@code null}
	 */
	public <T> CompletableFuture<T> retryWithBackoff(Task<T> task) {
		return retryWithBackoff("operation", task, this.defaults.retry());
	}

	/**
	 * Retry a task with the given spec. See {@link #retryWithBackoff(String, Task, RetrySpec)}.
	 * @param task the task
	 * @param spec how to retry
	 * @param <T> the type of the result
	 * @return a future of the first successful attempt's result
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public <T> CompletableFuture<T> retryWithBackoff(Task<T> task, RetrySpec spec) {
		return retryWithBackoff("operation", task, spec);
	}

	/**
	 * Retry a task with exponential backoff, waiting on the scheduler between attempts.
	 * <p>
	 * With {@code maxRetries = 3} the task runs at most four times. A failure that the spec
	 * does not retry, or an interrupt, fails the result at once. Each retry is logged with
	 * the attempt and the delay at the spec's {@link RetrySpec#retryLogLevel() retry level}
	 * (DEBUG by default), retries that ran out once at its
	 * {@link RetrySpec#exhaustedLogLevel() exhausted level} (WARN by default), under the
	 * {@code io.asynchelpers.RetryState} logger; the returned future fails with the last
	 * exception, carrying the earlier ones as {@linkplain Throwable#getSuppressed() suppressed}.
	 * No thread is held during a pause, and the next attempt starts on the executor, inside
	 * the caller's context. Cancelling the returned future (or completing it in any other
	 * way) interrupts or cancels the attempt in flight, or cancels the pending pause, and ends
	 * the retries.
	 * @param name the name of the operation, for the log
	 * @param task the task, started once per attempt
	 * @param spec how to retry
	 * @param <T> the type of the result
	 * @return a future of the first successful attempt's result
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public <T> CompletableFuture<T> retryWithBackoff(String name, Task<T> task, RetrySpec spec) {
		Checks.notNull(name, "name");
		Checks.notNull(task, "task");
		Checks.notNull(spec, "spec");
		return retryWithBackoff(task, retryState(name, spec));
	}

	/**
	 * Retry a task as {@link #retryWithBackoff(String, Task, RetrySpec)} does, each attempt
	 * with a time limit that is cut to what is left of the spec's
	 * {@link RetrySpec#maxDuration() deadline}: with a deadline, the returned future
	 * completes by it (plus the time the executor takes to deliver a timeout), whatever the
	 * attempts do. An attempt that runs out of time fails with an
	 * {@link AsyncTimeoutException}, which is retried like any failure the spec retries (while
	 * the deadline allows). Each attempt runs as
	 * {@link #runWithTimeout(Task, Duration, String)} runs a task.
	 * @param name the name of the operation, for the log
	 * @param task the task, started once per attempt
	 * @param spec how to retry
	 * @param attemptTimeout the time limit of each attempt, {@code > 0}
	 * @param <T> the type of the result
	 * @return a future of the first accepted attempt's result
	 * @throws IllegalArgumentException if {@code attemptTimeout} is not positive
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public <T> CompletableFuture<T> retryWithBackoff(String name, Task<T> task, RetrySpec spec,
			Duration attemptTimeout) {
		Checks.notNull(name, "name");
		Checks.notNull(task, "task");
		Checks.notNull(spec, "spec");
		Checks.positive(attemptTimeout, "attemptTimeout");
		RetryState state = retryState(name, spec);
		return retryWithBackoff(Task.async(() -> runWithTimeout(name, task, state.limitToTimeLeft(attemptTimeout), null)),
				state);
	}

	/**
	 * Retry a task with the decisions of a given {@link RetryState}, as
	 * {@link #retryWithBackoff(String, Task, RetrySpec)} does: for integrations whose attempts
	 * need the state, for instance to cut their own time limit to
	 * {@link RetryState#timeLeft()}. The state must be fresh and used for this one call.
	 * @param task the task, started once per attempt
	 * @param state the operation's retry decisions, from {@link #retryState(String, RetrySpec)}
	 * @param <T> the type of the result
	 * @return a future of the first accepted attempt's result
	 * @throws NullPointerException if an argument is {@code null}
	 * @throws IllegalArgumentException if {@code state} has already counted an attempt
	 */
	public <T> CompletableFuture<T> retryWithBackoff(Task<T> task, RetryState state) {
		Checks.notNull(task, "task");
		checkFresh(state);
		return RetryExecution.run(task, state, this.executor, this.pauses, this.contextPropagator.capture());
	}

	/**
	 * A state that has counted attempts would start the retry with fewer attempts left and
	 * an old deadline: refuse it at the call rather than retry less than the spec says.
	 */
	private static void checkFresh(RetryState state) {
		int attempts = Checks.notNull(state, "state").attempts();
		if (attempts != 0) {
			throw new IllegalArgumentException("state must be fresh (from retryState, used for one call), but it has "
					+ "already counted " + attempts + " attempt(s) of " + state.name());
		}
	}

	/**
	 * Create the retry decisions of one operation, its deadline measured on these helpers'
	 * monotonic clock: for integrations that drive their own attempts (a Reactor
	 * {@code retryWhen}) or that pass it to {@link #retryWithBackoff(Task, RetryState)} or
	 * {@link #callWithRetry(Callable, RetryState)}. Jitter is drawn from
	 * {@link ThreadLocalRandom}.
	 * @param name the operation's name, for the log
	 * @param spec how to retry
	 * @return a fresh state, for one operation
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public RetryState retryState(String name, RetrySpec spec) {
		return new RetryState(Checks.notNull(name, "name"), Checks.notNull(spec, "spec"), AsyncHelpers::random,
				this.nanoClock, this.events);
	}

	/**
	 * Call blocking code on the calling thread and retry it with exponential backoff, pausing
	 * the calling thread (and only it) between attempts. For callers that must keep their
	 * thread-bound context (a transaction, a security context). Retries, logging and the
	 * suppressed exceptions are as in {@link #retryWithBackoff(String, Task, RetrySpec)}; a
	 * result the spec's {@link RetrySpec#retryOnResult()} wants retried is retried too, and
	 * when none is left the caller gets it or a {@link RetriesExhaustedException}, as
	 * {@link RetrySpec#onResultExhausted()} says. No attempt starts when the pause before it
	 * would end past the spec's {@link RetrySpec#maxDuration()}.
	 * @param name the name of the operation, for the log
	 * @param callable the code, called once per attempt
	 * @param spec how to retry
	 * @param <T> the type of the result
	 * @return the first accepted attempt's result
	 * @throws Exception the last failure, with the earlier ones suppressed; an
	 * {@link InterruptedException} if the caller is interrupted during a pause. An interrupt
	 * ends the retry at once and no further attempt starts, whether it comes as the code's
	 * {@code InterruptedException} (or {@code ClosedByInterruptException},
	 * {@code InterruptedIOException}), as the thread's interrupt flag after an attempt,
	 * or during the pause; the flag is set when this method throws, so a time limit around
	 * the call (an enclosing {@code callWithTimeout}) sees it
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public <T> T callWithRetry(String name, Callable<T> callable, RetrySpec spec) throws Exception {
		Checks.notNull(name, "name");
		Checks.notNull(callable, "callable");
		Checks.notNull(spec, "spec");
		return callWithRetry(callable, retryState(name, spec));
	}

	/**
	 * Call blocking code on the calling thread and retry it as
	 * {@link #callWithRetry(String, Callable, RetrySpec)} does, each attempt with a time limit
	 * (as {@link #callWithTimeout(Callable, Duration, String)} applies one) cut to what is
	 * left of the spec's {@link RetrySpec#maxDuration() deadline}: with a deadline, this
	 * method returns or throws by it, as soon as the code reacts to the interrupt. An attempt
	 * that runs out of time fails with an {@link AsyncTimeoutException}, which is retried like
	 * any failure the spec retries (while the deadline allows).
	 * @param name the name of the operation, for the log
	 * @param callable the code, called once per attempt
	 * @param spec how to retry
	 * @param attemptTimeout the time limit of each attempt, {@code > 0}
	 * @param <T> the type of the result
	 * @return the first accepted attempt's result
	 * @throws Exception as {@link #callWithRetry(String, Callable, RetrySpec)} does
	 * @throws IllegalArgumentException if {@code attemptTimeout} is not positive
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public <T> T callWithRetry(String name, Callable<T> callable, RetrySpec spec, Duration attemptTimeout)
			throws Exception {
		Checks.notNull(name, "name");
		Checks.notNull(callable, "callable");
		Checks.notNull(spec, "spec");
		Checks.positive(attemptTimeout, "attemptTimeout");
		RetryState state = retryState(name, spec);
		return callWithRetry(() -> callWithTimeout(name, callable, state.limitToTimeLeft(attemptTimeout), null),
				state);
	}

	/**
	 * Call blocking code on the calling thread and retry it with the decisions of a given
	 * {@link RetryState}, as {@link #callWithRetry(String, Callable, RetrySpec)} does: for
	 * integrations whose attempts need the state, for instance to cut their own time limit
	 * to {@link RetryState#timeLeft()}. The state must be fresh and used for this one call.
	 * @param callable the code, called once per attempt
	 * @param state the operation's retry decisions, from {@link #retryState(String, RetrySpec)}
	 * @param <T> the type of the result
	 * @return the first accepted attempt's result
	 * @throws Exception as {@link #callWithRetry(String, Callable, RetrySpec)} does
	 * @throws NullPointerException if an argument is {@code null}
	 * @throws IllegalArgumentException if {@code state} has already counted an attempt
	 */
	public <T> T callWithRetry(Callable<T> callable, RetryState state) throws Exception {
		Checks.notNull(callable, "callable");
		checkFresh(state);
		while (true) {
			state.beginAttempt();
			T value;
			try {
				value = callable.call();
			}
			catch (Throwable ex) {
				if (RetryState.isInterrupt(ex)) {
					// The throw cleared the flag: put it back for whoever interrupted us.
					Thread.currentThread().interrupt();
				}
				long delay = state.onFailure(ex);
				if (delay == RetryState.GIVE_UP) {
					throw asException(ex);
				}
				pauseCaller(state, delay, ex);
				continue;
			}
			long delay = state.onResult(value);
			if (delay == RetryState.GIVE_UP) {
				return value;
			}
			if (delay == RetryState.THROW_EXHAUSTED) {
				throw state.exhaustedBy(value);
			}
			pauseCaller(state, delay, null);
		}
	}

	/**
	 * Pause the calling thread before the next attempt, unless it is interrupted.
	 */
	private static void pauseCaller(RetryState state, long delay, @Nullable Throwable failure)
			throws InterruptedException {
		if (Thread.currentThread().isInterrupted()) {
			// An interrupt that came as the flag ends the retry at once, as one during
			// the pause does: the flag stays set for the caller.
			InterruptedException interrupted = new InterruptedException(
					state.name() + ": interrupted after attempt " + state.attempts() + "; not retried");
			if (failure != null) {
				interrupted.addSuppressed(failure);
			}
			throw interrupted;
		}
		try {
			TimeUnit.NANOSECONDS.sleep(delay);
		}
		catch (InterruptedException interrupted) {
			Thread.currentThread().interrupt();
			if (failure != null) {
				interrupted.addSuppressed(failure);
			}
			throw interrupted;
		}
	}

	// run_with_timeout

	/**
	 * Run a task with the {@link AsyncDefaults#timeout() default timeout}.
	 * @param task the task
	 * @param <T> the type of the result
	 * @return a future of the result or of an {@link AsyncTimeoutException}
	 * @throws IllegalStateException if no default timeout is configured
	 * @throws NullPointerException if {@code task} is {@code null}
	 */
	public <T> CompletableFuture<T> runWithTimeout(Task<T> task) {
		Checks.notNull(task, "task");
		Duration timeout = this.defaults.timeout();
		if (timeout == null) {
			throw new IllegalStateException("No default timeout is configured: pass a timeout");
		}
		return runWithTimeout(task, timeout, null);
	}

	/**
	 * Run a task with a time limit. See {@link #runWithTimeout(Task, Duration, String)}.
	 * @param task the task
	 * @param timeout the time limit, {@code > 0}
	 * @param <T> the type of the result
	 * @return a future of the result or of an {@link AsyncTimeoutException}
	 * @throws IllegalArgumentException if {@code timeout} is not positive
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public <T> CompletableFuture<T> runWithTimeout(Task<T> task, Duration timeout) {
		return runWithTimeout(task, timeout, null);
	}

	/**
	 * Run a task with a time limit. If the limit passes first, the returned future fails with
	 * an {@link AsyncTimeoutException} carrying {@code message} (or
	 * {@code "Operation timed out after {timeout}"}) and the work is cancelled: the thread
	 * running a blocking task is interrupted, an async stage is cancelled. If the task
	 * finishes first, its timer is cancelled. Cancelling the returned future, or completing it
	 * in any other way, cancels both.
	 * <p>
	 * For a blocking task the timer is armed before the task starts, so the limit holds
	 * whichever thread runs the task, also an executor that runs it on the calling thread (a
	 * direct executor, a saturated pool's caller-runs policy): that thread is then interrupted
	 * when time is up. An async task's supplier runs on the calling thread; the limit counts
	 * from its start, and a timer is armed only when the stage it returns is not complete yet,
	 * for what is left of the limit. A stage complete on return is handed back as it is (no
	 * timer), unless returning took the whole limit: then the result fails with the timeout.
	 * When the limit passes, the returned future is failed from the executor, not from the
	 * scheduler's thread.
	 * <p>
	 * The failure is not logged here: the caller receives it.
	 * @param task the task
	 * @param timeout the time limit, {@code > 0}
	 * @param message the timeout failure's message, or {@code null} for the default
	 * @param <T> the type of the result
	 * @return a future of the result or of an {@link AsyncTimeoutException}
	 * @throws IllegalArgumentException if {@code timeout} is not positive
	 * @throws NullPointerException if {@code task} or {@code timeout} is {@code null}
	 */
	public <T> CompletableFuture<T> runWithTimeout(Task<T> task, Duration timeout, @Nullable String message) {
		return runWithTimeout("operation", task, timeout, message);
	}

	/**
	 * Run a named task with a time limit, as {@link #runWithTimeout(Task, Duration, String)}
	 * does; the name goes into the {@link AsyncEvent.TimeLimitReached} event when the limit
	 * passes.
	 * @param name the operation's name, for events
	 * @param task the task
	 * @param timeout the time limit, {@code > 0}
	 * @param message the timeout failure's message, or {@code null} for the default
	 * @param <T> the type of the result
	 * @return a future of the result or of an {@link AsyncTimeoutException}
	 * @throws IllegalArgumentException if {@code timeout} is not positive
	 * @throws NullPointerException if {@code name}, {@code task} or {@code timeout} is
	 * {@code null}
	 */
	public <T> CompletableFuture<T> runWithTimeout(String name, Task<T> task, Duration timeout,
			@Nullable String message) {
		Checks.notNull(name, "name");
		Checks.notNull(task, "task");
		Checks.positive(timeout, "timeout");
		return TimeoutExecution.run(task, timeout, message, this.executor, this.scheduler,
				this.contextPropagator.capture(), () -> publishTimeLimit(name, timeout));
	}

	private void publishTimeLimit(String name, Duration timeout) {
		this.events.publish((now) -> new AsyncEvent.TimeLimitReached(name, now, timeout));
	}

	/**
	 * Tell these helpers' {@link AsyncEventListener}s about an event, for integrations that
	 * carry out an operation themselves (the Reactor support applies its time limits with
	 * Reactor's own operators). Listeners run on the calling thread, as
	 * {@link AsyncEventListener} describes; with none, this does nothing.
	 * @param event the event
	 * @throws NullPointerException if {@code event} is {@code null}
	 */
	public void publishEvent(AsyncEvent event) {
		Checks.notNull(event, "event");
		this.events.publish((now) -> event);
	}

	/**
	 * Call blocking code on the calling thread with a time limit: the code keeps the
	 * caller's thread-bound context and no thread hop is paid. When the limit passes, the
	 * scheduler interrupts the calling thread, and this method throws an
	 * {@link AsyncTimeoutException} as soon as the code returns or throws (code that ignores
	 * interrupts is not stopped: run it with {@link #runWithTimeout(Task, Duration, String)}
	 * instead). An interrupt caused by the timer never outlives this call, even when the
	 * code finished just as the timer fired. Calls do not schedule a timer each: one shared
	 * sweep, scheduled for the earliest deadline, watches every thread's current call, so a
	 * call that finishes in time costs no scheduler work and wakes no scheduler thread (see
	 * {@link #watchedCalls()}).
	 * @param callable the code
	 * @param timeout the time limit, {@code > 0}
	 * @param message the timeout failure's message, or {@code null} for the default
	 * @param <T> the type of the result
	 * @return the code's result
	 * @throws AsyncTimeoutException if the limit passed; the code's own failure, if any, is
	 * attached as suppressed
	 * @throws Exception what the code threw, when within the limit
	 * @throws IllegalArgumentException if {@code timeout} is not positive
	 * @throws NullPointerException if an argument other than {@code message} is {@code null}
	 */
	public <T> T callWithTimeout(Callable<T> callable, Duration timeout, @Nullable String message) throws Exception {
		return callWithTimeout("operation", callable, timeout, message);
	}

	/**
	 * Call named blocking code on the calling thread with a time limit, as
	 * {@link #callWithTimeout(Callable, Duration, String)} does; the name goes into the
	 * {@link AsyncEvent.TimeLimitReached} event when the limit passes.
	 * @param name the operation's name, for events
	 * @param callable the code
	 * @param timeout the time limit, {@code > 0}
	 * @param message the timeout failure's message, or {@code null} for the default
	 * @param <T> the type of the result
	 * @return the code's result
	 * @throws AsyncTimeoutException if the limit passed; the code's own failure, if any, is
	 * attached as suppressed
	 * @throws Exception what the code threw, when within the limit
	 * @throws IllegalArgumentException if {@code timeout} is not positive
	 * @throws NullPointerException if an argument other than {@code message} is {@code null}
	 */
	public <T> T callWithTimeout(String name, Callable<T> callable, Duration timeout, @Nullable String message)
			throws Exception {
		Checks.notNull(name, "name");
		Checks.notNull(callable, "callable");
		Checks.positive(timeout, "timeout");
		InterruptGuard guard = new InterruptGuard();
		guard.enter();
		CallerTimeouts.Watch watch;
		try {
			watch = this.callerTimeouts.watch(guard, Durations.saturatedNanos(timeout));
		}
		catch (Throwable ex) {
			// Not watched (the scheduler refused the timer): the call does not run.
			guard.exit();
			throw ex;
		}
		T value = null;
		Throwable failure = null;
		try {
			value = callable.call();
		}
		catch (Throwable ex) {
			failure = ex;
		}
		finally {
			watch.end();
		}
		boolean timedOut = guard.exit();
		if (timedOut) {
			AsyncTimeoutException timeoutException = new AsyncTimeoutException(
					(message != null) ? message : AsyncTimeoutException.defaultMessage(timeout), timeout);
			if (failure != null) {
				timeoutException.addSuppressed(failure);
			}
			publishTimeLimit(name, timeout);
			throw timeoutException;
		}
		if (failure != null) {
			throw asException(failure);
		}
		return value;
	}

	// safe_gather

	/**
	 * Run all tasks at once and return one outcome per task, logging each failure at WARN
	 * with its index. The returned future never fails because a task failed (the seed's
	 * fallback of one exception for every slot is gone); cancelling it cancels the tasks.
	 * @param tasks the tasks
	 * @param <T> the type of the results
	 * @return a future of the outcomes, in input order, as an unmodifiable list
	 * @throws NullPointerException if {@code tasks} or one of them is {@code null}
	 */
	public <T> CompletableFuture<List<Outcome<T>>> safeGather(List<? extends Task<? extends T>> tasks) {
		Checks.noNullElements(tasks, "tasks");
		return BoundedExecution.<Task<? extends T>, T>run(tasks, Function.identity(), "tasks", Integer.MAX_VALUE,
				fanOutExecutor(), false, (index, task, outcome) -> {
					if (outcome instanceof Outcome.Failure<T> failure) {
						logger.warn("Task {} failed: {}", index, failure.exception().toString());
					}
				}, options(null));
	}

	// async_map

	/**
	 * Map items with the {@link AsyncDefaults#limit() default limit}. See
	 * {@link #asyncMap(Iterable, Function, int)}.
	 * @param items the items
	 * @param taskFunction makes the task for one item
	 * @param <I> the type of the items
	 * @param <R> the type of the results
	 * @return a future of one outcome per item, in input order, as an unmodifiable list
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public <I, R> CompletableFuture<List<Outcome<R>>> asyncMap(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction) {
		return asyncMap(items, taskFunction, this.defaults.limit());
	}

	/**
	 * Apply a task to every item with at most {@code maxConcurrency} running at once, and
	 * return one outcome per item in input order. Failures become failure outcomes; the
	 * returned future fails only if it is cancelled or the iterable itself throws.
	 * <p>
	 * Items are taken from the iterable only as slots free up, so a lazy iterable of a
	 * million items never has more than {@code maxConcurrency} tasks in memory. An empty
	 * input completes at once. Cancelling the returned future interrupts or cancels the
	 * running tasks and takes no more items.
	 * @param items the items; a {@code Collection} is checked for {@code null} elements up
	 * front, a {@code null} from another iterable fails its own slot
	 * @param taskFunction makes the task for one item, for instance
	 * {@code Task.blocking(this::enrich)}; it runs when the item's slot frees up, and a
	 * {@code null} task or an exception it throws is that item's failure outcome
	 * @param maxConcurrency how many tasks run at once, {@code > 0}
	 * @param <I> the type of the items
	 * @param <R> the type of the results
	 * @return a future of one outcome per item, in input order, as an unmodifiable list
	 * @throws IllegalArgumentException if {@code maxConcurrency <= 0}
	 * @throws NullPointerException if an argument, or an element of a collection, is
	 * {@code null}
	 */
	public <I, R> CompletableFuture<List<Outcome<R>>> asyncMap(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, int maxConcurrency) {
		checkItems(items);
		Checks.notNull(taskFunction, "taskFunction");
		Checks.positive(maxConcurrency, "maxConcurrency");
		return BoundedExecution.run(items, taskFunction, "items", maxConcurrency, fanOutExecutor(), false, null,
				options(null));
	}

	/**
	 * Map items as {@link #asyncMap(Iterable, Function, int)} does, under a limiter shared
	 * with other callers (a cluster-scoped one limits them over all replicas): each item's
	 * task is {@linkplain ConcurrencyLimiter#submit submitted} to it, at most
	 * {@link ConcurrencyLimiter#limit()} of this call's at once, so a lazy iterable is read
	 * only as permits come and the limiter's queue holds few of them. A task the limiter
	 * rejects is a failure outcome in its place. Cancelling the returned future cancels the
	 * tasks queued in the limiter or running, and takes no more items.
	 * @param items the items; a {@code Collection} is checked for {@code null} elements up
	 * front
	 * @param taskFunction makes the task for one item
	 * @param limiter the limit the tasks share with other callers
	 * @param <I> the type of the items
	 * @param <R> the type of the results
	 * @return a future of one outcome per item, in input order, as an unmodifiable list
	 * @throws NullPointerException if an argument, or an element of a collection, is
	 * {@code null}
	 */
	public <I, R> CompletableFuture<List<Outcome<R>>> asyncMap(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, ConcurrencyLimiter limiter) {
		checkItems(items);
		Checks.notNull(taskFunction, "taskFunction");
		Checks.notNull(limiter, "limiter");
		Function<I, Task<R>> limited = (item) -> underLimiter(taskFunction.apply(item), limiter);
		return BoundedExecution.run(items, limited, "items", limiter.limit(), fanOutExecutor(), false, null,
				options(null));
	}

	/**
	 * A task that submits {@code task} to the limiter when it is started: the fan-out's
	 * window keeps the number handed to the limiter bounded, the limiter the number running.
	 */
	private static <T> @Nullable Task<T> underLimiter(@Nullable Task<? extends T> task, ConcurrencyLimiter limiter) {
		if (task == null) {
			// The fan-out fails the item's slot, naming it.
			return null;
		}
		return Task.async(() -> limiter.<T>submit(narrow(task)));
	}

	@SuppressWarnings("unchecked")
	private static <T> Task<T> narrow(Task<? extends T> task) {
		return (Task<T>) task;
	}

	/**
	 * Map items as {@link #asyncMap(Iterable, Function, int)} does, counting each finished
	 * item on a progress tracker as {@linkplain AsyncProgress#succeeded() succeeded} or
	 * {@linkplain AsyncProgress#failed() failed}, and ending the tracker as the run ends.
	 * <ul>
	 * <li>Every item finished: the counts complete the tracker when its total is the number
	 * of items. A larger total (a tracker shared by several runs) leaves it running until
	 * the counts reach it, a smaller one completes it as soon as they reach it; a total of 0
	 * is completed from the start and counts nothing.</li>
	 * <li>The returned future is cancelled (or completed by the caller): the tracker ends as
	 * {@link AsyncProgress.State#CANCELLED cancelled}; items interrupted by that count as
	 * neither.</li>
	 * <li>The executor refuses work because of a shutdown: the run stops taking items, every
	 * item not started ends as a {@link NotStartedException} failure (counted as neither) and
	 * the tracker ends as {@link AsyncProgress.State#STOPPED stopped}.</li>
	 * <li>The iterable throws: the tracker ends as {@link AsyncProgress.State#FAILED failed}.</li>
	 * </ul>
	 * For concurrent runs of one job, name each tracker with
	 * {@link ProgressRegistry#createUnique(String, long)}.
	 * @param items the items
	 * @param taskFunction makes the task for one item
	 * @param maxConcurrency how many tasks run at once, {@code > 0}
	 * @param progress counts the items and ends with the run
	 * @param <I> the type of the items
	 * @param <R> the type of the results
	 * @return a future of one outcome per item, in input order, as an unmodifiable list
	 * @throws IllegalArgumentException if {@code maxConcurrency <= 0}
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public <I, R> CompletableFuture<List<Outcome<R>>> asyncMap(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, int maxConcurrency,
			AsyncProgress progress) {
		checkItems(items);
		Checks.notNull(taskFunction, "taskFunction");
		Checks.positive(maxConcurrency, "maxConcurrency");
		Checks.notNull(progress, "progress");
		return BoundedExecution.run(items, taskFunction, "items", maxConcurrency, fanOutExecutor(), false, null,
				options(progress));
	}

	/**
	 * Apply a task to every item with at most {@code maxConcurrency} running at once, handing
	 * each item's outcome to {@code onResult} as it completes instead of keeping it: the
	 * streaming form of {@link #asyncMap(Iterable, Function, int)} for inputs too large to hold
	 * their results. With a lazy iterable, memory does not grow with the number of items.
	 * <p>
	 * {@code onResult} is called once per item, in completion order (not input order), on the
	 * thread that completed the item, possibly several at once: it must be thread-safe and
	 * quick. It runs inside the caller's context (see {@link ContextPropagator}). An item that a
	 * lazy iterable (not a {@code Collection}) yielded as {@code null} is handed over as
	 * {@code null} with a failure outcome, so every item is reported and the returned count is
	 * exact. If {@code onResult}
	 * throws, the exception is logged at WARN with the item's index and the run goes on.
	 * Cancelling the returned future interrupts or cancels the running tasks and takes no more
	 * items.
	 * @param items the items; a {@code Collection} is checked for {@code null} elements up
	 * front, a {@code null} from another iterable fails its own item
	 * @param taskFunction makes the task for one item; a {@code null} task or an exception it
	 * throws is that item's failure outcome
	 * @param maxConcurrency how many tasks run at once, {@code > 0}
	 * @param onResult receives each item with its outcome
	 * @param <I> the type of the items
	 * @param <R> the type of the results
	 * @return a future of the number of items processed
	 * @throws IllegalArgumentException if {@code maxConcurrency <= 0}
	 * @throws NullPointerException if an argument, or an element of a collection, is
	 * {@code null}
	 */
	public <I, R> CompletableFuture<Long> asyncForEach(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, int maxConcurrency,
			BiConsumer<? super @Nullable I, Outcome<R>> onResult) {
		return forEach(items, taskFunction, maxConcurrency, onResult, null);
	}

	/**
	 * Stream items as {@link #asyncForEach(Iterable, Function, int, BiConsumer)} does, counting
	 * each finished item on a progress tracker (succeeded or failed; an item interrupted by a
	 * cancellation is neither) and ending the tracker as the run ends: completed, cancelled,
	 * failed, or stopped by a shutdown.
	 * @param items the items; a {@code Collection} is checked for {@code null} elements up
	 * front, a {@code null} from another iterable fails its own item
	 * @param taskFunction makes the task for one item; a {@code null} task or an exception it
	 * throws is that item's failure outcome
	 * @param maxConcurrency how many tasks run at once, {@code > 0}
	 * @param progress counts the items and ends with the run
	 * @param onResult receives each item with its outcome
	 * @param <I> the type of the items
	 * @param <R> the type of the results
	 * @return a future of the number of items processed
	 * @throws IllegalArgumentException if {@code maxConcurrency <= 0}
	 * @throws NullPointerException if an argument, or an element of a collection, is
	 * {@code null}
	 */
	public <I, R> CompletableFuture<Long> asyncForEach(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, int maxConcurrency, AsyncProgress progress,
			BiConsumer<? super @Nullable I, Outcome<R>> onResult) {
		Checks.notNull(progress, "progress");
		return forEach(items, taskFunction, maxConcurrency, onResult, progress);
	}

	private <I, R> CompletableFuture<Long> forEach(Iterable<? extends I> items,
			Function<? super I, ? extends Task<? extends R>> taskFunction, int maxConcurrency,
			BiConsumer<? super @Nullable I, Outcome<R>> onResult, @Nullable AsyncProgress progress) {
		checkItems(items);
		Checks.notNull(taskFunction, "taskFunction");
		Checks.positive(maxConcurrency, "maxConcurrency");
		Checks.notNull(onResult, "onResult");
		AtomicLong processed = new AtomicLong();
		return BoundedExecution.<I, R, Long>stream(items, taskFunction, maxConcurrency, fanOutExecutor(),
				(index, item, outcome) -> {
					processed.incrementAndGet();
					onResult.accept(item, outcome);
				}, (none) -> processed.get(), options(progress));
	}

	// ensure_async

	/**
	 * Run blocking code on the executor.
	 * @param callable the code
	 * @param <T> the type of the result
	 * @return a future of its result; cancelling it interrupts the code
	 * @throws NullPointerException if {@code callable} is {@code null}
	 */
	public <T> CompletableFuture<T> ensureAsync(Callable<? extends T> callable) {
		return Task.<T>blocking(callable).start(this.executor, this.contextPropagator.capture());
	}

	/**
	 * Start a task: a blocking one on the executor, an async one here, flattening the stage
	 * it returns.
	 * @param task the task
	 * @param <T> the type of the result
	 * @return a future of its result; cancelling it cancels the work
	 * @throws NullPointerException if {@code task} is {@code null}
	 */
	public <T> CompletableFuture<T> ensureAsync(Task<T> task) {
		return Checks.notNull(task, "task").start(this.executor, this.contextPropagator.capture());
	}

	/**
	 * Adapt a stage.
	 * @param stage the stage
	 * @param <T> the type of the result
	 * @return a future that completes as the stage does; cancelling it cancels the stage
	 * @throws NullPointerException if {@code stage} is {@code null}
	 */
	public <T> CompletableFuture<T> ensureAsync(CompletionStage<T> stage) {
		return StageFuture.of(Checks.notNull(stage, "stage"));
	}

	/**
	 * Adapt a plain {@link Future}. A {@code Future} offers no callback, so its completion is
	 * polled on the scheduler (every 1 ms at first, backing off to every 50 ms) instead of
	 * blocking a thread on {@code get()}.
	 * @param future the future
	 * @param <T> the type of the result
	 * @return a future that completes as the given one does; cancelling it cancels the given
	 * one with interruption
	 * @throws NullPointerException if {@code future} is {@code null}
	 */
	public <T> CompletableFuture<T> ensureAsync(Future<T> future) {
		Checks.notNull(future, "future");
		if (future instanceof CompletionStage<?>) {
			@SuppressWarnings("unchecked")
			CompletionStage<T> stage = (CompletionStage<T>) future;
			return StageFuture.of(stage);
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		Completions.whenDone(result, (value, ex) -> {
			if (result.isCancelled()) {
				future.cancel(true);
			}
		});
		pollUntilDone(future, result, 1);
		return result;
	}

	/**
	 * Wrap a plain value.
	 * @param value the value
	 * @param <T> the type of the value
	 * @return a future completed with the value
	 */
	public <T> CompletableFuture<T> ensureAsync(@Nullable T value) {
		return CompletableFuture.completedFuture(value);
	}

	// async_filter

	/**
	 * Filter items with the {@link AsyncDefaults#limit() default limit}. See
	 * {@link #asyncFilter(Iterable, Function, int)}.
	 * @param items the items
	 * @param predicate makes the task that decides for one item
	 * @param <T> the type of the items
	 * @return a future of the kept items, in input order, as an unmodifiable list
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public <T> CompletableFuture<List<T>> asyncFilter(Iterable<? extends T> items,
			Function<? super T, ? extends Task<Boolean>> predicate) {
		return asyncFilter(items, predicate, this.defaults.limit());
	}

	/**
	 * Keep, in input order, the items whose predicate completed with {@code true}, running at
	 * most {@code maxConcurrency} predicates at once. An item whose predicate failed or
	 * completed with {@code null}, or for which the predicate function threw or made no task
	 * ({@code null}), is dropped and logged at WARN with the item. Cancelling the
	 * returned future cancels the running predicates.
	 * @param items the items
	 * @param predicate makes the task that decides for one item, for instance
	 * {@code Task.blocking(this::isActive)}
	 * @param maxConcurrency how many predicates run at once, {@code > 0}
	 * @param <T> the type of the items
	 * @return a future of the kept items, in input order, as an unmodifiable list
	 * @throws IllegalArgumentException if {@code maxConcurrency <= 0}
	 * @throws NullPointerException if an argument, or an element of a collection, is
	 * {@code null}
	 */
	public <T> CompletableFuture<List<T>> asyncFilter(Iterable<? extends T> items,
			Function<? super T, ? extends Task<Boolean>> predicate, int maxConcurrency) {
		checkItems(items);
		Checks.notNull(predicate, "predicate");
		Checks.positive(maxConcurrency, "maxConcurrency");
		Function<T, @Nullable Task<Optional<T>>> keepIfTrue = (item) -> {
			Task<Boolean> decision = predicate.apply(item);
			// No task: the fan-out fails the item's slot, naming it.
			return (decision == null) ? null : decision.thenApply((keep) -> {
				if (keep == null) {
					throw new NullPointerException("predicate returned null");
				}
				return keep ? Optional.of(item) : Optional.empty();
			});
		};
		return BoundedExecution.<T, Optional<T>, List<T>>run(items, keepIfTrue, "items", maxConcurrency,
				fanOutExecutor(), false, (index, item, outcome) -> {
					if (outcome instanceof Outcome.Failure<Optional<T>> failure) {
						logger.warn("Predicate failed for item {}: {}", item, failure.exception().toString());
					}
				}, AsyncHelpers::kept, options(null));
	}

	// concurrency limit

	/**
	 * Create a limiter that lets at most {@code limit} calls run at once and queues the
	 * others without bound. See {@link #concurrencyLimiter(String, int, int)}.
	 * @param name the name, for logs, metrics and the rejection's message
	 * @param limit how many calls run at once, {@code > 0}
	 * @return the limiter
	 * @throws IllegalArgumentException if {@code limit <= 0}
	 * @throws NullPointerException if {@code name} is {@code null}
	 */
	public ConcurrencyLimiter concurrencyLimiter(String name, int limit) {
		return concurrencyLimiter(name, limit, Integer.MAX_VALUE);
	}

	/**
	 * Create a limiter that lets at most {@code limit} calls run at once: asynchronous calls
	 * beyond the limit are queued and started when a running one completes (no thread
	 * waits), blocking calls wait on their own thread for a bounded time. At most
	 * {@code queueCapacity} calls wait; beyond that they are rejected with a
	 * {@link ConcurrencyLimitExceededException}. Blocking tasks submitted to it run on these
	 * helpers' executor, and every call runs in the context its caller had when it was
	 * submitted (this helpers' {@link ContextPropagator}). The limiter is meant to be kept and
	 * shared by all the calls it limits; it holds no thread and needs no closing.
	 * @param name the name, for logs, metrics and the rejection's message
	 * @param limit how many calls run at once, {@code > 0}
	 * @param queueCapacity how many calls may wait for a slot, {@code >= 0};
	 * {@link Integer#MAX_VALUE} for unbounded, {@code 0} to reject every call beyond the limit
	 * @return the limiter
	 * @throws IllegalArgumentException if {@code limit <= 0} or {@code queueCapacity < 0}
	 * @throws NullPointerException if {@code name} is {@code null}
	 */
	public ConcurrencyLimiter concurrencyLimiter(String name, int limit, int queueCapacity) {
		return new ConcurrencyLimiter(name, limit, queueCapacity, this.executor, this.contextPropagator, this.events);
	}

	/**
	 * Create a limiter that lets at most {@code limit} calls run at once over every limiter
	 * that shares {@code key} in {@code store}: with a Redis store, over all the replicas of a
	 * service. It keeps the contract of {@link #concurrencyLimiter(String, int, int)} (submit
	 * never blocks, a blocking call waits at most its {@code maxWait}, calls start in arrival
	 * order within this limiter, a permit is given back exactly once however the call ends,
	 * cancelling a queued call takes it out of the queue) with a lease of the store as its
	 * slot; see {@link ConcurrencyLimiter} for how leases are asked for, handed on and given
	 * back, and {@link PermitFailureMode} for what happens while the store is unreachable.
	 * Waiting calls are woken by the store's release notifications, or by a poll on these
	 * helpers' scheduler (whose thread only sends the request); granted leases are handed to
	 * calls on these helpers' executor. One limiter per key and process is enough: share it.
	 * A limiter listens to its store's release notifications for as long as the store lives
	 * (there is nothing to close), so create one per key, not one per operation.
	 * @param name the name, for logs, metrics and the rejection's message
	 * @param limit how many calls run at once over all holders of the key, {@code > 0}; every
	 * limiter of the key must use the same limit
	 * @param queueCapacity how many calls may wait here for a permit, {@code >= 0};
	 * {@link Integer#MAX_VALUE} for unbounded, {@code 0} to reject a call for which the store
	 * has no permit at its first request
	 * @param store where the permits live ({@link PermitStore#inMemory()} for one instance)
	 * @param key the key of the limit in the store, not blank
	 * @param failureMode what to do while the store is unreachable
	 * @return the limiter
	 * @throws IllegalArgumentException if {@code limit <= 0}, {@code queueCapacity < 0} or
	 * {@code key} is blank
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public ConcurrencyLimiter concurrencyLimiter(String name, int limit, int queueCapacity, PermitStore store,
			String key, PermitFailureMode failureMode) {
		return new ConcurrencyLimiter(name, limit, queueCapacity, this.executor, this.contextPropagator, this.events,
				store, key, failureMode, this.scheduler);
	}

	/**
	 * The executor for the tasks of a fan-out. Inside one of the helpers' own tasks it is the
	 * calling thread: a task that fans out and waits for the result would otherwise hold a
	 * pool thread while its nested tasks queue for one, and a bounded pool full of such
	 * tasks would wait forever. Nested blocking tasks therefore run one after another on the
	 * thread of the task that started them.
	 */
	private Executor fanOutExecutor() {
		return InterruptibleFuture.isRunningTask() ? Runnable::run : this.executor;
	}

	/**
	 * The caller's context, captured now, with an optional tracker: once per call.
	 */
	private BoundedExecution.Options options(@Nullable AsyncProgress progress) {
		return new BoundedExecution.Options(this.contextPropagator.capture(), progress);
	}

	private static <T> List<T> kept(List<Outcome<Optional<T>>> outcomes) {
		List<T> kept = new ArrayList<>();
		for (Outcome<Optional<T>> outcome : outcomes) {
			if (outcome instanceof Outcome.Success<Optional<T>> success && success.value() != null) {
				success.value().ifPresent(kept::add);
			}
		}
		return Collections.unmodifiableList(kept);
	}

	private static void checkItems(Iterable<?> items) {
		Checks.notNull(items, "items");
		if (items instanceof Collection<?> collection) {
			Checks.noNullElements(collection, "items");
		}
	}

	private <T> void pollUntilDone(Future<T> future, CompletableFuture<T> result, long delayMillis) {
		if (result.isDone()) {
			return;
		}
		if (future.isDone()) {
			try {
				result.complete(future.get());
			}
			catch (CancellationException ex) {
				result.completeExceptionally(ex);
			}
			catch (ExecutionException ex) {
				result.completeExceptionally(Exceptions.unwrap(ex));
			}
			catch (InterruptedException ex) {
				// Not reachable for a done future; keep the flag for the thread's owner.
				Thread.currentThread().interrupt();
				result.completeExceptionally(ex);
			}
			return;
		}
		try {
			this.pauses.schedule(() -> pollUntilDone(future, result, Math.min(delayMillis * 2, 50)),
					TimeUnit.MILLISECONDS.toNanos(delayMillis), result::completeExceptionally,
					Pauses.Wake.ON_EXECUTOR_OR_TIMER);
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(ex);
		}
	}

	private static double random() {
		return ThreadLocalRandom.current().nextDouble();
	}

	private static Exception asException(Throwable ex) {
		if (ex instanceof Error error) {
			throw error;
		}
		if (ex instanceof Exception exception) {
			return exception;
		}
		return new ExecutionException(ex);
	}

}
