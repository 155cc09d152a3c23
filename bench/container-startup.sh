#!/usr/bin/env bash
# Container start-up under the pod's limits, in one run: the model-server image against a minimal Flask app.
#   1. builds bench/flask (Debian's python3-flask and bench/flask/app.py, FROM the model server's runtime base
#      image, so both start from the same distribution layer); the model-server image is built only when it is
#      missing (BENCH_BUILD_IMAGE=1 rebuilds it)
#   2. BENCH_CONTAINER_STARTS times each, alternating: `docker run` with the limits k8s/deployment.yaml sets
#      (--cpus 0.2 --memory 256m, read-only root, a tmpfs on /tmp) -> first GET /ready 200 on loopback.
#      The Flask app runs in a container under the same limits (python3 app.py, Flask's own server).
#   3. the model server's memory once ready and after BENCH_LOAD_SECONDS of /predict load (wrk, 4 connections):
#      resident set of the JVM (VmRSS) and the container's memory as `docker stats` counts it
# Prints each median, the CPU time each process used until ready, and the ratio model server / Flask (target 1.5).
# Without a usable Docker engine it says so and exits 0. Containers use the host network and 127.0.0.1 only.
# Usage: bench/container-startup.sh   (env: BENCH_CONTAINER_STARTS=5 BENCH_LOAD_SECONDS=5 BENCH_BUILD_IMAGE=0
#                                           MODEL_SERVER_IMAGE=model-server:v1 FLASK_BASE=eclipse-temurin:17-jre)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib/common.sh
source bench/lib/common.sh

STARTS="${BENCH_CONTAINER_STARTS:-5}"
LOAD_SECONDS="${BENCH_LOAD_SECONDS:-5}"
IMAGE="${MODEL_SERVER_IMAGE:-model-server:v1}"
FLASK_IMAGE=bench-flask:latest
FLASK_BASE="${FLASK_BASE:-eclipse-temurin:17-jre}"
LIMITS=(--network host --cpus 0.2 --memory 256m --read-only --tmpfs /tmp)
READY_TIMEOUT_S=60

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
  echo "container start-up: no Docker engine available, skipped (docs/model-server.md, Benchmark)"
  exit 0
fi

containers=()
cleanup() {
  for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

# CPU time (user + system, ms) the container's main process has used so far; host PID from docker inspect.
cpu_ms() {
  local pid
  pid="$(docker inspect -f '{{.State.Pid}}' "$1")"
  awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$pid/stat"
}

container_rss_mib() {
  local pid
  pid="$(docker inspect -f '{{.State.Pid}}' "$1")"
  awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$pid/status"
}

container_mem() { docker stats --no-stream --format '{{.MemUsage}}' "$1" | cut -d/ -f1 | tr -d ' '; }

# Starts image $1 under the limits on a free port; sets `started` (container id), `port` and `elapsed` (ms
# from `docker run` to the first /ready 200). Not called in $(...): the variables must reach the caller.
started=""
port=""
elapsed=""
start_container() {
  local start_us polls=0
  port="$(free_port)"
  start_us="${EPOCHREALTIME/./}"
  started="$(docker run -d --rm "${LIMITS[@]}" -e PORT="$port" "$1")"
  containers+=("$started")
  until [ "$(http_status "$port" /ready)" = "200" ]; do
    polls=$((polls + 1))
    # Every half second: is the container still running, and within the deadline?
    if [ $((polls % 50)) -eq 0 ]; then
      if [ "$(docker inspect -f '{{.State.Running}}' "$started" 2>/dev/null)" != "true" ] \
        || [ $((${EPOCHREALTIME/./} - start_us)) -gt $((READY_TIMEOUT_S * 1000000)) ]; then
        echo "$1 did not turn ready within ${READY_TIMEOUT_S} s" >&2
        docker logs "$started" >&2 || true
        exit 1
      fi
    fi
    pause 0.01
  done
  elapsed=$(((${EPOCHREALTIME/./} - start_us) / 1000))
}

stop_container() {
  docker stop -t 10 "$1" >/dev/null 2>&1 || true
}

# --- images ---------------------------------------------------------------------------------------
build() { # docker build arguments...; its output only when it fails
  local log
  log="$(mktemp)"
  docker build -q --network host "$@" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
}
build --build-arg BASE="$FLASK_BASE" -t "$FLASK_IMAGE" bench/flask
if [ "${BENCH_BUILD_IMAGE:-0}" = "1" ] || ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  build -t "$IMAGE" .
fi

echo "container start-up: $IMAGE (built $(docker image inspect -f '{{.Created}}' "$IMAGE" | cut -c1-19)) vs Flask," \
  "limits: ${LIMITS[*]}, $STARTS starts each, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- start -> ready, alternating ------------------------------------------------------------------
flask=(); flask_cpu=(); ours=(); ours_cpu=(); ours_jvm=()
for _ in $(seq 1 "$STARTS"); do
  start_container "$FLASK_IMAGE"
  flask+=("$elapsed")
  flask_cpu+=("$(cpu_ms "$started")")
  stop_container "$started"

  start_container "$IMAGE"
  ours+=("$elapsed")
  ours_cpu+=("$(cpu_ms "$started")")
  # The server's own figure: from the JVM's process start, so without `docker run`'s share.
  ours_jvm+=("$(docker logs "$started" 2>&1 | sed -n 's/.*Ready \([0-9]*\) ms after \(process\|JVM\) start.*/\1/p' | head -1)")
  last="$started"
  last_port="$port"
  # The last run's container stays up for the memory figures.
  if [ ${#ours[@]} -lt "$STARTS" ]; then stop_container "$started"; fi
done

# --- memory of the last model-server container ----------------------------------------------------
pause 1
rss_ready="$(container_rss_mib "$last")"
mem_ready="$(container_mem "$last")"
if command -v wrk >/dev/null 2>&1; then
  wrk -t1 -c4 -d"${LOAD_SECONDS}"s -s bench/model-server-predict.lua "http://127.0.0.1:$last_port/predict" \
    >/dev/null
  load_note="after ${LOAD_SECONDS} s of /predict (wrk, 4 connections)"
  rss_load="$(container_rss_mib "$last")"
  mem_load="$(container_mem "$last")"
else
  load_note="no load run (install the Debian package wrk)"
  rss_load="-"
  mem_load="-"
fi
stop_container "$last"

flask_median="$(median "${flask[@]}")"
ours_median="$(median "${ours[@]}")"
printf '\n%-44s %8s %12s   %s\n' "start -> first /ready 200 (docker run included)" "median" "CPU median" "runs (ms)"
printf '%-44s %6s ms %9s ms   %s\n' "Flask (python3 app.py)" "$flask_median" "$(median "${flask_cpu[@]}")" "${flask[*]}"
printf '%-44s %6s ms %9s ms   %s\n' "$IMAGE" "$ours_median" "$(median "${ours_cpu[@]}")" "${ours[*]}"
echo "model server / Flask: $(python3 -c "print('%.2f' % ($ours_median / $flask_median))") (target <= 1.5)"
echo "model server, JVM start -> ready as it logs it: median $(median "${ours_jvm[@]}") ms (runs: ${ours_jvm[*]})"
echo "model server memory once ready: RSS ${rss_ready} MiB, container ${mem_ready}"
echo "model server memory ${load_note}: RSS ${rss_load} MiB, container ${mem_load}"
