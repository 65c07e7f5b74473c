#!/usr/bin/env python3
"""Turns one run's JMH JSON and scenario JSON into docs/benchmarks.md, ratios included."""
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

jmh_files, scenarios_file, java_cmd, command = sys.argv[1:5]
jmh = [run for jmh_file in jmh_files.split(",") for run in json.load(open(jmh_file))]
scenarios = json.load(open(scenarios_file))


def short(name):
    return name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1]


results = {}
for run in jmh:
    key = short(run["benchmark"])
    if run.get("params", {}).get("n"):
        key += "[n=" + run["params"]["n"] + "]"
    alloc = run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
    results[key] = {
        "score": run["primaryMetric"]["score"],
        "error": run["primaryMetric"]["scoreError"],
        "unit": run["primaryMetric"]["scoreUnit"],
        "alloc": alloc,
    }


def score(key):
    return results[key]["score"]


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


java_version = subprocess.run([java_cmd, "-version"], capture_output=True, text=True).stderr.strip().splitlines()
memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30

P = "ProxyOverheadBenchmark."
M = "BoundedMapBenchmark."
N10K = "[n=10000]"
references = {
    P + "direct": None,
    P + "emptyAroundProxy": None,
    P + "oursRetry": (P + "springRetryable", "Spring Framework 7 @Retryable"),
    P + "oursTimed": (P + "micrometerTimed", "Micrometer @Timed"),
    P + "oursTimedObserved": (P + "micrometerObserved", "Micrometer @Observed (ObservedAspect)"),
    P + "oursTimeoutBlocking": (P + "handWrittenTimeout", "hand-written submit + get"),
    P + "oursTimeoutAsync": (P + "resilience4jTimeLimiter", "Resilience4j @TimeLimiter"),
    P + "oursAllThree": ("sum", "our three measured one by one"),
    P + "oursMaxConcurrency": (P + "springConcurrencyLimit", "Spring Framework 7 @ConcurrencyLimit"),
    P + "resilience4jBulkhead": (P + "springConcurrencyLimit", "Spring Framework 7 @ConcurrencyLimit"),
    M + "oursAsyncMap" + N10K: (M + "handWrittenWindow" + N10K, "hand-written non-blocking window"),
    M + "oursGatherWithLimit" + N10K: (M + "handWrittenWindow" + N10K, "hand-written non-blocking window"),
}

lines = []
w = lines.append
w("# Benchmarks")
w("")
finished = datetime.fromtimestamp(os.path.getmtime(scenarios_file), timezone.utc)
w("Measured side by side in one run of `benchmarks/run.sh` (finished " + finished.strftime("%Y-%m-%d %H:%M UTC") + ").")
w("")
w("- Machine: " + cpu_model() + ", " + str(os.cpu_count()) + " cores, " + ("%.0f" % memory_gib) + " GiB")
w("- JDK: " + " / ".join(java_version))
w("- Command: `" + command + "`")
w("- JMH: per-call and N = 10,000 cases in 2 forks of 2 warm-up and 4 measured 1 s iterations; N = 1,000,000 in 1 fork")
w("  (up to 4 s per operation). On 2 shared cores the error columns are wide: compare within this run only.")
w("")
w("## 1. Per-call overhead when nothing fails (through Spring proxies, one plain context)")
w("")
w("Every proxied case first proves that its advice acts (a retry retries, a limit limits, a timeout times out, a timer records).")
w("")
w("| case | ns/call | ± error | B/call | ratio | to |")
w("|---|---:|---:|---:|---:|---|")
timed_sum = score(P + "oursRetry") + score(P + "oursTimed") + score(P + "oursTimeoutBlocking")
for key in sorted(k for k in results if k.startswith(P)):
    r = results[key]
    ratio, to = "", ""
    ref = references.get(key)
    if ref:
        base = timed_sum if ref[0] == "sum" else score(ref[0])
        ratio, to = "%.2fx" % (r["score"] / base), ref[1]
    w("| %s | %.1f | %.1f | %s | %s | %s |" % (key[len(P):], r["score"], r["error"],
                                          "%.0f" % r["alloc"] if r["alloc"] is not None else "", ratio, to))
w("")
w("## 2. Bounded map: N trivial tasks, limit 16, 2-thread pool")
w("")
window = score(M + "handWrittenWindow" + N10K)
for n in (10000, 1000000):
    suffix = "[n=%d]" % n
    keys = sorted(k for k in results if k.startswith(M) and k.endswith(suffix))
    if not keys:
        continue
    base = score(M + "handWrittenWindow" + suffix)
    w("N = {:,}:".format(n))
    w("")
    w("| case | ms/map | ± error | µs/task | B/task | ratio to the hand-written window |")
    w("|---|---:|---:|---:|---:|---:|")
    for key in keys:
        r = results[key]
        w("| %s | %.3f | %.3f | %.3f | %.0f | %.2fx |" % (key[len(M):].replace(suffix, ""), r["score"], r["error"],
                                                     r["score"] * 1000 / n, (r["alloc"] or 0) / n, r["score"] / base))
    w("")
