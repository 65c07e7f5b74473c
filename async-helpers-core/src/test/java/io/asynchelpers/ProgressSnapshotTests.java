/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.asynchelpers.AsyncProgress.State;
import io.asynchelpers.ProgressSnapshot.Part;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ProgressSnapshot}: how the parts of a cluster tracker merge, and what a
 * local tracker looks like.
 */
class ProgressSnapshotTests {

	private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

	@Test
	void countsAreTheSumsOfThePartsAndTheStartIsTheEarliest() {
		Part first = part("a", State.RUNNING, false, 100, 40, 5, 10, null);
		Part second = part("b", State.RUNNING, false, 50, 10, 0, 0, null);
		Part third = part("c", State.COMPLETED, false, 30, 30, 3, 4, 8L);

		ProgressSnapshot cluster = ProgressSnapshot.merge("import", List.of(second, first, third), T0.plusSeconds(20));

		assertThat(cluster.state()).isEqualTo(State.RUNNING);
		assertThat(cluster.total()).isEqualTo(180);
		assertThat(cluster.completed()).isEqualTo(80);
		assertThat(cluster.failed()).isEqualTo(8);
		assertThat(cluster.succeeded()).isEqualTo(72);
		assertThat(cluster.startedAt()).isEqualTo(T0);
		assertThat(cluster.elapsed()).isEqualTo(Duration.ofSeconds(20));
		assertThat(cluster.ratePerSecond()).isEqualTo(4.0);
		assertThat(cluster.eta()).isEqualTo(Duration.ofSeconds(25));
		assertThat(cluster.percentage()).isCloseTo(44.44, org.assertj.core.data.Offset.offset(0.01));
		assertThat(cluster.parts()).extracting(Part::replicaId).containsExactly("b", "c", "a");
	}

	@Test
	void anEndedTrackerRunsUntilItsLastPartEndedAndACompletedOneHasNoTimeLeft() {
		Part first = part("a", State.COMPLETED, false, 10, 10, 0, 0, 5L);
		Part second = part("b", State.COMPLETED, false, 10, 10, 0, 1, 9L);

		ProgressSnapshot cluster = ProgressSnapshot.merge("import", List.of(first, second), T0.plusSeconds(60));

		assertThat(cluster.state()).isEqualTo(State.COMPLETED);
		assertThat(cluster.elapsed()).isEqualTo(Duration.ofSeconds(9));
		assertThat(cluster.eta()).isEqualTo(Duration.ZERO);
		assertThat(cluster.percentage()).isEqualTo(100.0);
	}

	@Test
	void noRateAndNoEtaBeforeAnythingIsDoneOrOnceEndedOtherThanCompleted() {
		Part idle = part("a", State.RUNNING, false, 10, 0, 0, 0, null);
		assertThat(ProgressSnapshot.merge("idle", List.of(idle), T0.plusSeconds(3)).eta()).isNull();

		Part cancelled = part("a", State.CANCELLED, false, 10, 4, 0, 0, 2L);
		ProgressSnapshot ended = ProgressSnapshot.merge("cancelled", List.of(cancelled), T0.plusSeconds(30));
		assertThat(ended.eta()).isNull();
		assertThat(ended.ratePerSecond()).isEqualTo(2.0);
	}

	@ParameterizedTest(name = "{0} + {1} -> {2}")
	@CsvSource({
			// a part that runs keeps the tracker running, whatever the others did
			"RUNNING, COMPLETED, RUNNING", "RUNNING, FAILED, RUNNING", "RUNNING, STOPPED, RUNNING",
			// once none runs: failed beats cancelled beats stopped beats completed
			"COMPLETED, COMPLETED, COMPLETED", "COMPLETED, FAILED, FAILED", "CANCELLED, FAILED, FAILED",
			"STOPPED, FAILED, FAILED", "COMPLETED, CANCELLED, CANCELLED", "STOPPED, CANCELLED, CANCELLED",
			"COMPLETED, STOPPED, STOPPED", "STOPPED, STOPPED, STOPPED" })
	void theStateOfTwoLivePartsFollowsThePrecedence(State first, State second, State expected) {
		List<Part> parts = List.of(part("a", first, false, 10, 0, 0, 0, ended(first)),
				part("b", second, false, 10, 0, 0, 1, ended(second)));

		assertThat(ProgressSnapshot.merge("job", parts, T0.plusSeconds(10)).state()).isEqualTo(expected);
	}

