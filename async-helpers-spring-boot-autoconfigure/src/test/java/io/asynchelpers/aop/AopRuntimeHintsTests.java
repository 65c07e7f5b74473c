/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.io.IOException;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.reflect.Method;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.asynchelpers.annotation.Retry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationCode;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.annotation.AnnotationUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The reflection hints that the annotations need in a native image, as registered at build
 * time by {@link AsyncHelpersBeanRegistrationAotProcessor} (per annotated bean) and by
 * {@link AsyncHelpersAopRuntimeHints}.
 */
class AopRuntimeHintsTests {

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	@Test
	void everyAnnotatedMethodCanBeInvokedReflectively() throws Exception {
		RuntimeHints hints = hintsFor(TestServices.Flaky.class);

		for (String name : new String[] { "blocking", "notRetried", "async", "mono", "flux" }) {
			assertThat(invocable(TestServices.Flaky.class.getMethod(name))).as(name).accepts(hints);
		}
		assertThat(invocable(TestServices.Flaky.class.getMethod("selfInvocation"))).as("an unannotated method")
			.rejects(hints);
	}

	@Test
	void methodsThatAClassLevelOrAMetaAnnotationCoversAreRegisteredToo() throws Exception {
		assertThat(invocable(TestServices.ClassLevel.class.getMethod("inherits")))
			.accepts(hintsFor(TestServices.ClassLevel.class));
		assertThat(invocable(TestServices.MetaAnnotated.class.getMethod("call")))
			.accepts(hintsFor(TestServices.MetaAnnotated.class));
	}

	@Test
	void theInterfaceMethodThatAJdkProxyInvokesIsRegistered() throws Exception {
		RuntimeHints hints = hintsFor(TestServices.FailingSource.class);

		assertThat(invocable(TestServices.FailingSource.class.getMethod("fetch"))).accepts(hints);
		assertThat(invocable(TestServices.Source.class.getMethod("fetch"))).accepts(hints);
	}

	@Test
	void classesNamedInRetryOnAndNoRetryOnAreRegistered() {
		RuntimeHints hints = hintsFor(NamesFailures.class);

		assertThat(RuntimeHintsPredicates.reflection().onType(TimeoutException.class)).as("retryOn").accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(IOException.class)).as("noRetryOn").accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(IllegalStateException.class))
			.as("noRetryOn of the class-level annotation")
			.accepts(hints);
	}

	@Test
	void aClassNamedInAnyAttributeIsRegisteredAndOneThatIsNoFailureWithItsConstructors() {
		RuntimeHints hints = new RuntimeHints();

		AsyncHelpersBeanRegistrationAotProcessor.registerClassValues(hints.reflection(),
				AnnotationUtils.getAnnotationAttributes(Plugged.class.getAnnotation(Plugs.class), false, true));

		assertThat(RuntimeHintsPredicates.reflection()
			.onType(StringSupplier.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).as("a class the starter would create")
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(IOException.class)).as("in a nested annotation")
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(IOException.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).as("a failure type is only matched")
			.rejects(hints);
	}

	@Test
	void aBeanWithoutTheAnnotationsContributesNothing() {
		this.beanFactory.registerBeanDefinition("postProcessor",
				new RootBeanDefinition(AsyncHelpersAnnotationBeanPostProcessor.class));
		this.beanFactory.registerBeanDefinition("plain", new RootBeanDefinition(StringSupplier.class));

		assertThat(new AsyncHelpersBeanRegistrationAotProcessor()
			.processAheadOfTime(RegisteredBean.of(this.beanFactory, "plain"))).isNull();
	}

	@Test
	void nothingIsRegisteredWhenTheAnnotationsAreOff() {
		this.beanFactory.registerBeanDefinition("flaky", new RootBeanDefinition(TestServices.Flaky.class));

		assertThat(new AsyncHelpersBeanRegistrationAotProcessor()
			.processAheadOfTime(RegisteredBean.of(this.beanFactory, "flaky"))).isNull();
	}

	@Test
	void reactorsMonoCanBeFoundByName() {
		RuntimeHints hints = new RuntimeHints();

		new AsyncHelpersAopRuntimeHints().registerHints(hints, getClass().getClassLoader());

		assertThat(RuntimeHintsPredicates.reflection().onType(Mono.class)).accepts(hints);
	}

	private RuntimeHints hintsFor(Class<?> beanClass) {
		this.beanFactory.registerBeanDefinition("postProcessor",
				new RootBeanDefinition(AsyncHelpersAnnotationBeanPostProcessor.class));
		this.beanFactory.registerBeanDefinition("bean", new RootBeanDefinition(beanClass));
		BeanRegistrationAotContribution contribution = new AsyncHelpersBeanRegistrationAotProcessor()
			.processAheadOfTime(RegisteredBean.of(this.beanFactory, "bean"));
		assertThat(contribution).as("the contribution for %s", beanClass.getSimpleName()).isNotNull();
		TestGenerationContext generationContext = new TestGenerationContext();
		contribution.applyTo(generationContext, mock(BeanRegistrationCode.class));
		return generationContext.getRuntimeHints();
	}

	/**
	 * Spring Framework 7 replaces {@code onMethod(method).invoke()} with
	 * {@code onMethodInvocation(method)}, which Spring Framework 6.2 (the {@code -Pboot3}
	 * build) does not have.
	 */
	@SuppressWarnings("deprecation")
	private static Predicate<RuntimeHints> invocable(Method method) {
		return RuntimeHintsPredicates.reflection().onMethod(method).invoke();
	}

	@Retry(noRetryOn = IllegalStateException.class)
	public static class NamesFailures {

		@Retry(retryOn = TimeoutException.class, noRetryOn = IOException.class)
		public String call() {
			return "ok";
		}

	}

	/** Stands for an attribute still to come: a class the starter would create. */
	@Retention(RetentionPolicy.RUNTIME)
	@interface Plugs {

		Class<? extends Supplier<String>> value();

		Retry nested() default @Retry(noRetryOn = IOException.class);

	}

	@Plugs(StringSupplier.class)
	static class Plugged {

	}

	public static class StringSupplier implements Supplier<String> {

		@Override
		public String get() {
			return "supplied";
		}

	}

}
