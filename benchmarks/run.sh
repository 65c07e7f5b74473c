#!/usr/bin/env bash
# Runs the whole benchmark suite (about 8 minutes on 2 cores) and writes docs/benchmarks.md.
# Usage: benchmarks/run.sh            (JAVA_HOME picks the JDK; default: the java on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -pl benchmarks -am package -DskipTests
cp="$(cat benchmarks/target/classpath.txt):benchmarks/target/classes"
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
out=benchmarks/target/results
mkdir -p "$out"

# Per-call and N = 10,000 cases: two forks, because on 2 shared cores a single JVM can settle
# 20-50% off another's. The N = 1,000,000 cases take up to 4 s per operation: one fork.
short_args=(-f 2 -wi 2 -w 1s -i 4 -r 1s -p n=10000 -prof gc -rf json -rff "$out/jmh-short.json"
	'ProxyOverheadBenchmark|BoundedMapBenchmark')
long_args=(-f 1 -wi 2 -w 1s -i 4 -r 1s -p n=1000000 -prof gc -rf json -rff "$out/jmh-long.json"
	'BoundedMapBenchmark')
echo "== JMH: ${short_args[*]}"
"$java_cmd" -cp "$cp" org.openjdk.jmh.Main "${short_args[@]}" | tee "$out/jmh-short.txt"
echo "== JMH: ${long_args[*]}"
"$java_cmd" -cp "$cp" org.openjdk.jmh.Main "${long_args[@]}" | tee "$out/jmh-long.txt"

echo "== Scenarios (peak heap, retry under failure, timeouts)"
"$java_cmd" -Xmx2g -cp "$cp" io.asynchelpers.benchmarks.Scenarios | tee "$out/scenarios.json"

python3 benchmarks/report.py "$out/jmh-short.json,$out/jmh-long.json" "$out/scenarios.json" "$java_cmd" \
	"benchmarks/run.sh  (JMH ${short_args[*]}; JMH ${long_args[*]}; then: java -Xmx2g io.asynchelpers.benchmarks.Scenarios)" \
	> docs/benchmarks.md
echo "== Wrote docs/benchmarks.md"
