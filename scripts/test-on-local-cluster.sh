#!/usr/bin/env bash
# The whole lab on a real single-node Kubernetes, as CI runs it: starts scripts/local-cluster.sh's cluster, builds
# the four images with the README's commands, runs every exercise with scripts/e2e-cluster.sh --all (its log shows
# each exercise's observation and the timings it measured), writes those timings into docs/observed-timings.md,
# and takes the cluster down again, whatever happened. A failed step prints the pods, the events and every
# component's log. Needs root and a Docker engine (scripts/docker-engine.sh start).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/local-cluster.sh check

# The README's build commands. --network host: Maven in the build stage reaches its registry only through the
# host's network on the project's CI machines.
images=(
  "model-server:v1 Dockerfile"
  "model-server:v2 Dockerfile.v2"
  "rollback-controller:v1 rollback-controller/Dockerfile"
  "recommender:v1 recommender/Dockerfile"
)
for spec in "${images[@]}"; do
  read -r tag file <<<"$spec"
  started=$SECONDS
  docker build -q --network host -t "$tag" -f "$file" . >/dev/null
  echo "[test-on-local-cluster] built $tag from $file ($((SECONDS - started)) s)"
done

trap 'scripts/local-cluster.sh down' EXIT
scripts/local-cluster.sh up
KUBECONFIG="$(scripts/local-cluster.sh kubeconfig)"
export KUBECONFIG
scripts/e2e-cluster.sh --cluster local --all --skip-build --record docs/observed-timings.md