heap = scenarios["heap"]
w("Peak live heap above the pre-run baseline (heap in use after each GC, sampled every 1 ms, results included):")
w("")
w("| case | N = 100,000 | N = 1,000,000 |")
w("|---|---:|---:|")
for case in ("oursAsyncMap", "oursAsyncForEach", "handWrittenWindow", "unboundedSupplyAsync"):
    w("| %s | %.1f MB | %.1f MB |" % (case, heap[case + "_100000"], heap[case + "_1000000"]))
w("")
w("## 3. Retry under failure: 1,000 concurrent operations that fail twice, 100 ms fixed delay")
w("")
retry = scenarios["retry"]
ideal = retry["idealMillis"]
rounds = retry["ours"]["rounds"]
w("Median wall time of %d measured rounds (after 5 warm-up rounds), with the fastest and slowest round;" % rounds)
w("threads and successes are the worst round's.")
w("")
w("| case | wall time | min – max | ratio to ideal (%d ms) | peak extra threads | succeeded |" % ideal)
w("|---|---:|---:|---:|---:|---:|")
for case in ("ours", "springRetryTemplate", "resilience4j", "handWrittenScheduler"):
    r = retry[case]
    w("| %s | %d ms | %d – %d ms | %.2fx | %d | %d |" % (case, r["wallMillis"], r["wallMillisMin"], r["wallMillisMax"],
                                                   r["wallMillis"] / ideal, r["peakExtraThreads"], r["succeeded"]))
w("")
w("## 4. Timeouts: 10,000 calls that each time out at 10 ms")
w("")
w("Median wall time of %d measured rounds (after 5 warm-up rounds); every other column is the worst round's." % rounds)
w("")
w("| case | wall time | min – max | timed out | extra threads after | scheduler queue after | executor queue after | tasks still running |")
w("|---|---:|---:|---:|---:|---:|---:|---:|")
for case, r in scenarios["timeouts"].items():
    w("| %s | %d ms | %d – %d ms | %d | %d | %d | %d | %d |" % (case, r["wallMillis"], r["wallMillisMin"], r["wallMillisMax"],
                                                            r["timedOut"], r["extraThreadsAfter"], r["schedulerQueueAfter"],
                                                            r["executorQueueAfter"], r["tasksStillRunning"]))
w("")
w("## 5. Concurrency limit: 1,000 calls at once, limit 10, 10 ms of blocking work each")
w("")
limit = scenarios["limit"]
limit_ideal = limit["idealMillis"]
w("Ours: `ConcurrencyLimiter.submit` (the engine of `@MaxConcurrency` on `CompletableFuture` methods) on an executor")
w("of %d threads; the caller submits all 1,000 without waiting. Spring Framework 7: `@ConcurrencyLimit(10)`, which" % limit["executorThreads"])
w("blocks each caller until a slot is free, called from 1,000 threads. Threads held counts the run's threads above the")
w("JVM's idle set, our executor's included. Median wall time of %d measured rounds (after 5 warm-up rounds)." % limit["ours"]["rounds"])
w("")
w("| case | wall time | min – max | ratio to ideal (%d ms) | caller busy submitting | threads held | succeeded |" % limit_ideal)
w("|---|---:|---:|---:|---:|---:|---:|")
for case in ("ours", "springConcurrencyLimit"):
    r = limit[case]
    w("| %s | %d ms | %d – %d ms | %.2fx | %d ms | %d | %d |" % (case, r["wallMillis"], r["wallMillisMin"], r["wallMillisMax"],
                                                          r["wallMillis"] / limit_ideal, r["submitMillis"], r["threadsHeld"],
                                                          r["succeeded"]))
w("")
w("## Targets")
w("")


def check(ok):
    return "met" if ok else "**not met**"


