#!/usr/bin/env bash
# Runs every test of the lab:
#   1. unit and handler tests, manifest and rule tests, and the system tests that start real Prometheus,
#      Alertmanager and Redis processes on free ports, and build and start the four images under their pods' limits
#      (mvn verify);
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

mvn -B -ntp verify "$@"

if [ "${SKIP_CLUSTER:-0}" = "1" ]; then
  echo "SKIP_CLUSTER=1: the lab was not run on a local cluster"
  exit 0
fi
scripts/test-on-local-cluster.sh
