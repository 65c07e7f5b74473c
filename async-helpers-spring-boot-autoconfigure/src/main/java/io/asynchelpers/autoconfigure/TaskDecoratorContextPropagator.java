/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import io.asynchelpers.ContextPropagator;
import org.jspecify.annotations.Nullable;

import org.springframework.core.task.TaskDecorator;

/**
 * Carries the caller's context with the application's {@link TaskDecorator}, for
 * applications without Micrometer's context-propagation library.
 * <p>
 * {@link #capture()} calls the decorator once, on the caller's thread, with a runnable that
 * runs whatever work is handed to {@link ContextPropagator.Captured#run(Runnable)} on the
 * thread that runs it. Each piece of work then runs the same decorated runnable, so the
 * decorator's runnable must be reusable: it may run any number of times, on several threads
 * at once, and must restore what it changed on the running thread each time (a decorator
 * that captures in {@code decorate} and sets and restores in {@code run}, as Spring's
 * {@code ContextPropagatingTaskDecorator} does, is). It must run the runnable it was given
 * on the thread that calls it, before returning.
 */
final class TaskDecoratorContextPropagator implements ContextPropagator {

	private final TaskDecorator decorator;

	/** The work each thread is running through a decorated runnable right now. */
	private final ThreadLocal<@Nullable Runnable> work = new ThreadLocal<>();

	TaskDecoratorContextPropagator(TaskDecorator decorator) {
		this.decorator = decorator;
	}

	@Override
	public Captured capture() {
		Runnable decorated = this.decorator.decorate(this::runHandedWork);
		return (piece) -> {
			Runnable outer = this.work.get();
			this.work.set(piece);
			try {
				decorated.run();
			}
			finally {
				if (outer != null) {
					this.work.set(outer);
				}
				else {
					this.work.remove();
				}
			}
		};
	}

	private void runHandedWork() {
		Runnable piece = this.work.get();
		if (piece == null) {
			throw new IllegalStateException("The TaskDecorator " + this.decorator + " ran its task on another thread "
					+ "or after returning: the async helpers need it to run the task on the calling thread");
		}
		piece.run();
	}

	@Override
	public String toString() {
		return "TaskDecoratorContextPropagator[" + this.decorator + "]";
	}

}
