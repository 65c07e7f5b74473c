#!/usr/bin/env python3
"""Merges JMH JSON results of one fork each into one JMH-style result file.

Usage: merge_forks.py OUT IN...

benchmarks/run.sh runs each contention fork as a JMH run of its own, so that the 1-, 2- and 8-thread forks of one
benchmark take turns instead of running a quarter of an hour apart. This writes the forks of each benchmark back
into one entry, as one JMH run of several forks would have: the forks' iterations in "rawData" in the order of the
inputs, "forks" their count, and "score" the mean of all their measured iterations (JMH's own score for throughput).
"scoreError" is left "NaN" (what JMH writes when it has no estimate): report.py shows each fork instead.
Each input must hold one benchmark of one fork, with the same settings as the benchmark's other forks; anything else
stops it with an error, so that a failed fork cannot quietly shrink a mean.
"""
import json
import sys


def merge(paths):
    merged = {}
    for path in paths:
        with open(path) as f:
            runs = json.load(f)
        # When a fork fails, JMH (without -foe) exits 0 and writes an empty file: a fork missing from the mean must
        # stop the run, not quietly shrink the mean.
        if len(runs) != 1 or len(runs[0]["primaryMetric"]["rawData"]) != 1:
            raise SystemExit("%s: expected one benchmark of one fork, found %d benchmark(s)%s" % (
                path, len(runs), " of %d fork(s)" % len(runs[0]["primaryMetric"]["rawData"]) if runs else ""))
        run = runs[0]
        name = run["benchmark"]
        if name not in merged:
            entry = dict(run)
            entry["primaryMetric"] = dict(run["primaryMetric"], rawData=[])
            entry["secondaryMetrics"] = {}
            entry["forks"] = 0
            merged[name] = entry
        entry = merged[name]
        for key in ("mode", "threads", "params", "warmupIterations", "warmupTime", "measurementIterations",
                    "measurementTime"):
            if entry.get(key) != run.get(key):
                raise SystemExit("%s: %s is %r in %s, %r before" % (name, key, run.get(key), path, entry.get(key)))
        entry["primaryMetric"]["rawData"].extend(run["primaryMetric"]["rawData"])
        entry["forks"] += 1
    for entry in merged.values():
        values = [v for fork in entry["primaryMetric"]["rawData"] for v in fork]
        entry["primaryMetric"]["score"] = sum(values) / len(values)
        entry["primaryMetric"]["scoreError"] = "NaN"
        entry["primaryMetric"]["scoreConfidence"] = ["NaN", "NaN"]
        entry["primaryMetric"].pop("scorePercentiles", None)
    return sorted(merged.values(), key=lambda entry: entry["benchmark"])


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    result = merge(sys.argv[2:])
    with open(sys.argv[1], "w") as f:
        json.dump(result, f, indent=4)


if __name__ == "__main__":
    main()
