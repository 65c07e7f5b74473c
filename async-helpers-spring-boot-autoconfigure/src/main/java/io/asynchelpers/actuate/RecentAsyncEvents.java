/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.actuate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.asynchelpers.AsyncEvent;
import io.asynchelpers.AsyncEventListener;

import org.springframework.util.Assert;

/**
 * The most recent {@link AsyncEvent}s, in a ring buffer of a fixed size: once full, each new
 * event pushes out the oldest. Thread-safe; recording takes a short lock and never blocks
 * otherwise, as {@link AsyncEventListener} asks.
 */
public final class RecentAsyncEvents implements AsyncEventListener {

	private final int capacity;

	private final ArrayDeque<AsyncEvent> events;

	/**
	 * Create a buffer.
	 * @param capacity how many events it keeps, {@code > 0}
	 */
	public RecentAsyncEvents(int capacity) {
		Assert.isTrue(capacity > 0, () -> "capacity must be > 0, was " + capacity);
		this.capacity = capacity;
		this.events = new ArrayDeque<>(Math.min(capacity, 1024));
	}

	@Override
	public void onEvent(AsyncEvent event) {
		synchronized (this.events) {
			if (this.events.size() == this.capacity) {
				this.events.pollFirst();
			}
			this.events.addLast(event);
		}
	}

	/**
	 * Return the events kept, newest first.
	 * @return a snapshot
	 */
	public List<AsyncEvent> newestFirst() {
		List<AsyncEvent> snapshot;
		synchronized (this.events) {
			snapshot = new ArrayList<>(this.events);
		}
		Collections.reverse(snapshot);
		return snapshot;
	}

	/**
	 * Return how many events it keeps at most.
	 * @return the capacity
	 */
	public int capacity() {
		return this.capacity;
	}

}