	@ParameterizedTest(name = "stale running + {0} -> {1}")
	@CsvSource({ "COMPLETED, STOPPED", "FAILED, FAILED", "CANCELLED, CANCELLED", "STOPPED, STOPPED",
			"RUNNING, RUNNING" })
	void aStalePartThatWasRunningCountsAsStopped(State other, State expected) {
		List<Part> parts = List.of(part("dead", State.RUNNING, true, 10, 3, 0, 0, null),
				part("live", other, false, 10, 0, 0, 1, ended(other)));

		assertThat(ProgressSnapshot.merge("job", parts, T0.plusSeconds(10)).state()).isEqualTo(expected);
	}

	@Test
	void aStalePartThatHadEndedKeepsItsEndState() {
		List<Part> parts = List.of(part("dead", State.COMPLETED, true, 10, 10, 0, 0, 3L),
				part("live", State.COMPLETED, false, 10, 10, 0, 1, 4L));

		assertThat(ProgressSnapshot.merge("job", parts, T0.plusSeconds(10)).state()).isEqualTo(State.COMPLETED);
	}

	@Test
	void aTrackerOnlyStaleReplicasRanStopsAtTheirLastUpdate() {
		Part dead = new Part("dead", State.RUNNING, 10, 3, 3, 0, T0, null, T0.plusSeconds(4), true);

		ProgressSnapshot cluster = ProgressSnapshot.merge("job", List.of(dead), T0.plusSeconds(60));

		assertThat(cluster.state()).isEqualTo(State.STOPPED);
		assertThat(cluster.elapsed()).isEqualTo(Duration.ofSeconds(4));
		assertThat(cluster.eta()).isNull();
	}

	@Test
	void aLocalTrackerHasNoPartsAndItsOwnValues() {
		AtomicLong nanos = new AtomicLong();
		AsyncProgress progress = new AsyncProgress("import", 10, 10, nanos::get, Clock.fixed(T0, ZoneOffset.UTC));
		progress.recordSuccess();
		progress.recordFailure();
		nanos.addAndGet(Duration.ofSeconds(2).toNanos());

		ProgressSnapshot snapshot = ProgressSnapshot.of(progress);

		assertThat(snapshot.parts()).isEmpty();
		assertThat(snapshot.state()).isEqualTo(State.RUNNING);
		assertThat(snapshot.completed()).isEqualTo(2);
		assertThat(snapshot.succeeded()).isEqualTo(1);
		assertThat(snapshot.failed()).isEqualTo(1);
		assertThat(snapshot.startedAt()).isEqualTo(T0);
		assertThat(snapshot.elapsed()).isEqualTo(Duration.ofSeconds(2));
		assertThat(snapshot.ratePerSecond()).isEqualTo(1.0);
		assertThat(snapshot.eta()).isEqualTo(Duration.ofSeconds(8));
	}

	@Test
	void mergingNoPartsOrInconsistentCountsFailsNamingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> ProgressSnapshot.merge("job", List.of(), T0))
			.withMessageContaining("parts")
			.withMessageContaining("job");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Part("a", State.RUNNING, 10, 3, 1, 1, T0, null, T0, false))
			.withMessageContaining("succeeded + failed must equal completed");
	}

	private static @Nullable Long ended(State state) {
		return state.isEnded() ? 5L : null;
	}

	private static Part part(String replica, State state, boolean stale, long total, long completed, long failed,
			long startSecond, @Nullable Long endSecond) {
		Instant end = (endSecond != null) ? T0.plusSeconds(endSecond) : null;
		return new Part(replica, state, total, completed, completed - failed, failed, T0.plusSeconds(startSecond), end,
				(end != null) ? end : T0.plusSeconds(startSecond + 1), stale);
	}

}
