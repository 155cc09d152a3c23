#!/usr/bin/env bash
# A real single-node Kubernetes on this machine, for running the lab where kind and minikube cannot run (CI here):
# the server binaries built from Debian's own kubernetes source package (cached outside the repository, keyed by
# version), etcd, kube-apiserver with RBAC, kube-controller-manager, kube-scheduler, a kubelet on containerd and
# runc, a CNI bridge, kube-proxy in iptables mode, CoreDNS. Everything it creates lives under one state folder and
# on interfaces and address ranges of its own; `down` puts the machine back as it was.
#
#   scripts/local-cluster.sh up                  build (or reuse) the binaries, start the cluster, write a kubeconfig
#   scripts/local-cluster.sh load IMAGE...       copy local Docker images into the cluster's containerd
#   scripts/local-cluster.sh down                stop everything and undo every change to the machine
#   scripts/local-cluster.sh status | logs | kubeconfig | build | check
#
# Needs root, Linux with cgroup v1 or v2, overlayfs, iptables, bridges and network namespaces. Exit status: 0 done,
# 1 a step failed, 2 bad usage, 3 the machine lacks something (the message names it).
set -euo pipefail

readonly EXIT_FAILED=1 EXIT_USAGE=2 EXIT_PREREQ=3
ROOT="$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)"
readonly ROOT
HERE="$ROOT/scripts/local-cluster"
readonly HERE

# Kubernetes: the newest whose server parts Debian packages as source (bookworm). Debian's later kubernetes
# sources (1.32 in trixie, 1.36 in sid) carry only kubectl.
readonly K8S_DEBIAN_VERSION="1.20.5+really1.20.2-1.1+deb12u1"
readonly K8S_VERSION="v1.20.2"
readonly K8S_COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

CACHE="${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/selfheal-lab}"
STATE="${LOCAL_CLUSTER_STATE:-/var/lib/selfheal-local-cluster}"
readonly CACHE STATE
K8S_CACHE="$CACHE/kubernetes/$K8S_DEBIAN_VERSION"
readonly K8S_CACHE
BIN="$K8S_CACHE/bin"
readonly BIN
export PATH="$PATH:$BIN"

# Addresses: all on interfaces this script creates; none of them is used by the machine's own interfaces (checked).
readonly NODE_NAME="probe-node"
readonly NODE_BRIDGE="labnode0" NODE_IP="10.253.0.1" NODE_CIDR="10.253.0.1/24"
readonly POD_BRIDGE="labcni0" POD_SUBNET="10.244.0.0/24" CLUSTER_CIDR="10.244.0.0/16"
readonly SERVICE_CIDR="10.96.0.0/16" KUBERNETES_SERVICE_IP="10.96.0.1" DNS_SERVICE_IP="10.96.0.10"
readonly ETCD_PORT=12379 ETCD_PEER_PORT=12380
readonly SANDBOX_IMAGE="selfheal.local/pause:standin"
# Kernel settings the kubelet, kube-proxy and the CNI bridge change; saved at `up`, put back at `down`.
readonly SYSCTLS=(vm.overcommit_memory kernel.panic kernel.panic_on_oops net.ipv4.conf.all.route_localnet
  net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables)

