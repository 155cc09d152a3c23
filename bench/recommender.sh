#!/usr/bin/env bash
# Benchmark of the Exercise 5 recommender, all on loopback, every phase time-bounded:
#   1. start redis-server on a free port and fill it with BENCH_EMBEDDINGS generated embeddings (EmbeddingLoader)
#   2. start the profile API stub and the recommender (WARMUP_MIN_SECONDS=0: full-speed load; PROFILE_TIMEOUT_MS
#      raised to 2 s so that a saturated CPU measures ranking, not the breaker) and report how many embeddings per
#      second the start-up load read from Redis
#   3. with wrk: the recommender's own /health as the baseline, then /recommendations with a warm cache (a fixed
#      set of users, all cached) and with every request a cache miss (profile call + ranking); requests/s, p99
#      and the ratio to the baseline measured in this same run
#   4. redis-benchmark PING for reference
# Usage: bench/recommender.sh            (env: BENCH_EMBEDDINGS=20000 BENCH_DIM=64 BENCH_SECONDS=10
#                                               BENCH_CONNECTIONS=16 BENCH_USERS=1000)
set -euo pipefail
cd "$(dirname "$0")/.."

EMBEDDINGS="${BENCH_EMBEDDINGS:-20000}"
DIM="${BENCH_DIM:-64}"
SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
USERS="${BENCH_USERS:-1000}"

need() { # command, Debian package
  command -v "$1" >/dev/null 2>&1 || { echo "missing $1: install the Debian package $2" >&2; exit 1; }
}
need redis-server redis-server
need redis-benchmark redis-tools
need wrk wrk
need curl curl
need java openjdk-17-jre-headless

JAR=recommender/target/recommender.jar
if [ ! -f "$JAR" ] || [ ! -d recommender/target/lib ]; then
  echo "building $JAR ..."
  mvn -B -q -ntp -pl recommender -am package -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true
fi

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( (RANDOM % 30000) + 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() { # url, max seconds
  local deadline=$(( $(date +%s) + $2 ))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "timed out waiting for $1" >&2
      return 1
    fi
    sleep 0.2
  done
}

metric_sum() { # port, metric name -> sum over all label sets
  curl -fsS "http://127.0.0.1:$1/metrics" | awk -v m="$2" 'index($1, m) == 1 { s += $2 } END { print s + 0 }'
}

metric() { # port, metric name -> value
  curl -fsS "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m && v == "" { v = $2 } END { print v }'
}

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done

echo "== loading $EMBEDDINGS embeddings of dimension $DIM into redis-server :$REDIS_PORT"
load_start=$(date +%s.%N)
REDIS_HOST=127.0.0.1 REDIS_PORT=$REDIS_PORT EMBEDDINGS_COUNT=$EMBEDDINGS EMBEDDINGS_DIM=$DIM \
  timeout 300 java -cp "$JAR" dev.selfheal.recommender.loader.EmbeddingLoader >"$WORK/loader.log" 2>&1
load_end=$(date +%s.%N)
write_seconds=$(echo "$load_end - $load_start" | bc -l)

STUB_PORT=$(free_port)
PORT=$STUB_PORT PROFILE_ITEM_COUNT=$EMBEDDINGS \
  java -Dsun.net.httpserver.nodelay=true -cp "$JAR" dev.selfheal.recommender.stub.ProfileApiStub \
  >"$WORK/stub.log" 2>&1 &
PIDS+=($!)

APP_PORT=$(free_port)
PORT=$APP_PORT REDIS_HOST=127.0.0.1 REDIS_PORT=$REDIS_PORT PROFILE_API_URL="http://127.0.0.1:$STUB_PORT" \
  WARMUP_MIN_SECONDS=0 EMBEDDINGS_BATCH_SIZE=1000 CACHE_MAX_BYTES=268435456 PROFILE_TIMEOUT_MS=2000 \
  java -Xmx1g -Dsun.net.httpserver.nodelay=true -jar "$JAR" >"$WORK/recommender.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$STUB_PORT/health" 60
wait_for "http://127.0.0.1:$APP_PORT/startup" 300

load_seconds=$(metric "$APP_PORT" recommender_embeddings_load_duration_seconds)
loaded=$(metric "$APP_PORT" recommender_embeddings_loaded)
printf 'loader wrote      %d embeddings in %.2f s (JVM start included): %.0f embeddings/s\n' \
  "$EMBEDDINGS" "$write_seconds" "$(echo "$EMBEDDINGS / $write_seconds" | bc -l)"
printf 'recommender read  %.0f embeddings in %.3f s (SCAN+MGET, batch 1000): %.0f embeddings/s\n' \
  "$loaded" "$load_seconds" "$(echo "$loaded / $load_seconds" | bc -l)"

cat >"$WORK/users.lua" <<'LUA'
-- Cycles through a fixed set of users (warm cache) or makes every user unique (all misses).
local counter = 0
local threads = {}
function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end
function init(args)
  mode = args[1]
  users = tonumber(args[2])
end
function request()
  counter = counter + 1
  local user
  if mode == "miss" then
    user = "m" .. thread_id .. "-" .. counter
  else
    user = "u" .. (counter % users)
  end
  return wrk.format("GET", "/recommendations?user=" .. user .. "&k=10")
end
LUA

run_wrk() { # label, path-or-empty, extra args... -> prints "rps p99ms"
  local out
  out=$(timeout $((SECONDS_PER_RUN + 30)) wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@")
  local rps p99
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 }
                          else if (v ~ /ms$/) { sub(/ms$/, "", v) }
                          else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 }
                          print v }' <<<"$out")
  if grep -q "Non-2xx" <<<"$out"; then
    echo "warning: non-2xx responses: $(grep Non-2xx <<<"$out")" >&2
  fi
  echo "$rps $p99"
}

