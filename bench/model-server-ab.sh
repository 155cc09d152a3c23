#!/usr/bin/env bash
# A/B comparison of two model-server builds or JVM flag sets, interleaved in one run, against nginx
# serving a static 200 measured in the same rounds. Made for judging one lever at a time on a machine
# shared with other builds: each round measures nginx, then A and B in alternating order (A B, B A,
# ...), each started fresh with the flags of scripts/run.sh (no CDS archive: start-up is not
# measured here) and warmed up. Per variant and round:
#   1. GET /health and POST /predict (wrk + bench/model-server-predict.lua), BENCH_CONNECTIONS each
#   2. GET /health at 4 connections while BENCH_OVERLOAD_CONNECTIONS connections overload /predict
# Prints the median over BENCH_ROUNDS rounds of req/s, p50 and p99, each throughput as a ratio to
# nginx's median in this same run, B's median as a ratio to A's, and the server's CPU time (user +
# system, from /proc) per answered request: on a busy machine that figure moves far less than the
# throughput does. wrk output is kept in the log it names.
# Usage: BENCH_A=dir BENCH_B=dir bench/model-server-ab.sh
#   BENCH_A, BENCH_B   directories holding model-server.jar and lib/ (default: model-server/target)
#   BENCH_A_OPTS, BENCH_B_OPTS   extra JVM flags for each side (after those of scripts/run.sh)
#   BENCH_A_ENV, BENCH_B_ENV     extra environment for each side, e.g. "PREDICT_THREADS=1"
#   BENCH_ROUNDS=3 BENCH_SECONDS=6 BENCH_CONNECTIONS=16 BENCH_OVERLOAD_CONNECTIONS=256 BENCH_THREADS=2
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib/common.sh
source bench/lib/common.sh

ROUNDS="${BENCH_ROUNDS:-3}"
DURATION="${BENCH_SECONDS:-6}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
OVERLOAD="${BENCH_OVERLOAD_CONNECTIONS:-256}"
THREADS="${BENCH_THREADS:-2}"
LUA=bench/model-server-predict.lua
declare -A DIR=([A]="${BENCH_A:-model-server/target}" [B]="${BENCH_B:-model-server/target}")
declare -A OPTS=([A]="${BENCH_A_OPTS:-}" [B]="${BENCH_B_OPTS:-}")
declare -A ENVS=([A]="${BENCH_A_ENV:-}" [B]="${BENCH_B_ENV:-}")
# The flags of scripts/run.sh.
JVM_FLAGS=(-XX:MaxRAM=256m -XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=6
  -Dio.netty.allocator.maxOrder=7 -XX:+UseSerialGC -Xss512k)

need wrk wrk
need java openjdk-17-jre-headless
need python3 python3
need_nginx
for side in A B; do
  [ -f "${DIR[$side]}/model-server.jar" ] || {
    echo "no model-server.jar in ${DIR[$side]} (BENCH_$side)" >&2
    exit 1
  }
done

work="$(mktemp -d)"
log="$(mktemp /tmp/model-server-ab.XXXXXX.log)"
server_pid=""
cleanup() {
  stop_pid "$server_pid"
  stop_pid "$nginx_pid"
  rm -rf "$work"
}
trap cleanup EXIT

# CPU time (user + system) of process $1 so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))

# Runs wrk and prints "rps p50_ms p99_ms cpu_us_per_request" (the last for process $6, "-" without).
measure() { # threads, connections, duration, url, [lua], [pid]
  local out before=0 after=0
  [ -n "${6:-}" ] && before="$(cpu_ticks "$6")"
  out="$(wrk -t"$1" -c"$2" -d"$3"s --latency ${5:+-s "$5"} "$4")"
  [ -n "${6:-}" ] && after="$(cpu_ticks "$6")"
  printf '%s\n%s\n' "--- wrk -c$2 $4" "$out" >>"$log"
  local rps p50 p99 total cpu=-
  rps="$(awk '/^Requests\/sec:/ {printf "%d", $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  total="$(awk '/requests in/ {print $1}' <<<"$out")"
  if [ -n "${6:-}" ] && [ "${total:-0}" -gt 0 ]; then
    cpu="$(python3 -c "print('%.1f' % (($after - $before) * $TICK_US / $total))")"
  fi
  echo "${rps:-0} $(to_ms "$p50") $(to_ms "$p99") $cpu"
}

