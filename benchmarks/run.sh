#!/usr/bin/env bash
# Runs the whole benchmark suite on each JDK, one after the other, and writes docs/benchmarks.md with
# both JDKs side by side and one SVG chart per section (docs/benchmarks/*.svg). About 55 minutes per
# JDK on 2 quiet cores (measured 2026-11-29: 52 min on Java 17 and 49 on Java 25, before the N = 10,000 map went
# from two forks to six, which adds about 4): run it on a machine that does nothing else.
#
# Usage: benchmarks/run.sh             the JDK of JAVA_HOME (default: the java on the PATH), then the
#                                      first /usr/lib/jvm/temurin-25* when there is one
#        JDKS="/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64" benchmarks/run.sh
#                                      these JDK homes, in this order
#        SMOKE=1 benchmarks/run.sh     tiny sizes, one round, one short JMH iteration: proves that every
#                                      case runs and checks its work, in a few minutes per JDK; writes
#                                      benchmarks/target/smoke/benchmarks.md, never docs/
#        CONTENTION_ITERATIONS=3 ...   three measured iterations per contention fork (2 and 8 threads) instead of four
#        FANOUT_SERVER=netty ...       the fan-out's server on Reactor Netty instead of the JDK's HttpServer
#                                      (for a machine where the section's server check shows the JDK's as the
#                                      bottleneck)
#        PARTS="fanout startup" ...    only these parts (jmh contention scenarios fanout pending startup cluster);
#                                      the report leaves out the sections it has no results for
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip
cp="$(cat benchmarks/target/classpath.txt):benchmarks/target/classes"
smoke="${SMOKE:-}"
parts="${PARTS:-jmh contention scenarios fanout pending startup cluster}"
if [[ -n "$smoke" ]]; then
	out=benchmarks/target/smoke
	report=benchmarks/target/smoke/benchmarks.md
else
	out=benchmarks/target/results
	report=docs/benchmarks.md
fi

if [[ -n "${JDKS:-}" ]]; then
	read -r -a jdks <<< "$JDKS"
else
	default_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
	jdks=("$default_home")
	for home in /usr/lib/jvm/temurin-25*; do
		if [[ -x "$home/bin/java" && "$(readlink -f "$home")" != "$(readlink -f "$default_home")" ]]; then
			jdks+=("$home")
			break
		fi
	done
fi

if [[ -n "$smoke" ]]; then
	jmh_timing=(-f 1 -wi 0 -i 1 -w 200ms -r 200ms)
	limits_timing=("${jmh_timing[@]}")
	map_timing=("${jmh_timing[@]}")
	long_timing=(-f 1 -wi 0 -i 1 -w 200ms -r 200ms)
	contention_timing=(-wi 0 -i 2 -w 200ms -r 200ms)
	contention_timing_one=("${contention_timing[@]}")
	contention_timing_eight=("${contention_timing[@]}")
	contention_forks_one=1
	contention_forks=1
	rounds=(-Dbench.warmUpRounds=0 -Dbench.rounds=1)
	fanout_size=(-Dbench.calls=500)
	pending_size=(-Dbench.pending=5000)
	startup_size=(-Dbench.starts=1 -Dbench.warmUpStarts=0)
	cluster_size=(-Dbench.clusterItems=5000 -Dbench.clusterWriteMillis=1000 -Dbench.permitPairs=200 -Dbench.permitMillis=500)