BASE="http://127.0.0.1:$APP_PORT"
echo "== wrk: 2 threads, $CONNECTIONS connections, ${SECONDS_PER_RUN}s per run, loopback"
# Fill the cache with every user of the fixed set, warm the JIT with a short run, then measure.
seq 0 $((USERS - 1)) | timeout 300 xargs -P 4 -I{} curl -fsS -o /dev/null "$BASE/recommendations?user=u{}&k=10"
echo "cache filled: $(metric "$APP_PORT" recommender_cache_entries) entries for $USERS users"
SECONDS_PER_RUN_SAVED=$SECONDS_PER_RUN
SECONDS_PER_RUN=3
run_wrk "$BASE/" -s "$WORK/users.lua" -- warm "$USERS" >/dev/null
run_wrk "$BASE/health" >/dev/null
SECONDS_PER_RUN=$SECONDS_PER_RUN_SAVED
read -r health_rps health_p99 < <(run_wrk "$BASE/health")
hits_before=$(metric "$APP_PORT" recommender_cache_hits_total)
misses_before=$(metric "$APP_PORT" recommender_cache_misses_total)
read -r warm_rps warm_p99 < <(run_wrk "$BASE/" -s "$WORK/users.lua" -- warm "$USERS")
hits_after=$(metric "$APP_PORT" recommender_cache_hits_total)
misses_after=$(metric "$APP_PORT" recommender_cache_misses_total)
read -r miss_rps miss_p99 < <(run_wrk "$BASE/" -s "$WORK/users.lua" -- miss "$USERS")
degraded=$(metric_sum "$APP_PORT" recommender_degraded_responses_total)

printf 'baseline GET /health                     %10.0f req/s  p99 %7.2f ms\n' "$health_rps" "$health_p99"
printf 'GET /recommendations, warm cache (%d users) %8.0f req/s  p99 %7.2f ms  ratio to baseline %.2f\n' \
  "$USERS" "$warm_rps" "$warm_p99" "$(echo "$warm_rps / $health_rps" | bc -l)"
printf 'GET /recommendations, every request a miss %8.0f req/s  p99 %7.2f ms  ratio to baseline %.3f\n' \
  "$miss_rps" "$miss_p99" "$(echo "$miss_rps / $health_rps" | bc -l)"
printf 'warm run: %.0f cache hits, %.0f misses; degraded answers in all runs: %s\n' \
  "$(echo "$hits_after - $hits_before" | bc -l)" "$(echo "$misses_after - $misses_before" | bc -l)" "${degraded:-0}"
echo "== redis-benchmark PING (reference)"
timeout 60 redis-benchmark -p "$REDIS_PORT" -q -n 100000 -c "$CONNECTIONS" -t ping | tr '\r' '\n' | grep -v '^ *$' | tail -1
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
