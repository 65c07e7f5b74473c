/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import io.asynchelpers.aop.InvalidAnnotationUseException;
import io.asynchelpers.aop.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Every misplaced or misconfigured {@code @Retry}, {@code @Timed} or {@code @WithTimeout}
 * stops start-up with Boot's failure report naming the method and the annotation and
 * saying what to change.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidAnnotationUseFailureAnalysisTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			PrivateMethod  | TestServices$PrivateMethod.hidden() carries @Retry, but it is private | Make hidden() public
			StaticMethod   | TestServices$StaticMethod.call() carries @Timed, but it is static     | Make call() an instance method
			FinalMethod    | TestServices$FinalMethod.call() carries @Timed, but it is final       | Make call() non-final
			FinalService   | TestServices$FinalService.call() carries @Retry, but its class        | Make FinalService non-final
			BadDelay       | TestServices$BadDelay.call(): @Backoff.delay 'soon' is not a duration | Change @Backoff.delay of
			BadLogLevel    | TestServices$BadLogLevel.call(): @Retry.logLevel 'loud'               | Change @Retry.logLevel of
			NegativeRetries | TestServices$NegativeRetries.call(): @Retry.maxRetries '-2' must be >= 0 | Change @Retry.maxRetries of
			MissingPlaceholder | TestServices$MissingPlaceholder.call(): an annotation attribute '${nowhere.timeout}' cannot be resolved | give the placeholder a default, as in ${name:default}
			EndlessTimeout | TestServices$EndlessTimeout.call(): @WithTimeout.value '999999999999999999d' is not a duration | Change @WithTimeout.value of
			""")
	void aMistakeStopsStartUpWithBootsFailureReport(String bean, String description, String action,
			CapturedOutput output) throws ClassNotFoundException {
		Class<?> beanClass = Class.forName(TestServices.class.getName() + "$" + bean);
		SpringApplication application = new SpringApplication(Infrastructure.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.addInitializers((context) -> ((GenericApplicationContext) context).registerBean(beanClass));

		assertThatException().isThrownBy(application::run);

		assertThat(output).contains("APPLICATION FAILED TO START");
		String report = output.getOut().substring(output.getOut().lastIndexOf("APPLICATION FAILED TO START"));
		assertThat(report).contains("Description:").contains(description).contains("Action:").contains(action);
	}

	@Test
	void theAnalysisNamesTheBeanTheMethodAndTheAnnotationAndSaysWhatToChange() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
					AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
			.withBean("pricing", TestServices.PrivateMethod.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidAnnotationUseException.class);
				FailureAnalysis analysis = new InvalidAnnotationUseFailureAnalyzer().analyze(context.getStartupFailure());

				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription())
					.isEqualTo("Bean 'pricing': io.asynchelpers.aop.TestServices$PrivateMethod.hidden() carries @Retry,"
							+ " but it is private, so no proxy can intercept it and the annotation would do nothing.");
				assertThat(analysis.getAction()).isEqualTo("Make hidden() public and call it on the injected bean"
						+ " (calls on this are not intercepted), or remove @Retry.");
			});
	}

	@Test
	void theAnalysisOfAnInvalidAttributeNamesTheValueAndWhatItMustBe() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
					AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
			.withBean("quiet", TestServices.BadLogLevel.class)
			.run((context) -> {
				FailureAnalysis analysis = new InvalidAnnotationUseFailureAnalyzer().analyze(context.getStartupFailure());

				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).isEqualTo("Bean 'quiet': io.asynchelpers.aop.TestServices$BadLogLevel"
						+ ".call(): @Retry.logLevel 'loud' is not a log level.");
				assertThat(analysis.getAction()).isEqualTo("Change @Retry.logLevel of"
						+ " io.asynchelpers.aop.TestServices$BadLogLevel.call() to one of error, warn, info, debug, trace.");
			});
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
			AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class })
	static class Infrastructure {

	}

}
