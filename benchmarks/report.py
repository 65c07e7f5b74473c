#!/usr/bin/env python3
"""Turns one run of benchmarks/run.sh into docs/benchmarks.md: every JDK's figures side by side, ratios
and targets included, and one SVG bar chart per section, written next to the page (benchmarks/*.svg).

Usage: report.py OUTPUT.md RESULTS_DIR [RESULTS_DIR ...]

Each RESULTS_DIR is one JDK's run (benchmarks/target/results/java17, .../java25) and holds what run.sh
wrote there: java-version.txt, commands.txt, seconds.txt, jmh-short.json, jmh-map.json, jmh-limits.json, jmh-long.json,
jmh-contention-t1.json, -t2, -t8, scenarios.json, fanout.json, pending.json, startup.json. A section
whose files are missing from every folder is left out.
"""
import json
import os
import platform
import statistics
import sys
from datetime import datetime, timezone
from html import escape

P = "ProxyOverheadBenchmark."
M = "BoundedMapBenchmark."
C = "ContentionBenchmark."
N10K = "[n=10000]"
THREADS = (1, 2, 8)


# Loading one JDK's results

def read_json(folder, name):
    path = os.path.join(folder, name)
    return json.load(open(path)) if os.path.exists(path) else None


def read_text(folder, name):
    path = os.path.join(folder, name)
    return open(path).read().strip() if os.path.exists(path) else ""


def number(value):
    return value if isinstance(value, (int, float)) and value == value else None


def fixed(value, digits):
    return "" if value is None else "%.*f" % (digits, value)


def short(name):
    return name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1]


def jmh_results(runs):
    results = {}
    for run in runs:
        key = short(run["benchmark"])
        if run.get("params", {}).get("n"):
            key += "[n=" + run["params"]["n"] + "]"
        alloc = run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        results[key] = {
            "score": run["primaryMetric"]["score"],
            # JMH writes "NaN" (a string) when one iteration gives no error estimate.
            "error": number(run["primaryMetric"]["scoreError"]),
            "unit": run["primaryMetric"]["scoreUnit"],
            "alloc": alloc,
            "forks": run["primaryMetric"].get("rawData", []),
            "setup": (run.get("forks"), run.get("warmupIterations"), run.get("measurementIterations")),
        }
    return results


class Run:
    """One JDK's results."""

    def __init__(self, folder):
        self.folder = folder
        self.version = read_text(folder, "java-version.txt").splitlines()
        first = self.version[0] if self.version else folder
        number = first.split('"')[1] if '"' in first else os.path.basename(folder)
        self.label = "Java " + number.split(".")[0]
        self.commands = read_text(folder, "commands.txt").splitlines()
        seconds = read_text(folder, "seconds.txt")
        self.seconds = int(seconds) if seconds else None
        self.jmh = jmh_results((read_json(folder, "jmh-short.json") or []) + (read_json(folder, "jmh-map.json") or [])
                               + (read_json(folder, "jmh-limits.json") or [])
                               + (read_json(folder, "jmh-long.json") or []))
        self.contention = {}
        for threads in THREADS:
            runs = read_json(folder, "jmh-contention-t%d.json" % threads)
            if runs:
                self.contention[threads] = jmh_results(runs)
        self.scenarios = read_json(folder, "scenarios.json")
        self.fanout = read_json(folder, "fanout.json")
        self.pending = read_json(folder, "pending.json")
        self.startup = read_json(folder, "startup.json")
        self.cluster = read_json(folder, "cluster.json")
        if self.cluster and "skipped" in self.cluster:
            self.cluster = None
        self.finished = max((os.path.getmtime(os.path.join(folder, f)) for f in os.listdir(folder)), default=0)

    def score(self, key):
        return self.jmh[key]["score"]


# Formatting

def fmt(value, unit=""):
    if value is None:
        return ""
    if abs(value) >= 100:
        text = "{:,.0f}".format(value)
    elif abs(value) >= 10:
        text = "%.1f" % value
    else:
        text = "%.2f" % value
    return text + unit


def ratio(value, base):
    return "%.2fx" % (value / base) if value is not None and base else ""


def table(headers, rows, right_from=1):
    """A Markdown table; columns from right_from on are right-aligned."""
    out = ["| " + " | ".join(headers) + " |",
           "|" + "|".join("---" if i < right_from else "---:" for i in range(len(headers))) + "|"]
    out += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return out


def side_by_side(runs, keys, label, columns, names=None):
    """Rows of keys (shown as names[key] when given); for every run, one group of columns:
    (header, function(run, key) -> text)."""
    headers = [label] + ["%s (%s)" % (header, run.label.replace("Java ", "")) for run in runs for header, _ in columns]
    rows = []
    for key in keys:
        row = [(names or {}).get(key, key)]
        for run in runs:
            for _, cell in columns:
                try:
                    row.append(cell(run, key))
                except (KeyError, TypeError, ZeroDivisionError):
                    row.append("")
        rows.append(row)
    return table(headers, rows)


# Charts: hand-written SVG, horizontal bars, one bar per JDK for each label

COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"]


def bar_chart(path, title, unit, labels, series, reference=None, clip=None):
    """series: [(name, [value or None for each label])]; reference: (value, text) drawn as a dashed line;
    clip: bars above it are cut at the edge and marked with their value."""
    label_width, plot_width, bar, group_gap, top = 300, 420, 13, 9, 46
    values = [v for _, vs in series for v in vs if v is not None]
    if reference:
        values.append(reference[0])
    axis = max(values) if values else 1
    if clip:
        axis = min(axis, clip)
    axis = axis or 1
    group = len(series) * bar + group_gap
    height = top + len(labels) * group + 34
    width = label_width + plot_width + 110
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
           'font-family="Helvetica, Arial, sans-serif" font-size="11">' % (width, height, width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="8" y="18" font-size="13" font-weight="bold">%s</text>' % escape(title),
           '<text x="8" y="34" fill="#555">%s</text>' % escape(unit)]
    for i, label in enumerate(labels):
        y = top + i * group
        svg.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                   % (label_width - 8, y + len(series) * bar / 2 + 4, escape(label)))
        for j, (_, vs) in enumerate(series):
            value = vs[i]
            if value is None:
                continue
            shown = min(value, axis)
            w = max(1.0, shown / axis * plot_width)
            by = y + j * bar
            svg.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                       % (label_width, by, w, bar - 2, COLORS[j % len(COLORS)]))
            text = fmt(value) + (" »" if value > axis else "")
            svg.append('<text x="%.1f" y="%d" fill="#222">%s</text>' % (label_width + w + 4, by + bar - 3, escape(text)))
    if reference:
        x = label_width + min(reference[0], axis) / axis * plot_width
        svg.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#c00" stroke-dasharray="4,3"/>'
                   % (x, top - 6, x, top + len(labels) * group - group_gap))
        svg.append('<text x="%.1f" y="%d" fill="#c00" text-anchor="middle">%s</text>' % (x, top - 9, escape(reference[1])))
    legend_y = height - 14
    for j, (name, _) in enumerate(series):
        x = label_width + j * 120
        svg.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/>' % (x, legend_y - 9, COLORS[j % len(COLORS)]))
        svg.append('<text x="%d" y="%d">%s</text>' % (x + 14, legend_y, escape(name)))
    svg.append("</svg>")
    with open(path, "w") as out:
        out.write("\n".join(svg) + "\n")


