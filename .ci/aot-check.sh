#!/usr/bin/env bash
# The sample app processed ahead of time, as it would go into a container or a native image:
#   1. builds it with -Paot (Spring Boot's process-aot goal) and checks that the executable jar
#      carries the generated context, the CGLIB proxy of the annotated CatalogueClient and the
#      starter's native-image hints;
#   2. starts the jar in AOT mode (java -Dspring.aot.enabled=true -jar ...) on a free port,
#      keeping its PID, and waits for /actuator/health;
#   3. runs the sample app's HTTP checks and its browser test against it
#      (ExternalApplication*Tests, pointed at the app with -Dsample.base-url; the browser test
#      skips itself without Chromium);
#   4. fails if the JVM had to generate a CGLIB class at run time: in a native image that class
#      would be missing and the app would not start;
#   5. stops that PID, and only that one.
# Extra arguments go to Maven: .ci/aot-check.sh -Pboot3. JAVA_HOME picks the JDK, as for ./mvnw.
# Run it after a build with the same Spring Boot version, as .ci/run does: the library modules
# are not cleaned here, only the sample app's classes.
set -euo pipefail
cd "$(dirname "$0")/.."

java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jar=sample-app/target/sample-app-0.1.0-SNAPSHOT.jar
work=sample-app/target/aot-check
app_log="$work/app.log"
class_log="$work/class-load.log"
pid=

fail() {
	echo "AOT check failed: $*" >&2
	if [ -f "$app_log" ]; then
		echo "-- last lines of $app_log:" >&2
		tail -n 40 "$app_log" >&2
	fi
	exit 1
}

stop_app() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		wait "$pid" 2>/dev/null || true
	fi
}
trap stop_app EXIT

echo "== AOT: building the sample app with -Paot $*"
# No generated class of an earlier build may linger in the jar.
rm -rf sample-app/target/classes sample-app/target/spring-aot
./mvnw -B -q "$@" -Paot -pl sample-app -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true

listing=$(unzip -l "$jar")
for entry in 'BOOT-INF/classes/io/asynchelpers/sample/SampleApplication__ApplicationContextInitializer.class' \
		'BOOT-INF/classes/io/asynchelpers/sample/CatalogueClient$$SpringCGLIB$$0.class'; do
	grep -qF "$entry" <<<"$listing" || fail "$jar has no $entry"
done
# Spring Framework 7 writes reachability-metadata.json, 6.2 reflect-config.json and resource-config.json.
hints=$(unzip -p "$jar" 'META-INF/native-image/io.asynchelpers/sample-app/*')
for hint in 'io.asynchelpers.sample.CatalogueClient$$SpringCGLIB$$0' \
		'io.asynchelpers.sample.CatalogueClient$UnknownItemException' \
		'java.lang.Exception' \
		'io.asynchelpers.actuate.AsyncProgressEndpoint$TrackerDescriptor' \
		'io.asynchelpers.autoconfigure.AsyncHelpersProperties$Retry'; do
	grep -qF "\"$hint\"" <<<"$hints" || fail "no native-image hint for $hint in $jar"
done
# The page: "glob": "static\/**" (Spring Framework 7) or "pattern": "\\Qstatic\/\\E.*" (6.2).
grep -qE '"glob": ?"static\\?/|"pattern": ?"\\\\Qstatic\\/' <<<"$hints" || fail "no native-image hint for static/** in $jar"

mkdir -p "$work"
rm -f "$app_log" "$class_log"
# The values of SampleApplicationHttpChecks.PROPERTIES. Conditions are settled at build time in
# AOT mode, so sample.demo-job.enabled=false cannot remove the demo job here: it is kept short.
"$java_cmd" -Dspring.aot.enabled=true -Xlog:class+load=info:file="$class_log" -jar "$jar" \
	--server.port=0 --sample.demo-job.items=20 \
	--catalogue.latency=30ms --catalogue.failure-rate=0.35 --catalogue.slow-rate=0.02 \
	--catalogue.slow-latency=2s --catalogue.timeout=200ms --catalogue.retry.delay=10ms \
	--asynchelpers.retry.max-retries=1 --asynchelpers.concurrency.limit=2 >"$app_log" 2>&1 &
pid=$!
echo "== AOT: started $jar as PID $pid"

port=
for _ in $(seq 1 120); do
	kill -0 "$pid" 2>/dev/null || fail "the app stopped during start-up"
	port=$(grep -oE 'Tomcat started on port [0-9]+' "$app_log" | grep -oE '[0-9]+$' | head -n 1 || true)
	if [ -n "$port" ] && curl -fsS "http://localhost:$port/actuator/health" 2>/dev/null \
			| jq -e '.status == "UP"' >/dev/null; then
		break
	fi
	port=
	sleep 1
done
[ -n "$port" ] || fail "no healthy app within 120 s"
grep -q 'Starting AOT-processed SampleApplication' "$app_log" || fail "the app did not start in AOT mode"
echo "== AOT: $(grep -oE 'Started SampleApplication in .*' "$app_log" | head -n 1), port $port"

./mvnw -B -q "$@" -pl sample-app -am test -Dtest='ExternalApplication*Tests' -Dsurefire.failIfNoSpecifiedTests=false \
	-Dsample.base-url="http://localhost:$port"
for suite in ExternalApplicationHttpTests ExternalApplicationProgressPageTests; do
	report="sample-app/target/surefire-reports/TEST-io.asynchelpers.sample.$suite.xml"
	[ -f "$report" ] || fail "no test report $report"
	counts=$(grep -oE '<testsuite [^>]*' "$report" | grep -oE ' (tests|skipped|failures|errors)="[0-9]+"' | tr -d '\n')
	echo "== AOT: $suite:$counts"
	if [ "$suite" = ExternalApplicationHttpTests ] && ! grep -q ' skipped="0"' <<<"$counts"; then
		fail "$suite skipped checks: were they pointed at the app?"
	fi
done

runtime_cglib=$(grep 'SpringCGLIB' "$class_log" | grep -v ' source: jar:' || true)
[ -z "$runtime_cglib" ] || fail "CGLIB classes were generated at run time, not at build time (a native image has none):
$runtime_cglib"

stop_app
echo "== AOT: the AOT-processed sample app passed its checks"
