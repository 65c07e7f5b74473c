/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.util.concurrent.CompletableFuture;

import io.asynchelpers.NotStartedException;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.concurrent.ExecutorConfigurationSupport;

/**
 * The helpers' virtual-thread executor, drained while the application is still whole.
 * <p>
 * A plain {@link SimpleAsyncTaskExecutor} waits for its tasks (up to its task termination
 * timeout) only when it is closed as a bean is destroyed, in no particular order with the
 * application's other beans. This one closes in the context's lifecycle stop phase
 * ({@link ExecutorConfigurationSupport#DEFAULT_PHASE}, as Spring's executors), before any
 * singleton is destroyed: from then on each task offered fails with a
 * {@link NotStartedException}, running tasks get up to the task termination timeout to
 * finish, and what still runs after it is interrupted. The wait happens on a thread of its
 * own; the lifecycle processor is told when it is over. A stop outside a context close
 * (such as {@code context.stop()}) changes nothing: the executor has no pause.
 */
class DrainingSimpleAsyncTaskExecutor extends SimpleAsyncTaskExecutor
		implements SmartLifecycle, ApplicationContextAware, ApplicationListener<ContextClosedEvent> {

	private static final long serialVersionUID = 1L;

	private transient @Nullable ApplicationContext applicationContext;

	private volatile boolean contextClosing;

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.applicationContext) {
			this.contextClosing = true;
		}
	}

	/**
	 * Run the task on a thread of its own.
	 * @throws TaskRejectedException once the executor is closed, with a
	 * {@link NotStartedException} as the cause; a task that is a {@link CompletableFuture}
	 * fails with that exception too
	 */
	@Override
	public void execute(Runnable task) {
		if (!isActive()) {
			throw notStarted(task, null);
		}
		try {
			super.execute(task);
		}
		catch (TaskRejectedException ex) {
			if (isActive()) {
				throw ex;
			}
			throw notStarted(task, ex);
		}
	}

	private static TaskRejectedException notStarted(Runnable task, @Nullable Throwable rejection) {
		NotStartedException notStarted = new NotStartedException(
				"Not started: the application is shutting down and the async helpers' executor is closed", rejection);
		RejectionHandlers.notStarted(task, notStarted);
		return new TaskRejectedException("The async helpers' executor did not accept a task", notStarted);
	}

	@Override
	public void start() {
	}

	@Override
	public void stop() {
		if (this.contextClosing) {
			close();
		}
	}

	@Override
	public void stop(Runnable callback) {
		if (!this.contextClosing || !isActive()) {
			callback.run();
			return;
		}
		Thread waiter = new Thread(() -> {
			try {
				close();
			}
			finally {
				callback.run();
			}
		}, "asyncHelpersTaskExecutor-shutdown");
		waiter.setDaemon(true);
		waiter.start();
	}

	@Override
	public boolean isRunning() {
		return isActive();
	}

	@Override
	public int getPhase() {
		return ExecutorConfigurationSupport.DEFAULT_PHASE;
	}

}