log() { printf '[local-cluster %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
fail() { log "error: $*"; exit "$EXIT_FAILED"; }
missing() { log "missing: $*"; exit "$EXIT_PREREQ"; }

usage() {
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

ctr_() { ctr --address "$STATE/containerd/containerd.sock" --namespace k8s.io "$@"; }
kc() { kubectl --kubeconfig "$STATE/kc/admin.kubeconfig" "$@"; }

# ---------------------------------------------------------------------------------------------------------------
# Prerequisites: every missing piece named with the Debian package that brings it

check_machine() {
  [ "$(id -u)" -eq 0 ] || missing "root: the kubelet, containerd and the network set-up need it (run as root)"
  [ "$(uname -s)" = "Linux" ] || missing "Linux"
  local -A need=(
    [containerd]=containerd [runc]=runc [ctr]=containerd [etcd]=etcd-server [iptables]=iptables
    [ip]=iproute2 [socat]=socat [conntrack]=conntrack [openssl]=openssl [gcc]=gcc [docker]=docker.io
    [kubectl]="kubectl (any version from 1.19 on)" [mountpoint]=util-linux [nsenter]=util-linux
  )
  local cmd absent=()
  for cmd in "${!need[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || absent+=("$cmd (Debian package ${need[$cmd]})")
  done
  local plugin
  for plugin in bridge host-local loopback portmap; do
    [ -x "/usr/lib/cni/$plugin" ] || absent+=("/usr/lib/cni/$plugin (Debian package containernetworking-plugins)")
  done
  [ "${#absent[@]}" -eq 0 ] || missing "$(printf '%s; ' "${absent[@]}")"
  grep -qw overlay /proc/filesystems || missing "overlayfs in the kernel (containerd's snapshotter)"
  [ -e /sys/fs/cgroup/memory ] || [ -e /sys/fs/cgroup/cgroup.controllers ] || missing "a cgroup hierarchy with memory"
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] \
    || missing "br_netfilter (/proc/sys/net/bridge): pod-to-Service traffic on one bridge needs it"
  ip link add labprobe0 type bridge 2>/dev/null || missing "bridge interfaces (ip link add ... type bridge failed)"
  ip link delete labprobe0
  ip netns add labprobe 2>/dev/null || missing "network namespaces (ip netns add failed)"
  ip netns delete labprobe
  docker info >/dev/null 2>&1 || missing "a running Docker engine ('docker info' failed): images are built there"
  local range
  for range in 10.253. 10.244. 10.96.; do
    if ip -4 addr show | grep -v -e "$NODE_BRIDGE" -e "$POD_BRIDGE" | grep -q "inet $range"; then
      missing "a free address range: $range is already on one of this machine's interfaces"
    fi
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Build: Debian's source package, once per version; `make WHAT=...` runs the code generators and go build

build() {
  if all_built; then
    log "Kubernetes $K8S_VERSION binaries: cached in $BIN"
    return 0
  fi
  command -v go >/dev/null 2>&1 || missing "go (Debian package golang-go): it builds Kubernetes from source"
  command -v dpkg-source >/dev/null 2>&1 || missing "dpkg-source (Debian package dpkg-dev)"
  local cmd
  for cmd in jq rsync make; do command -v "$cmd" >/dev/null 2>&1 || missing "$cmd (Debian package $cmd)"; done
  local src="$K8S_CACHE/src" started=$SECONDS
  mkdir -p "$src" "$BIN"
  if [ ! -d "$src/tree" ]; then
    fetch_source "$src"
  fi
  log "building ${K8S_COMPONENTS[*]} $K8S_VERSION from Debian's source (about 10 to 15 min on 2 cores, once)"
  local targets=() component
  for component in "${K8S_COMPONENTS[@]}"; do targets+=("cmd/$component"); done
  command -v kubectl >/dev/null 2>&1 || targets+=(cmd/kubectl)
  mkdir -p "$K8S_CACHE/gocache" "$K8S_CACHE/home"
  (
    cd "$src/tree"
    export CGO_ENABLED=0 KUBE_BUILD_PLATFORMS=linux/amd64 KUBE_GIT_VERSION="$K8S_VERSION" KUBE_GIT_TREE_STATE=clean \
      KUBE_GIT_COMMIT=0000000000000000000000000000000000000000 KUBE_GIT_MAJOR=1 KUBE_GIT_MINOR=20 \
      HOME="$K8S_CACHE/home" GOCACHE="$K8S_CACHE/gocache" GOPROXY=off
    make WHAT="${targets[*]}" >"$K8S_CACHE/build.log" 2>&1
  ) || { tail -30 "$K8S_CACHE/build.log" >&2; fail "the Kubernetes build failed (log: $K8S_CACHE/build.log)"; }
  local out="$src/tree/_output/local/bin/linux/amd64"
  for component in "${K8S_COMPONENTS[@]}" kubectl; do
    [ -x "$out/$component" ] && cp "$out/$component" "$BIN/"
  done
  all_built || fail "the build ended without all of ${K8S_COMPONENTS[*]} in $out"
  # The binaries are what is kept: the source tree with its build output is about 3 GB.
  rm -rf "$src"
  log "built in $((SECONDS - started)) s into $BIN"
}

all_built() {
  local component
  for component in "${K8S_COMPONENTS[@]}"; do [ -x "$BIN/$component" ] || return 1; done
}

# The source package through apt, from a private sources list: the machine's own lists stay as they are.
fetch_source() {
  local src="$1" apt="$K8S_CACHE/apt"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
  local suite mirror
  suite="bookworm"
  mirror="$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | grep -v security | head -1 | tr -d ' ')" || true
  mirror="${mirror:-http://deb.debian.org/debian}"
  printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$mirror" "$suite" \
    >"$apt/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=root)
  log "fetching Debian's kubernetes $K8S_DEBIAN_VERSION source package from $mirror"
  apt-get "${opts[@]}" -qq update || fail "apt-get update of the deb-src list failed"
  (cd "$src" && apt-get "${opts[@]}" -qq source "kubernetes=$K8S_DEBIAN_VERSION" >"$src/source.log" 2>&1) \
    || { cat "$src/source.log" >&2; fail "apt-get source kubernetes=$K8S_DEBIAN_VERSION failed"; }
  local tree
  tree="$(find "$src" -maxdepth 1 -type d -name 'kubernetes-*' | head -1)"
  [ -n "$tree" ] || fail "no source tree after apt-get source"
  mv "$tree" "$src/tree"
}

# ---------------------------------------------------------------------------------------------------------------
# Certificates and kubeconfigs (one CA; every component its own client certificate)

pki() {
  local p="$STATE/pki"
  mkdir -p "$p"
  [ -f "$p/ca.crt" ] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=selfheal-local-cluster-ca" \
    -keyout "$p/ca.key" -out "$p/ca.crt" 2>/dev/null
  openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
  openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
  cert apiserver "kube-apiserver" "" serverAuth \
    "IP:$NODE_IP,IP:$KUBERNETES_SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  cert apiserver-kubelet-client "kube-apiserver-kubelet-client" "system:masters" clientAuth
  cert admin "lab-admin" "system:masters" clientAuth
  cert controller-manager "system:kube-controller-manager" "" clientAuth
  cert scheduler "system:kube-scheduler" "" clientAuth
  cert kubelet-client "system:node:$NODE_NAME" "system:nodes" clientAuth
  cert kubelet "$NODE_NAME" "" serverAuth "IP:$NODE_IP,DNS:$NODE_NAME"
  cert proxy "system:kube-proxy" "" clientAuth
}

cert() { # NAME CN O USAGE [SAN]
  local p="$STATE/pki" name="$1" cn="$2" org="$3" usage="$4" san="${5:-}" subject="/CN=$2"
  [ -n "$org" ] && subject="/O=$org/CN=$cn"
  local ext="$p/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [ -n "$san" ] && echo "subjectAltName=$san"
  } >"$ext"
  openssl req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$p/$name.key" -out "$p/$name.csr" 2>/dev/null
  openssl x509 -req -in "$p/$name.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 30 \
    -extfile "$ext" -out "$p/$name.crt" 2>/dev/null
}