class Page:
    """The Markdown lines and the charts written beside them."""

    def __init__(self, output):
        self.lines = []
        self.chart_dir = os.path.join(os.path.dirname(os.path.abspath(output)), "benchmarks")
        os.makedirs(self.chart_dir, exist_ok=True)

    def w(self, *lines):
        self.lines.extend(lines if lines else [""])

    def chart(self, name, title, unit, runs, labels, value, reference=None, clip=None):
        series = []
        for run in runs:
            values = []
            for label in labels:
                try:
                    values.append(value(run, label))
                except (KeyError, TypeError):
                    values.append(None)
            series.append((run.label, values))
        bar_chart(os.path.join(self.chart_dir, name + ".svg"), title, unit, labels, series, reference, clip)
        self.w("![%s](benchmarks/%s.svg)" % (title, name), "")


# Sections

def header(page, runs):
    def cpu_model():
        try:
            for line in open("/proc/cpuinfo"):
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return platform.processor() or "unknown"

    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    finished = datetime.fromtimestamp(max(run.finished for run in runs), timezone.utc)
    w = page.w
    w("# Benchmarks", "")
    w("Measured side by side in one run of `benchmarks/run.sh` on %s (finished %s)."
      % (" and ".join(run.label for run in runs), finished.strftime("%Y-%m-%d %H:%M UTC")), "")
    w("- Machine: " + cpu_model() + ", " + str(os.cpu_count()) + " cores, " + ("%.0f" % memory_gib) + " GiB")
    for run in runs:
        took = " (the suite took %d min)" % round(run.seconds / 60) if run.seconds else ""
        w("- %s: %s%s" % (run.label, " / ".join(run.version), took))
    def setup(results, key_part):
        for key, r in results.items():
            if key_part in key:
                forks, warm_up, measured = r["setup"]
                return "%s fork%s of %s warm-up and %s measured iterations" % (forks, "s" if forks != 1 else "", warm_up, measured)
        return "not run"

    first = runs[0]
    w("- JMH: per-call cases in %s; N = 10,000 in %s; N = 1,000,000 in %s (up to 4 s per operation);"
      % (setup(first.jmh, P + "oursRetry"), setup(first.jmh, N10K), setup(first.jmh, "[n=1000000]")))
    w("  the three limits per call (ours, `@ConcurrencyLimit`, `@Bulkhead`) in %s: they cost about what the proxy"
      % setup(first.jmh, P + "oursMaxConcurrency"))
    w("  costs, and one fork's JIT can put a case 30% above another fork's, so their ratio needs more forks;")
    two, eight = (setup(first.contention.get(threads, {}), C) for threads in (2, 8))
    many = "in %s with 2 and 8" % eight if two == eight else "in %s with 2 and in %s with 8" % (two, eight)
    w("  contention in %s with 1 caller thread and %s; whole-run scenarios: median of the measured"
      % (setup(first.contention.get(1, {}), C), many))
    w("  rounds after warm-up rounds (fan-out: of the measured cycles after a warm-up pass, see its section).")
    w("  On 2 cores the error columns are wide: compare within this run only.")
    w("- Commands (each JDK ran the same ones, `$cp` is the module's class path):", "")
    w("```")
    for line in runs[0].commands:
        w(line.replace(runs[0].folder, "$results"))
    w("```", "")


REFERENCES = {
    P + "oursRetry": (P + "springRetryable", "Spring Framework 7 @Retryable"),
    P + "oursTimed": (P + "micrometerTimed", "Micrometer @Timed"),
    P + "oursTimedObserved": (P + "micrometerObserved", "Micrometer @Observed (ObservedAspect)"),
    P + "observationAlone": (P + "micrometerObserved", "Micrometer @Observed (ObservedAspect)"),
    P + "oursTimeoutBlocking": (P + "handWrittenTimeout", "hand-written submit + get"),
    P + "oursTimeoutAsync": (P + "resilience4jTimeLimiter", "Resilience4j @TimeLimiter"),
    P + "oursAllThree": ("sum", "our three measured one by one"),
    P + "oursMaxConcurrency": (P + "springConcurrencyLimit", "Spring Framework 7 @ConcurrencyLimit"),
    P + "resilience4jBulkhead": (P + "springConcurrencyLimit", "Spring Framework 7 @ConcurrencyLimit"),
}


def timed_sum(run):
    return run.score(P + "oursRetry") + run.score(P + "oursTimed") + run.score(P + "oursTimeoutBlocking")


def per_call(page, runs):
    keys = sorted({k for run in runs for k in run.jmh if k.startswith(P)})
    if not keys:
        return
    w = page.w
    w("## 1. Per-call overhead when nothing fails (through Spring proxies, one plain context)", "")
    w("Every proxied case first proves that its advice acts (a retry retries, a limit limits, a timeout times out, a timer records).", "")

    def reference_ratio(run, key):
        ref = REFERENCES.get(P + key)
        if not ref:
            return ""
        base = timed_sum(run) if ref[0] == "sum" else run.score(ref[0])
        return ratio(run.score(P + key), base)

    names = [k[len(P):] for k in keys]
    w(*side_by_side(runs, names, "case", [
        ("ns/call", lambda run, k: "%.1f" % run.jmh[P + k]["score"]),
        ("±", lambda run, k: fixed(run.jmh[P + k]["error"], 1)),
        ("B/call", lambda run, k: "%.0f" % run.jmh[P + k]["alloc"] if run.jmh[P + k]["alloc"] is not None else ""),
        ("ratio", reference_ratio),
    ]))
    w("", "Ratios are to: " + "; ".join("%s → %s" % (k[len(P):], to) for k, (_, to) in REFERENCES.items()) + ".", "")
    page.chart("per-call", "Per-call overhead (lower is better)", "ns per call; bars past 2,500 ns are cut (»)", runs,
               [n for n in names if n != "direct"], lambda run, n: run.jmh[P + n]["score"], clip=2500)


