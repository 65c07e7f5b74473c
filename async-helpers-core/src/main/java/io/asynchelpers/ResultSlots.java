/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Results stored by index while tasks complete in any order, for inputs whose size may not
 * be known up front (a lazy {@code Iterable}). Storage grows in fixed chunks, so growing
 * never copies or moves a slot that a completing task may be writing to.
 * <p>
 * Threading: only the single draining thread calls {@link #ensure(int)}; any thread may
 * {@linkplain #setSuccess(int, Object) set} a slot that was ensured before its task started
 * (starting a task publishes the chunk to the thread that completes it).
 * {@link #outcomes(int)} must be called after every {@code set} happened-before it, and no
 * slot it covers may be set again.
 * <p>
 * A finished slot holds the task's value itself, not an {@link Outcome}: a million results
 * then cost a million references (4 MB) instead of a reference plus a 16-byte
 * {@code Outcome} each (20 MB). Failures, and the rare values that could be mistaken for a
 * running task or a failure, are stored as {@code Outcome} objects. The lists handed out
 * read the slots in place and make each {@code Outcome} as it is asked for, so finishing
 * copies nothing either.
 */
final class ResultSlots {

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

	void setSuccess(int index, @Nullable Object value) {
		boolean ambiguous = value instanceof CompletableFuture<?> || value instanceof Outcome<?>;
		set(index, ambiguous ? Outcome.success(value) : value);
	}

	void setFailure(int index, Throwable failure) {
		set(index, Outcome.failure(failure));
	}

	private void set(int index, @Nullable Object value) {
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

	/**
	 * The outcomes of the first {@code size} slots, in order: an unmodifiable list that
	 * reads the slots in place.
	 */
	<T> List<Outcome<T>> outcomes(int size) {
		return new OutcomeList<>(this.chunks, size);
	}

	/**
	 * The values of outcomes that all succeeded, in order: an unmodifiable list that reads
	 * the same slots in place. Only for a list from {@link #outcomes(int)}, as the fail-fast
	 * finisher receives.
	 * @throws ClassCastException if {@code outcomes} did not come from {@link #outcomes(int)}
	 */
	static <T> List<T> values(List<Outcome<T>> outcomes) {
		OutcomeList<T> slots = (OutcomeList<T>) outcomes;
		return new ValueList<>(slots.chunks, slots.size());
	}

	private abstract static class SlotList<E> extends AbstractList<E> implements RandomAccess {

		final Object[][] chunks;

		private final int size;

		SlotList(Object[][] chunks, int size) {
			this.chunks = chunks;
			this.size = size;
		}

		final @Nullable Object slot(int index) {
			Objects.checkIndex(index, this.size);
			return this.chunks[index >>> CHUNK_BITS][index & CHUNK_MASK];
		}

		@Override
		public final int size() {
			return this.size;
		}

	}

	private static final class OutcomeList<T> extends SlotList<Outcome<T>> {

		OutcomeList(Object[][] chunks, int size) {
			super(chunks, size);
		}

		@Override
		@SuppressWarnings("unchecked")
		public Outcome<T> get(int index) {
			Object slot = slot(index);
			return (slot instanceof Outcome<?> outcome) ? (Outcome<T>) outcome : Outcome.success((T) slot);
		}

	}

	private static final class ValueList<T> extends SlotList<T> {

		ValueList(Object[][] chunks, int size) {
			super(chunks, size);
		}

		@Override
		@SuppressWarnings("unchecked")
		public T get(int index) {
			Object slot = slot(index);
			return (slot instanceof Outcome<?> outcome) ? (T) outcome.getOrThrow() : (T) slot;
		}

	}

}
