#!/usr/bin/env bash
# Compares the HTTP servers the lab could run on, in one run, on loopback, against nginx:
#   vertx  Vert.x core 4.5.14 HttpServer, handler on the event loop (what service-runtime uses)
#   jetty  Jetty 12 core Handler, no servlets, non-blocking body read
#   jdk    the JDK com.sun.net.httpserver.HttpServer, 4 threads, nodelay=true (the old baseline)
# All three answer GET /health and POST /echo the same way (bench/http-servers, a standalone Maven
# project outside the reactor). Each round measures, for nginx (static 200, temporary config) and
# then for each server, started fresh and warmed up:
#   1. GET /health and POST /echo (wrk + bench/http-servers-echo.lua), BENCH_CONNECTIONS each
#   2. GET /health at 4 connections while bench/slow-clients.py holds BENCH_SLOW_CONNECTIONS
#      connections open, each trickling an unfinished request head at one byte a second
#   3. the RSS of the server process after those runs
# Prints the median over BENCH_ROUNDS rounds of req/s, p50 and p99, and each throughput as a ratio
# to nginx's median in this same run; wrk output and per-round figures are kept in the log it names.
# Usage: bench/http-servers.sh   (env: BENCH_SECONDS=6 BENCH_CONNECTIONS=16 BENCH_SLOW_CONNECTIONS=1000
#                                      BENCH_ROUNDS=3 BENCH_THREADS=2 BENCH_SERVERS="vertx jetty jdk"
#                                      SKIP_BUILD=1)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib/common.sh
source bench/lib/common.sh

DURATION="${BENCH_SECONDS:-6}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
SLOW="${BENCH_SLOW_CONNECTIONS:-1000}"
ROUNDS="${BENCH_ROUNDS:-3}"
THREADS="${BENCH_THREADS:-2}"
read -r -a SERVERS <<<"${BENCH_SERVERS:-vertx jetty jdk}"
PROBES=4
LUA=bench/http-servers-echo.lua
JAR=bench/http-servers/target/http-servers-bench.jar
# The heap and GC flags of scripts/run.sh, so the servers run as the lab's services do.
JVM_FLAGS=(-XX:MaxRAM=256m -XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=25 -XX:+UseSerialGC
  -Xss512k -Dsun.net.httpserver.nodelay=true)

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is missing: installing the Debian package wrk" >&2
  apt-get install -y -q wrk >/dev/null
fi
need java openjdk-17-jre-headless
need python3 python3
need_nginx

if [ "${SKIP_BUILD:-0}" != "1" ]; then
  mvn -B -ntp -q -f bench/http-servers/pom.xml package
fi

work="$(mktemp -d)"
log="$(mktemp /tmp/http-servers-bench.XXXXXX.log)"
server_pid=""
slow_pid=""
cleanup() {
  stop_pid "$slow_pid"
  stop_pid "$server_pid"
  stop_pid "$nginx_pid"
  rm -rf "$work"
}
trap cleanup EXIT

