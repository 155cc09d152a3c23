#!/usr/bin/env bash
# Rollback controller latency: webhook receipt -> rollback PATCH acknowledged, p50/p99 over many
# deliveries (default 250, after 50 warm-up ones) against fabric8's mock API server in CRUD mode, each
# delivery a real rollback of its own Deployment. Baseline measured in the same run: a plain GET of a
# Deployment against the same mock server; the ratio shows the controller's cost in API round trips.
# Usage: bench/rollback-latency.sh [deliveries]
set -euo pipefail
cd "$(dirname "$0")/.."

deliveries="${1:-250}"
# One reactor invocation: the sibling modules (service-runtime, test-support) then resolve to their freshly
# compiled classes, never to an older copy in ~/.m2.
mvn -B -q -ntp -pl rollback-controller -am test-compile dependency:build-classpath -Dspotless.check.skip=true \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
classpath="rollback-controller/target/test-classes:rollback-controller/target/classes:$(cat rollback-controller/target/bench.classpath)"

# Quiet logs: one INFO line per rollback would dominate the output.
exec java -Dsun.net.httpserver.nodelay=true -DLOG_LEVEL=WARN -cp "$classpath" \
  dev.selfheal.rollback.bench.RollbackLatencyBench "$deliveries"
