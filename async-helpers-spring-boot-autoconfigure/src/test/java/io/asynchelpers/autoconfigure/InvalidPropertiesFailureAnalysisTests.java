/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every invalid {@code asynchelpers.*} value stops start-up, and the failure analysis names
 * the property, the value and what it must be.
 */
class InvalidPropertiesFailureAnalysisTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncHelpersAutoConfiguration.class));

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			asynchelpers.executor.core-size                         | -1     | must be >= 0
			asynchelpers.executor.max-size                          | 0      | must be > 0
			asynchelpers.executor.max-size                          | 4      | must be >= asynchelpers.executor.core-size (8)
			asynchelpers.executor.queue-capacity                    | -5     | must be >= 0
			asynchelpers.executor.keep-alive                        | -1s    | must be >= 0
			asynchelpers.executor.keep-alive                        | 500ms  | must be >= 1s while asynchelpers.executor.allow-core-thread-timeout is true (idle threads are kept for whole seconds)
			asynchelpers.executor.keep-alive                        | 3000000000s | must be at most 2147483647 seconds
			asynchelpers.retry.retry-on                             | java.lang.String | must name Throwable types only
			asynchelpers.retry.no-retry-on                          | java.lang.Thread | must name Throwable types only
			asynchelpers.retry.retry-on                             | ''     | must name at least one failure type (to retry nothing, set asynchelpers.retry.max-retries to 0)
			asynchelpers.executor.shutdown.await-termination-period | -2s    | must be >= 0
			asynchelpers.scheduler.pool-size                        | 0      | must be > 0
			asynchelpers.concurrency.limit                          | 0      | must be > 0
			asynchelpers.batch.size                                 | -3     | must be > 0
			asynchelpers.batch.delay                                | -10ms  | must be >= 0
			asynchelpers.retry.max-retries                          | -1     | must be >= 0
			asynchelpers.retry.base-delay                           | -1s    | must be >= 0
			asynchelpers.retry.max-delay                            | 500ms  | must be >= asynchelpers.retry.base-delay (PT1S)
			asynchelpers.retry.backoff-factor                       | 0.5    | must be >= 1
			asynchelpers.retry.max-duration                         | 0s     | must be > 0
			asynchelpers.timeout.default                            | 0s     | must be > 0
			asynchelpers.progress.log-every-percent                 | 0      | must be between 1 and 100
			asynchelpers.progress.retention                         | -1m    | must be >= 0
			asynchelpers.progress.max-trackers                      | 0      | must be > 0
			asynchelpers.aop.layers                                 | timed  | must name timed, retry, max-concurrency and timeout once each
			asynchelpers.max-concurrency.policy                     | default | must be wait or reject
			asynchelpers.max-concurrency.max-wait                   | -1s    | must be >= 0
			asynchelpers.max-concurrency.queue-capacity             | -1     | must be >= 0
			""")
	void anInvalidValueFailsStartUpWithAnAnalysisNamingTheProperty(String property, String value, String reason) {
		this.contextRunner.withPropertyValues(property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidAsyncHelpersPropertyException.class);
			FailureAnalysis analysis = new AsyncHelpersPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).startsWith("Invalid value '")
				.contains("for configuration property '" + property + "': it " + reason + ".");
			assertThat(analysis.getAction()).isEqualTo("Update '" + property
					+ "' in your application configuration so that it " + reason + ", or remove it to use the default.");
		});
	}

	@org.junit.jupiter.api.Test
	void aHeartbeatTooLongToDoubleFailsStartUpOnTheReplicaTtlNotWithAnOverflow() {
		this.contextRunner.withPropertyValues("asynchelpers.cluster.heartbeat-interval=5000000000000000000s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidAsyncHelpersPropertyException.class)
					.hasMessageContaining("asynchelpers.cluster.replica-ttl")
					.hasMessageContaining("must be >= twice asynchelpers.cluster.heartbeat-interval");
			});
	}

	@org.junit.jupiter.api.Test
	void aSubSecondKeepAliveIsFineWhenCoreThreadsNeverTimeOut() {
		this.contextRunner
			.withPropertyValues("asynchelpers.executor.keep-alive=0s",
					"asynchelpers.executor.allow-core-thread-timeout=false")
			.run((context) -> assertThat(context).hasNotFailed());
	}

}
