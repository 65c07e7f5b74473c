/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link DeadlineHeap}, against a plain sorted list as the model.
 */
class DeadlineHeapTests {

	@Test
	void entriesLeaveInDeadlineOrderWhateverWasAddedAndRemovedOnTheWay() {
		Random random = new Random(42);
		DeadlineHeap<Item> heap = new DeadlineHeap<>();
		List<Item> model = new ArrayList<>();
		long base = Long.MAX_VALUE - 5_000; // deadlines that wrap around, as nanoTime may
		for (int round = 0; round < 20_000; round++) {
			int action = random.nextInt(10);
			if (action < 5 || model.isEmpty()) {
				Item item = new Item(base + random.nextInt(10_000));
				heap.add(item);
				model.add(item);
			}
			else if (action < 8) {
				Item item = model.remove(random.nextInt(model.size()));
				assertThat(heap.remove(item)).isTrue();
				assertThat(heap.remove(item)).isFalse();
			}
			else {
				long cutoff = base + random.nextInt(10_000);
				Item polled = heap.pollDueBy(cutoff);
				Item earliest = model.stream().min(Comparator.comparingLong((Item i) -> i.deadline - base)).orElseThrow();
				if (earliest.deadline - cutoff <= 0) {
					assertThat(polled).isNotNull();
					assertThat(polled.deadline).isEqualTo(earliest.deadline);
					model.remove(polled);
				}
				else {
					assertThat(polled).isNull();
				}
			}
			assertThat(heap.size()).isEqualTo(model.size());
		}
		List<Long> drained = new ArrayList<>();
		for (Item item = heap.pollDueBy(base + 20_000); item != null; item = heap.pollDueBy(base + 20_000)) {
			drained.add(item.deadline - base);
		}
		assertThat(drained).isSorted().hasSize(model.size());
		assertThat(heap.isEmpty()).isTrue();
	}

	@Test
	void nothingIsPolledBeforeItsDeadline() {
		DeadlineHeap<Item> heap = new DeadlineHeap<>();
		heap.add(new Item(100));

		assertThat(heap.pollDueBy(99)).isNull();
		assertThat(heap.firstDeadline()).isEqualTo(100);
		assertThat(heap.pollDueBy(100)).isNotNull();
		assertThat(heap.pollDueBy(Long.MAX_VALUE)).isNull();
	}

	@Test
	void anEntryIsInOneHeapAtATime() {
		DeadlineHeap<Item> heap = new DeadlineHeap<>();
		DeadlineHeap<Item> other = new DeadlineHeap<>();
		Item item = new Item(1);
		heap.add(item);

		assertThatIllegalStateException().isThrownBy(() -> other.add(item));
		assertThat(other.remove(item)).isFalse();
		assertThat(heap.remove(item)).isTrue();
		other.add(item);
		assertThat(other.size()).isOne();
	}

	@Test
	void removeAllEmptiesTheHeapAndFreesTheEntries() {
		DeadlineHeap<Item> heap = new DeadlineHeap<>();
		List<Item> items = new ArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			Item item = new Item(1_000 - i);
			items.add(item);
			heap.add(item);
		}

		assertThat(heap.removeAll()).containsExactlyInAnyOrderElementsOf(items);
		assertThat(heap.isEmpty()).isTrue();
		heap.add(items.get(0));
		assertThat(heap.pollDueBy(Long.MAX_VALUE)).isSameAs(items.get(0));
	}

	@Test
	void aBurstThatDrainedStillOrdersWhatComesAfter() {
		DeadlineHeap<Item> heap = new DeadlineHeap<>();
		for (int i = 0; i < 100_000; i++) {
			heap.add(new Item(i));
		}
		for (int i = 0; i < 99_990; i++) {
			assertThat(heap.pollDueBy(Long.MAX_VALUE).deadline).isEqualTo(i);
		}
		heap.add(new Item(5));

		assertThat(heap.pollDueBy(Long.MAX_VALUE).deadline).isEqualTo(5);
		assertThat(heap.pollDueBy(Long.MAX_VALUE).deadline).isEqualTo(99_990);
		assertThat(heap.size()).isEqualTo(9);
	}

	private static final class Item extends DeadlineHeap.Entry {

		Item(long deadline) {
			super(deadline);
		}

	}

}
