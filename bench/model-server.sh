#!/usr/bin/env bash
# Benchmark of the model server against nginx serving a static 200, both on loopback, in one run:
#   1. nginx (temporary config on a free port, worker_processes auto, stopped on exit): the baseline
#   2. GET /health, then POST /predict (wrk + bench/model-server-predict.lua), BENCH_CONNECTIONS each
#   3. /predict overloaded (BENCH_OVERLOAD_CONNECTIONS) while a second wrk measures /health
#   4. process start -> first /ready 200, BENCH_STARTS runs each with and without the CDS archive, and of
#      the minimal Flask app of bench/flask (python3, no container) as the baseline
#   5. RSS of the server process, sampled while it is under load
#   6. /health while 1,000 slow connections (bench/slow-clients.py) trickle request heads
#   7. /health while BENCH_SCRAPE_CONNECTIONS connections scrape /metrics as fast as they can
#   8. bench/container-startup.sh: the image's start -> ready under the pod's limits against a minimal Flask
#      app, and its memory (skipped, with a message, when no Docker engine is available)
# Prints requests/s, p50, p99 (and max for the probe under overload) and each throughput as a ratio
# to nginx measured in this same run. The server runs exactly as scripts/run.sh starts it.
# Usage: bench/model-server.sh   (env: BENCH_SECONDS=8 BENCH_CONNECTIONS=16 BENCH_OVERLOAD_CONNECTIONS=256
#                                      BENCH_SLOW_CONNECTIONS=1000 BENCH_SCRAPE_CONNECTIONS=128
#                                      BENCH_STARTS=5 BENCH_THREADS=2
#                                      SKIP_BUILD=1 JAVA_OPTS=...)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib/common.sh
source bench/lib/common.sh

DURATION="${BENCH_SECONDS:-8}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
OVERLOAD="${BENCH_OVERLOAD_CONNECTIONS:-256}"
SLOW="${BENCH_SLOW_CONNECTIONS:-1000}"
SCRAPERS="${BENCH_SCRAPE_CONNECTIONS:-128}"
STARTS="${BENCH_STARTS:-5}"
THREADS="${BENCH_THREADS:-2}"
LUA=bench/model-server-predict.lua

need wrk wrk
need java openjdk-17-jre-headless
need python3 python3
python3 -c "import flask" 2>/dev/null || { echo "missing Flask for the start-up baseline: install the Debian package python3-flask" >&2; exit 1; }
need_nginx

build_model_server

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Starts the server like scripts/run.sh; sets server_pid and prints ms from launch to /ready 200.
start_server() { # port, extra env assignments...
  local port="$1"; shift
  local start end
  start="$EPOCHREALTIME"
  env SKIP_BUILD=1 PORT="$port" "$@" scripts/run.sh >"$work/server-$port.log" 2>&1 &
  server_pid=$!
  # Also in a file: callers that take the printed time run this in a subshell.
  echo "$server_pid" >"$work/server.pid"
  until [ "$(http_status "$port" /ready)" = "200" ]; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server-$port.log" >&2; exit 1; }
    pause 0.005
  done
  end="$EPOCHREALTIME"
  python3 -c "print(round(($end - $start) * 1000))"
}

stop_server() {
  [ -n "$server_pid" ] || server_pid="$(cat "$work/server.pid" 2>/dev/null || true)"
  [ -n "$server_pid" ] || return 0
  kill "$server_pid" 2>/dev/null || true
  # Not always a child of this shell (started in a subshell): wait for it to go.
  while kill -0 "$server_pid" 2>/dev/null; do pause 0.05; done
  server_pid=""
  rm -f "$work/server.pid"
}

# Runs wrk and prints "rps p50_ms p99_ms max_ms non2xx".
measure() { # connections, duration, url, [lua]
  local out
  out="$(wrk -t"$THREADS" -c"$1" -d"$2"s --latency ${4:+-s "$4"} "$3")"
  echo "$out" >>"$work/wrk.log"
  local rps p50 p99 max non2xx
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  max="$(awk '$1 == "Latency" {print $4; exit}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  echo "${rps%.*} $(to_ms "$p50") $(to_ms "$p99") $(to_ms "$max") ${non2xx:-0}"
}

# --- nginx baseline -----------------------------------------------------------------------------
nginx_port="$(free_port)"
start_nginx "$work/nginx" "$nginx_port" 1024 '{"status":"ok"}'

echo "model-server benchmark: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), ${DURATION}s per run, wrk -t$THREADS"
read -r nginx_rps nginx_p50 nginx_p99 _ _ < <(measure "$CONNECTIONS" "$DURATION" "http://127.0.0.1:$nginx_port/")
kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=""

# --- the model server under load ------------------------------------------------------------------
port="$(free_port)"
start_server "$port" >/dev/null
pid="$server_pid"
base="http://127.0.0.1:$port"
# Warm-up so the measured runs see compiled code, as a long-running pod does.
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "$base/health" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$LUA" "$base/predict" >/dev/null

rss_max=0
sample_rss() { while kill -0 "$pid" 2>/dev/null; do r="$(rss_mib "$pid")"; echo "$r"; pause 0.5; done >"$work/rss"; }
sample_rss &
sampler=$!

read -r health_rps health_p50 health_p99 _ _ < <(measure "$CONNECTIONS" "$DURATION" "$base/health")
read -r predict_rps predict_p50 predict_p99 _ predict_errors < <(measure "$CONNECTIONS" "$DURATION" "$base/predict" "$LUA")

