/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.StringUtils;

/**
 * Registers, at build time, the reflection hints that the {@code asynchelpers.*}
 * configuration properties need in a native image: the binding hints of
 * {@link AsyncHelpersProperties} and its nested groups, and the classes that
 * {@code asynchelpers.retry.retry-on} and {@code asynchelpers.retry.no-retry-on} name,
 * which the binder loads by name. Only the names the build-time environment holds are known
 * here: a class named in those properties only at run time (an environment variable, say)
 * must be registered by the application, with {@code @RegisterReflection} for instance.
 * Does nothing when the starter is off. Listed in {@code META-INF/spring/aot.factories}.
 */
final class AsyncHelpersPropertiesAotProcessor implements BeanFactoryInitializationAotProcessor {

	/** The properties whose values are class names. */
	static final List<String> CLASS_NAME_PROPERTIES = List.of("asynchelpers.retry.retry-on",
			"asynchelpers.retry.no-retry-on");

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		if (beanFactory.getBeanNamesForType(AsyncHelpersProperties.class, false, false).length == 0) {
			return null;
		}
		List<String> classNames = classNames(beanFactory);
		return (generationContext, code) -> {
			BindableRuntimeHintsRegistrar.forTypes(AsyncHelpersProperties.class)
				.registerHints(generationContext.getRuntimeHints());
			ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
			classNames.forEach((name) -> reflection.registerType(TypeReference.of(name)));
		};
	}

	private static List<String> classNames(ConfigurableListableBeanFactory beanFactory) {
		String name = ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME;
		if (!beanFactory.containsBean(name)
				|| !(beanFactory.getBean(name) instanceof ConfigurableEnvironment environment)) {
			return List.of();
		}
		Binder binder = Binder.get(environment);
		return CLASS_NAME_PROPERTIES.stream()
			.flatMap((property) -> binder.bind(property, Bindable.listOf(String.class))
				.map(List::stream)
				.orElseGet(Stream::empty))
			.map(String::trim)
			.filter(StringUtils::hasText)
			.distinct()
			.toList();
	}

}
