/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * The reflection hints that the annotations' infrastructure needs in a native image,
 * whichever beans use them: {@link MethodSpecResolver} looks Reactor's {@code Mono} up by
 * name to decide whether {@code Mono} and {@code Flux} methods are supported, and a native
 * image only finds a class by name when it is registered. What each annotated bean needs
 * (its methods, the classes its annotations name, its proxy) is registered per bean, at
 * build time, by {@code AsyncHelpersBeanRegistrationAotProcessor} and by the type that
 * {@link AsyncHelpersAnnotationBeanPostProcessor} predicts.
 */
public final class AsyncHelpersAopRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerTypeIfPresent(classLoader, MethodSpecResolver.REACTOR_MARKER);
	}

}