kubeconfig() { # NAME CERT
  local file="$STATE/kc/$1.kubeconfig" p="$STATE/pki"
  mkdir -p "$STATE/kc"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: selfheal-local
  cluster:
    certificate-authority: $p/ca.crt
    server: https://$NODE_IP:6443
users:
- name: $1
  user:
    client-certificate: $p/$2.crt
    client-key: $p/$2.key
contexts:
- name: selfheal-local
  context: {cluster: selfheal-local, user: $1}
current-context: selfheal-local
EOF
}

# ---------------------------------------------------------------------------------------------------------------
# Processes: started in the background, each with a PID file and a log under $STATE

start() { # NAME COMMAND...
  local name="$1"
  shift
  mkdir -p "$STATE/run" "$STATE/logs"
  nohup "$@" >"$STATE/logs/$name.log" 2>&1 &
  echo "$!" >"$STATE/run/$name.pid"
}

running() { # NAME
  local pid
  pid="$(cat "$STATE/run/$1.pid" 2>/dev/null)" || return 1
  kill -0 "$pid" 2>/dev/null
}

wait_for() { # DESCRIPTION SECONDS PROCESS COMMAND...: until COMMAND succeeds; fails early if PROCESS died
  local condition="$1" limit="$2" process="$3" deadline=$((SECONDS + $2)) started=$SECONDS
  shift 3
  until "$@" >/dev/null 2>&1; do
    if ! running "$process"; then
      tail -20 "$STATE/logs/$process.log" >&2 || true
      fail "$process exited while waiting until $condition (log: $STATE/logs/$process.log)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -20 "$STATE/logs/$process.log" >&2 || true
      fail "timed out after ${limit}s waiting until $condition"
    fi
    sleep 0.5
  done
  log "$condition ($((SECONDS - started)) s)"
}

