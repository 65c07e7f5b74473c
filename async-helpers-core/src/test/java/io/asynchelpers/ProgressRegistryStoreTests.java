/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.asynchelpers.AsyncProgress.State;
import io.asynchelpers.ProgressSnapshot.Part;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProgressRegistry} with a {@link ProgressStore}: the in-memory default
 * shows the local trackers as they are; a shared store is told of every tracker, names
 * runs, serves the cluster view, and a store that cannot be reached leaves the local view.
 */
class ProgressRegistryStoreTests {

	private final AtomicLong nanos = new AtomicLong();

	@Test
	void theInMemoryStoreShowsTheLocalTrackersWithoutParts() {
		ProgressRegistry registry = new ProgressRegistry(Duration.ofMinutes(5), 10, 10, this.nanos::get,
				Clock.systemUTC());
		AsyncProgress first = registry.create("first", 4);
		this.nanos.addAndGet(1);
		AsyncProgress second = registry.createUnique("job", 2);
		first.recordSuccess();
		first.recordFailure();

		assertThat(registry.store()).isSameAs(ProgressStore.inMemory());
		assertThat(second.name()).isEqualTo("job-1");
		assertThat(registry.snapshots()).extracting(ProgressSnapshot::name).containsExactly("first", "job-1");
		assertThat(registry.snapshot("first")).hasValueSatisfying((snapshot) -> {
			assertThat(snapshot.completed()).isEqualTo(2);
			assertThat(snapshot.failed()).isEqualTo(1);
			assertThat(snapshot.parts()).isEmpty();
		});
		assertThat(registry.snapshot("missing")).isEmpty();
		assertThat(registry.remove("first")).isTrue();
		assertThat(registry.snapshots()).extracting(ProgressSnapshot::name).containsExactly("job-1");
	}

	@Test
	void aSharedStoreIsToldOfEveryTrackerAddedDroppedAndDeleted() {
		FakeStore store = new FakeStore();
		ProgressRegistry registry = new ProgressRegistry(Duration.ZERO, 10, 10, this.nanos::get, Clock.systemUTC(),
				store);

		AsyncProgress job = registry.createUnique("job", 1);
		job.update();
		registry.trackers();
		registry.create("other", 3);
		registry.remove("other");

		assertThat(job.name()).isEqualTo("job-r1-1");
		assertThat(store.events).containsExactly("track job-r1-1", "untrack job-r1-1", "track other",
				"delete other");
	}

	@Test
	void theClusterViewComesFromTheStoreAndATrackerDeletedElsewhereIsDroppedHere() {
		FakeStore store = new FakeStore();
		ProgressRegistry registry = new ProgressRegistry(Duration.ofMinutes(5), 10, 10, this.nanos::get,
				Clock.systemUTC(), store);
		AsyncProgress job = registry.create("job", 10);
		Instant now = Instant.now();
		store.cluster = List.of(ProgressSnapshot.merge("job",
				List.of(new Part("r1", State.RUNNING, 10, 0, 0, 0, now, null, now, false),
						new Part("r2", State.RUNNING, 5, 5, 5, 0, now, null, now, false)),
				now));

		assertThat(registry.snapshots()).singleElement().satisfies((tracker) -> {
			assertThat(tracker.total()).isEqualTo(15);
			assertThat(tracker.parts()).hasSize(2);
		});

		store.detach.get("job").run();
		assertThat(registry.find("job")).isEmpty();
		assertThat(job.state()).isEqualTo(State.RUNNING);
	}

	@Test
	void whenTheStoreCannotBeReachedReadsShowTheLocalTrackers() {
		FakeStore store = new FakeStore();
		store.failure = new IllegalStateException("Redis is down");
		ProgressRegistry registry = new ProgressRegistry(Duration.ofMinutes(5), 10, 10, this.nanos::get,
				Clock.systemUTC(), store);
		registry.create("job", 10).recordSuccess();

		assertThat(registry.snapshots()).singleElement().satisfies((tracker) -> {
			assertThat(tracker.name()).isEqualTo("job");
			assertThat(tracker.completed()).isEqualTo(1);
		});
		assertThat(registry.snapshot("job")).isPresent();
		store.throwing = true;
		assertThat(registry.snapshots()).extracting(ProgressSnapshot::name).containsExactly("job");
		assertThat(registry.remove("job")).isTrue();
	}

	/**
	 * Records what the registry tells it; serves a fixed cluster view, or fails.
	 */
	private static final class FakeStore implements ProgressStore {

		final List<String> events = new ArrayList<>();

		final Map<String, Runnable> detach = new ConcurrentHashMap<>();

		volatile List<ProgressSnapshot> cluster = List.of();

		volatile @Nullable RuntimeException failure;

		volatile boolean throwing;

		@Override
		public String replicaId() {
			return "r1";
		}

		@Override
		public String uniqueName(String prefix, long localNumber) {
			return prefix + "-r1-" + localNumber;
		}

		@Override
		public void track(AsyncProgress progress, Runnable onDetached) {
			this.events.add("track " + progress.name());
			this.detach.put(progress.name(), onDetached);
		}

		@Override
		public void untrack(AsyncProgress progress) {
			this.events.add("untrack " + progress.name());
		}

		@Override
		public CompletionStage<Boolean> delete(String name) {
			this.events.add("delete " + name);
			return answer(true);
		}

		@Override
		public CompletionStage<List<ProgressSnapshot>> snapshots(List<AsyncProgress> local) {
			if (this.throwing) {
				throw new IllegalStateException("no connection");
			}
			return answer(this.cluster);
		}

		@Override
		public CompletionStage<Optional<ProgressSnapshot>> snapshot(String name, @Nullable AsyncProgress local) {
			return answer(this.cluster.stream().filter((tracker) -> tracker.name().equals(name)).findFirst());
		}

		private <T> CompletionStage<T> answer(T value) {
			RuntimeException failure = this.failure;
			return (failure != null) ? CompletableFuture.failedFuture(failure) : CompletableFuture.completedFuture(value);
		}

	}

}