# Overload: many connections on /predict; meanwhile a small wrk measures /health.
wrk -t"$THREADS" -c"$OVERLOAD" -d"$((DURATION + 2))"s --latency -s "$LUA" "$base/predict" >"$work/overload.txt" &
overload_pid=$!
pause 1
read -r probe_rps probe_p50 probe_p99 probe_max probe_errors < <(THREADS=1 measure 4 "$DURATION" "$base/health")
wait "$overload_pid" || true
overload_rps="$(awk '/^Requests\/sec:/ {printf "%d", $2}' "$work/overload.txt")"
overload_shed="$(awk '/Non-2xx/ {print $5}' "$work/overload.txt")"
overload_total="$(awk '/requests in/ {print $1}' "$work/overload.txt")"

# Slow clients: SLOW connections trickle request heads (and are reopened when the server's header
# deadline closes them) while a small wrk measures /health.
python3 bench/slow-clients.py "$port" --connections "$SLOW" --seconds "$((DURATION + 3))" \
  --status "$work/slow.txt" &
slow_pid=$!
pause 2
read -r slow_rps slow_p50 slow_p99 slow_max slow_errors < <(THREADS=1 measure 4 "$DURATION" "$base/health")
wait "$slow_pid" || true

# A scrape flood: SCRAPERS connections on /metrics while a small wrk measures /health.
wrk -t"$THREADS" -c"$SCRAPERS" -d"$((DURATION + 2))"s "$base/metrics" >"$work/scrapes.txt" &
scrapes_pid=$!
pause 1
read -r scrape_probe_rps scrape_probe_p50 scrape_probe_p99 scrape_probe_max scrape_probe_errors \
  < <(THREADS=1 measure 4 "$DURATION" "$base/health")
wait "$scrapes_pid" || true
scrape_rps="$(awk '/^Requests\/sec:/ {printf "%d", $2}' "$work/scrapes.txt")"

kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
rss_max="$(sort -n "$work/rss" | tail -1)"
stop_server

# --- start-up: launch -> first /ready 200 --------------------------------------------------------
# The baseline: the minimal Flask app of bench/flask (the original lab's server was Flask), started
# with python3 on this machine, no container.
start_flask() {
  local port start end pid
  port="$(free_port)"
  start="$EPOCHREALTIME"
  PORT="$port" python3 bench/flask/app.py >"$work/flask.log" 2>&1 &
  pid=$!
  until [ "$(http_status "$port" /ready)" = "200" ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/flask.log" >&2; exit 1; }
    pause 0.005
  done
  end="$EPOCHREALTIME"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 -c "print(round(($end - $start) * 1000))"
}
cds=(); nocds=(); flask=()
for _ in $(seq 1 "$STARTS"); do
  flask+=("$(start_flask)")
  cds+=("$(start_server "$(free_port)")"); stop_server
  nocds+=("$(start_server "$(free_port)" MODEL_SERVER_CDS=0)"); stop_server
done

printf '\n%-34s %10s %9s %9s %12s\n' "run" "req/s" "p50 ms" "p99 ms" "vs nginx"
printf '%-34s %10s %9s %9s %12s\n' "nginx static 200 (baseline)" "$nginx_rps" "$nginx_p50" "$nginx_p99" "1.00"
printf '%-34s %10s %9s %9s %12s\n' "GET /health" "$health_rps" "$health_p50" "$health_p99" "$(ratio "$health_rps" "$nginx_rps")"
printf '%-34s %10s %9s %9s %12s\n' "POST /predict" "$predict_rps" "$predict_p50" "$predict_p99" "$(ratio "$predict_rps" "$nginx_rps")"
printf '%-34s %10s %9s %9s %12s\n' "GET /health, /predict overloaded" "$probe_rps" "$probe_p50" "$probe_p99" "$(ratio "$probe_rps" "$nginx_rps")"
printf '%-34s %10s %9s %9s %12s\n' "GET /health, $SLOW slow conns" "$slow_rps" "$slow_p50" "$slow_p99" "$(ratio "$slow_rps" "$nginx_rps")"
printf '%-34s %10s %9s %9s %12s\n' "GET /health, /metrics flooded" "$scrape_probe_rps" "$scrape_probe_p50" "$scrape_probe_p99" "$(ratio "$scrape_probe_rps" "$nginx_rps")"
echo
echo "connections: $CONNECTIONS (overload: $OVERLOAD on /predict, 4 on /health)"
echo "/predict non-2xx at $CONNECTIONS connections: ${predict_errors}"
echo "overloaded /predict: ${overload_rps} req/s, ${overload_shed:-0} of ${overload_total} shed with 503"
echo "slowest /health during overload: ${probe_max} ms, non-2xx: ${probe_errors}"
read -r slow_open _ slow_reconnects _ _ <"$work/slow.txt"
echo "slowest /health with $SLOW slow connections: ${slow_max} ms, non-2xx: ${slow_errors}; slow connections open at the end: ${slow_open}, closed by the server and reopened: ${slow_reconnects}"
echo "slowest /health during the scrape flood: ${scrape_probe_max} ms, non-2xx: ${scrape_probe_errors}; /metrics answered ${scrape_rps} req/s to $SCRAPERS connections"
echo "start -> ready, CDS archive:    median $(median "${cds[@]}") ms  (runs: ${cds[*]})"
echo "start -> ready, no CDS archive: median $(median "${nocds[@]}") ms  (runs: ${nocds[*]})"
echo "start -> ready, Flask (baseline): median $(median "${flask[@]}") ms  (runs: ${flask[*]}); model server with CDS / Flask: $(ratio "$(median "${cds[@]}")" "$(median "${flask[@]}")") (target <= 2)"
echo "RSS under load: max ${rss_max} MiB"

# --- the image under the pod's limits (says so and skips without a Docker engine) -------------------
echo
bench/container-startup.sh
