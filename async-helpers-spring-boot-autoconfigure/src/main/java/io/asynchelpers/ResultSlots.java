/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Results stored by index while tasks complete in any order, for inputs whose size may not
 * be known up front (a lazy {@code Iterable}). Storage grows in fixed chunks, so growing
 * never copies or moves a slot that a completing task may be writing to.
 * <p>
 * Threading: only the single draining thread calls {@link #ensure(int)}; any thread may
 * {@link #set(int, Object)} a slot that was ensured before its task started (starting a task
 * publishes the chunk to the thread that completes it). {@link #toList(int)} must be called
 * after every {@code set} happened-before it.
 */
final class ResultSlots<E> {

	private static final int CHUNK_BITS = 10;

	private static final int CHUNK_SIZE = 1 << CHUNK_BITS;

	private static final int CHUNK_MASK = CHUNK_SIZE - 1;

	private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

	private volatile Object[][] chunks;

	ResultSlots(int sizeHint) {
		int initialChunks = Math.max(1, (Math.max(0, sizeHint) + CHUNK_SIZE - 1) >>> CHUNK_BITS);
		this.chunks = new Object[Math.min(initialChunks, 1024)][];
	}

	void ensure(int index) {
		int chunk = index >>> CHUNK_BITS;
		Object[][] current = this.chunks;
		if (chunk < current.length && current[chunk] != null) {
			// The usual case: no volatile write when nothing changes.
			return;
		}
		if (chunk >= current.length) {
			current = Arrays.copyOf(current, Math.max(chunk + 1, current.length * 2));
		}
		if (current[chunk] == null) {
			current[chunk] = new Object[CHUNK_SIZE];
		}
		this.chunks = current;
	}

	void set(int index, E value) {
		this.chunks[index >>> CHUNK_BITS][index & CHUNK_MASK] = value;
	}

	/**
	 * Park a running task's future in its slot until its outcome replaces it, with a
	 * volatile write, so that a canceller that completed the result first is sure to see it.
	 */
	void publish(int index, Object running) {
		SLOT.setVolatile(this.chunks[index >>> CHUNK_BITS], index & CHUNK_MASK, running);
	}

	/**
	 * Visit every slot that still holds a running task's future.
	 */
	void forEachRunning(Consumer<CompletableFuture<?>> action) {
		for (Object[] chunk : this.chunks) {
			if (chunk == null) {
				continue;
			}
			for (int i = 0; i < chunk.length; i++) {
				if (SLOT.getVolatile(chunk, i) instanceof CompletableFuture<?> running) {
					action.accept(running);
				}
			}
		}
	}

	@SuppressWarnings("unchecked")
	List<E> toList(int size) {
		Object[][] current = this.chunks;
		List<E> list = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			list.add((E) current[i >>> CHUNK_BITS][i & CHUNK_MASK]);
		}
		return list;
	}

}
