#!/usr/bin/env bash
# Runs every test of the lab:
#   1. unit and handler tests, manifest and rule tests, and the system tests that start real Prometheus,
#      Alertmanager and Redis processes on free ports, and build and start the four images under their pods' limits
#      (./mvnw verify: the Maven the wrapper pins, cached in ~/.m2/wrapper after its first download);
#   2. the whole lab on a real single-node Kubernetes (scripts/test-on-local-cluster.sh): every exercise, driven
#      end to end, with the timings it observes.
# Installs what they need first when it is missing (Debian/Ubuntu, as root or through sudo); the tests fail,
# rather than skip, if it is still missing. SKIP_CLUSTER=1 runs step 1 only (for a machine that cannot run a
# cluster: the cluster needs root, a Docker engine, cgroups and iptables).
set -euo pipefail
cd "$(dirname "$0")/.."

# command or file -> Debian package that provides it
declare -A needed=(
  [prometheus]=prometheus
  [promtool]=prometheus
  [prometheus-alertmanager]=prometheus-alertmanager
  [amtool]=prometheus-alertmanager
  [redis-server]=redis-server
  [shellcheck]=shellcheck
  [docker]=docker.io
  [dockerd]=docker.io
  [debootstrap]=debootstrap
  [curl]=curl
)
if [ "${SKIP_CLUSTER:-0}" != "1" ]; then
  needed+=(
    [containerd]=containerd
    [runc]=runc
    [/usr/lib/cni/bridge]=containernetworking-plugins
    [etcd]=etcd-server
    [iptables]=iptables
    [socat]=socat
    [conntrack]=conntrack
    [openssl]=openssl
    [gcc]=gcc
    [go]=golang-go
    [jq]=jq
    [rsync]=rsync
    [make]=make
    [dpkg-source]=dpkg-dev
    [/usr/share/gocode/src/gopkg.in/yaml.v3/yaml.go]=golang-gopkg-yaml.v3-dev
    [unzip]=unzip
    [npm]=npm
  )
fi
missing=()
for cmd in "${!needed[@]}"; do
  if [ "${cmd:0:1}" = "/" ]; then
    [ -e "$cmd" ] || missing+=("${needed[$cmd]}")
  else
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${needed[$cmd]}")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "Installing test prerequisites: ${packages[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

# The image tests and the cluster need a running Docker engine and the images' base images.
scripts/docker-engine.sh start
trap 'scripts/docker-engine.sh stop-if-started' EXIT
scripts/docker-engine.sh base-images

./mvnw -B -ntp verify "$@"

# Every test case Surefire and Failsafe ran, from their reports: "passed failed skipped".
maven_counts() {
  local file tests=0 failed=0 skipped=0 t f e s
  for file in */target/surefire-reports/TEST-*.xml */target/failsafe-reports/TEST-*.xml; do
    [ -f "$file" ] || continue
    read -r t f e s < <(sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)"[^>]*failures="\([0-9]*\)"[^>]*errors="\([0-9]*\)"[^>]*skipped="\([0-9]*\)".*/\1 \2 \3 \4/p;
      s/.*<testsuite [^>]*tests="\([0-9]*\)"[^>]*errors="\([0-9]*\)"[^>]*skipped="\([0-9]*\)"[^>]*failures="\([0-9]*\)".*/\1 \4 \2 \3/p' "$file" | head -1)
    tests=$((tests + ${t:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
  done
  echo "$((tests - failed - skipped)) $failed $skipped"
}
read -r passed failed skipped < <(maven_counts)

if [ "${SKIP_CLUSTER:-0}" = "1" ]; then
  echo "SKIP_CLUSTER=1: the lab was not run on a local cluster"
  echo "tests: $passed passed, $failed failed, $skipped skipped"
  exit 0
fi
cluster_log="$(mktemp)"
scripts/test-on-local-cluster.sh 2>&1 | tee "$cluster_log"
steps="$(sed -n 's/^  \([0-9]*\) of [0-9]* steps passed in .*/\1/p' "$cluster_log" | tail -1)"
rm -f "$cluster_log"
echo "maven tests: $passed passed, $failed failed, $skipped skipped; cluster steps: ${steps:-0} passed"
echo "tests: $((passed + ${steps:-0})) passed, $failed failed, $skipped skipped"