retry_alloc = results[P + "oursRetry"]["alloc"] or 0
rows = [
    ("@Retry <= 0.7x Spring Framework 7 @Retryable", "%.2fx" % (score(P + "oursRetry") / score(P + "springRetryable")),
     score(P + "oursRetry") <= 0.7 * score(P + "springRetryable")),
    ("@Retry <= 300 B per call", "%.0f B" % retry_alloc, retry_alloc <= 300),
    ("@Timed <= 0.5x Micrometer @Timed", "%.2fx" % (score(P + "oursTimed") / score(P + "micrometerTimed")),
     score(P + "oursTimed") <= 0.5 * score(P + "micrometerTimed")),
    ("observed @Timed <= 0.5x Micrometer @Observed", "%.2fx" % (score(P + "oursTimedObserved") / score(P + "micrometerObserved")),
     score(P + "oursTimedObserved") <= 0.5 * score(P + "micrometerObserved")),
    ("blocking @WithTimeout <= 0.1x submit + get", "%.3fx" % (score(P + "oursTimeoutBlocking") / score(P + "handWrittenTimeout")),
     score(P + "oursTimeoutBlocking") <= 0.1 * score(P + "handWrittenTimeout")),
    ("async @WithTimeout <= 0.2x Resilience4j @TimeLimiter", "%.2fx" % (score(P + "oursTimeoutAsync") / score(P + "resilience4jTimeLimiter")),
     score(P + "oursTimeoutAsync") <= 0.2 * score(P + "resilience4jTimeLimiter")),
    ("all three <= 0.9x the sum of the three", "%.2fx" % (score(P + "oursAllThree") / timed_sum),
     score(P + "oursAllThree") <= 0.9 * timed_sum),
    ("asyncMap N=10,000 <= 1.2x the hand-written window", "%.2fx" % (score(M + "oursAsyncMap" + N10K) / window),
     score(M + "oursAsyncMap" + N10K) <= 1.2 * window),
    ("asyncMap N=10,000 faster than Reactor", "%.2fx" % (score(M + "oursAsyncMap" + N10K) / score(M + "reactorFlatMapSequential" + N10K)),
     score(M + "oursAsyncMap" + N10K) < score(M + "reactorFlatMapSequential" + N10K)),
    ("retry under failure: peak extra threads <= scheduler size (1)", "%d" % retry["ours"]["peakExtraThreads"],
     retry["ours"]["peakExtraThreads"] <= 1),
    ("retry under failure: wall time <= 1.1x ideal (median round)", "%.2fx" % (retry["ours"]["wallMillis"] / ideal),
     retry["ours"]["wallMillis"] <= 1.1 * ideal),
]
per_item = (heap["oursAsyncMap_1000000"] - heap["oursAsyncMap_100000"]) * 1024 * 1024 / 900_000
rows.append(("asyncMap N=1,000,000 (keeps every result): peak heap flat (10x the items, <= 2x the heap)",
             "%.1f MB at 100k, %.1f MB at 1M (+%.1f B per extra item)" % (heap["oursAsyncMap_100000"],
                                                                          heap["oursAsyncMap_1000000"], per_item),
             heap["oursAsyncMap_1000000"] <= 2 * heap["oursAsyncMap_100000"]))
rows.append(("asyncForEach N=1,000,000 (streams results): peak heap flat",
             "%.1f MB at 100k, %.1f MB at 1M" % (heap["oursAsyncForEach_100000"], heap["oursAsyncForEach_1000000"]),
             heap["oursAsyncForEach_1000000"] <= 2 * heap["oursAsyncForEach_100000"]))
rows.append(("@MaxConcurrency per call, nothing contended, <= 1.0x @ConcurrencyLimit",
             "%.2fx" % (score(P + "oursMaxConcurrency") / score(P + "springConcurrencyLimit")),
             score(P + "oursMaxConcurrency") <= score(P + "springConcurrencyLimit")))
rows.append(("limit under load: threads held <= the executor's size (%d)" % limit["executorThreads"],
             "%d (Spring: %d)" % (limit["ours"]["threadsHeld"], limit["springConcurrencyLimit"]["threadsHeld"]),
             limit["ours"]["threadsHeld"] <= limit["executorThreads"]))
rows.append(("limit under load: wall time <= 1.1x ideal (median round)", "%.2fx" % (limit["ours"]["wallMillis"] / limit_ideal),
             limit["ours"]["wallMillis"] <= 1.1 * limit_ideal))
t = scenarios["timeouts"]
left = sum(r["extraThreadsAfter"] + r["schedulerQueueAfter"] + r["executorQueueAfter"] + r["tasksStillRunning"]
           for k, r in t.items() if k.startswith("ours"))
rows.append(("timeouts: nothing left behind", "%d threads/timers/tasks left" % left, left == 0))
w("| target | this run | |")
w("|---|---:|---|")
for name, value, ok in rows:
    w("| %s | %s | %s |" % (name, value, check(ok)))
w("")
w("## Reading these numbers")
w("")
w("- **Peak heap.** What grows with N for `asyncMap` is its result list, by contract: one reference per")
w("  item (4 B with compressed pointers), the floor for any list of N results and what the hand-written")
w("  window keeps too. The helpers store each result as the bare value and the list they return reads those")
w("  slots in place (an `Outcome` is made when an element is read), so no per-item object is kept. The")
w("  pending work does not grow with N: items are taken from the input only as slots free up, so at most")
w("  `limit` tasks exist at once (`ScaleIT` asserts it for a million lazily produced items). `asyncForEach`")
w("  is the streaming form: each outcome goes to a consumer as it completes and nothing is kept (`ScaleIT`")
w("  asserts less than 16 MB growth between 10% and 90% of a million items).")
w("- **Per-call costs and N = 10,000** are two JMH forks on a shared 2-core machine: the error columns are wide and")
w("  a ratio near its target can land on either side of it from one run to the next (`asyncMap` at N = 10,000 measured")
w("  1.03x to 1.44x the window over this session's runs), so read the ratios of this run, not the absolute numbers.")
w("- **Retry under failure**: after each pause, our retry starts the next attempt of an async task on the")
w("  executor, not on the timer thread, so that user code never runs on the scheduler; Resilience4j and the")
w("  hand-written version run it on the timer thread. Whole-run wall times of a few hundred milliseconds")
w("  vary by several milliseconds between rounds on this machine: compare medians, and see the range.")
w("")
print("\n".join(lines))
