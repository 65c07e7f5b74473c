#!/usr/bin/env bash
# Runs the whole benchmark suite (about 6 minutes on 2 cores) and writes docs/benchmarks.md.
# Usage: benchmarks/run.sh            (JAVA_HOME picks the JDK; default: the java on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -pl benchmarks -am package -DskipTests
cp="$(cat benchmarks/target/classpath.txt):benchmarks/target/classes"
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
out=benchmarks/target/results
mkdir -p "$out"

jmh_args=(-f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc -rf json -rff "$out/jmh.json" 'ProxyOverheadBenchmark|BoundedMapBenchmark')
echo "== JMH: ${jmh_args[*]}"
"$java_cmd" -cp "$cp" org.openjdk.jmh.Main "${jmh_args[@]}" | tee "$out/jmh.txt"

echo "== Scenarios (peak heap, retry under failure, timeouts)"
"$java_cmd" -Xmx2g -cp "$cp" io.asynchelpers.benchmarks.Scenarios | tee "$out/scenarios.json"

python3 benchmarks/report.py "$out/jmh.json" "$out/scenarios.json" "$java_cmd" \
	"benchmarks/run.sh  (JMH ${jmh_args[*]}; then: java -Xmx2g io.asynchelpers.benchmarks.Scenarios)" > docs/benchmarks.md
echo "== Wrote docs/benchmarks.md"
