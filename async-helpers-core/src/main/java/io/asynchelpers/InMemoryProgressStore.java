/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

/**
 * The store that shares nothing: the registry's trackers are the cluster. Names are
 * numbered locally; reads show the local trackers, without parts. Stateless.
 */
final class InMemoryProgressStore implements ProgressStore {

	static final InMemoryProgressStore INSTANCE = new InMemoryProgressStore();

	private InMemoryProgressStore() {
	}

	@Override
	public @Nullable String replicaId() {
		return null;
	}

	@Override
	public String uniqueName(String prefix, long localNumber) {
		return prefix + "-" + localNumber;
	}

	@Override
	public void track(AsyncProgress progress, Runnable onDetached) {
	}

	@Override
	public void untrack(AsyncProgress progress) {
	}

	@Override
	public CompletionStage<Boolean> delete(String name) {
		return CompletableFuture.completedFuture(false);
	}

	@Override
	public CompletionStage<List<ProgressSnapshot>> snapshots(List<AsyncProgress> local) {
		return CompletableFuture.completedFuture(local.stream().map(ProgressSnapshot::of).toList());
	}

	@Override
	public CompletionStage<Optional<ProgressSnapshot>> snapshot(String name, @Nullable AsyncProgress local) {
		return CompletableFuture.completedFuture(Optional.ofNullable(local).map(ProgressSnapshot::of));
	}

	@Override
	public String toString() {
		return "in-memory progress store";
	}

}
