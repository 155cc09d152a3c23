#!/usr/bin/env bash
# Sends realistic, labelled card transactions to the model server: each one to POST /predict, and its true outcome
# to POST /feedback, at a steady rate, so model_accuracy, the latency and request metrics and the alerts move the way
# they would under production traffic. Builds the generator (module traffic-generator) on first use.
# A Service balances connections, not requests: the generator sends on --connections lanes, each carrying a
# prediction and then its feedback on one connection (so the feedback reaches the pod that predicted), and renews
# each lane's connection every --reconnect-every transactions so the traffic spreads over every pod (README).
#
#   scripts/traffic.sh                                        # the local server of scripts/run.sh, 5/s for 60 s
#   PORT=9090 scripts/traffic.sh                              # the same, when run.sh was started with PORT=9090
#   scripts/traffic.sh --url "$URL" --rate 10 --duration 0   # the Service (README, "Reach the Service"), until Ctrl-C
#   scripts/traffic.sh --url=http://localhost:30080 --rate 10 --duration 600   # kind with k8s/kind-config.yaml
#   scripts/traffic.sh --help                                 # every option
# When the model server requires a token on /feedback (FEEDBACK_TOKEN, from the Secret model-server-feedback in
# k8s), the script sends it: FEEDBACK_TOKEN from the environment if set, else the Secret's, read with kubectl.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=traffic-generator/target/traffic-generator.jar
stale=""
if [ -f "$jar" ]; then
  # Rebuild when any source the jar is made from changed after it was built.
  stale="$(find traffic-generator/src traffic-generator/pom.xml model-server/src -newer "$jar" -print -quit)"
fi
if [ ! -f "$jar" ] || [ -n "$stale" ]; then
  if ! command -v mvn >/dev/null 2>&1; then
    echo "traffic.sh: building the generator needs Maven (mvn) and JDK 17" >&2
    exit 3
  fi
  echo "traffic.sh: building the traffic generator..." >&2
  mvn -B -q -ntp -pl traffic-generator -am package -Dmaven.test.skip=true -Djacoco.skip=true >&2
fi
# Without --url, follow PORT as scripts/run.sh does (the generator's own default is http://localhost:8080).
args=("$@")
if [ -n "${PORT:-}" ]; then
  has_url=false
  for arg in "$@"; do
    case "$arg" in --url | --url=*) has_url=true ;; esac
  done
  $has_url || args=(--url "http://localhost:$PORT" "${args[@]}")
fi
if [ -z "${FEEDBACK_TOKEN:-}" ] && command -v kubectl >/dev/null 2>&1; then
  FEEDBACK_TOKEN="$(kubectl get secret model-server-feedback --request-timeout=5s \
    -o jsonpath='{.data.token}' 2>/dev/null | base64 -d 2>/dev/null || true)"
fi
export FEEDBACK_TOKEN="${FEEDBACK_TOKEN:-}"
exec java -jar "$jar" "${args[@]}"