wait_for_health() { # port, pid
  until [ "$(http_status "$1" /health)" = "200" ]; do
    kill -0 "$2" 2>/dev/null || { echo "server on port $1 exited" >&2; cat "$work"/*.out >&2; exit 1; }
    pause 0.05
  done
}

# Runs wrk and prints "rps p50_ms p99_ms errors", errors being non-2xx answers plus socket errors
# (timeouts included); latencies are "-" when no request completed.
measure() { # threads, connections, url, [lua]
  local out
  out="$(wrk -t"$1" -c"$2" -d"$DURATION"s --timeout 2s --latency ${4:+-s "$4"} "$3")"
  printf '%s\n%s\n' "--- wrk -c$2 $3" "$out" >>"$log"
  local rps total p50 p99 non2xx sock
  rps="$(awk '/^Requests\/sec:/ {printf "%d", $2}' <<<"$out")"
  total="$(awk '/requests in/ {print $1}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  sock="$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")"
  if [ "${total:-0}" -gt 0 ]; then
    p50="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
    p99="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  else
    p50=-; p99=-
  fi
  echo "${rps:-0} $p50 $p99 $((${non2xx:-0} + ${sock:-0}))"
}

# Starts bench/slow-clients.py against port $1 and waits (at most 20 s) until all are open.
start_slow() { # port
  python3 bench/slow-clients.py "$1" --connections "$SLOW" --seconds $((DURATION + 40)) \
    --status "$work/slow.status" &
  slow_pid=$!
  local open=0 waited=0
  while [ "$open" -lt "$SLOW" ] && [ "$waited" -lt 200 ]; do
    pause 0.1
    waited=$((waited + 1))
    [ -f "$work/slow.status" ] && read -r open _ <"$work/slow.status"
  done
  echo "slow clients open on port $1: $open of $SLOW" >>"$log"
}

stop_slow() {
  stop_pid "$slow_pid"
  slow_pid=""
  echo "slow clients at the end (open connecting reconnects failed-connects answered): $(cat "$work/slow.status")" >>"$log"
  rm -f "$work/slow.status"
}

# results[<name>.<run>.<field>] holds one value per round, space separated.
declare -A results
record() { # name, run, rps p50 p99 errors
  local key="$1.$2"
  results[$key.rps]+="$3 "; results[$key.p50]+="$4 "; results[$key.p99]+="$5 "
  results[$key.err]+="$6 "
}

# --- nginx, the baseline ----------------------------------------------------------------------------
nginx_port="$(free_port)"
start_nginx "$work/nginx" "$nginx_port" 4096 '{"status":"alive"}'

echo "HTTP server comparison: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$ROUNDS rounds, ${DURATION}s per wrk run, wrk -t$THREADS -c$CONNECTIONS, $SLOW slow clients"
echo "log: $log"

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round of $ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$log"
  base="http://127.0.0.1:$nginx_port"
  # shellcheck disable=SC2046 # measure prints four words
  record nginx health $(measure "$THREADS" "$CONNECTIONS" "$base/health")
  start_slow "$nginx_port"
  # shellcheck disable=SC2046
  record nginx slow $(measure 1 "$PROBES" "$base/health")
  stop_slow

  for name in "${SERVERS[@]}"; do
    port="$(free_port)"
    java "${JVM_FLAGS[@]}" -jar "$JAR" "$name" "$port" >"$work/$name.out" 2>&1 &
    server_pid=$!
    wait_for_health "$port" "$server_pid"
    base="http://127.0.0.1:$port"
    # Warm-up, so the measured runs see compiled code as a long-running pod does.
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$base/health" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$LUA" "$base/echo" >/dev/null
    # shellcheck disable=SC2046
    record "$name" health $(measure "$THREADS" "$CONNECTIONS" "$base/health")
    # shellcheck disable=SC2046
    record "$name" echo $(measure "$THREADS" "$CONNECTIONS" "$base/echo" "$LUA")
    start_slow "$port"
    # shellcheck disable=SC2046
    record "$name" slow $(measure 1 "$PROBES" "$base/health")
    stop_slow
    results[$name.rss]+="$(rss_mib "$server_pid") "
    stop_pid "$server_pid"
    server_pid=""
  done
done
stop_pid "$nginx_pid"
nginx_pid=""

# --- report -------------------------------------------------------------------------------------------
# shellcheck disable=SC2086 # the per-round values are a space-separated list
cell() { median ${results[$1]}; } # key -> median over rounds
nginx_health="$(cell nginx.health.rps)"
nginx_slow="$(cell nginx.slow.rps)"
row() { # label, key, nginx rps for the ratio
  local rps
  rps="$(cell "$2.rps")"
  printf '%-44s %9s %8s %8s %9s %8s   %s\n' "$1" "$rps" "$(cell "$2.p50")" "$(cell "$2.p99")" \
    "$(ratio "$rps" "$3")" "$(cell "$2.err")" "${results[$2.rps]}"
}
label() {
  case "$1" in
    vertx) echo "Vert.x core" ;;
    jetty) echo "Jetty 12 core" ;;
    jdk) echo "JDK HttpServer" ;;
    *) echo "$1" ;;
  esac
}
printf '\n%-44s %9s %8s %8s %9s %8s   %s\n' "run (median of $ROUNDS rounds)" "req/s" "p50 ms" "p99 ms" \
  "vs nginx" "errors" "req/s per round"
row "nginx static 200, $CONNECTIONS conns" nginx.health "$nginx_health"
row "nginx static 200, $PROBES conns, $SLOW slow" nginx.slow "$nginx_slow"
for name in "${SERVERS[@]}"; do
  row "$(label "$name") GET /health" "$name.health" "$nginx_health"
  row "$(label "$name") POST /echo" "$name.echo" "$nginx_health"
  row "$(label "$name") GET /health, $SLOW slow" "$name.slow" "$nginx_slow"
done
echo
echo "errors: non-2xx answers plus wrk socket errors (2 s timeouts included), median per round"
echo "0 req/s with '-' latencies: no request was answered during the run (wrk counts no timeout for"
echo "  a request that never gets an answer)"
echo "'$SLOW slow' rows: wrk -t1 -c$PROBES on /health while $SLOW clients trickle unfinished request heads;"
echo "  their ratio is to nginx under the same slow clients"
for name in "${SERVERS[@]}"; do
  # shellcheck disable=SC2086
  echo "RSS after the runs, $(label "$name"): median $(median ${results[$name.rss]}) MiB (rounds: ${results[$name.rss]})"
done