save_machine_state() {
  [ -f "$STATE/machine.saved" ] && return 0
  local key
  {
    for key in "${SYSCTLS[@]}"; do
      echo "$key=$(sysctl -n "$key" 2>/dev/null || echo '')"
    done
  } >"$STATE/machine.saved"
  for dir in /var/log/pods /var/log/containers /var/lib/kubelet /etc/kubernetes /opt/cni /var/lib/cni; do
    [ -e "$dir" ] && echo "$dir" >>"$STATE/paths.existed"
  done
  ip netns list 2>/dev/null | awk '{print $1}' >"$STATE/netns.before"
  touch "$STATE/paths.existed"
}

network() {
  if ! ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
    ip link add "$NODE_BRIDGE" type bridge
    ip addr add "$NODE_CIDR" dev "$NODE_BRIDGE"
    ip link set "$NODE_BRIDGE" up
  fi
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
  # Docker sets FORWARD's policy to DROP; pod traffic (pod to pod through a Service on the same bridge) is forwarded.
  if ! iptables -w -nL LAB-FORWARD >/dev/null 2>&1; then
    iptables -w -N LAB-FORWARD
    iptables -w -A LAB-FORWARD -s "$CLUSTER_CIDR" -j ACCEPT
    iptables -w -A LAB-FORWARD -d "$CLUSTER_CIDR" -j ACCEPT
    iptables -w -I FORWARD 1 -j LAB-FORWARD
  fi
  mkdir -p "$STATE/cni/net.d" "$STATE/cni/ipam"
  cat >"$STATE/cni/net.d/10-lab.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "lab-pods",
  "plugins": [
    {
      "type": "bridge", "bridge": "$POD_BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_SUBNET"}]], "routes": [{"dst": "0.0.0.0/0"}],
               "dataDir": "$STATE/cni/ipam"}
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

containerd_up() {
  running containerd && return 0
  mkdir -p "$STATE/containerd"
  # restrict_oom_score_adj: a container without CAP_SYS_RESOURCE in the bounding set cannot lower oom_score_adj.
  cat >"$STATE/containerd/config.toml" <<EOF
version = 2
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"
[grpc]
  address = "$STATE/containerd/containerd.sock"
[ttrpc]
  address = "$STATE/containerd/containerd.sock.ttrpc"
[debug]
  address = "$STATE/containerd/debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$STATE/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$SANDBOX_IMAGE"
  enable_selinux = false
  restrict_oom_score_adj = $(restrict_oom)
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
EOF
  start containerd containerd --config "$STATE/containerd/config.toml"
  wait_for "containerd answers" 30 containerd ctr_ version
  pause_image
}

