/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A binary min-heap of entries ordered by deadline, each of which knows its place in it, so
 * that one leaves in {@code O(log n)} when it is cancelled. Deadlines are on the
 * {@code System.nanoTime()} scale and compared as differences, so they may wrap around as
 * long as the live ones lie within {@code 2^62} ns of each other. Entries with the same
 * deadline leave in no set order. Not thread-safe: its owner locks.
 * <p>
 * Written here because {@code java.util.PriorityQueue} finds an entry to remove by a linear
 * search, and the JDK's own indexed heap ({@code ScheduledThreadPoolExecutor}'s queue) costs
 * a {@code ScheduledFutureTask} per entry and is not available on its own.
 *
 * @param <E> the type of the entries
 */
final class DeadlineHeap<E extends DeadlineHeap.Entry> {

	private static final int INITIAL_CAPACITY = 16;

	private @Nullable Entry[] entries = new Entry[INITIAL_CAPACITY];

	private int size;

	int size() {
		return this.size;
	}

	boolean isEmpty() {
		return this.size == 0;
	}

	/**
	 * The earliest deadline; only when not {@link #isEmpty() empty}.
	 */
	long firstDeadline() {
		return entry(0).deadline;
	}

	/**
	 * Add an entry that is in no heap.
	 * @throws IllegalStateException if it is in one
	 */
	void add(E entry) {
		if (entry.index >= 0) {
			throw new IllegalStateException("The entry is in a heap already");
		}
		if (this.size == this.entries.length) {
			this.entries = Arrays.copyOf(this.entries, this.size + (this.size >> 1));
		}
		int index = this.size++;
		place(entry, index);
		siftUp(index);
	}

	/**
	 * Take out the entry with the earliest deadline if that deadline is at or before
	 * {@code cutoff}.
	 * @return the entry, or {@code null} if none is due
	 */
	@Nullable E pollDueBy(long cutoff) {
		if (this.size == 0 || entry(0).deadline - cutoff > 0) {
			return null;
		}
		return removeAt(0);
	}

	/**
	 * Take out an entry.
	 * @return whether it was in this heap
	 */
	boolean remove(E entry) {
		int index = entry.index;
		if (index < 0 || index >= this.size || this.entries[index] != entry) {
			return false;
		}
		removeAt(index);
		return true;
	}

	/**
	 * Take out every entry, in no set order.
	 */
	List<E> removeAll() {
		List<E> all = new ArrayList<>(this.size);
		for (int i = 0; i < this.size; i++) {
			E entry = entry(i);
			entry.index = -1;
			all.add(entry);
		}
		this.entries = new Entry[INITIAL_CAPACITY];
		this.size = 0;
		return all;
	}

	private E removeAt(int index) {
		E removed = entry(index);
		removed.index = -1;
		int last = --this.size;
		if (index != last) {
			Entry moved = entry(last);
			place(moved, index);
			siftDown(index);
			if (this.entries[index] == moved) {
				siftUp(index);
			}
		}
		this.entries[last] = null;
		if (this.entries.length > INITIAL_CAPACITY && this.size < this.entries.length >> 2) {
			// A burst has drained: give most of its array back.
			this.entries = Arrays.copyOf(this.entries, Math.max(INITIAL_CAPACITY, this.entries.length >> 1));
		}
		return removed;
	}

	private void siftUp(int index) {
		Entry entry = entry(index);
		int at = index;
		while (at > 0) {
			int parentIndex = (at - 1) >>> 1;
			Entry parent = entry(parentIndex);
			if (entry.deadline - parent.deadline >= 0) {
				break;
			}
			place(parent, at);
			at = parentIndex;
		}
		place(entry, at);
	}

	private void siftDown(int index) {
		Entry entry = entry(index);
		int at = index;
		int half = this.size >>> 1;
		while (at < half) {
			int childIndex = 2 * at + 1;
			Entry child = entry(childIndex);
			int rightIndex = childIndex + 1;
			if (rightIndex < this.size && entry(rightIndex).deadline - child.deadline < 0) {
				childIndex = rightIndex;
				child = entry(rightIndex);
			}
			if (entry.deadline - child.deadline <= 0) {
				break;
			}
			place(child, at);
			at = childIndex;
		}
		place(entry, at);
	}

	private void place(Entry entry, int index) {
		this.entries[index] = entry;
		entry.index = index;
	}

	@SuppressWarnings("unchecked")
	private E entry(int index) {
		return (E) this.entries[index];
	}

	/**
	 * What the heap holds: a deadline, and the place the heap keeps it at ({@code -1} when
	 * it is in none), read and written only under the owner's lock.
	 */
	abstract static class Entry {

		/** Only changed while the entry is out of the heap. */
		long deadline;

		int index = -1;

		Entry(long deadline) {
			this.deadline = deadline;
		}

	}

}