def bounded_map(page, runs):
    if not any(run.jmh for run in runs):
        return
    w = page.w
    w("## 2. Bounded map: N trivial tasks, limit 16, 2-thread pool", "")
    for n in (10000, 1000000):
        suffix = "[n=%d]" % n
        keys = sorted({k[len(M):-len(suffix)] for run in runs for k in run.jmh if k.startswith(M) and k.endswith(suffix)})
        if not keys:
            continue

        def cell(field):
            def get(run, k):
                r = run.jmh[M + k + suffix]
                base = run.score(M + "handWrittenWindow" + suffix)
                return {"ms": "%.3f" % r["score"], "err": fixed(r["error"], 3), "alloc": "%.0f" % ((r["alloc"] or 0) / n),
                        "ratio": ratio(r["score"], base)}[field]
            return get

        w("N = {:,}:".format(n), "")
        w(*side_by_side(runs, keys, "case", [("ms/map", cell("ms")), ("±", cell("err")), ("B/task", cell("alloc")),
                                             ("to the window", cell("ratio"))]))
        w("")
        if n == 10000:
            page.chart("bounded-map", "Bounded map, N = 10,000 (lower is better)", "ms per map", runs, keys,
                       lambda run, k: run.jmh[M + k + N10K]["score"])
    heaps = [run for run in runs if run.scenarios and "heap" in run.scenarios]
    if heaps:
        w("Peak live heap above the pre-run baseline (heap in use after each GC, sampled every 1 ms, results included):", "")
        w(*side_by_side(heaps, ["oursAsyncMap", "oursAsyncForEach", "handWrittenWindow", "unboundedSupplyAsync"], "case", [
            ("N = 100,000", lambda run, c: "%.1f MB" % run.scenarios["heap"][c + "_100000"]),
            ("N = 1,000,000", lambda run, c: "%.1f MB" % run.scenarios["heap"][c + "_1000000"]),
        ]))
        w("")


def retry_under_failure(page, runs):
    runs = [run for run in runs if run.scenarios and "retry" in run.scenarios]
    if not runs:
        return
    w = page.w
    retry0 = runs[0].scenarios["retry"]
    w("## 3. Retry under failure: 1,000 concurrent operations that fail twice, 100 ms fixed delay", "")
    w("Median wall time of %d measured rounds, with the fastest and slowest round; threads and successes are the worst"
      % retry0["ours"]["rounds"])
    w("round's. Ideal: %d ms." % retry0["idealMillis"], "")
    cases = ["ours", "springRetryTemplate", "resilience4j", "handWrittenScheduler"]
    w(*side_by_side(runs, cases, "case", [
        ("wall", lambda run, c: "%d ms" % run.scenarios["retry"][c]["wallMillis"]),
        ("min – max", lambda run, c: "%d – %d" % (run.scenarios["retry"][c]["wallMillisMin"], run.scenarios["retry"][c]["wallMillisMax"])),
        ("to ideal", lambda run, c: ratio(run.scenarios["retry"][c]["wallMillis"], run.scenarios["retry"]["idealMillis"])),
        ("extra threads", lambda run, c: run.scenarios["retry"][c]["peakExtraThreads"]),
        ("succeeded", lambda run, c: run.scenarios["retry"][c]["succeeded"]),
    ]))
    w("")
    page.chart("retry-under-failure", "Retry under failure (lower is better)", "ms, median round", runs, cases,
               lambda run, c: run.scenarios["retry"][c]["wallMillis"], reference=(retry0["idealMillis"], "ideal"))


def timeouts(page, runs):
    runs = [run for run in runs if run.scenarios and "timeouts" in run.scenarios]
    if not runs:
        return
    w = page.w
    w("## 4. Timeouts: 10,000 calls that each time out at 10 ms", "")
    w("Median wall time of the measured rounds; every other column is the worst round's. Left behind: extra threads,")
    w("scheduler and executor queue entries and tasks still running once the run is over.", "")
    cases = list(runs[0].scenarios["timeouts"].keys())

    def left(run, c):
        r = run.scenarios["timeouts"][c]
        return r["extraThreadsAfter"] + r["schedulerQueueAfter"] + r["executorQueueAfter"] + r["tasksStillRunning"]

    w(*side_by_side(runs, cases, "case", [
        ("wall", lambda run, c: "%d ms" % run.scenarios["timeouts"][c]["wallMillis"]),
        ("min – max", lambda run, c: "%d – %d" % (run.scenarios["timeouts"][c]["wallMillisMin"], run.scenarios["timeouts"][c]["wallMillisMax"])),
        ("timed out", lambda run, c: run.scenarios["timeouts"][c]["timedOut"]),
        ("left behind", left),
    ]))
    w("")
    page.chart("timeouts", "10,000 calls timing out at 10 ms (lower is better)", "ms, median round", runs, cases,
               lambda run, c: run.scenarios["timeouts"][c]["wallMillis"])


def concurrency_limit(page, runs):
    runs = [run for run in runs if run.scenarios and "limit" in run.scenarios]
    if not runs:
        return
    w = page.w
    limit0 = runs[0].scenarios["limit"]
    w("## 5. Concurrency limit: 1,000 calls at once, limit 10, 10 ms of blocking work each", "")
    w("Ours: `ConcurrencyLimiter.submit` (the engine of `@MaxConcurrency` on `CompletableFuture` methods) on an executor")
    w("of %d threads; the caller submits all 1,000 without waiting. Spring Framework 7: `@ConcurrencyLimit(10)`, which"
      % limit0["executorThreads"])
    w("blocks each caller until a slot is free, called from 1,000 threads. Threads held counts the run's threads above the")
    w("JVM's idle set, our executor's included. Ideal: %d ms." % limit0["idealMillis"], "")
    cases = ["ours", "springConcurrencyLimit"]
    w(*side_by_side(runs, cases, "case", [
        ("wall", lambda run, c: "%d ms" % run.scenarios["limit"][c]["wallMillis"]),
        ("to ideal", lambda run, c: ratio(run.scenarios["limit"][c]["wallMillis"], run.scenarios["limit"]["idealMillis"])),
        ("caller busy", lambda run, c: "%d ms" % run.scenarios["limit"][c]["submitMillis"]),
        ("threads held", lambda run, c: run.scenarios["limit"][c]["threadsHeld"]),
        ("succeeded", lambda run, c: run.scenarios["limit"][c]["succeeded"]),
    ]))
    w("")
    page.chart("concurrency-limit", "1,000 calls, limit 10 (lower is better)", "ms, median round", runs, cases,
               lambda run, c: run.scenarios["limit"][c]["wallMillis"], reference=(limit0["idealMillis"], "ideal"))


