/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

/**
 * What a cluster-scoped {@link ConcurrencyLimiter} does while its {@link PermitStore} is
 * unreachable. Either way it logs one WARN when it switches and one INFO when the store
 * answers again, and a call releases its permit the way it took it (a lease to the store, a
 * local slot locally), whatever the mode is by then.
 */
public enum PermitFailureMode {

	/**
	 * Turn away the calls that need a permit with a {@link ConcurrencyLimitExceededException}
	 * saying that the permit store is unreachable: the cluster limit is never exceeded. The
	 * default.
	 */
	REJECT,

	/**
	 * Limit the calls of this replica locally, to the cluster limit divided by the replicas
	 * last known ({@link PermitStore#knownReplicas()}), at least 1: work goes on, and the
	 * cluster limit holds as long as the replica count was right.
	 */
	LOCAL

}
