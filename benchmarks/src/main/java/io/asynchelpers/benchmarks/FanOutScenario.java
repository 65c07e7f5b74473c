/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.benchmarks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.asynchelpers.AsyncHelpers;
import io.asynchelpers.Outcome;
import io.asynchelpers.Task;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Issue 16, case 1: {@value #DEFAULT_CALLS} HTTP calls with at most {@value #IN_FLIGHT} in
 * flight to a {@link DelayServer} (its own JVM) that answers each after
 * {@value #DELAY_MILLIS} ms: the ideal is {@code calls / 100 x 5 ms}. Each of ours runs
 * against the hand-written version with the same HTTP client and the same threads:
 * <ul>
 * <li>blocking JDK {@code HttpClient.send}: ours ({@code asyncMap} + {@code Task.blocking})
 * on a 100-thread pool against {@code invokeAll} on the same pool; ours on virtual threads
 * against virtual threads + {@code Semaphore(100)} (Java 21+, found at run time so this
 * compiles for 17);</li>
 * <li>JDK {@code HttpClient.sendAsync}: ours ({@code Task.async}) against a hand-written
 * {@code CompletableFuture} window;</li>
 * <li>Reactor Netty's {@code HttpClient}: ours ({@code Task.async} over {@code toFuture()})
 * against {@code Flux.flatMap(..., 100)}.</li>
 * </ul>
 * Every JDK client is built with an explicit executor (two threads) and HTTP/1.1; every
 * Reactor Netty client has a pool of 100 connections and two event-loop threads. Every round
 * checks that each call answered 200 with its own id as the body. Prints one JSON object.
 */
public final class FanOutScenario {

	static final int DEFAULT_CALLS = 10_000;

	static final int CALLS = Integer.getInteger("bench.calls", DEFAULT_CALLS);

	static final int IN_FLIGHT = 100;

	static final long DELAY_MILLIS = 5;

	/** {@code jdk} (the JDK's HttpServer, the default) or {@code netty}: see {@link DelayServer}. */
	static final String SERVER = System.getProperty("bench.server", "jdk");

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private static final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private static final Set<String> MEDIANS = Set.of("cpuMillis");

	private FanOutScenario() {
	}

	/** Runs every variant (or the named ones) and prints one JSON object. */
	public static void main(String[] args) throws Exception {
		Set<String> only = Set.of(args);
		Map<String, Object> results = new LinkedHashMap<>();
		results.put("calls", (long) CALLS);
		results.put("inFlight", (long) IN_FLIGHT);
		results.put("delayMillis", DELAY_MILLIS);
		results.put("idealMillis", CALLS / IN_FLIGHT * DELAY_MILLIS);
		results.put("virtualThreads", VirtualThreads.available());
		results.put("server", SERVER.equals("netty") ? "Reactor Netty HttpServer" : "JDK HttpServer");
		Map<String, Setup> variants = new LinkedHashMap<>();
		variants.put("reactorFlatMap", ReactorNettyFanOut::flatMap);
		variants.put("oursAsyncReactorNetty", ReactorNettyFanOut::ours);
		variants.put("handWrittenInvokeAll", JdkBlockingFanOut::invokeAll);
		variants.put("oursBlockingPool", JdkBlockingFanOut::oursOnPool);
		if (VirtualThreads.available()) {
			variants.put("virtualThreadsSemaphore", JdkBlockingFanOut::virtualThreadsSemaphore);
			variants.put("oursBlockingVirtual", JdkBlockingFanOut::oursOnVirtualThreads);
		}
		variants.put("handWrittenWindowSendAsync", JdkAsyncFanOut::window);
		variants.put("oursAsyncSendAsync", JdkAsyncFanOut::ours);
		List<Map.Entry<String, Setup>> chosen = new ArrayList<>();
		for (Map.Entry<String, Setup> variant : variants.entrySet()) {
			if (only.isEmpty() || only.contains(variant.getKey())) {
				chosen.add(variant);
			}
		}
		try (DelayServer.Handle server = DelayServer.Handle.start(SERVER)) {
			results.put("serverCheck", serverCheck(server.base()));
			results.putAll(measure(chosen, server.base()));
		}
		System.out.println(Json.write(results));
		System.exit(0);
	}

	/** One way of making the calls, with its client and threads set up once for all rounds. */
	interface FanOut extends AutoCloseable {

		/** Make {@code calls} calls, at most 100 in flight; the bodies in call order. */
		List<String> run(long delayMillis, int calls) throws Exception;

		@Override
		void close() throws Exception;

	}

	interface Setup {

		FanOut open(URI base, VirtualThreadCount virtualThreads) throws Exception;

	}

	/**
	 * Every variant measured in turn within each cycle, so that all of them meet the same
	 * state of the JVM (its JIT, its heap, the server's) rather than the state the variants
	 * before them left. A first pass warms every variant up ({@link Rounds#WARM_UP} rounds
	 * against each server), then {@link Rounds#MEASURED} cycles each run every variant once,
	 * in the order of the list on even cycles and the reverse on odd ones. In a cycle a
	 * variant sets up its client and threads afresh, runs one unrecorded round against the
	 * 5 ms server (its connections are opened there), one measured round, then the same
	 * against the 0 ms server (the client's floor), and closes. Platform threads are those
	 * alive that were not alive before the variant set up its client and threads, so they
	 * are the variant's own (pools, selector and event-loop threads, and any thread the JDK
	 * starts for it), whatever the other variants' threads do meanwhile.
	 */
	private static Map<String, Object> measure(List<Map.Entry<String, Setup>> variants, URI base) throws Exception {
		for (Map.Entry<String, Setup> variant : variants) {
			System.err.println("== fan-out, warm-up: " + variant.getKey());
			cycle(variant.getKey(), variant.getValue(), base, Rounds.WARM_UP, null, null);
		}
		Map<String, List<Map<String, Object>>> delayed = new LinkedHashMap<>();
		Map<String, List<Map<String, Object>>> floors = new LinkedHashMap<>();
		for (Map.Entry<String, Setup> variant : variants) {
			delayed.put(variant.getKey(), new ArrayList<>());
			floors.put(variant.getKey(), new ArrayList<>());
		}
		for (int cycle = 0; cycle < Rounds.MEASURED; cycle++) {
			List<Map.Entry<String, Setup>> order = new ArrayList<>(variants);
			if (cycle % 2 == 1) {
				Collections.reverse(order);
			}
			for (Map.Entry<String, Setup> variant : order) {
				System.err.println("== fan-out, cycle " + (cycle + 1) + ": " + variant.getKey());
				cycle(variant.getKey(), variant.getValue(), base, 1, delayed.get(variant.getKey()),
						floors.get(variant.getKey()));
			}
		}
		Map<String, Object> results = new LinkedHashMap<>();
		for (Map.Entry<String, Setup> variant : variants) {
			Map<String, Object> result = Rounds.summarise(delayed.get(variant.getKey()), MEDIANS, Set.of());
			Map<String, Object> floor = Rounds.summarise(floors.get(variant.getKey()), MEDIANS, Set.of());
			result.put("floorMillis", floor.get("wallMillis"));
			result.put("floorCpuMillis", floor.get("cpuMillis"));
			// Each cycle's round on its own, in cycle order: a variant and the one it is compared
			// with ran side by side in each cycle, so a reader can pair them up.
			result.put("wallMillisByCycle", walls(delayed.get(variant.getKey())));
			result.put("floorMillisByCycle", walls(floors.get(variant.getKey())));
			results.put(variant.getKey(), result);
		}
		return results;
	}

	private static List<Object> walls(List<Map<String, Object>> rounds) {
		return rounds.stream().map((round) -> round.get("wallMillis")).toList();
	}

	/**
	 * Set a variant up, run {@code unrecorded} rounds against the 5 ms server and then one
	 * recorded into {@code delayed}, the same against the 0 ms server into {@code floors}
	 * (only the unrecorded ones where these are {@code null}), and close it.
	 */
	private static void cycle(String name, Setup setup, URI base, int unrecorded,
			List<Map<String, Object>> delayed, List<Map<String, Object>> floors) throws Exception {
		settle();
		Set<Long> baseline = threadIds();
		VirtualThreadCount virtualThreads = new VirtualThreadCount();
		try (FanOut fanOut = setup.open(base, virtualThreads)) {
			for (long delay : new long[] { DELAY_MILLIS, 0 }) {
				for (int i = 0; i < unrecorded; i++) {
					round(name, fanOut, delay, baseline, virtualThreads);
				}
				List<Map<String, Object>> recorded = (delay == 0) ? floors : delayed;
				if (recorded != null) {
					Map<String, Object> round = round(name, fanOut, delay, baseline, virtualThreads);
					recorded.add(round);
					System.err.println("== fan-out, " + name + " against the " + delay + " ms server: "
							+ round.get("wallMillis") + " ms");
				}
			}
		}
	}

	private static Map<String, Object> round(String name, FanOut fanOut, long delayMillis, Set<Long> baseline,
			VirtualThreadCount virtualThreads) throws Exception {
		System.gc();
		long heapBefore = memory.getHeapMemoryUsage().getUsed();
		virtualThreads.reset();
		Sampler sampler = Sampler.started(baseline);
		long startedBefore = threads.getTotalStartedThreadCount();
		long cpuBefore = processCpuNanos();
		long start = System.nanoTime();
		List<String> bodies = fanOut.run(delayMillis, CALLS);
		long wall = System.nanoTime() - start;
		long cpu = processCpuNanos() - cpuBefore;
		long started = threads.getTotalStartedThreadCount() - startedBefore;
		sampler.finish();
		verify(name, bodies);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("wallMillis", TimeUnit.NANOSECONDS.toMillis(wall));
		result.put("cpuMillis", TimeUnit.NANOSECONDS.toMillis(cpu));
		result.put("peakPlatformThreads", (long) sampler.peakThreads());
		result.put("peakUnnamedThreads", (long) sampler.peakUnnamed());
		result.put("peakNamedThreads", (long) sampler.peakNamed());
		// Counted from after the sampler's start: the sampler is not one of them.
		result.put("startedPlatformThreads", started);
		result.put("peakVirtualThreads", (long) virtualThreads.peak());
		result.put("peakHeapMb", Math.max(0, sampler.peakHeap() - heapBefore) / (1024 * 1024));
		result.put("succeeded", (long) bodies.size());
		return result;
	}

	/** Every call answered 200 (the clients fail the call otherwise) with its own id. */
	private static void verify(String name, List<String> bodies) {
		if (bodies.size() != CALLS) {
			throw new IllegalStateException(name + ": " + bodies.size() + " answers for " + CALLS + " calls");
		}
		for (int i = 0; i < CALLS; i++) {
			if (!Integer.toString(i).equals(bodies.get(i))) {
				throw new IllegalStateException(name + ": call " + i + " answered " + bodies.get(i));
			}
		}
	}

	/**
	 * That the server is not the bottleneck: waves of 100 calls all started at once (no
	 * limit within a wave) with the cheapest client here (Reactor Netty), one wave after the
	 * other. The median wave should take the server's delay plus the client's own cost.
	 */
	private static Map<String, Object> serverCheck(URI base) throws Exception {
		Map<String, Object> check = new LinkedHashMap<>();
		try (ReactorNettyFanOut.Client client = new ReactorNettyFanOut.Client(base)) {
			for (long delay : new long[] { DELAY_MILLIS, 0 }) {
				long[] waves = null;
				for (int run = 0; run < 3; run++) {
					waves = waves(client, delay);
				}
				Arrays.sort(waves);
				check.put("waveMillis_" + delay, waves[waves.length / 2] / 1000 / 1000.0);
				check.put("waveMillisP90_" + delay, waves[waves.length * 9 / 10] / 1000 / 1000.0);
			}
		}
		return check;
	}

	private static long[] waves(ReactorNettyFanOut.Client client, long delay) {
		int count = Math.max(1, CALLS / IN_FLIGHT);
		long[] waves = new long[count];
		for (int wave = 0; wave < count; wave++) {
			int first = wave * IN_FLIGHT;
			long start = System.nanoTime();
			List<String> bodies = Flux.range(first, IN_FLIGHT)
				.flatMapSequential((i) -> client.get(delay, i), IN_FLIGHT)
				.collectList()
				.block(Duration.ofSeconds(30));
			waves[wave] = System.nanoTime() - start;
			if (bodies == null || bodies.size() != IN_FLIGHT || !bodies.get(0).equals(Integer.toString(first))) {
				throw new IllegalStateException("server check: wrong answers " + bodies);
			}
		}
		return waves;
	}

	/** Let the previous variant's threads end before counting this one's. */
	private static void settle() throws InterruptedException {
		System.gc();
		Thread.sleep(500);
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static List<Integer> ids(int calls) {
		return IntStream.range(0, calls).boxed().toList();
	}

	private static List<String> values(List<Outcome<String>> outcomes) {
		List<String> values = new ArrayList<>(outcomes.size());
		for (Outcome<String> outcome : outcomes) {
			values.add(outcome.getOrThrow());
		}
		return values;
	}

	private static ThreadPoolExecutor prestartedPool(int size) {
		ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(size);
		pool.prestartAllCoreThreads();
		return pool;
	}

	private static Set<Long> threadIds() {
		Set<Long> ids = new HashSet<>();
		for (long id : threads.getAllThreadIds()) {
			ids.add(id);
		}
		return ids;
	}

	/**
	 * Every millisecond: the heap in use (garbage not yet collected included) and the live
	 * platform threads that are not in the baseline (the sampler itself left out); keeps
	 * the peaks. Of those threads it also counts the unnamed ones a task was handed to with
	 * {@code new Thread(task)} ("Thread-N"): what {@code CompletableFuture}'s default
	 * executor starts, one per task, when the common pool has one thread (Java 17 on 2 CPUs,
	 * where the JDK client's {@code sendAsync} completes every call on it). Every pool,
	 * client and event loop in these variants names its threads, so the peak without those
	 * is the threads a variant holds; the threads-started count still shows every one.
	 */
	private static final class Sampler extends Thread {

		private static final Pattern UNNAMED = Pattern.compile("Thread-\\d+");

		private final Set<Long> baseline;

		private final AtomicLong peakHeap = new AtomicLong();

		private final AtomicInteger peakThreads = new AtomicInteger();

		private final AtomicInteger peakUnnamed = new AtomicInteger();

		private final AtomicInteger peakNamed = new AtomicInteger();

		/** Whether a thread (by id, never reused) is unnamed; read and written by the sampler only. */
		private final Map<Long, Boolean> unnamed = new HashMap<>();

		private volatile boolean stopped;

		private Sampler(Set<Long> baseline) {
			this.baseline = baseline;
		}

		static Sampler started(Set<Long> baseline) {
			Sampler sampler = new Sampler(baseline);
			sampler.setDaemon(true);
			sampler.start();
			return sampler;
		}

		@Override
		public void run() {
			while (!this.stopped) {
				sample();
				try {
					Thread.sleep(1);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		private void sample() {
			this.peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
			int extra = 0;
			int unnamedThreads = 0;
			int namedThreads = 0;
			for (long id : threads.getAllThreadIds()) {
				if (id != getId() && !this.baseline.contains(id)) {
					extra++;
					Boolean isUnnamed = this.unnamed.get(id);
					if (isUnnamed == null) {
						ThreadInfo info = threads.getThreadInfo(id);
						if (info == null) {
							// Ended since it was listed: in the total, in neither part.
							continue;
						}
						isUnnamed = UNNAMED.matcher(info.getThreadName()).matches();
						this.unnamed.put(id, isUnnamed);
					}
					if (isUnnamed) {
						unnamedThreads++;
					}
					else {
						namedThreads++;
					}
				}
			}
			this.peakThreads.accumulateAndGet(extra, Math::max);
			this.peakUnnamed.accumulateAndGet(unnamedThreads, Math::max);
			this.peakNamed.accumulateAndGet(namedThreads, Math::max);
		}

		void finish() throws InterruptedException {
			this.stopped = true;
			join();
		}

		long peakHeap() {
			return this.peakHeap.get();
		}

		int peakThreads() {
			return this.peakThreads.get();
		}

		int peakUnnamed() {
			return this.peakUnnamed.get();
		}

		int peakNamed() {
			return this.peakNamed.get();
		}

	}

	/**
	 * Virtual threads alive in a round: counted up when a virtual thread is handed its task
	 * and down when the task ends, by the variants themselves (the JDK counts only platform
	 * threads in {@code ThreadMXBean}).
	 */
	static final class VirtualThreadCount {

		private final AtomicInteger alive = new AtomicInteger();

		private final AtomicInteger peak = new AtomicInteger();

		void started() {
			this.peak.accumulateAndGet(this.alive.incrementAndGet(), Math::max);
		}

		void finished() {
			this.alive.decrementAndGet();
		}

		int peak() {
			return this.peak.get();
		}

		void reset() {
			this.peak.set(this.alive.get());
		}

		/** An executor that counts the virtual threads it starts on {@code virtual}. */
		Executor counting(Executor virtual) {
			return (task) -> {
				started();
				try {
					virtual.execute(() -> {
						try {
							task.run();
						}
						finally {
							finished();
						}
					});
				}
				catch (RuntimeException ex) {
					finished();
					throw ex;
				}
			};
		}

	}

	/**
	 * {@code Executors.newVirtualThreadPerTaskExecutor()} where the JDK has it (21+), found by
	 * a method handle so that this module still compiles for Java 17.
	 */
	static final class VirtualThreads {

		private static final MethodHandle NEW_EXECUTOR = find();

		private VirtualThreads() {
		}

		static boolean available() {
			return NEW_EXECUTOR != null;
		}

		static ExecutorService newExecutor() {
			try {
				return (ExecutorService) NEW_EXECUTOR.invokeExact();
			}
			catch (Throwable ex) {
				throw new IllegalStateException("no virtual threads on Java " + Runtime.version(), ex);
			}
		}

		private static MethodHandle find() {
			if (Runtime.version().feature() < 21) {
				return null;
			}
			try {
				return MethodHandles.publicLookup()
					.findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
							MethodType.methodType(ExecutorService.class));
			}
			catch (NoSuchMethodException | IllegalAccessException ex) {
				return null;
			}
		}

	}

	/**
	 * The JDK's {@code HttpClient} as every JDK variant uses it: HTTP/1.1 (no h2c upgrade
	 * attempt) and an explicit executor of two threads. On Java 17 {@code sendAsync} still
	 * hands each completion to {@code CompletableFuture}'s default executor, whatever the
	 * client's executor ({@code HttpClientImpl.sendAsync}), which starts a thread per task
	 * when the common pool has one thread (2 CPUs); Java 25's default executor keeps a
	 * minimal pool instead. The peak platform threads show which happened.
	 */
	static final class JdkClient implements AutoCloseable {

		private final ThreadPoolExecutor executor = prestartedPool(2);

		private final HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.executor(this.executor)
			.connectTimeout(Duration.ofSeconds(10))
			.build();

		private final URI base;

		JdkClient(URI base) {
			this.base = base;
		}

		private HttpRequest request(long delayMillis, int id) {
			return HttpRequest.newBuilder(this.base.resolve(delayMillis + "/" + id))
				.timeout(Duration.ofSeconds(30))
				.GET()
				.build();
		}

		String send(long delayMillis, int id) throws Exception {
			return body(this.client.send(request(delayMillis, id), HttpResponse.BodyHandlers.ofString()));
		}

		CompletableFuture<String> sendAsync(long delayMillis, int id) {
			return this.client.sendAsync(request(delayMillis, id), HttpResponse.BodyHandlers.ofString())
				.thenApply(JdkClient::body);
		}

		private static String body(HttpResponse<String> response) {
			if (response.statusCode() != 200) {
				throw new IllegalStateException("status " + response.statusCode());
			}
			return response.body();
		}

		@Override
		public void close() throws Exception {
			// HttpClient is AutoCloseable from Java 21; on 17 its selector thread ends once it is unreachable.
			if (this.client instanceof AutoCloseable closeable) {
				closeable.close();
			}
			this.executor.shutdownNow();
		}

	}

	/** Blocking {@code HttpClient.send}, one blocked thread per call in flight. */
	static final class JdkBlockingFanOut {

		private JdkBlockingFanOut() {
		}

		/** What a user writes with a pool of 100: {@code invokeAll}. */
		static FanOut invokeAll(URI base, VirtualThreadCount virtualThreads) {
			JdkClient client = new JdkClient(base);
			ThreadPoolExecutor pool = prestartedPool(IN_FLIGHT);
			return new FanOut() {

				@Override
				public List<String> run(long delayMillis, int calls) throws Exception {
					List<Callable<String>> tasks = new ArrayList<>(calls);
					for (int i = 0; i < calls; i++) {
						int id = i;
						tasks.add(() -> client.send(delayMillis, id));
					}
					List<String> bodies = new ArrayList<>(calls);
					for (Future<String> future : pool.invokeAll(tasks)) {
						bodies.add(future.get());
					}
					return bodies;
				}

				@Override
				public void close() throws Exception {
					pool.shutdownNow();
					client.close();
				}

			};
		}

		/** Ours on the same pool of 100: {@code asyncMap(ids, Task.blocking(send), 100)}. */
		static FanOut oursOnPool(URI base, VirtualThreadCount virtualThreads) {
			ThreadPoolExecutor pool = prestartedPool(IN_FLIGHT);
			return ours(base, pool, pool);
		}

		/** Ours on virtual threads: the helpers' executor starts a virtual thread per task. */
		static FanOut oursOnVirtualThreads(URI base, VirtualThreadCount virtualThreads) {
			ExecutorService virtual = VirtualThreads.newExecutor();
			return ours(base, virtualThreads.counting(virtual), virtual);
		}

		private static FanOut ours(URI base, Executor executor, ExecutorService toShutDown) {
			JdkClient client = new JdkClient(base);
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
			AsyncHelpers helpers = new AsyncHelpers(executor, scheduler);
			return new FanOut() {

				@Override
				public List<String> run(long delayMillis, int calls) throws Exception {
					return values(helpers
						.asyncMap(ids(calls), Task.blocking((Integer id) -> client.send(delayMillis, id)), IN_FLIGHT)
						.get(60, TimeUnit.SECONDS));
				}

				@Override
				public void close() throws Exception {
					toShutDown.shutdownNow();
					scheduler.shutdownNow();
					client.close();
				}

			};
		}

		/**
		 * What a Java 21 user writes instead of us: a virtual thread per call, each waiting
		 * for one of 100 permits before it calls.
		 */
		static FanOut virtualThreadsSemaphore(URI base, VirtualThreadCount virtualThreads) {
			JdkClient client = new JdkClient(base);
			ExecutorService virtual = VirtualThreads.newExecutor();
			return new FanOut() {

				@Override
				public List<String> run(long delayMillis, int calls) throws Exception {
					Semaphore permits = new Semaphore(IN_FLIGHT);
					List<Future<String>> futures = new ArrayList<>(calls);
					for (int i = 0; i < calls; i++) {
						int id = i;
						virtualThreads.started();
						futures.add(virtual.submit(() -> {
							try {
								permits.acquire();
								try {
									return client.send(delayMillis, id);
								}
								finally {
									permits.release();
								}
							}
							finally {
								virtualThreads.finished();
							}
						}));
					}
					List<String> bodies = new ArrayList<>(calls);
					for (Future<String> future : futures) {
						bodies.add(future.get());
					}
					return bodies;
				}

				@Override
				public void close() throws Exception {
					virtual.shutdownNow();
					client.close();
				}

			};
		}

	}

	/** {@code HttpClient.sendAsync}: no thread blocked per call. */
	static final class JdkAsyncFanOut {

		private JdkAsyncFanOut() {
		}

		/** A hand-written window: start 100, each completion starts the next. */
		static FanOut window(URI base, VirtualThreadCount virtualThreads) {
			JdkClient client = new JdkClient(base);
			return new FanOut() {

				@Override
				public List<String> run(long delayMillis, int calls) throws Exception {
					String[] bodies = new String[calls];
					AtomicInteger next = new AtomicInteger();
					AtomicInteger done = new AtomicInteger();
					CompletableFuture<Void> all = new CompletableFuture<>();
					Runnable[] startNext = new Runnable[1];
					startNext[0] = () -> {
						int id = next.getAndIncrement();
						if (id >= calls) {
							return;
						}
						client.sendAsync(delayMillis, id).whenComplete((body, ex) -> {
							if (ex != null) {
								all.completeExceptionally(ex);
								return;
							}
							bodies[id] = body;
							if (done.incrementAndGet() == calls) {
								all.complete(null);
							}
							else {
								startNext[0].run();
							}
						});
					};
					for (int i = 0; i < Math.min(IN_FLIGHT, calls); i++) {
						startNext[0].run();
					}
					all.get(60, TimeUnit.SECONDS);
					return Arrays.asList(bodies);
				}

				@Override
				public void close() throws Exception {
					client.close();
				}

			};
		}

		/** Ours: {@code asyncMap(ids, Task.async(sendAsync), 100)}. */
		static FanOut ours(URI base, VirtualThreadCount virtualThreads) {
			JdkClient client = new JdkClient(base);
			return OursAsync.over(
					(ids, calls, helpers, delayMillis) -> helpers.asyncMap(ids,
							Task.async((Integer id) -> client.sendAsync(delayMillis, id)), IN_FLIGHT),
					client);
		}

	}

	/** Reactor Netty's {@code HttpClient}, non-blocking on two event-loop threads. */
	static final class ReactorNettyFanOut {

		private ReactorNettyFanOut() {
		}

		/** What a Reactor user writes: {@code Flux.flatMap(call, 100)}. */
		static FanOut flatMap(URI base, VirtualThreadCount virtualThreads) {
			Client client = new Client(base);
			return new FanOut() {

				@Override
				public List<String> run(long delayMillis, int calls) {
					String[] bodies = new String[calls];
					Flux.range(0, calls)
						.flatMap((id) -> client.get(delayMillis, id).doOnNext((body) -> bodies[id] = body), IN_FLIGHT)
						.then()
						.block(Duration.ofSeconds(60));
					return Arrays.asList(bodies);
				}

				@Override
				public void close() {
					client.close();
				}

			};
		}

		/** Ours: {@code asyncMap(ids, Task.async(call.toFuture()), 100)} with the same client. */
		static FanOut ours(URI base, VirtualThreadCount virtualThreads) {
			Client client = new Client(base);
			return OursAsync.over((ids, calls, helpers, delayMillis) -> helpers.asyncMap(ids,
					Task.async((Integer id) -> client.get(delayMillis, id).toFuture()), IN_FLIGHT), client);
		}

		/** A pool of 100 connections (the default would hold 16) on two event-loop threads. */
		static final class Client implements AutoCloseable {

			private final ConnectionProvider connections = ConnectionProvider.builder("bench")
				.maxConnections(IN_FLIGHT)
				.pendingAcquireMaxCount(-1)
				.build();

			private final LoopResources loops = LoopResources.create("bench-netty", 2, true);

			private final reactor.netty.http.client.HttpClient client;

			Client(URI base) {
				String url = base.toString();
				this.client = reactor.netty.http.client.HttpClient.create(this.connections)
					.runOn(this.loops)
					.baseUrl(url.substring(0, url.length() - 1));
			}

			Mono<String> get(long delayMillis, int id) {
				return this.client.get()
					.uri("/" + delayMillis + "/" + id)
					.responseSingle((response, body) -> (response.status().code() == 200) ? body.asString()
							: Mono.error(new IllegalStateException("status " + response.status())));
			}

			@Override
			public void close() {
				this.connections.disposeLater().block(Duration.ofSeconds(10));
				this.loops.disposeLater().block(Duration.ofSeconds(10));
			}

		}

	}

	/**
	 * Ours over an asynchronous client: helpers whose executor (two threads, started only if
	 * used) would run blocking work, and a one-thread scheduler.
	 */
	static final class OursAsync {

		private OursAsync() {
		}

		interface StartMap {

			CompletableFuture<List<Outcome<String>>> start(List<Integer> ids, int calls, AsyncHelpers helpers,
					long delayMillis);

		}

		static FanOut over(StartMap map, AutoCloseable client) {
			ExecutorService executor = Executors.newFixedThreadPool(2);
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
			AsyncHelpers helpers = new AsyncHelpers(executor, scheduler);
			return new FanOut() {

				@Override
				public List<String> run(long delayMillis, int calls) throws Exception {
					return values(map.start(ids(calls), calls, helpers, delayMillis).get(60, TimeUnit.SECONDS));
				}

				@Override
				public void close() throws Exception {
					executor.shutdownNow();
					scheduler.shutdownNow();
					client.close();
				}

			};
		}

	}

}
