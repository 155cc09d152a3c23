#!/usr/bin/env bash
# Builds the model server and starts it in the foreground on port 8080. Every environment variable
# passes through, e.g.  MODEL_VERSION=v2.0 scripts/run.sh  or  PORT=9090 FAULT_LATENCY_MS=50 scripts/run.sh
#
# The JVM runs with the container's memory and GC flags (256 MiB assumed RAM, serial GC) but the full
# JIT: the image stops at C1 because it gets a fifth of a core, a workstation does not need to. A
# class-data sharing archive made by a training run on first start (or after a rebuild) cuts start-up
# time by about a third. MODEL_SERVER_CDS=0 turns the archive off; SKIP_BUILD=1 skips the Maven build;
# JAVA_OPTS adds JVM flags after ours (the last occurrence of a flag wins).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SKIP_BUILD:-0}" != "1" ]; then
  mvn -B -q -ntp -pl model-server -am package -DskipTests
fi

jar=model-server/target/model-server.jar
archive=model-server/target/model-server.jsa
flags=(
  -XX:MaxRAM=256m -XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=25
  -XX:+UseSerialGC -Xss512k
  -Dsun.net.httpserver.nodelay=true
)

if [ "${MODEL_SERVER_CDS:-1}" = "1" ]; then
  if [ ! -f "$archive" ] || [ "$jar" -nt "$archive" ]; then
    echo "run.sh: creating the class-data sharing archive (one-off training run)" >&2
    rm -f "$archive"
    java -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=error "${flags[@]}" -jar "$jar" --train-cds \
      >model-server/target/cds-training.log 2>&1 ||
      echo "run.sh: CDS training failed (see model-server/target/cds-training.log); starting without" >&2
  fi
  if [ -f "$archive" ]; then
    flags=(-XX:SharedArchiveFile="$archive" -Xlog:cds=error "${flags[@]}")
  fi
fi

# exec: the JVM replaces this shell and receives SIGTERM/SIGINT directly (graceful drain).
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec java "${flags[@]}" ${JAVA_OPTS:-} -jar "$jar"