# Case 1 of issue 16: each of ours and the hand-written form it is compared with (same client, same threads).
FAN_OUT_PAIRS = [
    ("oursBlockingPool", "handWrittenInvokeAll", "blocking JDK client, 100-thread pool: ours vs invokeAll"),
    ("oursBlockingVirtual", "virtualThreadsSemaphore", "blocking JDK client, virtual threads: ours vs Semaphore(100)"),
    ("oursAsyncSendAsync", "handWrittenWindowSendAsync", "JDK sendAsync: ours vs a hand-written window"),
    ("oursAsyncReactorNetty", "reactorFlatMap", "Reactor Netty: ours vs Flux.flatMap(…, 100)"),
]
FAN_OUT_NAMES = {
    "handWrittenInvokeAll": "100-thread pool, invokeAll, blocking JDK client",
    "oursBlockingPool": "ours, Task.blocking on the same 100 threads",
    "virtualThreadsSemaphore": "virtual threads + Semaphore(100), blocking JDK client",
    "oursBlockingVirtual": "ours, Task.blocking on virtual threads",
    "handWrittenWindowSendAsync": "hand-written window over sendAsync",
    "oursAsyncSendAsync": "ours, Task.async over sendAsync",
    "reactorFlatMap": "Reactor Netty, Flux.flatMap(…, 100)",
    "oursAsyncReactorNetty": "ours, Task.async over Reactor Netty",
}


def platform_threads(variant):
    unnamed = variant.get("peakUnnamedThreads", 0)
    peak = variant["peakPlatformThreads"]
    return "%d (%d unnamed)" % (peak, unnamed) if unnamed else "%d" % peak


def fan_out_cycles(w, runs):
    """Each pair's rounds cycle by cycle: ours and the form it is compared with ran side by side in each cycle."""
    lines = []
    for run in runs:
        for ours, hand, what in FAN_OUT_PAIRS:
            if ours not in run.fanout or hand not in run.fanout or "wallMillisByCycle" not in run.fanout[ours]:
                continue
            pairs = list(zip(run.fanout[ours]["wallMillisByCycle"], run.fanout[hand]["wallMillisByCycle"]))
            ratios = [o / h for o, h in pairs]
            lines.append("- %s, %s: %s; per-cycle ratios %.2fx to %.2fx, median %.2fx" % (
                run.label, what, ", ".join("{:,} / {:,}".format(o, h) for o, h in pairs),
                min(ratios), max(ratios), statistics.median(ratios)))
    if lines:
        w("Each cycle's rounds (ours / the hand-written form, ms, in cycle order), and their ratio cycle by cycle:", "")
        w(*lines)
        w("")


def fan_out(page, runs):
    runs = [run for run in runs if run.fanout]
    if not runs:
        return
    w = page.w
    f0 = runs[0].fanout
    ideal = f0["idealMillis"]
    w("## 6. I/O-bound fan-out: {:,} HTTP calls, at most {} in flight, a server that answers after {} ms".format(
        f0["calls"], f0["inFlight"], f0["delayMillis"]), "")
    if f0.get("server", "JDK HttpServer") == "JDK HttpServer":
        w("The server is the JDK's `HttpServer` on the loopback interface, in a JVM of its own (so its CPU and threads are")
        w("not the client's), answering `GET /{delay}/{id}` with the body `id`: its handler hands the exchange to a")
        w("two-thread scheduler that writes the answer when the delay is over, so no thread waits per request.")
    else:
        w("The server is Reactor Netty's `HttpServer` on the loopback interface (two event-loop threads), in a JVM of its")
        w("own (so its CPU and threads are not the client's), answering `GET /{delay}/{id}` with the body `id` after a")
        w("`Mono.delay`, so no thread waits per request (`FANOUT_SERVER=netty`).")
    w("Ideal: {:,} / {} x {} ms = {} ms.".format(f0["calls"], f0["inFlight"], f0["delayMillis"], ideal))
    w("Each round checks that every call answered 200 with its own id. Every JDK client is built with an explicit")
    w("two-thread executor and HTTP/1.1; every Reactor Netty client has a pool of 100 connections on two event-loop threads.", "")
    checks = []
    for run in runs:
        check = run.fanout.get("serverCheck")
        if check:
            checks.append("%s: median wave %.1f ms (90th percentile %.1f ms); against a 0 ms server %.1f ms"
                          % (run.label, check["waveMillis_5"], check["waveMillisP90_5"], check["waveMillis_0"]))
    if checks:
        w("**The server is not the bottleneck.** Waves of 100 calls all started at once (no limit within a wave), one after")
        w("the other, with Reactor Netty, the cheapest client here: " + "; ".join(checks) + ". A wave takes the")
        w("server's 5 ms plus what the client itself costs for 100 calls.", "")
    variants = [v for v in FAN_OUT_NAMES if any(v in run.fanout for run in runs)]
    reference = {ours: hand for ours, hand, _ in FAN_OUT_PAIRS}

    def to_hand_written(run, v):
        return ratio(run.fanout[v]["wallMillis"], run.fanout[reference[v]]["wallMillis"]) if v in reference else ""

    w("The variants take turns: after a warm-up pass over all of them, each of %d cycles runs every variant once (in"
      % f0[variants[0]]["rounds"])
    w("the table's order on even cycles, the reverse on odd ones), each setting up its client and threads afresh, running")
    w("one unrecorded round (its connections are opened there) and one measured round against the 5 ms server, the same")
    w("against the 0 ms server, and closing. So every variant meets the same state of the JVM, not the one the variants")
    w("before it left. Wall time: median of the %d measured rounds, and its ratio to the ideal and to the hand-written"
      % f0[variants[0]]["rounds"])
    w("form with the same client and threads:", "")
    w(*side_by_side(runs, variants, "variant", [
        ("wall", lambda run, v: "{:,} ms".format(run.fanout[v]["wallMillis"])),
        ("min – max", lambda run, v: "{:,} – {:,}".format(run.fanout[v]["wallMillisMin"], run.fanout[v]["wallMillisMax"])),
        ("to ideal", lambda run, v: ratio(run.fanout[v]["wallMillis"], ideal)),
        ("to hand-written", to_hand_written),
    ], FAN_OUT_NAMES))
    w("")
    fan_out_cycles(w, runs)
    w("What each costs: the client's floor (the same calls against a 0 ms server, median wall time); client CPU time (the")
    w("process's CPU time over the round, median; GC and JIT threads included, the server's not); peak platform threads")
    w("(sampled every 1 ms: live threads that were not alive before the variant set up its client and threads, so its")
    w("pool, client executor, selector and event-loop threads count); platform threads started during the round")
    w("(short-lived threads that the peak misses); peak virtual threads (counted by the variants: up when a virtual thread")
    w("is handed its task, down when the task ends, so a finishing thread may overlap the next by one); peak heap in")
    w("use above the heap after a GC before the round (sampled every 1 ms, garbage not yet collected included). Worst")
    w("round for the peaks. Where a variant's peak includes unnamed threads (\"Thread-N\", a task handed to")
    w("`new Thread(task)`: `CompletableFuture`'s default executor when the common pool has one thread), the cell says")
    w("how many of the peak were those; every pool, client and event loop here names its threads.", "")
    w(*side_by_side(runs, variants, "variant", [
        ("floor", lambda run, v: "{:,} ms".format(run.fanout[v]["floorMillis"])),
        ("CPU", lambda run, v: "{:,} ms".format(run.fanout[v]["cpuMillis"])),
        ("platform threads", lambda run, v: platform_threads(run.fanout[v])),
        ("threads started", lambda run, v: "{:,}".format(run.fanout[v]["startedPlatformThreads"])),
        ("virtual threads", lambda run, v: "{:,}".format(run.fanout[v]["peakVirtualThreads"])),
        ("heap", lambda run, v: "%d MB" % run.fanout[v]["peakHeapMb"]),
    ], FAN_OUT_NAMES))
    w("")
    page.chart("fan-out", "I/O-bound fan-out, {:,} calls, 100 in flight (lower is better)".format(f0["calls"]),
               "ms, median round", runs, [FAN_OUT_NAMES[v] for v in variants],
               lambda run, name: run.fanout[next(v for v in variants if FAN_OUT_NAMES[v] == name)]["wallMillis"],
               reference=(ideal, "ideal %d ms" % ideal))
    w("- **Where the JDK client's async completions run.** `HttpClient.sendAsync` hands every completion to")
    w("  `CompletableFuture`'s default executor whatever executor the client was built with (`HttpClientImpl.sendAsync`,")
    w("  \"makes sure that any dependent actions happen in the CF default executor\"). On Java 17 with 2 CPUs the common")
    w("  pool has one thread, so that default executor starts a new thread per completion; Java 25's default is a")
    w("  minimal pool of its own. Ours and the hand-written window pay it alike; neither adds a stage on that executor of")
    w("  its own. The threads-started column shows what this costs: each such thread lives for one completion, so the")
    w("  peak column hardly sees them.")
    w("- Virtual threads exist only from Java 21: the two virtual-thread rows are empty on Java 17.", "")


