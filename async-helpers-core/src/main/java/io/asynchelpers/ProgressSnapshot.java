/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.asynchelpers.AsyncProgress.State;
import org.jspecify.annotations.Nullable;

/**
 * What a tracker looks like at one moment: one replica's {@link AsyncProgress}, or a
 * tracker shared by several replicas, which is the union of its {@linkplain #parts()
 * parts}, one per replica that created or joined it.
 * <p>
 * <b>Cluster trackers</b> ({@link #merge(String, List, Instant)}): total, completed,
 * succeeded and failed are the sums of the parts; {@link #startedAt()} is the earliest
 * start of a part; elapsed time runs from there to now, or to the last end of a part once
 * the tracker has ended; the rate is completed per second of elapsed time and the ETA the
 * remaining units at that rate. The state is {@link State#RUNNING RUNNING} while any part
 * that is not {@linkplain Part#stale() stale} runs; otherwise {@link State#FAILED FAILED}
 * if any part failed, else {@link State#CANCELLED CANCELLED} if any was cancelled, else
 * {@link State#STOPPED STOPPED} if any was stopped or went stale while running, else
 * {@link State#COMPLETED COMPLETED}.
 * <p>
 * <b>Local trackers</b> ({@link #of(AsyncProgress)}) have no parts: with the in-memory
 * store there is no cluster to break the tracker down by.
 * <p>
 * Immutable. The counts are read together, so {@code succeeded + failed == completed}
 * holds in every snapshot, though the trackers behind it may have moved on since.
 *
 * @param name the tracker's name
 * @param state {@link State#RUNNING} or the end state the tracker reached
 * @param total how many units of work there are
 * @param completed how many have finished, succeeded or failed
 * @param succeeded how many have succeeded
 * @param failed how many have failed
 * @param startedAt when the tracker (its first part) started
 * @param elapsed the time since the start, or the time it ran once it ended
 * @param ratePerSecond units finished per second of elapsed time, {@code 0} before any
 * time has passed
 * @param eta the estimated time left: {@link Duration#ZERO} once completed, {@code null}
 * while no rate is known and once ended other than completed (it will not finish)
 * @param parts the per-replica breakdown, oldest part first; empty for a local tracker
 */
