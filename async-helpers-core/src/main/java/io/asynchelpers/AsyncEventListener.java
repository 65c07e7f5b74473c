/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

/**
 * Told about the {@link AsyncEvent}s of the helpers' operations.
 * <p>
 * Called synchronously, on the thread where the event happened (the thread that ran the
 * failed attempt, the executor thread that delivers a timeout, the caller that was
 * rejected), never while a lock of the helpers is held. It must be quick and must not
 * block: hand heavy work to an executor of your own. An exception it throws is logged at
 * WARN and does not affect the operation or the other listeners.
 */
@FunctionalInterface
public interface AsyncEventListener {

	/**
	 * Handle one event.
	 * @param event the event
	 */
	void onEvent(AsyncEvent event);

}