def contention(page, runs):
    runs = [run for run in runs if run.contention]
    if not runs:
        return
    w = page.w
    w("## 7. Contention: throughput with 1, 2 and 8 caller threads on one shared bean", "")
    w("The beans of section 1 on one context, called at once by JMH's `-t` threads (ops/ms, all threads together; higher is")
    w("better). Each cell is the mean of all measured iterations of all forks; the table after it gives each fork's")
    w("own figures, since the issue saw forks settle far apart. Each fork is a JMH run of its own, and one benchmark's")
    w("1-, 2- and 8-thread forks take turns (1, 2, 8, then again), so that a slow stretch of the shared machine falls")
    w("on every thread count of a benchmark alike (`benchmarks/run.sh` says what that changed).", "")
    names = sorted({k[len(C):] for run in runs for t in run.contention for k in run.contention[t]})
    columns = [("%d thr" % t, (lambda t: lambda run, n: fmt(run.contention[t][C + n]["score"]))(t)) for t in THREADS]
    columns.append(("8 thr / 2 thr", lambda run, n: ratio(run.contention[8][C + n]["score"], run.contention[2][C + n]["score"])))
    w(*side_by_side(runs, names, "case", columns))
    w("")
    w("Per fork (mean of the fork's iterations, with its lowest and highest iteration):", "")
    rows = []
    for n in names:
        for t in THREADS:
            row = [n, t]
            for run in runs:
                r = run.contention.get(t, {}).get(C + n)
                cells = []
                for fork in (r["forks"] if r else []):
                    cells.append("%s (%s – %s)" % (fmt(sum(fork) / len(fork)), fmt(min(fork)), fmt(max(fork))))
                row.append("; ".join(cells))
            rows.append(row)
    w(*table(["case", "threads"] + ["forks (%s)" % run.label.replace("Java ", "") for run in runs], rows, right_from=1))
    w("")
    labels = ["%s, %d thr" % (n, t) for n in names for t in THREADS]
    page.chart("contention", "Throughput under contention (higher is better)", "ops/ms, all caller threads together",
               runs, labels, lambda run, label: run.contention[int(label.rsplit(", ", 1)[1].split()[0])]
               [C + label.rsplit(", ", 1)[0]]["score"])


PENDING_NAMES = {
    "ours": "ours, retryWithBackoff(Task.async(...), spec)",
    "resilience4j": "Resilience4j Retry.decorateCompletionStage",
    "handWrittenScheduler": "hand-written, ScheduledExecutorService",
}


def pending(page, runs):
    runs = [run for run in runs if run.pending]
    if not runs:
        return
    w = page.w
    p0 = runs[0].pending
    w("## 8. Pending work at scale: {:,} operations in retry backoff at once".format(p0["operations"]), "")
    w("Each operation's first attempt fails (a `CompletableFuture` failed with one shared exception, so no stack trace is")
    w("counted), and its retry waits %d ms, then succeeds. Once all are started, a full GC: the live heap above the" % p0["delayMillis"])
    w("baseline taken just before starting, divided by the number of operations, is what one pending operation costs,")
    w("its returned future included. Extra threads: peak above the two pools (a 2-thread executor and a 1-thread")
    w("scheduler) started before the baseline. Each round checks that no retry had started when the heap was read and")
    w("that every operation then succeeded on its second attempt. Median of the measured rounds for bytes, worst round")
    w("for the rest.", "")
    cases = [c for c in PENDING_NAMES if c in p0]
    w(*side_by_side(runs, cases, "case", [
        ("B/operation", lambda run, c: run.pending[c]["bytesPerOperation"]),
        ("extra threads", lambda run, c: run.pending[c]["peakExtraThreads"]),
        ("ms to start all", lambda run, c: "{:,}".format(run.pending[c]["wallMillis"])),
        ("retried too early", lambda run, c: run.pending[c]["retriesBeforeHeapRead"]),
        ("succeeded", lambda run, c: "{:,}".format(run.pending[c]["succeeded"])),
    ], PENDING_NAMES))
    w("")
    page.chart("pending-backoff", "Heap per operation waiting in retry backoff (lower is better)", "bytes per operation",
               runs, [PENDING_NAMES[c] for c in cases],
               lambda run, name: run.pending[next(c for c in cases if PENDING_NAMES[c] == name)]["bytesPerOperation"],
               reference=(200, "target 200 B"))


