/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Boot's own rule for virtual threads: {@code spring.threads.virtual.enabled=true} on Java
 * 21 or later. Boot's {@code @ConditionalOnThreading} says the same, but its
 * {@code Threading} enum moved package between Boot 3.5 and Boot 4, and this module builds
 * against both.
 */
class OnThreadingCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnVirtualThreads.class.getName());
		boolean wanted = attributes != null && (boolean) attributes.get("value");
		boolean enabled = context.getEnvironment().getProperty("spring.threads.virtual.enabled", Boolean.class, false);
		boolean virtual = enabled && Runtime.version().feature() >= 21;
		ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnVirtualThreads.class);
		String state = virtual ? "virtual threads are enabled and supported" : "virtual threads are not in use";
		return (virtual == wanted) ? ConditionOutcome.match(message.because(state))
				: ConditionOutcome.noMatch(message.because(state));
	}

}