# True when this process may not lower oom_score_adj (no CAP_SYS_RESOURCE in the bounding set).
restrict_oom() {
  local bounding
  bounding="$(awk '/^CapBnd/ {print $2}' /proc/self/status)"
  # CAP_SYS_RESOURCE is capability 24.
  if (( (16#$bounding >> 24) & 1 )); then echo false; else echo true; fi
}

pause_image() {
  ctr_ images check "name==$SANDBOX_IMAGE" 2>/dev/null | grep -q "$SANDBOX_IMAGE" && return 0
  local dir="$STATE/pause"
  mkdir -p "$dir/rootfs"
  gcc -O2 -static -o "$dir/rootfs/pause" "$HERE/pause.c"
  tar -C "$dir/rootfs" -c pause | docker import \
    --change 'ENTRYPOINT ["/pause"]' --change 'LABEL dev.selfheal.standin="pod sandbox: scripts/local-cluster/pause.c"' \
    - "$SANDBOX_IMAGE" >/dev/null
  docker save "$SANDBOX_IMAGE" | ctr_ images import - >/dev/null
  log "pod sandbox image $SANDBOX_IMAGE (a stand-in for the upstream pause image, built from pause.c)"
}

control_plane_up() {
  if ! running etcd; then
    start etcd etcd --name lab --data-dir "$STATE/etcd" \
      --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
      --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
      --initial-cluster "lab=http://127.0.0.1:$ETCD_PEER_PORT" --listen-metrics-urls "" --log-level warn
    wait_for "etcd is healthy" 30 etcd curl -fsS "http://127.0.0.1:$ETCD_PORT/health"
  fi
  local p="$STATE/pki"
  if ! running kube-apiserver; then
    start kube-apiserver "$BIN/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
      --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port=6443 --insecure-port=0 \
      --tls-cert-file="$p/apiserver.crt" --tls-private-key-file="$p/apiserver.key" --client-ca-file="$p/ca.crt" \
      --service-account-key-file="$p/sa.pub" --service-account-signing-key-file="$p/sa.key" \
      --service-account-issuer=https://kubernetes.default.svc.cluster.local \
      --service-cluster-ip-range="$SERVICE_CIDR" --authorization-mode=Node,RBAC \
      --enable-admission-plugins=NodeRestriction \
      --kubelet-client-certificate="$p/apiserver-kubelet-client.crt" \
      --kubelet-client-key="$p/apiserver-kubelet-client.key" --kubelet-certificate-authority="$p/ca.crt" \
      --kubelet-preferred-address-types=InternalIP --allow-privileged=true --v=1
    wait_for "kube-apiserver is ready" 120 kube-apiserver kc get --raw /readyz
  fi
  if ! running kube-controller-manager; then
    start kube-controller-manager "$BIN/kube-controller-manager" \
      --kubeconfig="$STATE/kc/controller-manager.kubeconfig" \
      --authentication-kubeconfig="$STATE/kc/controller-manager.kubeconfig" \
      --authorization-kubeconfig="$STATE/kc/controller-manager.kubeconfig" \
      --bind-address=127.0.0.1 --port=0 --leader-elect=false --use-service-account-credentials=true \
      --service-account-private-key-file="$p/sa.key" --root-ca-file="$p/ca.crt" \
      --cluster-signing-cert-file="$p/ca.crt" --cluster-signing-key-file="$p/ca.key" \
      --service-cluster-ip-range="$SERVICE_CIDR" --cluster-cidr="$CLUSTER_CIDR" --v=1
  fi
  if ! running kube-scheduler; then
    start kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$STATE/kc/scheduler.kubeconfig" \
      --authentication-kubeconfig="$STATE/kc/scheduler.kubeconfig" \
      --authorization-kubeconfig="$STATE/kc/scheduler.kubeconfig" \
      --bind-address=127.0.0.1 --port=0 --leader-elect=false --v=1
  fi
}

node_up() {
  local p="$STATE/pki"
  mkdir -p "$STATE/kubelet"
  cat >"$STATE/kubelet-config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $p/ca.crt}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
clusterDomain: cluster.local
clusterDNS: [$DNS_SERVICE_IP]
failSwapOn: false
tlsCertFile: $p/kubelet.crt
tlsPrivateKeyFile: $p/kubelet.key
address: $NODE_IP
port: 10250
healthzBindAddress: 127.0.0.1
healthzPort: 10248
readOnlyPort: 0
oomScoreAdj: 0
serializeImagePulls: false
volumePluginDir: $STATE/kubelet/volume-plugins
staticPodPath: ""
evictionHard: {memory.available: "200Mi", nodefs.available: "2%", imagefs.available: "2%"}
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
maxPods: 40
EOF
  if ! running kubelet; then
    start kubelet "$BIN/kubelet" --config="$STATE/kubelet-config.yaml" \
      --kubeconfig="$STATE/kc/kubelet.kubeconfig" --root-dir="$STATE/kubelet" \
      --container-runtime=remote --container-runtime-endpoint="unix://$STATE/containerd/containerd.sock" \
      --runtime-request-timeout=5m --node-ip="$NODE_IP" --hostname-override="$NODE_NAME" --v=1
  fi
  cat >"$STATE/kube-proxy-config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $STATE/kc/proxy.kubeconfig}
mode: iptables
clusterCIDR: $CLUSTER_CIDR
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
conntrack: {maxPerCore: 0}
hostnameOverride: $NODE_NAME
EOF
  if ! running kube-proxy; then
    start kube-proxy "$BIN/kube-proxy" --config="$STATE/kube-proxy-config.yaml" --v=1
  fi
  wait_for "node $NODE_NAME is Ready" 120 kubelet node_ready
}

node_ready() {
  [ "$(kc get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = "True" ]
}

# The cluster DNS (a stand-in of the lab's own, docs/local-cluster-addons.md): addons.sh builds its image.
dns_up() {
  local addons="$HERE/addons.sh"
  "$addons" tools >"$STATE/logs/addons.log" 2>&1 || { cat "$STATE/logs/addons.log" >&2; fail "addons.sh tools failed"; }
  "$addons" images >>"$STATE/logs/addons.log" 2>&1 || { cat "$STATE/logs/addons.log" >&2; fail "addons.sh images failed"; }
  load_images "$("$addons" dns-image)"
  kc apply -f "$("$addons" dns-manifest)" >/dev/null
  wait_for "the cluster DNS answers for cluster.local at $DNS_SERVICE_IP" 180 kubelet dns_ready
}

dns_ready() {
  [ "$(kc -n kube-system get deployment -l k8s-app=kube-dns -o jsonpath='{.items[0].status.readyReplicas}')" = "1" ]
}

load_images() { # IMAGE...
  [ "$#" -gt 0 ] || return 0
  local started=$SECONDS
  docker save "$@" | ctr_ images import - >/dev/null || fail "could not import $* into the cluster's containerd"
  log "loaded into the cluster: $* ($((SECONDS - started)) s)"
}

up() {
  check_machine
  build
  local started=$SECONDS
  mkdir -p "$STATE"
  save_machine_state
  mount --make-rshared / 2>/dev/null || true
  network
  pki
  kubeconfig admin admin
  kubeconfig controller-manager controller-manager
  kubeconfig scheduler scheduler
  kubeconfig kubelet kubelet-client
  kubeconfig proxy proxy
  containerd_up
  control_plane_up
  node_up
  wait_for "the default service account exists" 60 kube-controller-manager kc -n default get serviceaccount default
  dns_up
  log "cluster up in $((SECONDS - started)) s: Kubernetes $K8S_VERSION, node $NODE_NAME ($NODE_IP)"
  log "use it with: export KUBECONFIG=$STATE/kc/admin.kubeconfig"
}

# ---------------------------------------------------------------------------------------------------------------
# Teardown: processes by PID, containers, mounts, netns, interfaces, iptables chains, cgroups, kernel settings

stop_process() { # NAME
  local pid
  pid="$(cat "$STATE/run/$1.pid" 2>/dev/null)" || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$STATE/run/$1.pid"
}

down() {
  [ "$(id -u)" -eq 0 ] || missing "root"
  if [ ! -d "$STATE" ]; then
    log "nothing to take down ($STATE does not exist)"
    return 0
  fi
  log "taking the cluster down"
  stop_process kube-proxy
  stop_process kubelet
  stop_process kube-scheduler
  stop_process kube-controller-manager
  stop_process kube-apiserver
  stop_process etcd
  if running containerd; then
    local id
    for id in $(ctr_ tasks list -q 2>/dev/null); do ctr_ tasks kill -s KILL "$id" >/dev/null 2>&1 || true; done
    for id in $(ctr_ tasks list -q 2>/dev/null); do ctr_ tasks delete -f "$id" >/dev/null 2>&1 || true; done
  fi
  stop_process containerd
  # Shims outlive containerd; each names our socket in its command line.
  local pid
  for pid in $(pgrep -f "containerd-shim.*$STATE/containerd" 2>/dev/null || true); do kill -9 "$pid" 2>/dev/null || true; done
  # Processes still in the pods' cgroups (containers whose shim was killed).
  local procs
  while read -r procs; do
    while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$procs"
  done < <(find /sys/fs/cgroup -path '*kubepods*' -name cgroup.procs 2>/dev/null)
  unmount_under "$STATE"
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    grep -qx "$ns" "$STATE/netns.before" 2>/dev/null || ip netns delete "$ns" 2>/dev/null || true
  done
  ip link delete "$POD_BRIDGE" 2>/dev/null || true
  ip link delete "$NODE_BRIDGE" 2>/dev/null || true
  iptables_clean
  cgroups_clean
  restore_sysctls
  local dir
  for dir in /var/log/pods /var/log/containers /var/lib/kubelet /etc/kubernetes /opt/cni /var/lib/cni; do
    grep -qx "$dir" "$STATE/paths.existed" 2>/dev/null || rm -rf "$dir"
  done
  unmount_under "$STATE"
  rm -rf "$STATE"
  log "cluster down; the machine is as before"
}

unmount_under() { # DIR: deepest first
  local target
  while read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || true
  done < <(awk -v dir="$1" '$5 == dir || index($5, dir "/") == 1 {print $5}' /proc/self/mountinfo | sort -r)
}

iptables_clean() {
  local table chain
  for table in filter nat mangle; do
    # Jumps from the built-in chains into ours and Kubernetes' chains, then the chains themselves.
    # iptables -S quotes its arguments as a shell would (comments have spaces): eval reads them back.
    while read -r rule; do
      eval "iptables -w -t $table ${rule/-A/-D}" 2>/dev/null || true
    done < <(iptables -w -t "$table" -S 2>/dev/null | grep -E '^-A [A-Z]+ .*-j (KUBE-|CNI-|LAB-)' || true)
    for chain in $(iptables -w -t "$table" -S 2>/dev/null | awk '/^-N (KUBE-|CNI-|LAB-)/ {print $2}'); do
      iptables -w -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables -w -t "$table" -S 2>/dev/null | awk '/^-N (KUBE-|CNI-|LAB-)/ {print $2}'); do
      iptables -w -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
  conntrack -D -s "$CLUSTER_CIDR" >/dev/null 2>&1 || true
}

cgroups_clean() {
  local dir
  while read -r dir; do
    rmdir "$dir" 2>/dev/null || true
  done < <(find /sys/fs/cgroup -depth -type d -path '*kubepods*' 2>/dev/null)
}

restore_sysctls() {
  [ -f "$STATE/machine.saved" ] || return 0
  local line key value
  while IFS= read -r line; do
    key="${line%%=*}"
    value="${line#*=}"
    if [ -n "$value" ]; then sysctl -qw "$key=$value" 2>/dev/null || true; fi
  done <"$STATE/machine.saved"
}

# ---------------------------------------------------------------------------------------------------------------

status() {
  local name
  for name in containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
    if running "$name"; then echo "$name: running (pid $(cat "$STATE/run/$name.pid"))"; else echo "$name: stopped"; fi
  done
  kc get nodes -o wide 2>/dev/null || true
}

logs() { # every component's log, for a failed CI step
  local file
  for file in "$STATE"/logs/*.log; do
    [ -f "$file" ] || continue
    echo "--- $(basename "$file") (last ${LOG_LINES:-80} lines)"
    tail -n "${LOG_LINES:-80}" "$file"
  done
}

main() {
  local command="${1:-}"
  [ "$#" -gt 0 ] && shift
  case "$command" in
    up) up ;;
    down) down ;;
    build) build ;;
    check) check_machine; log "this machine can run the local cluster" ;;
    load) running containerd || fail "the cluster is not up"; load_images "$@" ;;
    status) status ;;
    logs) logs ;;
    kubeconfig) echo "$STATE/kc/admin.kubeconfig" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit "$EXIT_USAGE" ;;
  esac
}

main "$@"