def startup(page, runs):
    runs = [run for run in runs if run.startup]
    if not runs:
        return
    w = page.w
    s0 = runs[0].startup
    w("## 9. Start-up: a minimal web application with and without the starter", "")
    w("`MinimalWebApplication` (Spring MVC on Tomcat, one controller) started in-process with `SpringApplication.run`, random")
    w("port, no banner, until `run` returns (context refreshed, Tomcat listening); %d starts with the starter's" % s0["starts"])
    w("auto-configurations and %d with all of them excluded (`spring.autoconfigure.exclude`, so nothing of ours is" % s0["starts"])
    w("created), alternating, after %d unrecorded starts of each. In-process starts after the first load every class once," % s0.get("warmUpStarts", 3))
    w("so the difference is what our beans cost to create and start, not class loading. Each start is checked (our")
    w("`AsyncHelpers` bean is there, or not; the controller answers) and closed. AOT mode is not measured here.", "")
    rows = ["with the starter", "without (excluded)", "difference"]

    def cell(field):
        def get(run, row):
            s = run.startup
            if row == "difference":
                return "%+.1f ms" % (s["withStarter"]["medianMillis"] - s["withoutStarter"]["medianMillis"]) if field == "median" else ""
            r = s["withStarter" if row.startswith("with the") else "withoutStarter"]
            return "%.1f ms" % r["medianMillis"] if field == "median" else "%.1f – %.1f" % (r["minMillis"], r["maxMillis"])
        return get

    w(*side_by_side(runs, rows, "", [("median", cell("median")), ("min – max", cell("range"))]))
    w("")
    page.chart("startup", "Start-up of a minimal web application (lower is better)", "ms, median of in-process starts", runs,
               rows[:2], lambda run, row: run.startup["withStarter" if row.startswith("with the") else "withoutStarter"]["medianMillis"])
    w("Where the difference goes, from one more start of each, not measured, recording Spring's start-up steps")
    w("(`BufferingApplicationStartup`; one start each, so read the larger figures only): the steps whose time grew most")
    w("with the starter (summed by step name, nested steps counted in their parents too), and our slowest bean")
    w("instantiations (a bean's time includes the beans it needed first).", "")
    for run in runs:
        grown = run.startup.get("stepsThatGrewWithStarter", {})
        beans = run.startup.get("slowestBeansWithStarter", {})
        if grown:
            w("- %s, steps: %s" % (run.label, ", ".join("`%s` %+.1f ms" % (k, v) for k, v in grown.items())))
        if beans:
            w("- %s, our beans: %s" % (run.label, ", ".join("`%s` %.1f ms" % (k, v) for k, v in beans.items())))
    w("")


def cluster(page, runs):
    runs = [run for run in runs if run.cluster]
    if not runs:
        return
    w = page.w
    c0 = runs[0].cluster
    w("## 10. Replicas on Redis: trackers and permits", "")
    w("A local `redis-server` (Debian's package, started on a free port, no persistence), one replica's stores on")
    w("Spring Data Redis over Lettuce. **Tracker on a fan-out**: `asyncMap` of {:,} trivial items, limit 16, on a".format(c0["trackerMap"]["items"]))
    w("2-thread pool, tracked by an in-memory tracker and by a Redis tracker (flushed every 250 ms): both in every round,")
    w("in alternating order, median of each (the map only: creating the tracker, a round trip to Redis for its number,")
    w("is not timed).")
    w("**Writes**: one tracker updated by two threads as fast as they can for %.1f s; the script calls the server ran" % c0["trackerWrites"]["seconds"])
    w("meanwhile (this replica's 1-per-second heartbeat included), per second. **Permits**: acquire + release of one")
    w("permit of a limit of 1,000, ours (`RedisPermitStore`) against Redisson's `RPermitExpirableSemaphore`")
    w("(`tryAcquireAsync` + `releaseAsync`) on the same server: sequential latency, the Lua script calls the server ran per")
    w("pair (both send every command as a script, so these are the round trips, plus a few background renewals and")
    w("heartbeats), then throughput with %d asynchronous callers." % c0["permits"]["ours"]["callers"], "")
    rows = ["inMemory", "redis"]
    w(*side_by_side(runs, rows, "tracker", [
        ("wall", lambda run, r: "%.1f ms" % run.cluster["trackerMap"][r]["wallMillis"]),
        ("to in-memory", lambda run, r: ratio(run.cluster["trackerMap"][r]["wallMillis"], run.cluster["trackerMap"]["inMemory"]["wallMillis"])),
    ]))
    w("")
    w(*side_by_side(runs, ["trackerWrites"], "", [
        ("updates", lambda run, r: "{:,}".format(run.cluster[r]["updates"])),
        ("script calls", lambda run, r: run.cluster[r]["scriptCalls"]),
        ("writes per second", lambda run, r: run.cluster[r]["writesPerSecond"]),
    ]))
    w("")
    w(*side_by_side(runs, ["ours", "redisson"], "permits", [
        ("median", lambda run, r: "%.0f µs" % run.cluster["permits"][r]["medianMicros"]),
        ("p99", lambda run, r: "%.0f µs" % run.cluster["permits"][r]["p99Micros"]),
        ("round trips per pair", lambda run, r: run.cluster["permits"][r]["scriptsPerPair"]),
        ("pairs per second", lambda run, r: "{:,}".format(run.cluster["permits"][r]["pairsPerSecond"])),
    ]))
    w("")
    page.chart("cluster-permits", "Permit acquire + release on one Redis (higher is better)", "pairs per second, %d callers" % c0["permits"]["ours"]["callers"],
               runs, ["ours", "redisson"], lambda run, r: run.cluster["permits"][r]["pairsPerSecond"])


# Targets, checked per JDK