else
	# Per-call cases: two forks, because on 2 shared cores a single JVM can settle 20-50% off another's.
	jmh_timing=(-f 2 -wi 2 -w 1s -i 4 -r 1s)
	# The bounded map of N = 10,000 hands every task between threads, and its ratio to the hand-written window
	# moved from 0.77x to 2.23x between two runs of two forks on this kind of machine (one fork's mean 12.4 ms, the
	# other's 10.4 ms in the same run): six forks, as the limits have.
	map_timing=(-f 6 -wi 2 -w 1s -i 4 -r 1s)
	# The limits per call (ours, Spring's @ConcurrencyLimit, Resilience4j's @Bulkhead) are about the cost of the
	# proxy itself, and one fork's JIT can put either of ours and Spring's 30% above the other fork's (100-160 ns
	# for the same case, measured here in one four-fork run): six forks, so that the ratio is not one fork's luck.
	limits_timing=(-f 6 -wi 2 -w 1s -i 4 -r 1s)
	# The N = 1,000,000 cases take up to 4 s per operation: one fork.
	long_timing=(-f 1 -wi 2 -w 1s -i 4 -r 1s)
	# Contention, 2 and 8 caller threads: three forks, each reported on its own, of four 1 s iterations
	# (CONTENTION_ITERATIONS changes it), after eight 2 s warm-up iterations. With 8 busy caller threads on 2 cores the
	# JIT's compiler threads get little CPU: -XX:+PrintCompilation showed one C2 compile of the interceptor taking
	# 3 s of wall time, while the methods queued behind it ran as profiled C1 code whose profile counters all
	# 8 threads write (blocking @WithTimeout: 300-900 ops/ms for the first 4-8 s of a fork, then 8,000-10,000,
	# against about 10,000 with 2 threads, which are warm after 2 s). After 5 x 2 s some forks were still there.
	# Warm, one fork's mean still lands up to 15% from another's for every case (Spring's and Micrometer's too; four
	# forks of our @Retry with 8 threads: 12,700-16,400 ops/ms), so the 8-thread / 2-thread ratio needs three forks.
	# One caller thread warms as fast as two: two forks after four warm-up iterations. Eight caller threads get twenty
	# warm-up iterations, not eight: on Java 25 all three annotations on one method were still at 1,100-3,400 ops/ms
	# after 8 x 2 s in two of three forks, and one fork measured 2,200-4,250 (fork mean 3,618, against about 6,000
	# with 2 threads); with 20 x 2 s, four forks of 4 were steady from the 6th to the 11th iteration, at 5,860-7,350.
	contention_timing_one=(-wi 4 -w 2s -i 5 -r 1s)
	contention_timing=(-wi 8 -w 2s -i "${CONTENTION_ITERATIONS:-4}" -r 1s)
	contention_timing_eight=(-wi 20 -w 2s -i "${CONTENTION_ITERATIONS:-4}" -r 1s)
	contention_forks_one=2
	contention_forks=3
	rounds=()
	fanout_size=()
	pending_size=()
	startup_size=()
	cluster_size=()
fi

# step NAME OUTPUT COMMAND...: runs COMMAND, its standard output to OUTPUT, and notes it in commands.txt.
step() {
	local name=$1 output=$2
	shift 2
	echo "== $name: ${*//$cp/\$cp}"
	echo "$name: ${*//$cp/\$cp}" >> "$dir/commands.txt"
	local started=$SECONDS
	"$@" > "$output"
	echo "== $name took $((SECONDS - started)) s"
}

# contention_setup THREADS: sets timing (JMH's iteration options) and forks for that many caller threads.
contention_setup() {
	forks=$contention_forks
	timing=("${contention_timing[@]}")
	if (($1 == 1)); then
		forks=$contention_forks_one
		timing=("${contention_timing_one[@]}")
	elif (($1 == 8)); then
		timing=("${contention_timing_eight[@]}")
	fi
}

