#!/usr/bin/env bash
# Throughput in rows per second: single-row POST /predict against POST /v2/models/fraud-detector/infer with
# BENCH_ROWS (64) rows per request, in the JSON form and in the binary tensor form (binary outputs too), all in
# one run against one server started exactly like scripts/run.sh. Every infer response is checked once with curl
# before the runs; wrk counts non-2xx answers. Prints req/s, rows/s, p50/p99 and each rows/s as a ratio to
# /predict (target: batched >= 10x single-row).
# Usage: bench/model-server-oip.sh   (env: BENCH_SECONDS=8 BENCH_CONNECTIONS=16 BENCH_ROWS=64 BENCH_THREADS=2
#                                          SKIP_BUILD=1 JAVA_OPTS=...)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib/common.sh
source bench/lib/common.sh

DURATION="${BENCH_SECONDS:-8}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
ROWS="${BENCH_ROWS:-64}"
THREADS="${BENCH_THREADS:-2}"

need wrk wrk
need java openjdk-17-jre-headless
need python3 python3
need curl curl

build_model_server

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

port="$(free_port)"
base="http://127.0.0.1:$port"
env SKIP_BUILD=1 PORT="$port" scripts/run.sh >"$work/server.log" 2>&1 &
server_pid=$!
until curl -sf "$base/ready" >/dev/null; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done

python3 bench/oip-bodies.py "$work" "$ROWS"
header_length="$(cat "$work/infer.bin.header-length")"
infer="$base/v2/models/fraud-detector/infer"

# One checked request of each form: 200, and ROWS predictions back.
check() { # label, curl args...
  local label="$1"; shift
  local status
  status="$(curl -s -o "$work/answer" -w '%{http_code}' -X POST "$infer" "$@")"
  [ "$status" = "200" ] || { echo "$label: HTTP $status $(head -c 300 "$work/answer")" >&2; exit 1; }
}
check "JSON" --data-binary @"$work/infer.json" -H 'Content-Type:'
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['outputs'][0]['shape']==[int(sys.argv[2])], d" \
  "$work/answer" "$ROWS"
check "binary" --data-binary @"$work/infer.bin" -H 'Content-Type:' -H "Inference-Header-Content-Length: $header_length"

# Runs wrk and prints "rps p50_ms p99_ms non2xx".
measure() { # url, lua, [env assignments...]
  local url="$1" lua="$2"; shift 2
  local out
  out="$(env "$@" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION"s --latency -s "$lua" "$url")"
  echo "$out" >>"$work/wrk.log"
  local rps p50 p99 non2xx
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  echo "${rps%.*} $(to_ms "$p50") $(to_ms "$p99") ${non2xx:-0}"
}

# Warm-up so the measured runs see compiled code, as a long-running pod does.
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s bench/model-server-predict.lua "$base/predict" >/dev/null
BODY_FILE="$work/infer.json" wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s bench/model-server-infer.lua "$infer" >/dev/null
BODY_FILE="$work/infer.bin" HEADER_LENGTH="$header_length" \
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s bench/model-server-infer.lua "$infer" >/dev/null

echo "model-server OIP benchmark: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), ${DURATION}s per run, wrk -t$THREADS -c$CONNECTIONS, $ROWS rows per infer"
read -r predict_rps predict_p50 predict_p99 predict_bad < <(measure "$base/predict" bench/model-server-predict.lua)
read -r json_rps json_p50 json_p99 json_bad < <(measure "$infer" bench/model-server-infer.lua BODY_FILE="$work/infer.json")
read -r bin_rps bin_p50 bin_p99 bin_bad < <(measure "$infer" bench/model-server-infer.lua \
  BODY_FILE="$work/infer.bin" HEADER_LENGTH="$header_length")

rows() { echo $(($1 * $2)); }
rows_ratio() { python3 -c "print('%.1f' % ($1 / $2))"; }
printf '\n%-40s %8s %10s %8s %8s %9s %8s\n' "run" "req/s" "rows/s" "p50 ms" "p99 ms" "non-2xx" "vs 1-row"
printf '%-40s %8s %10s %8s %8s %9s %8s\n' "POST /predict (1 row)" "$predict_rps" "$predict_rps" \
  "$predict_p50" "$predict_p99" "$predict_bad" "1.0"
printf '%-40s %8s %10s %8s %8s %9s %8s\n' "POST infer, JSON ($ROWS rows)" "$json_rps" "$(rows "$json_rps" "$ROWS")" \
  "$json_p50" "$json_p99" "$json_bad" "$(rows_ratio "$(rows "$json_rps" "$ROWS")" "$predict_rps")"
printf '%-40s %8s %10s %8s %8s %9s %8s\n' "POST infer, binary tensors ($ROWS rows)" "$bin_rps" "$(rows "$bin_rps" "$ROWS")" \
  "$bin_p50" "$bin_p99" "$bin_bad" "$(rows_ratio "$(rows "$bin_rps" "$ROWS")" "$predict_rps")"