def targets(run):
    """(target, value, met) for each target this run has the figures for."""
    rows = []

    def add(name, compute):
        try:
            value, ok = compute()
            rows.append((name, value, ok))
        except (KeyError, TypeError, ZeroDivisionError, AttributeError, StopIteration):
            pass

    s = run.score
    add("@Retry <= 0.7x Spring Framework 7 @Retryable", lambda: (
        ratio(s(P + "oursRetry"), s(P + "springRetryable")), s(P + "oursRetry") <= 0.7 * s(P + "springRetryable")))
    add("@Retry <= 300 B per call", lambda: ("%.0f B" % run.jmh[P + "oursRetry"]["alloc"], run.jmh[P + "oursRetry"]["alloc"] <= 300))
    add("@Timed <= 0.5x Micrometer @Timed", lambda: (
        ratio(s(P + "oursTimed"), s(P + "micrometerTimed")), s(P + "oursTimed") <= 0.5 * s(P + "micrometerTimed")))
    add("observed @Timed <= 0.5x Micrometer @Observed", lambda: (
        ratio(s(P + "oursTimedObserved"), s(P + "micrometerObserved")), s(P + "oursTimedObserved") <= 0.5 * s(P + "micrometerObserved")))
    add("(not a target) one Observation alone, no proxy: the floor of any observed call, to Micrometer @Observed", lambda: (
        ratio(s(P + "observationAlone"), s(P + "micrometerObserved")), None))
    add("blocking @WithTimeout <= 0.1x submit + get", lambda: (
        "%.3fx" % (s(P + "oursTimeoutBlocking") / s(P + "handWrittenTimeout")), s(P + "oursTimeoutBlocking") <= 0.1 * s(P + "handWrittenTimeout")))
    add("async @WithTimeout <= 0.2x Resilience4j @TimeLimiter", lambda: (
        ratio(s(P + "oursTimeoutAsync"), s(P + "resilience4jTimeLimiter")), s(P + "oursTimeoutAsync") <= 0.2 * s(P + "resilience4jTimeLimiter")))
    add("all three <= 0.9x the sum of the three", lambda: (
        ratio(s(P + "oursAllThree"), timed_sum(run)), s(P + "oursAllThree") <= 0.9 * timed_sum(run)))
    add("asyncMap N=10,000 <= 1.2x the hand-written window", lambda: (
        ratio(s(M + "oursAsyncMap" + N10K), s(M + "handWrittenWindow" + N10K)), s(M + "oursAsyncMap" + N10K) <= 1.2 * s(M + "handWrittenWindow" + N10K)))
    add("asyncMap N=10,000 faster than Reactor", lambda: (
        ratio(s(M + "oursAsyncMap" + N10K), s(M + "reactorFlatMapSequential" + N10K)), s(M + "oursAsyncMap" + N10K) < s(M + "reactorFlatMapSequential" + N10K)))
    sc = run.scenarios or {}
    add("retry under failure: peak extra threads <= scheduler size (1)", lambda: (
        "%d" % sc["retry"]["ours"]["peakExtraThreads"], sc["retry"]["ours"]["peakExtraThreads"] <= 1))
    add("retry under failure: wall time <= 1.1x ideal (median round)", lambda: (
        ratio(sc["retry"]["ours"]["wallMillis"], sc["retry"]["idealMillis"]), sc["retry"]["ours"]["wallMillis"] <= 1.1 * sc["retry"]["idealMillis"]))
    add("asyncMap N=1,000,000 (keeps every result): peak heap flat (10x the items, <= 2x the heap)", lambda: (
        "%.1f MB at 100k, %.1f MB at 1M" % (sc["heap"]["oursAsyncMap_100000"], sc["heap"]["oursAsyncMap_1000000"]),
        sc["heap"]["oursAsyncMap_1000000"] <= 2 * sc["heap"]["oursAsyncMap_100000"]))
    add("asyncForEach N=1,000,000 (streams results): peak heap flat", lambda: (
        "%.1f MB at 100k, %.1f MB at 1M" % (sc["heap"]["oursAsyncForEach_100000"], sc["heap"]["oursAsyncForEach_1000000"]),
        sc["heap"]["oursAsyncForEach_1000000"] <= 2 * sc["heap"]["oursAsyncForEach_100000"]))
    add("@MaxConcurrency per call, nothing contended, <= 1.0x @ConcurrencyLimit", lambda: (
        ratio(s(P + "oursMaxConcurrency"), s(P + "springConcurrencyLimit")), s(P + "oursMaxConcurrency") <= s(P + "springConcurrencyLimit")))
    add("limit under load: threads held <= the executor's size", lambda: (
        "%d (Spring: %d)" % (sc["limit"]["ours"]["threadsHeld"], sc["limit"]["springConcurrencyLimit"]["threadsHeld"]),
        sc["limit"]["ours"]["threadsHeld"] <= sc["limit"]["executorThreads"]))
    add("limit under load: wall time <= 1.1x ideal (median round)", lambda: (
        ratio(sc["limit"]["ours"]["wallMillis"], sc["limit"]["idealMillis"]), sc["limit"]["ours"]["wallMillis"] <= 1.1 * sc["limit"]["idealMillis"]))

    def left_behind():
        left = sum(r["extraThreadsAfter"] + r["schedulerQueueAfter"] + r["executorQueueAfter"] + r["tasksStillRunning"]
                   for k, r in sc["timeouts"].items() if k.startswith("ours"))
        return "%d threads/timers/tasks left" % left, left == 0
    add("timeouts: nothing left behind", left_behind)

    f = run.fanout or {}
    for ours, hand, what in FAN_OUT_PAIRS:
        add("fan-out, %s: ours <= 1.05x" % what, lambda ours=ours, hand=hand: (
            ratio(f[ours]["wallMillis"], f[hand]["wallMillis"]), f[ours]["wallMillis"] <= 1.05 * f[hand]["wallMillis"]))
    if "virtualThreadsSemaphore" in f:
        def no_slower_than_semaphore():
            vt = f["virtualThreadsSemaphore"]["wallMillis"]
            worst = max((f[o]["wallMillis"] / vt, o) for o, _, _ in FAN_OUT_PAIRS if o in f)
            return "slowest: %s %.2fx" % (worst[1], worst[0]), worst[0] <= 1.0
        add("fan-out: every form of ours no slower than virtual threads + Semaphore(100)", no_slower_than_semaphore)
    add("fan-out, blocking form: ours holds no more platform threads than invokeAll on the same pool (+1, our scheduler)", lambda: (
        "%d vs %d" % (f["oursBlockingPool"]["peakPlatformThreads"], f["handWrittenInvokeAll"]["peakPlatformThreads"]),
        f["oursBlockingPool"]["peakPlatformThreads"] <= f["handWrittenInvokeAll"]["peakPlatformThreads"] + 1))
    for ours, hand in (("oursAsyncSendAsync", "handWrittenWindowSendAsync"), ("oursAsyncReactorNetty", "reactorFlatMap")):
        # The JDK's unnamed per-completion threads (Java 17, 2 CPUs) come and go in the thousands in both forms, so
        # their peak is a race: the threads held are the named ones, and the threads started show that ours
        # starts none of its own (a stage of ours on the default executor would start one more per call).
        add("fan-out, %s: named platform threads held <= the hand-written form's + our executor (2) and scheduler (1),"
            " and threads started <= the hand-written form's" % ours,
            lambda ours=ours, hand=hand: ("%d vs %d held, %s vs %s started" % (
                f[ours]["peakNamedThreads"], f[hand]["peakNamedThreads"],
                "{:,}".format(f[ours]["startedPlatformThreads"]), "{:,}".format(f[hand]["startedPlatformThreads"])),
                f[ours]["peakNamedThreads"] <= f[hand]["peakNamedThreads"] + 3
                and f[ours]["startedPlatformThreads"] <= f[hand]["startedPlatformThreads"]))

    c = run.contention
    for ours, theirs, who in (("oursRetry", "springRetryable", "Spring Framework 7 @Retryable"),
                              ("oursTimed", "micrometerTimed", "Micrometer @Timed")):
        add("contention, 8 threads: %s >= 1.5x %s" % (ours, who), lambda ours=ours, theirs=theirs: (
            ratio(c[8][C + ours]["score"], c[8][C + theirs]["score"]), c[8][C + ours]["score"] >= 1.5 * c[8][C + theirs]["score"]))
    for ours in ("oursRetry", "oursTimed", "oursTimeoutBlocking", "oursAllThree"):
        add("contention: %s with 8 threads >= 0.9x its 2-thread figure" % ours, lambda ours=ours: (
            ratio(c[8][C + ours]["score"], c[2][C + ours]["score"]), c[8][C + ours]["score"] >= 0.9 * c[2][C + ours]["score"]))

    p = run.pending or {}
    add("pending backoff: <= 200 B per operation", lambda: ("%d B" % p["ours"]["bytesPerOperation"], p["ours"]["bytesPerOperation"] <= 200))
    add("pending backoff: no thread per operation", lambda: (
        "%d extra threads for %s" % (p["ours"]["peakExtraThreads"], "{:,}".format(p["operations"])), p["ours"]["peakExtraThreads"] <= 2))
    st = run.startup or {}
    add("start-up: the starter adds <= 40 ms", lambda: (
        "%+.1f ms" % (st["withStarter"]["medianMillis"] - st["withoutStarter"]["medianMillis"]),
        st["withStarter"]["medianMillis"] - st["withoutStarter"]["medianMillis"] <= 40))
    cl = run.cluster or {}
    add("Redis tracker: asyncMap of 100,000 items <= 1.1x the in-memory tracker", lambda: (
        ratio(cl["trackerMap"]["redis"]["wallMillis"], cl["trackerMap"]["inMemory"]["wallMillis"]),
        cl["trackerMap"]["redis"]["wallMillis"] <= 1.1 * cl["trackerMap"]["inMemory"]["wallMillis"]))
    add("Redis tracker: <= 10 writes per tracker per second per replica", lambda: (
        "%.1f/s" % cl["trackerWrites"]["writesPerSecond"], cl["trackerWrites"]["writesPerSecond"] <= 10))
    add("cluster permit: acquire + release in at most two round trips", lambda: (
        "%.2f script calls per pair" % cl["permits"]["ours"]["scriptsPerPair"], cl["permits"]["ours"]["scriptsPerPair"] < 2.5))
    return rows


