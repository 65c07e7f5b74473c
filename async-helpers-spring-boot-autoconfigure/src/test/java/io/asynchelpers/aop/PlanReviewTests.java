/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.aop;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.asynchelpers.ConcurrencyLimitExceededException;
import io.asynchelpers.annotation.Backoff;
import io.asynchelpers.annotation.MaxConcurrency;
import io.asynchelpers.annotation.Retry;
import io.asynchelpers.annotation.Timed;
import io.asynchelpers.autoconfigure.AsyncHelpersAopAutoConfiguration;
import io.asynchelpers.autoconfigure.AsyncHelpersAutoConfiguration;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.target.HotSwappableTargetSource;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.test.util.AopTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Review of the interceptor's {@link InvocationPlan}s: one per {@code Method} and target
 * runtime class. The plan is keyed by {@code getThis().getClass()}, while its spec is
 * resolved for {@code AopUtils.getTargetClass(getThis())}: wherever two targets share a
 * runtime class but not a target class (a JDK proxy class is shared by every proxy of the
 * same interfaces), or a target's target class changes, the first plan is used for the
 * others.
 */
class PlanReviewTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
				AsyncHelpersAutoConfiguration.class, AsyncHelpersAopAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	private final ExecutorService callers = Executors.newCachedThreadPool();

	@AfterEach
	void stopCallers() {
		this.callers.shutdownNow();
	}

	// ---------------------------------------------------------------------------------
	// Proxies of (frozen) JDK proxies: one runtime class, several target classes
	// ---------------------------------------------------------------------------------

	/**
	 * Two beans that another framework handed over as frozen JDK proxies of the same
	 * interface (so the async-helpers proxy wraps them instead of joining their chain).
	 * Both inner proxies are instances of the same {@code jdk.proxy.$ProxyN} class, but
	 * their target classes differ and so do their annotations: one retries three times,
	 * the other only carries the interface's {@code @Timed}.
	 */
	@ParameterizedTest(name = "spring.aop.proxy-target-class={0}")
	@ValueSource(booleans = { false, true })
	void proxiesOfJdkProxiesOfDifferentClassesKeepTheirOwnAnnotations(boolean proxyTargetClass) {
		// With Boot's default (true), Spring still wraps a JDK proxy in a JDK proxy: its class
		// is final, but no subclass is made of it, so start-up must not reject it.
		this.contextRunner.withPropertyValues("spring.aop.proxy-target-class=" + proxyTargetClass)
			.withUserConfiguration(FrozenJdkGreeters.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Greeter retried = context.getBean("retriedGreeter", Greeter.class);
				Greeter plain = context.getBean("plainGreeter", Greeter.class);
				// Proxies of proxies, whose inner proxies share their runtime class.
				Object innerRetried = AopTestUtils.getTargetObject(retried);
				Object innerPlain = AopTestUtils.getTargetObject(plain);
				assertThat(Proxy.isProxyClass(innerRetried.getClass())).isTrue();
				assertThat(innerRetried.getClass()).isSameAs(innerPlain.getClass());
				assertThat(AopUtils.getTargetClass(innerRetried)).isEqualTo(RetriedGreeter.class);
				assertThat(AopUtils.getTargetClass(innerPlain)).isEqualTo(PlainGreeter.class);
				CountingGreeter retriedTarget = AopTestUtils.getUltimateTargetObject(retried);
				CountingGreeter plainTarget = AopTestUtils.getUltimateTargetObject(plain);

				for (int round = 1; round <= 3; round++) {
					// Each bean is met first in one of the rounds.
					List<Greeter> order = (round % 2 == 1) ? List.of(plain, retried) : List.of(retried, plain);
					for (Greeter greeter : order) {
						assertThatExceptionOfType(IOException.class).isThrownBy(greeter::greet);
					}
					assertThat(retriedTarget.attempts).as("@Retry(maxRetries = 3), round %d", round)
						.hasValue(4 * round);
					assertThat(plainTarget.attempts).as("no @Retry, round %d", round).hasValue(round);
				}
			});
	}

	/**
	 * An interface method with {@code @MaxConcurrency(limit = 1)}, implemented by two
	 * classes whose beans are frozen JDK proxies: each target class gets a limiter of its
	 * own (and its meters). A call held on one must not make the other's call be rejected.
	 */
	@Test
	void proxiesOfJdkProxiesOfDifferentClassesDoNotShareALimiter() {
		this.contextRunner.withPropertyValues("spring.aop.proxy-target-class=false")
			.withUserConfiguration(FrozenJdkGates.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Gate north = context.getBean("northGate", Gate.class);
				Gate south = context.getBean("southGate", Gate.class);
				LimitedServices.InFlight northTarget = AopTestUtils.getUltimateTargetObject(north);
				LimitedServices.InFlight southTarget = AopTestUtils.getUltimateTargetObject(south);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				CountDownLatch held = new CountDownLatch(1);
				CountDownLatch open = new CountDownLatch(0);
				Future<String> northCall = this.callers.submit(() -> north.pass(held));
				try {
					await().atMost(WAIT).untilAsserted(() -> assertThat(northTarget.current).hasValue(1));

					assertThat(south.pass(open)).as("the south gate has a limiter of its own").isEqualTo("south");
					assertThat(southTarget.invocations).hasValue(1);
					assertThat(activeGauge(registry, "SouthGate.pass")).as("the south gate's own meters").isNotNull();
				}
				finally {
					held.countDown();
				}
				assertThat(northCall.get(10, TimeUnit.SECONDS)).isEqualTo("north");
			});
	}

	/**
	 * A frozen JDK proxy over a {@link HotSwappableTargetSource}, wrapped by the
	 * async-helpers proxy: once its target is swapped for one of another class, that
	 * class's annotations apply (its {@code TargetClassAware} target class changed, its
	 * runtime class did not).
	 */
	@Test
	void aSwappedTargetOfAnInnerProxyFollowsItsNewClassesAnnotations() {
		this.contextRunner.withPropertyValues("spring.aop.proxy-target-class=false")
			.withUserConfiguration(SwappableGreeter.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Greeter greeter = context.getBean("swappableGreeter", Greeter.class);
				HotSwappableTargetSource targets = context.getBean(HotSwappableTargetSource.class);
				RetriedGreeter retried = (RetriedGreeter) targets.getTarget();

				assertThatExceptionOfType(IOException.class).isThrownBy(greeter::greet);
				assertThat(retried.attempts).as("@Retry(maxRetries = 3)").hasValue(4);

				PlainGreeter plain = new PlainGreeter();
				targets.swap(plain);
				assertThat(AopUtils.getTargetClass(AopTestUtils.getTargetObject(greeter))).isEqualTo(PlainGreeter.class);

				assertThatExceptionOfType(IOException.class).isThrownBy(greeter::greet);
				assertThat(plain.attempts).as("no @Retry on the swapped-in class").hasValue(1);
			});
	}

	/**
	 * The same with Boot's default {@code spring.aop.proxy-target-class=true}: a frozen
	 * CGLIB proxy over a {@link HotSwappableTargetSource}, whose target is swapped for one
	 * of a subclass with a class-level {@code @Retry} of its own.
	 */
	@Test
	void aSwappedTargetOfAnInnerCglibProxyFollowsItsNewClassesAnnotations() {
		this.contextRunner.withUserConfiguration(SwappableShared.class).run((context) -> {
			assertThat(context).hasNotFailed();
			TestServices.SharedBase service = context.getBean("swappableShared", TestServices.SharedBase.class);
			HotSwappableTargetSource targets = context.getBean(HotSwappableTargetSource.class);
			TestServices.SharedBase once = (TestServices.SharedBase) targets.getTarget();

			assertThatExceptionOfType(IOException.class).isThrownBy(service::call);
			assertThat(once.attempts).as("class-level @Retry(maxRetries = 1)").hasValue(2);

			RetriedThriceAfterOnce thrice = new RetriedThriceAfterOnce();
			targets.swap(thrice);
			assertThat(AopUtils.getTargetClass(AopTestUtils.getTargetObject(service)))
				.isEqualTo(RetriedThriceAfterOnce.class);

			assertThatExceptionOfType(IOException.class).isThrownBy(service::call);
			assertThat(thrice.attempts).as("the swapped-in subclass's @Retry(maxRetries = 3)").hasValue(4);
		});
	}

	// ---------------------------------------------------------------------------------
	// Coverage: cases expected to hold
	// ---------------------------------------------------------------------------------

	/**
	 * CGLIB proxies of frozen CGLIB proxies of two subclasses sharing one inherited method,
	 * with different class-level annotations: the inner proxies' classes differ, so each
	 * keeps its own plan.
	 */
	@Test
	void proxiesOfCglibProxiesOfSubclassesKeepTheirOwnClassLevelAnnotations() {
		this.contextRunner.withUserConfiguration(FrozenCglibShared.class).run((context) -> {
			assertThat(context).hasNotFailed();
			TestServices.SharedBase once = context.getBean("retriedOnce", TestServices.SharedBase.class);
			TestServices.SharedBase thrice = context.getBean("retriedThrice", TestServices.SharedBase.class);
			assertThat(AopUtils.isAopProxy(AopTestUtils.getTargetObject(once))).as("a proxy of a proxy").isTrue();
			TestServices.SharedBase onceTarget = AopTestUtils.getUltimateTargetObject(once);
			TestServices.SharedBase thriceTarget = AopTestUtils.getUltimateTargetObject(thrice);
			for (int round = 1; round <= 3; round++) {
				List<TestServices.SharedBase> order = (round % 2 == 1) ? List.of(thrice, once) : List.of(once, thrice);
				for (TestServices.SharedBase service : order) {
					assertThatExceptionOfType(IOException.class).isThrownBy(service::call);
				}
				assertThat(onceTarget.attempts).as("retried once, round %d", round).hasValue(2 * round);
				assertThat(thriceTarget.attempts).as("retried three times, round %d", round).hasValue(4 * round);
			}
		});
	}

	/**
	 * First calls of one inherited {@code @MaxConcurrency(limit = 1)} method, on beans of
	 * three classes, from four threads each, all let go at once: each class gets exactly
	 * one limiter (never two calls of a class in flight, three of each queued behind one),
	 * observed or not. Three fresh contexts per variant, to race the plan's creation more
	 * than once.
	 */
	@ParameterizedTest(name = "observed: {0}")
	@ValueSource(booleans = { false, true })
	void concurrentFirstCallsOnSeveralClassesGetOneLimiterPerClass(boolean observed) {
		ApplicationContextRunner runner = this.contextRunner.withBean(WorkerA.class)
			.withBean(WorkerB.class)
			.withBean(WorkerC.class);
		if (observed) {
			runner = runner.withBean(ObservationRegistry.class, ObservationRegistry::create);
		}
		for (int round = 0; round < 3; round++) {
			runner.run((context) -> {
				assertThat(context).hasNotFailed();
				if (observed) {
					assertThat(context).hasSingleBean(InvocationObserver.class);
				}
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				List<Worker> workers = List.of(context.getBean(WorkerA.class), context.getBean(WorkerB.class),
						context.getBean(WorkerC.class));
				CountDownLatch start = new CountDownLatch(1);
				CountDownLatch gate = new CountDownLatch(1);
				List<Future<String>> calls = new ArrayList<>();
				for (Worker worker : workers) {
					for (int i = 0; i < 4; i++) {
						calls.add(this.callers.submit(() -> {
							start.await();
							return worker.work(gate);
						}));
					}
				}
				start.countDown();
				try {
					for (Worker worker : workers) {
						Worker target = AopTestUtils.getUltimateTargetObject(worker);
						String name = target.getClass().getSimpleName() + ".work";
						await().atMost(WAIT).untilAsserted(() -> {
							assertThat(queuedGauge(registry, name)).as("queued on %s", name).isNotNull();
							assertThat(queuedGauge(registry, name).value()).as("queued on %s", name).isEqualTo(3);
						});
						assertThat(target.current).as("in flight on %s", name).hasValue(1);
						assertThat(target.invocations).as("invoked on %s", name).hasValue(1);
					}
				}
				finally {
					gate.countDown();
				}
				for (Future<String> call : calls) {
					assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("done");
				}
				for (Worker worker : workers) {
					Worker target = AopTestUtils.getUltimateTargetObject(worker);
					assertThat(target.max).hasValue(1);
					assertThat(target.invocations).hasValue(4);
				}
			});
		}
	}

	/**
	 * Two classes inheriting one method, each with class-level
	 * {@code @MaxConcurrency(key = "shared", limit = 1)}: their plans hold one limiter.
	 */
	@Test
	void keyedLimitsOfDifferentClassesOnOneInheritedMethodShareOneLimiter() {
		this.contextRunner.withBean(KeyedA.class).withBean(KeyedB.class).run((context) -> {
			Worker a = context.getBean(KeyedA.class);
			Worker b = context.getBean(KeyedB.class);
			Worker aTarget = AopTestUtils.getUltimateTargetObject(a);
			CountDownLatch held = new CountDownLatch(1);
			Future<String> aCall = this.callers.submit(() -> a.work(held));
			try {
				await().atMost(WAIT).untilAsserted(() -> assertThat(aTarget.current).hasValue(1));
				assertThatExceptionOfType(ConcurrencyLimitExceededException.class)
					.isThrownBy(() -> b.work(new CountDownLatch(0)));
			}
			finally {
				held.countDown();
			}
			assertThat(aCall.get(10, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(b.work(new CountDownLatch(0))).isEqualTo("done");
		});
	}

	/**
	 * Prototype-scoped beans of one class: one limiter for the class, shared by all its
	 * instances.
	 */
	@Test
	void prototypeBeansOfOneClassShareItsLimiter() {
		this.contextRunner.withUserConfiguration(PrototypeWorkers.class).run((context) -> {
			Worker first = context.getBean(Rejecting.class);
			Worker second = context.getBean(Rejecting.class);
			assertThat(first).isNotSameAs(second);
			Worker firstTarget = AopTestUtils.getUltimateTargetObject(first);
			CountDownLatch held = new CountDownLatch(1);
			Future<String> firstCall = this.callers.submit(() -> first.work(held));
			try {
				await().atMost(WAIT).untilAsserted(() -> assertThat(firstTarget.current).hasValue(1));
				assertThatExceptionOfType(ConcurrencyLimitExceededException.class)
					.isThrownBy(() -> second.work(new CountDownLatch(0)));
			}
			finally {
				held.countDown();
			}
			assertThat(firstCall.get(10, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(second.work(new CountDownLatch(0))).isEqualTo("done");
		});
	}

	/**
	 * One interface method called through a JDK proxy of a bean (whose own method retries
	 * three times) and through a proxy without a target (whose interface method retries
	 * once, and whose {@code getThis()} is {@code null}), in turns: two plans for one
	 * {@code Method}, one of them for no class.
	 */
	@Test
	void anInvocationWithoutATargetAndOneWithATargetOfTheSameMethodKeepTheirOwnSpecs() {
		this.contextRunner.withPropertyValues("spring.aop.proxy-target-class=false")
			.withBean(ThriceEcho.class)
			.run((context) -> {
				Echo bean = context.getBean(Echo.class);
				assertThat(AopUtils.isJdkDynamicProxy(bean)).isTrue();
				ThriceEcho beanTarget = AopTestUtils.getUltimateTargetObject(bean);
				AtomicInteger targetless = new AtomicInteger();
				Echo withoutTarget = targetless(context.getBean(AsyncHelpersInterceptor.class), Echo.class, targetless);
				for (int round = 1; round <= 3; round++) {
					List<Echo> order = (round % 2 == 1) ? List.of(withoutTarget, bean) : List.of(bean, withoutTarget);
					for (Echo echo : order) {
						assertThatExceptionOfType(IOException.class).isThrownBy(echo::echo);
					}
					assertThat(beanTarget.attempts).as("the bean's own @Retry, round %d", round).hasValue(4 * round);
					assertThat(targetless).as("the interface's @Retry, round %d", round).hasValue(2 * round);
				}
			});
	}

	/**
	 * A method whose spec cannot be resolved for one target (no target: the interface's
	 * invalid annotation) but can for another (the bean's own valid one): the failure is
	 * thrown on every call without a target, and leaves the bean's calls alone.
	 */
	@Test
	void aResolutionThatFailsFailsEveryTimeAndLeavesOtherTargetsOfTheMethodAlone() {
		this.contextRunner.withPropertyValues("spring.aop.proxy-target-class=false")
			.withBean(SafeRisky.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Risky bean = context.getBean(Risky.class);
				SafeRisky beanTarget = AopTestUtils.getUltimateTargetObject(bean);
				AtomicInteger reached = new AtomicInteger();
				Risky withoutTarget = targetless(context.getBean(AsyncHelpersInterceptor.class), Risky.class, reached);

				assertThatExceptionOfType(InvalidAnnotationUseException.class).isThrownBy(withoutTarget::call)
					.withMessageContaining("@Backoff.delay 'soon'");
				assertThatExceptionOfType(IOException.class).isThrownBy(bean::call);
				assertThat(beanTarget.attempts).hasValue(3);
				assertThatExceptionOfType(InvalidAnnotationUseException.class).isThrownBy(withoutTarget::call);
				assertThat(reached).as("never called without a valid spec").hasValue(0);
				assertThatExceptionOfType(IOException.class).isThrownBy(bean::call);
				assertThat(beanTarget.attempts).hasValue(6);
			});
	}

	// ---------------------------------------------------------------------------------
	// Helpers
	// ---------------------------------------------------------------------------------

	/**
	 * A JDK proxy of an interface without a target: the interceptor, then one that counts
	 * the call and fails it with an {@code IOException}.
	 */
	private static <T> T targetless(AsyncHelpersInterceptor interceptor, Class<T> type, AtomicInteger calls) {
		ProxyFactory factory = new ProxyFactory();
		factory.addInterface(type);
		factory.addAdvice(interceptor);
		factory.addAdvice((MethodInterceptor) (invocation) -> {
			assertThat(invocation.getThis()).isNull();
			throw new IOException("call " + calls.incrementAndGet());
		});
		return type.cast(factory.getProxy());
	}

	private static <T> T frozenJdkProxy(Class<T> type, T target) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setInterfaces(type);
		factory.setFrozen(true);
		return type.cast(factory.getProxy());
	}

	private static <T> T frozenCglibProxy(T target) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.setFrozen(true);
		@SuppressWarnings("unchecked")
		T proxy = (T) factory.getProxy();
		return proxy;
	}

	private static Gauge activeGauge(MeterRegistry registry, String name) {
		return registry.find("asynchelpers.concurrency.active").tag("name", name).gauge();
	}

	private static Gauge queuedGauge(MeterRegistry registry, String name) {
		return registry.find("asynchelpers.concurrency.queued").tag("name", name).gauge();
	}

	// ---------------------------------------------------------------------------------
	// Services
	// ---------------------------------------------------------------------------------

	/** An interface whose method is timed wherever it is implemented. */
	public interface Greeter {

		@Timed
		String greet() throws IOException;

	}

	/** Counts its attempts, each of which fails. */
	public static class CountingGreeter implements Greeter {

		public final AtomicInteger attempts = new AtomicInteger();

		@Override
		public String greet() throws IOException {
			throw new IOException("attempt " + this.attempts.incrementAndGet());
		}

	}

	public static class RetriedGreeter extends CountingGreeter {

		@Override
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public String greet() throws IOException {
			return super.greet();
		}

	}

	public static class PlainGreeter extends CountingGreeter {

	}

	@Configuration(proxyBeanMethods = false)
	static class FrozenJdkGreeters {

		@Bean
		Greeter retriedGreeter() {
			return frozenJdkProxy(Greeter.class, new RetriedGreeter());
		}

		@Bean
		Greeter plainGreeter() {
			return frozenJdkProxy(Greeter.class, new PlainGreeter());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SwappableGreeter {

		@Bean
		HotSwappableTargetSource greeterTargets() {
			return new HotSwappableTargetSource(new RetriedGreeter());
		}

		@Bean
		Greeter swappableGreeter(HotSwappableTargetSource greeterTargets) {
			ProxyFactory factory = new ProxyFactory();
			factory.setTargetSource(greeterTargets);
			factory.setInterfaces(Greeter.class);
			factory.setFrozen(true);
			return (Greeter) factory.getProxy();
		}

	}

	/** A subclass whose class-level annotation overrides its superclass's. */
	@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
	public static class RetriedThriceAfterOnce extends TestServices.SharedRetriedOnce {

	}

	@Configuration(proxyBeanMethods = false)
	static class SwappableShared {

		@Bean
		HotSwappableTargetSource sharedTargets() {
			return new HotSwappableTargetSource(new TestServices.SharedRetriedOnce());
		}

		@Bean
		TestServices.SharedBase swappableShared(HotSwappableTargetSource sharedTargets) {
			ProxyFactory factory = new ProxyFactory();
			factory.setTargetSource(sharedTargets);
			factory.setProxyTargetClass(true);
			factory.setFrozen(true);
			return (TestServices.SharedBase) factory.getProxy();
		}

	}

	/** An interface method limited to one call at a time, per implementing class. */
	public interface Gate {

		@MaxConcurrency(limit = 1, policy = MaxConcurrency.Policy.REJECT)
		String pass(CountDownLatch gate) throws InterruptedException;

	}

	public static class NorthGate extends LimitedServices.InFlight implements Gate {

		@Override
		public String pass(CountDownLatch gate) throws InterruptedException {
			enter();
			try {
				gate.await();
				return "north";
			}
			finally {
				exit();
			}
		}

	}

	public static class SouthGate extends LimitedServices.InFlight implements Gate {

		@Override
		public String pass(CountDownLatch gate) throws InterruptedException {
			enter();
			try {
				gate.await();
				return "south";
			}
			finally {
				exit();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FrozenJdkGates {

		@Bean
		Gate northGate() {
			return frozenJdkProxy(Gate.class, new NorthGate());
		}

		@Bean
		Gate southGate() {
			return frozenJdkProxy(Gate.class, new SouthGate());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FrozenCglibShared {

		@Bean
		TestServices.SharedBase retriedOnce() {
			return frozenCglibProxy(new TestServices.SharedRetriedOnce());
		}

		@Bean
		TestServices.SharedBase retriedThrice() {
			return frozenCglibProxy(new TestServices.SharedRetriedThrice());
		}

	}

	/** One method, inherited by the classes below, which carry the annotations. */
	public static class Worker extends LimitedServices.InFlight {

		public String work(CountDownLatch gate) throws InterruptedException {
			enter();
			try {
				gate.await();
				return "done";
			}
			finally {
				exit();
			}
		}

	}

	@MaxConcurrency(limit = 1, policy = MaxConcurrency.Policy.WAIT, maxWait = "30s")
	public static class WorkerA extends Worker {

	}

	@MaxConcurrency(limit = 1, policy = MaxConcurrency.Policy.WAIT, maxWait = "30s")
	public static class WorkerB extends Worker {

	}

	@MaxConcurrency(limit = 1, policy = MaxConcurrency.Policy.WAIT, maxWait = "30s")
	public static class WorkerC extends Worker {

	}

	@MaxConcurrency(limit = 1, policy = MaxConcurrency.Policy.REJECT, key = "shared")
	public static class KeyedA extends Worker {

	}

	@MaxConcurrency(limit = 1, policy = MaxConcurrency.Policy.REJECT, key = "shared")
	public static class KeyedB extends Worker {

	}

	@MaxConcurrency(limit = 1, policy = MaxConcurrency.Policy.REJECT)
	public static class Rejecting extends Worker {

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeWorkers {

		@Bean
		@Scope(BeanDefinition.SCOPE_PROTOTYPE)
		Rejecting rejecting() {
			return new Rejecting();
		}

	}

	/** Retried once, as the interface says, when nothing overrides it. */
	public interface Echo {

		@Retry(maxRetries = 1, backoff = @Backoff(delay = "1ms"))
		String echo() throws IOException;

	}

	public static class ThriceEcho implements Echo {

		public final AtomicInteger attempts = new AtomicInteger();

		@Override
		@Retry(maxRetries = 3, backoff = @Backoff(delay = "1ms"))
		public String echo() throws IOException {
			throw new IOException("attempt " + this.attempts.incrementAndGet());
		}

	}

	/** An invalid annotation on the interface: only calls without a target resolve it. */
	public interface Risky {

		@Retry(backoff = @Backoff(delay = "soon"))
		String call() throws IOException;

	}

	public static class SafeRisky implements Risky {

		public final AtomicInteger attempts = new AtomicInteger();

		@Override
		@Retry(maxRetries = 2, backoff = @Backoff(delay = "1ms"))
		public String call() throws IOException {
			throw new IOException("attempt " + this.attempts.incrementAndGet());
		}

	}

}