# contention JAVA: the contention benchmarks with 1, 2 and 8 caller threads. Each fork is a JMH run of its own, and a
# benchmark's forks take turns: 1, 2 and 8 threads, then again, benchmark by benchmark. So a slow stretch of the shared
# host falls on a benchmark's 2- and 8-thread forks alike, and the ratio between them is not the luck of when each
# was run. One JMH run per thread count put them 10-25 minutes apart, and that moved the ratio more than the target's
# 10% margin. Java 17, our @Retry, fork means in ops/ms, 2026-11-29 (UTC):
#  - one run of this script, 2 threads then 8 threads, three forks each (08:59-09:18): 21,750, 23,842, 23,732 then
#    20,975, 19,077, 19,603: 0.86x;
#  - right after, five forks of 2 threads then five of 8 (10 x 2 s warm-up, 3 x 1 s measured each): 20,266-24,577
#    then 16,087-22,993: 0.86x;
#  - then, with the same iterations, four rounds of one 2-thread and one 8-thread fork, taking turns (09:43-09:51): 20,855-25,358 and
#    22,634-25,369: 1.01x.
# Other contenders' forks swing as much: in the run of 05:44 (commit f64682a), Micrometer's @Timed with 8 threads on
# Java 17 measured fork means of 3,098, 2,801 and 4,266.
# merge_forks.py then writes one JMH-style file per thread count, as one JMH run of all its forks would have.
contention() {
	local java=$1 parts_dir="$dir/contention" threads fork name
	mkdir -p "$parts_dir"
	local names=()
	mapfile -t names < <("$java" -cp "$cp" org.openjdk.jmh.Main -l 'ContentionBenchmark' | sed -n 's/^.*ContentionBenchmark\.//p')
	if ((${#names[@]} == 0)); then
		echo "No contention benchmarks found" >&2
		return 1
	fi
	for threads in 1 2 8; do
		contention_setup "$threads"
		echo "JMH contention, $threads caller thread(s), $forks fork(s), each fork a JMH run of its own, taken in turn with the other thread counts, benchmark by benchmark: $java -cp \$cp org.openjdk.jmh.Main -f 1 -foe true ${timing[*]} -jvmArgsAppend -XX:ThreadPriorityPolicy=1 -bm thrpt -tu ms -t $threads -rf json -rff $parts_dir/t$threads-<benchmark>-<fork>.json 'ContentionBenchmark.<benchmark>\$'" >> "$dir/commands.txt"
	done
	echo "== JMH contention (${names[*]})"
	local started=$SECONDS
	for name in "${names[@]}"; do
		for ((fork = 1; fork <= contention_forks; fork++)); do
			for threads in 1 2 8; do
				contention_setup "$threads"
				if ((fork > forks)); then
					continue
				fi
				# Every contender's fork runs its JIT compiler (and G1's concurrent) threads at nice -4 instead of 0,
				# the JDK's own mapping under ThreadPriorityPolicy=1 (root only; elsewhere the JDK warns and changes
				# nothing), so that busy caller threads cannot starve the compiler into measuring half-compiled
				# code. Measured here on Java 17, our @Timed with 8 threads, two forks of 8 x 2 s warm-up and
				# 4 x 1 s: without it, first warm-up iterations 3,500 and 3,000 ops/ms and one fork measuring
				# 10,346-12,848 after warming to 11,552; with it, 6,800 and 7,400 and measured 11,964-12,804 and
				# 12,586-13,431.
				# -foe true: a failed fork stops the run (JMH otherwise exits 0 and writes an empty result).
				"$java" -cp "$cp" org.openjdk.jmh.Main -f 1 -foe true "${timing[@]}" -jvmArgsAppend -XX:ThreadPriorityPolicy=1 \
					-bm thrpt -tu ms -t "$threads" -rf json -rff "$parts_dir/t$threads-$name-$fork.json" \
					"ContentionBenchmark.$name\$" >> "$dir/jmh-contention-t$threads.txt"
				echo "== $name, $threads caller threads, fork $fork: $(python3 -c 'import json, sys
print(" ".join("%.0f" % v for v in json.load(open(sys.argv[1]))[0]["primaryMetric"]["rawData"][0]))' \
					"$parts_dir/t$threads-$name-$fork.json") ops/ms"
			done
		done
	done
	for threads in 1 2 8; do
		contention_setup "$threads"
		local inputs=()
		for name in "${names[@]}"; do
			for ((fork = 1; fork <= forks; fork++)); do
				inputs+=("$parts_dir/t$threads-$name-$fork.json")
			done
		done
		python3 benchmarks/merge_forks.py "$dir/jmh-contention-t$threads.json" "${inputs[@]}"
	done
	echo "== JMH contention took $((SECONDS - started)) s"
}

run_suite() {
	local java="$1/bin/java" feature
	feature="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
	dir="$out/java$feature"
	rm -rf "$dir"
	mkdir -p "$dir"
	"$java" -version 2> "$dir/java-version.txt"
	# Netty loads its native transport: Java 22+ warns unless native access is granted.
	native_access=()
	if ((feature >= 22)); then
		native_access=(--enable-native-access=ALL-UNNAMED)
	fi
	: > "$dir/commands.txt"
	echo "==== Java $feature ($1) into $dir"
	if [[ " $parts " == *" jmh "* ]]; then
		local limits='ProxyOverheadBenchmark.(oursMaxConcurrency|springConcurrencyLimit|resilience4jBulkhead)$'
		step "JMH per call" "$dir/jmh-short.txt" "$java" -cp "$cp" org.openjdk.jmh.Main \
			"${jmh_timing[@]}" -prof gc -rf json -rff "$dir/jmh-short.json" -e "$limits" 'ProxyOverheadBenchmark'
		step "JMH N = 10,000" "$dir/jmh-map.txt" "$java" -cp "$cp" org.openjdk.jmh.Main \
			"${map_timing[@]}" -p n=10000 -prof gc -rf json -rff "$dir/jmh-map.json" 'BoundedMapBenchmark'
		step "JMH the limits per call" "$dir/jmh-limits.txt" "$java" -cp "$cp" org.openjdk.jmh.Main \
			"${limits_timing[@]}" -prof gc -rf json -rff "$dir/jmh-limits.json" "$limits"
		step "JMH N = 1,000,000" "$dir/jmh-long.txt" "$java" -cp "$cp" org.openjdk.jmh.Main \
			"${long_timing[@]}" -p n=1000000 -prof gc -rf json -rff "$dir/jmh-long.json" 'BoundedMapBenchmark'
	fi
	if [[ " $parts " == *" contention "* ]]; then
		contention "$java"
	fi
	if [[ " $parts " == *" scenarios "* ]]; then
		step "Scenarios (peak heap, retry under failure, timeouts, limit)" "$dir/scenarios.json" \
			"$java" -Xmx2g "${rounds[@]}" -cp "$cp" io.asynchelpers.benchmarks.Scenarios
	fi
	if [[ " $parts " == *" fanout "* ]]; then
		step "I/O-bound fan-out" "$dir/fanout.json" \
			"$java" -Xmx2g "${native_access[@]}" "${rounds[@]}" "${fanout_size[@]}" -Dbench.server="${FANOUT_SERVER:-jdk}" \
			-cp "$cp" io.asynchelpers.benchmarks.FanOutScenario
	fi
	if [[ " $parts " == *" pending "* ]]; then
		step "Pending work in retry backoff" "$dir/pending.json" \
			"$java" -Xmx2g "${rounds[@]}" "${pending_size[@]}" -cp "$cp" io.asynchelpers.benchmarks.PendingBackoffScenario
	fi
	if [[ " $parts " == *" startup "* ]]; then
		step "Start-up" "$dir/startup.json" \
			"$java" -Xmx1g "${startup_size[@]}" -cp "$cp" io.asynchelpers.benchmarks.StartupScenario
	fi
	if [[ " $parts " == *" cluster "* ]]; then
		# Starts its own redis-server on a free port (Debian's package), or says it skipped. A map of
		# 100,000 trivial items takes some 30 ms: the median of 5 rounds swings by +-50% on 2 cores,
		# so this part takes 31 (a few seconds in all).
		cluster_rounds=(-Dbench.rounds=31)
		if [[ -n "$smoke" ]]; then
			cluster_rounds=("${rounds[@]}")
		fi
		step "Replicas on Redis (tracker, writes, permits against Redisson)" "$dir/cluster.json" \
			"$java" -Xmx2g "${native_access[@]}" "${cluster_rounds[@]}" "${cluster_size[@]}" -cp "$cp" \
			io.asynchelpers.benchmarks.ClusterScenario
	fi
}

dirs=()
for home in "${jdks[@]}"; do
	started=$SECONDS
	run_suite "$home"
	echo "$((SECONDS - started))" > "$dir/seconds.txt"
	echo "==== $dir took $((SECONDS - started)) s"
	dirs+=("$dir")
done

python3 benchmarks/report.py "$report" "${dirs[@]}"
echo "== Wrote $report"
