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

# What the cluster may change on the machine, before and after: `down` must leave it as it found it. Docker's own
# containers (veths, DOCKER chains, overlay mounts) come and go with whatever else runs, so they are left out.
fingerprint() {
  machine_state | grep -v -e DOCKER -e docker -e '^veth' -e '/var/lib/docker' -e '/run/docker' || true
}
machine_state() {
  sysctl -n vm.overcommit_memory kernel.panic kernel.panic_on_oops net.ipv4.conf.all.route_localnet \
    net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables
  for table in filter nat mangle; do iptables -w -t "$table" -S | grep -v -- '-c [0-9]' | sort; done
  ip -o link show | sed 's/^[0-9]*: //; s/ .*//' | sort
  ip netns list | sort
  awk '{print $5}' /proc/self/mountinfo | grep -v '^/proc/' | sort
  find /sys/fs/cgroup -maxdepth 2 -type d -name kubepods | sort
}
before="$(fingerprint)"
take_down() {
  local rc=$?
  scripts/local-cluster.sh down || rc=1
  if [ "$(fingerprint)" != "$before" ]; then
    echo "[test-on-local-cluster] the machine is not as before the cluster:" >&2
    diff <(echo "$before") <(fingerprint) >&2 || true
    rc=1
  else
    echo "[test-on-local-cluster] after down the machine is as before (kernel settings, iptables, links, netns, mounts, cgroups)"
  fi
  exit "$rc"
}
trap take_down EXIT
scripts/local-cluster.sh up
KUBECONFIG="$(scripts/local-cluster.sh kubeconfig)"
export KUBECONFIG
# The prometheus chart 29.x comes from no registry these machines reach: it is used from the cache when a packaged
# copy is there (scripts/local-cluster/addons.sh chart). Without it every other exercise still runs, and the
# log says loudly what was left out.
if chart_problem="$(scripts/local-cluster/addons.sh chart 2>&1 >/dev/null)"; then
  scripts/e2e-cluster.sh --cluster local --all --skip-build --record docs/observed-timings.md
else
  echo "[test-on-local-cluster] EXERCISE 4 NOT RUN: ${chart_problem##*error: }" >&2
  echo "[test-on-local-cluster] running Exercises 1 to 3, the controller's own rollback, the bonus and Exercise 5" >&2
  scripts/e2e-cluster.sh --cluster local --with-rollback-controller --with-bonus --with-recommender --skip-build
fi
