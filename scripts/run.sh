#!/usr/bin/env bash
# Builds the model server and starts it in the foreground on port 8080 (or PORT). Every environment variable
# passes through, e.g.  MODEL_VERSION=v2.0 scripts/run.sh  or  PORT=9090 FAULT_LATENCY_MS=50 scripts/run.sh
#
# What it does, and says so on stderr:
#   1. builds the server with Maven (10 s to a minute the first time, a few seconds after that: README); SKIP_BUILD=1
#      skips it;
#   2. on the first start after a build, makes a class-data sharing (CDS) archive with a one-off training run
#      (5 to 20 s), which then cuts every start-up by about a third; MODEL_SERVER_CDS=0 turns the archive off;
#   3. starts the server and prints its URL. Ctrl-C stops it gracefully (a stalled v2 takes up to
#      SHUTDOWN_GRACE_SECONDS, 20 s, because it waits for its hanging requests).
#
# The JVM runs with the container's memory and GC flags (256 MiB assumed RAM, serial GC) but the full JIT: the
# image stops at C1 because it gets a fifth of a core, a workstation does not need to. JAVA_OPTS adds JVM flags
# after ours (the last occurrence of a flag wins).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "run.sh: $*" >&2; }

if [ "${SKIP_BUILD:-0}" != "1" ]; then
  say "building the model server with Maven (SKIP_BUILD=1 skips this)..."
  started=$SECONDS
  mvn -B -q -ntp -pl model-server -am package -DskipTests
  say "built in $((SECONDS - started)) s"
fi

jar=model-server/target/model-server.jar
archive=model-server/target/model-server.jsa
flags=(
  -XX:MaxRAM=256m -XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=6 -Dio.netty.allocator.maxOrder=7
  -XX:+UseSerialGC -Xss512k
)

if [ "${MODEL_SERVER_CDS:-1}" = "1" ]; then
  if [ ! -f "$archive" ] || [ "$jar" -nt "$archive" ]; then
    say "creating the class-data sharing archive (one-off training run, 5 to 20 s)..."
    started=$SECONDS
    rm -f "$archive"
    if java -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=error "${flags[@]}" -jar "$jar" --train-cds \
      >model-server/target/cds-training.log 2>&1; then
      say "archive ready in $((SECONDS - started)) s"
    else
      say "CDS training failed (see model-server/target/cds-training.log); starting without"
    fi
  fi
  if [ -f "$archive" ]; then
    flags=(-XX:SharedArchiveFile="$archive" -Xlog:cds=error "${flags[@]}")
  fi
fi

say "starting ${MODEL_VERSION:-v1.0} on http://localhost:${PORT:-8080} (Ctrl-C stops it)"
# exec: the JVM replaces this shell and receives SIGTERM/SIGINT directly (graceful drain).
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec java "${flags[@]}" ${JAVA_OPTS:-} -jar "$jar"
