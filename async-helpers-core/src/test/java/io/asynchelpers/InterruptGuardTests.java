/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InterruptGuard}: an interrupt meant for finished work never leaks.
 */
class InterruptGuardTests {

	@Test
	void anInterruptThatArrivesAfterTheWorkReturnedIsClearedOnExit() {
		InterruptGuard guard = new InterruptGuard();
		assertThat(guard.enter()).isTrue();
		// The work has returned; the timer fires before the guard is exited.
		Thread timer = new Thread(guard::interrupt);
		timer.start();
		awaitEnd(timer);
		assertThat(Thread.currentThread().isInterrupted()).isTrue();

		assertThat(guard.exit()).isTrue();

		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void anInterruptFromSomeoneElseIsKept() {
		InterruptGuard guard = new InterruptGuard();
		guard.enter();
		Thread.currentThread().interrupt();
		Thread timer = new Thread(guard::interrupt);
		timer.start();
		awaitEnd(timer);

		guard.exit();

		assertThat(Thread.interrupted()).isTrue();
	}

	private static void awaitEnd(Thread thread) {
		// join() would throw at once: this thread is (meant to be) interrupted.
		while (thread.isAlive()) {
			Thread.onSpinWait();
		}
	}

	@Test
	void exitWithoutInterruptReportsNoInterruptAndLaterInterruptsDoNothing() {
		InterruptGuard guard = new InterruptGuard();
		guard.enter();

		assertThat(guard.exit()).isFalse();
		assertThat(guard.interrupt()).isFalse();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void workCancelledBeforeItStartsDoesNotRun() {
		InterruptGuard guard = new InterruptGuard();

		assertThat(guard.interrupt()).isTrue();
		assertThat(guard.enter()).isFalse();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

}