public record ProgressSnapshot(String name, State state, long total, long completed, long succeeded, long failed,
		Instant startedAt, Duration elapsed, double ratePerSecond, @Nullable Duration eta, List<Part> parts) {

	/**
	 * Check the values and copy the parts.
	 * @throws IllegalArgumentException if a count is negative or the counts disagree
	 */
	public ProgressSnapshot {
		Checks.notNull(name, "name");
		Checks.notNull(state, "state");
		Checks.notNull(startedAt, "startedAt");
		Checks.notNull(elapsed, "elapsed");
		parts = List.copyOf(Checks.notNull(parts, "parts"));
		requireConsistent(total, completed, succeeded, failed);
	}

	/**
	 * Take a snapshot of one local tracker, with no parts. The state is read first, then
	 * the failed count, then the completed count, so a tracker seen ended shows the counts
	 * it ended with and {@code failed <= completed} holds.
	 * @param progress the tracker
	 * @return its snapshot
	 */
	public static ProgressSnapshot of(AsyncProgress progress) {
		Checks.notNull(progress, "progress");
		State state = progress.state();
		long failed = progress.failed();
		long completed = Math.max(failed, progress.completed());
		return new ProgressSnapshot(progress.name(), state, progress.total(), completed, completed - failed, failed,
				progress.startedAt(), progress.elapsed(), progress.ratePerSecond(), progress.eta(), List.of());
	}

	/**
	 * Merge the parts of a cluster tracker by the rules in the class description.
	 * @param name the tracker's name
	 * @param parts its parts, at least one
	 * @param now the current time, on the clock the parts' times come from
	 * @return the cluster tracker
	 * @throws IllegalArgumentException if there are no parts
	 */
	public static ProgressSnapshot merge(String name, List<Part> parts, Instant now) {
		Checks.notNull(name, "name");
		Checks.noNullElements(Checks.notNull(parts, "parts"), "parts");
		Checks.notNull(now, "now");
		if (parts.isEmpty()) {
			throw new IllegalArgumentException("parts must not be empty for tracker '" + name + "'");
		}
		long total = 0;
		long completed = 0;
		long failed = 0;
		Instant start = null;
		Instant end = null;
		for (Part part : parts) {
			total = saturatedAdd(total, part.total());
			completed = saturatedAdd(completed, part.completed());
			failed = saturatedAdd(failed, part.failed());
			start = (start == null || part.startedAt().isBefore(start)) ? part.startedAt() : start;
			Instant partEnd = part.end();
			end = (end == null || partEnd.isAfter(end)) ? partEnd : end;
		}
		State state = mergedState(parts);
		Instant until = (state == State.RUNNING) ? now : end;
		Duration elapsed = until.isAfter(start) ? Duration.between(start, until) : Duration.ZERO;
		long nanos = elapsed.toNanos();
		double rate = (nanos > 0) ? completed / (nanos / 1e9) : 0.0;
		Duration eta = null;
		if (state == State.COMPLETED) {
			eta = Duration.ZERO;
		}
		else if (state == State.RUNNING && rate > 0) {
			double seconds = Math.max(0, total - completed) / rate;
			eta = Duration.ofNanos((long) Math.min(seconds * 1e9, Long.MAX_VALUE));
		}
		List<Part> ordered = parts.stream()
			.sorted((a, b) -> a.startedAt().compareTo(b.startedAt()))
			.toList();
		return new ProgressSnapshot(name, state, total, completed, completed - failed, failed, start, elapsed, rate,
				eta, ordered);
	}

	/**
	 * The state of a cluster tracker made of these parts (see the class description).
	 * @param parts the parts
	 * @return the merged state
	 */
	static State mergedState(List<Part> parts) {
		boolean failed = false;
		boolean cancelled = false;
		boolean stopped = false;
		for (Part part : parts) {
			switch (part.state()) {
				case RUNNING -> {
					if (!part.stale()) {
						return State.RUNNING;
					}
					stopped = true;
				}
				case FAILED -> failed = true;
				case CANCELLED -> cancelled = true;
				case STOPPED -> stopped = true;
				case COMPLETED -> {
					// Completed only if every other part completed too.
				}
			}
		}
		if (failed) {
			return State.FAILED;
		}
		if (cancelled) {
			return State.CANCELLED;
		}
		return stopped ? State.STOPPED : State.COMPLETED;
	}

	/**
	 * Return the share finished, in percent.
	 * @return 0.0 to 100.0; 100.0 for a tracker with {@code total = 0}
	 */
	public double percentage() {
		return (this.total == 0) ? 100.0 : (this.completed * 100.0) / this.total;
	}

	private static long saturatedAdd(long a, long b) {
		long sum = a + b;
		return (((a ^ sum) & (b ^ sum)) < 0) ? Long.MAX_VALUE : sum;
	}

	private static void requireConsistent(long total, long completed, long succeeded, long failed) {
		if (total < 0 || completed < 0 || succeeded < 0 || failed < 0) {
			throw new IllegalArgumentException("counts must be >= 0, were total=" + total + ", completed=" + completed
					+ ", succeeded=" + succeeded + ", failed=" + failed);
		}
		if (succeeded + failed != completed) {
			throw new IllegalArgumentException("succeeded + failed must equal completed, were " + succeeded + " + "
					+ failed + " and " + completed);
		}
	}

	/**
	 * One replica's part of a cluster tracker: its local {@link AsyncProgress} as last
	 * written to the store (or, for the replica that reads, as it is now).
	 *
	 * @param replicaId the replica's id
	 * @param state its tracker's state
	 * @param total its total
	 * @param completed how many of its units finished
	 * @param succeeded how many succeeded
	 * @param failed how many failed
	 * @param startedAt when it created or joined the tracker
	 * @param endedAt when its tracker ended, {@code null} while running
	 * @param updatedAt when it last wrote its counts
	 * @param stale whether the replica has stopped heart-beating (it died or lost the
	 * store) without leaving: its counts may be behind, and a running part no longer keeps
	 * the tracker running
	 */
	public record Part(String replicaId, State state, long total, long completed, long succeeded, long failed,
			Instant startedAt, @Nullable Instant endedAt, Instant updatedAt, boolean stale) {

		/**
		 * Check the values.
		 * @throws IllegalArgumentException if a count is negative or the counts disagree
		 */
		public Part {
			Checks.notNull(replicaId, "replicaId");
			Checks.notNull(state, "state");
			Checks.notNull(startedAt, "startedAt");
			Checks.notNull(updatedAt, "updatedAt");
			requireConsistent(total, completed, succeeded, failed);
		}

		/**
		 * When this part stopped counting: its end, or its last update for a part that
		 * went stale while running (or has no end recorded yet).
		 */
		Instant end() {
			return (this.endedAt != null) ? this.endedAt : this.updatedAt;
		}

	}

}
