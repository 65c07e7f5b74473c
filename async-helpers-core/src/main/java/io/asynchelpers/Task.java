/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A unit of work that has not started yet, in one of two shapes:
 * <ul>
 * <li>{@link #blocking(Callable) blocking}: code that computes its result on the calling
 * thread (a JDBC query, a blocking HTTP client). It is run on the executor of the
 * {@link AsyncHelpers} that starts it, and cancelling it interrupts that thread.</li>
 * <li>{@link #async(Supplier) async}: code that starts work elsewhere and returns a
 * {@link CompletionStage} at once (a reactive client, another service's
 * {@code CompletableFuture}). The supplier is called on the thread that starts the task
 * and must not block; cancelling the task cancels the stage it returned.</li>
 * </ul>
 * The two factories take different functional types and different arities from the
 * per-item factories, so a lambda is never ambiguous between them. A task may be started
 * more than once (a retry starts it once per attempt); each start calls the callable or
 * supplier again.
 *
 * @param <T> the type of the result
 */
public abstract sealed class Task<T> permits Task.Blocking, Task.Async {

	private Task() {
	}

	/**
	 * A blocking task, run on the executor when started.
	 * @param callable the work
	 * @param <T> the type of the result
	 * @return the task
	 * @throws NullPointerException if {@code callable} is {@code null}
	 */
	public static <T> Task<T> blocking(Callable<? extends T> callable) {
		return new Blocking<>(Checks.notNull(callable, "callable"));
	}

	/**
	 * An asynchronous task: the supplier is called when the task starts and returns a stage
	 * that completes with the result.
	 * @param supplier starts the work and returns its stage; must not block or return
	 * {@code null}
	 * @param <T> the type of the result
	 * @return the task
	 * @throws NullPointerException if {@code supplier} is {@code null}
	 */
	public static <T> Task<T> async(Supplier<? extends CompletionStage<? extends T>> supplier) {
		return new Async<>(Checks.notNull(supplier, "supplier"));
	}

	/**
	 * Turn a blocking per-item function into the task function that
	 * {@link AsyncHelpers#asyncMap}, {@link AsyncHelpers#batchProcess} and
	 * {@link AsyncHelpers#asyncFilter} take: {@code helpers.asyncMap(ids, Task.blocking(repository::load))}.
	 * @param function the blocking work for one item
	 * @param <I> the type of the item
	 * @param <R> the type of the result
	 * @return a function from item to task
	 * @throws NullPointerException if {@code function} is {@code null}
	 */
	public static <I, R> Function<I, Task<R>> blocking(CheckedFunction<? super I, ? extends R> function) {
		Checks.notNull(function, "function");
		return (item) -> new Blocking<R>(() -> function.apply(item));
	}

	/**
	 * Turn an asynchronous per-item function into the task function that
	 * {@link AsyncHelpers#asyncMap}, {@link AsyncHelpers#batchProcess} and
	 * {@link AsyncHelpers#asyncFilter} take: {@code helpers.asyncMap(ids, Task.async(client::fetchAsync))}.
	 * @param function starts the work for one item and returns its stage
	 * @param <I> the type of the item
	 * @param <R> the type of the result
	 * @return a function from item to task
	 * @throws NullPointerException if {@code function} is {@code null}
	 */
	public static <I, R> Function<I, Task<R>> async(
			Function<? super I, ? extends CompletionStage<? extends R>> function) {
		Checks.notNull(function, "function");
		return (item) -> new Async<R>(() -> function.apply(item));
	}

	/**
	 * Start the task. Never throws: a failure to start (a rejected submission, a supplier
	 * that throws) completes the returned future exceptionally.
	 * @param executor runs blocking tasks
	 * @return a future that completes with the task's result and whose {@code cancel}
	 * reaches the running work
	 */
	final CompletableFuture<T> start(Executor executor) {
		return start(executor, CorePropagators.NOTHING.capture());
	}

	/**
	 * Start the task inside a caller's context: the blocking callable runs in it on the
	 * executor's thread, the async supplier runs in it on the starting thread. Never throws,
	 * as {@link #start(Executor)}.
	 * @param executor runs blocking tasks
	 * @param context the caller's context
	 * @return a future that completes with the task's result and whose {@code cancel}
	 * reaches the running work
	 */
	abstract CompletableFuture<T> start(Executor executor, ContextPropagator.Captured context);

	/**
	 * A task with a function applied to its result, for the helpers' own composition.
	 */
	abstract <U> Task<U> thenApply(Function<? super T, ? extends U> function);


	/**
	 * An action handed from the scheduler's thread to the executor, as a task, so that a
	 * rejection (or a discarding policy) fails this future instead of losing the action. Used
	 * to leave the scheduler's thread after a pause: timers fire there, user code must not run
	 * there. The hand-off is the helpers' own, not a user's blocking task: a fan-out the action
	 * starts is not taken for a nested one.
	 * <p>
	 * An executor whose rejection handler runs a task on the submitting thread (a saturated
	 * pool's caller-runs policy) would run the action on the scheduler's thread, holding up
	 * every other timer for as long as the user's code takes. {@link #handTo} tells that case
	 * apart: the action does not run, and the caller hands it over again later, when the pool
	 * may have a thread free. An executor that runs every task where it is submitted (a direct
	 * executor) is not refusing anything: the action runs there, as the user's executor asks.
	 */
	static final class HandOff extends InterruptibleFuture<@Nullable Void> {

		/** Only used when a task runs on the thread submitting it, which a pool does only when saturated. */
		private static final StackWalker stackWalker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

		/** The thread inside {@link #handTo}, while it is there; only read against the current thread. */
		private @Nullable Thread submitter;

		/** Written and read by the submitting thread only. */
		private boolean bounced;

		HandOff(Runnable action) {
			super(() -> {
				action.run();
				return null;
			}, CorePropagators.NOTHING.capture(), false);
		}

		/**
		 * Hand the action to the executor. Whatever the executor throws fails this future, as
		 * {@link InterruptibleFuture#submitTo} does.
		 * @return {@code false} if the executor's rejection handler ran it on this thread
		 * instead: it did not run, this future is left pending and is not to be used again
		 */
		boolean handTo(Executor executor) {
			this.submitter = Thread.currentThread();
			try {
				submitTo(executor);
			}
			finally {
				this.submitter = null;
			}
			return !this.bounced;
		}

		@Override
		public void run() {
			if (Thread.currentThread() == this.submitter && runByRejectionHandler()) {
				this.bounced = true;
				return;
			}
			super.run();
		}

		/**
		 * Whether a rejection handler is running this task: the one thing that tells a
		 * saturated pool's caller-runs policy from a direct executor, as both run the task
		 * inside {@code execute} on the submitting thread. Seen as a frame of a
		 * {@link RejectedExecutionHandler} class, or of {@code ThreadPoolExecutor.reject} (a
		 * handler written as a lambda has no frame of its own class). The stack is only
		 * walked then, up to {@link #handTo}.
		 */
		private static boolean runByRejectionHandler() {
			return stackWalker.walk((frames) -> frames
				.takeWhile((frame) -> frame.getDeclaringClass() != HandOff.class || !"handTo".equals(frame.getMethodName()))
				.anyMatch(HandOff::isRejecting));
		}

		private static boolean isRejecting(StackWalker.StackFrame frame) {
			Class<?> type = frame.getDeclaringClass();
			return RejectedExecutionHandler.class.isAssignableFrom(type)
					|| (type == ThreadPoolExecutor.class && "reject".equals(frame.getMethodName()));
		}

	}

	static final class Blocking<T> extends Task<T> {

		private final Callable<? extends T> callable;

		Blocking(Callable<? extends T> callable) {
			this.callable = callable;
		}

		@Override
		CompletableFuture<T> start(Executor executor, ContextPropagator.Captured context) {
			InterruptibleFuture<T> future = new InterruptibleFuture<>(this.callable, context);
			future.submitTo(executor);
			return future;
		}

		Callable<? extends T> callable() {
			return this.callable;
		}

		/**
		 * Run the callable on the current thread. For the helpers whose contract is to block
		 * the caller.
		 */
		T call() throws Exception {
			return this.callable.call();
		}

		@Override
		<U> Task<U> thenApply(Function<? super T, ? extends U> function) {
			return new Blocking<>(() -> function.apply(this.callable.call()));
		}


	}

	/**
	 * Calls an async task's supplier (inside a context) and keeps what it returned.
	 */
	private static final class Started<T> implements Runnable {

		private final Supplier<? extends CompletionStage<? extends T>> supplier;

		private final @Nullable BooleanSupplier stopped;

		private @Nullable CompletableFuture<T> future;

		Started(Supplier<? extends CompletionStage<? extends T>> supplier, @Nullable BooleanSupplier stopped) {
			this.supplier = supplier;
			this.stopped = stopped;
		}

		@Override
		public void run() {
			if (this.stopped != null && this.stopped.getAsBoolean()) {
				// Checked with the context in place, right before the supplier: the operation
				// ended while the attempt was being set up.
				this.future = CompletableFuture.failedFuture(
						new CancellationException("The operation ended before this attempt started"));
				return;
			}
			CompletionStage<? extends T> stage;
			try {
				stage = Objects.requireNonNull(this.supplier.get(),
						"async task returned null instead of a CompletionStage");
			}
			catch (Throwable ex) {
				this.future = CompletableFuture.failedFuture(ex);
				return;
			}
			this.future = StageFuture.of(stage);
		}

		CompletableFuture<T> future() {
			CompletableFuture<T> started = this.future;
			return (started != null) ? started
					: CompletableFuture.failedFuture(new IllegalStateException("The context did not run the task"));
		}

	}

	static final class Async<T> extends Task<T> {

		private final Supplier<? extends CompletionStage<? extends T>> supplier;

		Async(Supplier<? extends CompletionStage<? extends T>> supplier) {
			this.supplier = supplier;
		}

		@Override
		CompletableFuture<T> start(Executor executor, ContextPropagator.Captured context) {
			return start(context, null);
		}

		/**
		 * Start the task unless {@code stopped} says the operation it belongs to has ended,
		 * checked inside the context right before the supplier is called: then it fails with
		 * a {@link CancellationException} and the supplier is not called.
		 */
		CompletableFuture<T> start(ContextPropagator.Captured context, @Nullable BooleanSupplier stopped) {
			Started<T> started = new Started<>(this.supplier, stopped);
			try {
				context.run(started);
			}
			catch (Throwable ex) {
				return CompletableFuture.failedFuture(ex);
			}
			return started.future();
		}

		@Override
		<U> Task<U> thenApply(Function<? super T, ? extends U> function) {
			return new Async<U>(() -> {
				CompletionStage<? extends T> stage = Objects.requireNonNull(this.supplier.get(),
						"async task returned null instead of a CompletionStage");
				CompletableFuture<T> source = StageFuture.of(stage);
				CompletableFuture<U> derived = source.thenApply(function);
				// Cancelling the derived stage must reach the work it was derived from.
				Completions.whenDone(derived, (value, ex) -> {
					if (derived.isCancelled()) {
						source.cancel(true);
					}
				});
				return derived;
			});
		}


	}

}