def targets_section(page, runs):
    per_run = [{name: (value, ok) for name, value, ok in targets(run)} for run in runs]
    names = []
    # The run with the most targets (Java 21+ has the virtual-thread ones) gives the order.
    for run in sorted(runs, key=lambda run: -len(targets(run))):
        for name, _, _ in targets(run):
            if name not in names:
                names.append(name)
    w = page.w
    w("## Targets", "")
    headers = ["target"]
    for run in runs:
        headers += [run.label, ""]
    rows = []
    for name in names:
        row = [name]
        for results in per_run:
            value, ok = results.get(name, ("", None))
            row += [value, "" if ok is None else ("met" if ok else "**not met**")]
        rows.append(row)
    w(*table(headers, rows))
    w("")


def reading(page, runs):
    w = page.w
    w("## Reading these numbers", "")
    w("- **Peak heap.** What grows with N for `asyncMap` is its result list, by contract: one reference per")
    w("  item (4 B with compressed pointers), the floor for any list of N results and what the hand-written")
    w("  window keeps too. The helpers store each result as the bare value and the list they return reads those")
    w("  slots in place (an `Outcome` is made when an element is read), so no per-item object is kept. The")
    w("  pending work does not grow with N: items are taken from the input only as slots free up, so at most")
    w("  `limit` tasks exist at once (`ScaleIT` asserts it for a million lazily produced items). `asyncForEach`")
    w("  is the streaming form: each outcome goes to a consumer as it completes and nothing is kept (`ScaleIT`")
    w("  asserts less than 16 MB growth between 10% and 90% of a million items).")
    w("- **Per-call costs and N = 10,000** are two JMH forks on a shared 2-core machine: the error columns are wide and")
    w("  a ratio near its target can land on either side of it from one run to the next, so read the ratios of this")
    w("  run, not the absolute numbers.")
    w("- **Retry under failure**: after each pause, our retry starts the next attempt of an async task on the")
    w("  executor, not on the timer thread, so that user code never runs on the scheduler; Resilience4j and the")
    w("  hand-written version run it on the timer thread. Whole-run wall times of a few hundred milliseconds")
    w("  vary by several milliseconds between rounds on this machine: compare medians, and see the range.")
    w("- **Fan-out** on 2 cores: the client, the server's JVM and the JIT share them, so what separates the rows is the")
    w("  HTTP client's CPU per call (its floor column), not the fan-out engine; compare each of ours with the")
    w("  hand-written form on its own line pair.")
    w("")


def main():
    output, folders = sys.argv[1], sys.argv[2:]
    runs = [Run(folder) for folder in folders]
    page = Page(output)
    header(page, runs)
    for section in (per_call, bounded_map, retry_under_failure, timeouts, concurrency_limit, fan_out, contention,
                    pending, startup, cluster, targets_section, reading):
        section(page, runs)
    with open(output, "w") as out:
        out.write("\n".join(page.lines) + "\n")


if __name__ == "__main__":
    main()