declare -A results
record() { # key, rps p50 p99 cpu
  results[$1.rps]+="$2 "; results[$1.p50]+="$3 "; results[$1.p99]+="$4 "; results[$1.cpu]+="$5 "
}

run_side() { # side (A or B)
  local side="$1" port base envs
  port="$(free_port)"
  read -r -a envs <<<"${ENVS[$side]}"
  # shellcheck disable=SC2086 # OPTS is a list of flags
  env PORT="$port" "${envs[@]}" java "${JVM_FLAGS[@]}" ${OPTS[$side]} \
    -jar "${DIR[$side]}/model-server.jar" >"$work/server-$side.log" 2>&1 &
  server_pid=$!
  until [ "$(http_status "$port" /ready)" = "200" ]; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server-$side.log" >&2; exit 1; }
    pause 0.05
  done
  base="http://127.0.0.1:$port"
  # Warm-up, so the measured runs see compiled code as a long-running pod does.
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "$base/health" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$LUA" "$base/predict" >/dev/null
  # shellcheck disable=SC2046 # measure prints four words
  record "$side.health" $(measure "$THREADS" "$CONNECTIONS" "$DURATION" "$base/health" "" "$server_pid")
  # shellcheck disable=SC2046
  record "$side.predict" $(measure "$THREADS" "$CONNECTIONS" "$DURATION" "$base/predict" "$LUA" "$server_pid")
  wrk -t"$THREADS" -c"$OVERLOAD" -d"$((DURATION + 2))"s -s "$LUA" "$base/predict" >/dev/null &
  local overload=$!
  pause 1
  # shellcheck disable=SC2046
  record "$side.probe" $(measure 1 4 "$DURATION" "$base/health")
  wait "$overload" || true
  stop_pid "$server_pid"
  server_pid=""
}

# --- nginx, the baseline ------------------------------------------------------------------------
nginx_port="$(free_port)"
start_nginx "$work/nginx" "$nginx_port" 1024 '{"status":"ok"}'

echo "model-server A/B: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $ROUNDS rounds," \
  "${DURATION}s per wrk run, wrk -t$THREADS -c$CONNECTIONS"
echo "A: ${DIR[A]} ${OPTS[A]} ${ENVS[A]}"
echo "B: ${DIR[B]} ${OPTS[B]} ${ENVS[B]}"
echo "log: $log"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round of $ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  # shellcheck disable=SC2046
  record nginx $(measure "$THREADS" "$CONNECTIONS" "$DURATION" "http://127.0.0.1:$nginx_port/")
  if [ $((round % 2)) -eq 1 ]; then order=(A B); else order=(B A); fi
  for side in "${order[@]}"; do run_side "$side"; done
done
stop_pid "$nginx_pid"
nginx_pid=""

# --- report ---------------------------------------------------------------------------------------
# shellcheck disable=SC2086 # the per-round values are a space-separated list
cell() { median ${results[$1]}; }
nginx_rps="$(cell nginx.rps)"
row() { # label, key, [A's key for the B/A ratio]
  local rps vs
  rps="$(cell "$2.rps")"
  vs="-"
  [ -n "${3:-}" ] && vs="$(ratio "$rps" "$(cell "$3.rps")")"
  printf '%-40s %9s %8s %8s %9s %6s %8s   %s\n' "$1" "$rps" "$(cell "$2.p50")" "$(cell "$2.p99")" \
    "$(ratio "$rps" "$nginx_rps")" "$vs" "$(cell "$2.cpu")" "${results[$2.rps]}"
}
printf '\n%-40s %9s %8s %8s %9s %6s %8s   %s\n' "run (median of $ROUNDS rounds)" "req/s" "p50 ms" \
  "p99 ms" "vs nginx" "B/A" "CPU us" "req/s per round"
row "nginx static 200" nginx
for what in health predict probe; do
  case "$what" in
    health) label="GET /health" ;;
    predict) label="POST /predict" ;;
    probe) label="GET /health (4), /predict overloaded" ;;
  esac
  row "A $label" "A.$what"
  row "B $label" "B.$what" "A.$what"
done
echo "CPU us: the server's CPU time per answered request (not measured for the probe rows)"
for what in health predict probe; do
  echo "p99 per round, $what: A ${results[A.$what.p99]}| B ${results[B.$what.p99]}"
done
for what in health predict; do
  echo "CPU us per round, $what: A ${results[A.$what.cpu]}| B ${results[B.$what.cpu]}"
done
