#!/usr/bin/env bash
# Runs the whole lab, unattended, on a real kind, minikube or local cluster (scripts/local-cluster.sh) and prints a
# pass/fail summary with timings:
# build and load both images, deploy v1 (3/3 ready, 3 endpoints), deploy the faulty v2 (watch restarts and unready
# pods), roll back (3 ready v1 pods, 3 endpoints, MODEL_VERSION v1.0), and optionally install the Prometheus chart
# and wait for the model-health alerts, or let the rollback controller undo v2 on its own; with both, re-apply v2
# (the controller must not fight it) and refuse its patch for a while (it must retry once allowed again).
#
# It never creates or deletes clusters: start one first (`kind create cluster`, `minikube start` or
# `scripts/local-cluster.sh up`). With --all it also runs the bonus experiment and Exercise 5, and --record FILE
# writes what it observed into the observed column of FILE's table (docs/observed-timings.md).
# Exit status: 0 every step passed, 1 a step failed, 2 bad usage, 3 a prerequisite is missing.
#
# The step functions run through `step NAME FUNCTION` and the conditions through `wait_until`, which shellcheck
# cannot follow, so it would call everything they use unreachable:
# shellcheck disable=SC2317
set -euo pipefail

readonly EXIT_FAILED=1 EXIT_USAGE=2 EXIT_PREREQ=3
ROOT="$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)"
readonly ROOT

cluster=""          # kind | minikube | local; detected from the kubectl context when not given
cluster_name=""     # kind cluster name or minikube profile
namespace="default"
timeout=300         # seconds, for each wait
keep=false
with_prometheus=false
with_controller=false
skip_build=false
mode="run"          # run | check-only | dry-run
chart_version="29.27.0"   # the chart the values file is rendered and tested against (README)
monitoring_ns="monitoring"
with_bonus=false
with_recommender=false
record_file=""      # docs/observed-timings.md: its observed column is rewritten from this run
poll=3              # seconds between two checks of a condition (1 on the local cluster)
# The local cluster: its script, the chart it uses (no chart repository is reachable there) and the address of its
# node, where NodePorts answer.
local_cluster="$ROOT/scripts/local-cluster.sh"
local_addons="$ROOT/scripts/local-cluster/addons.sh"
node_ip=""

usage() {
  cat <<'EOF'
Usage: scripts/e2e-cluster.sh [options]

Runs the lab end to end on an existing kind or minikube cluster: builds model-server:v1 and model-server:v2, loads
them into the cluster, deploys v1, deploys the faulty v2 and watches it fail, rolls back and checks the recovery.

Options:
  --cluster kind|minikube|local
                             which kind of cluster (default: from the current kubectl context); local is
                             scripts/local-cluster.sh's single-node cluster
  --cluster-name NAME        kind cluster name or minikube profile (default: from the context, else kind/minikube)
  --namespace NS             namespace for the model server (default: default)
  --timeout SECONDS          longest wait for each step (default: 300)
  --with-prometheus          also install prometheus-community/prometheus (chart 29.x) with
                             k8s/prometheus-values.yaml and wait for the model-health alerts
  --with-rollback-controller also deploy k8s/rollback-controller.yaml and let it undo v2 on its own
                             instead of running `kubectl rollout undo`; with --with-prometheus, then
                             re-apply v2 (the controller must not roll it back again: one RollbackWithheld
                             Event) and take `patch` from its Role for a while (the refused rollback is
                             retried once the Role is back; the Role is always put back)
  --with-bonus               also run the bonus experiment (scale to 2, /tmp/unready, /tmp/unhealthy, v2 over 2)
  --with-recommender         also run Exercise 5 (recommender, Redis, the loader Job, taking both dependencies away)
  --all                      everything: the above four options
  --record FILE              write the timings and counts observed into FILE's table (docs/observed-timings.md)
  --skip-build               do not build the images, only load them (they must exist locally)
  --keep                     leave everything deployed at the end (default: delete what this run created)
  --check-only               check the prerequisites and the cluster, then stop
  --dry-run                  check that the tools exist, then print each command that changes something
                             ("+ command") and each wait or check ("+ (what it waits for)"), running none
  -h, --help                 show this help

Exit status: 0 passed, 1 a step failed, 2 bad usage, 3 a prerequisite is missing.
EOF
}

die_usage() {
  echo "e2e-cluster: $1" >&2
  echo "Run scripts/e2e-cluster.sh --help for the options." >&2
  exit "$EXIT_USAGE"
}

need_value() {
  if [ "$#" -lt 2 ] || [ -z "$2" ] || [ "${2:0:2}" = "--" ]; then
    die_usage "option $1 needs a value"
  fi
}

parse_args() {
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --cluster)
        need_value "$@"
        case "$2" in
          kind | minikube | local) cluster="$2" ;;
          *) die_usage "--cluster must be kind, minikube or local, not '$2'" ;;
        esac
        shift 2 ;;
      --cluster-name) need_value "$@"; cluster_name="$2"; shift 2 ;;
      --namespace) need_value "$@"; namespace="$2"; shift 2 ;;
      --timeout)
        need_value "$@"
        [[ "$2" =~ ^[1-9][0-9]*$ ]] || die_usage "--timeout must be a positive number of seconds, not '$2'"
        timeout="$2"; shift 2 ;;
      --with-prometheus) with_prometheus=true; shift ;;
      --with-rollback-controller) with_controller=true; shift ;;
      --with-bonus) with_bonus=true; shift ;;
      --with-recommender) with_recommender=true; shift ;;
      --all) with_prometheus=true; with_controller=true; with_bonus=true; with_recommender=true; shift ;;
      --record) need_value "$@"; record_file="$2"; shift 2 ;;
      --skip-build) skip_build=true; shift ;;
      --keep) keep=true; shift ;;
      --check-only) mode="check-only"; shift ;;
      --dry-run) mode="dry-run"; shift ;;
      -h | --help) usage; exit 0 ;;
      *) die_usage "unknown option '$1'" ;;
    esac
  done
  [[ "$namespace" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || die_usage "--namespace '$namespace' is not a valid name"
  if { $with_controller || $with_recommender; } && [ "$namespace" != "default" ]; then
    die_usage "--with-rollback-controller and --with-recommender need --namespace default (their manifests' namespace)"
  fi
  if [ -n "$record_file" ] && [ ! -f "$record_file" ]; then
    die_usage "--record $record_file: no such file (it is docs/observed-timings.md, whose observed column is rewritten)"
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# Prerequisites

missing=()

require_tool() { # command, how to get it
  # type -P: a file on PATH (the script defines a helm function of its own for the local cluster)
  type -P "$1" >/dev/null 2>&1 || missing+=("$1: $2")
}

detect_cluster() {
  local context=""
  context="$(kubectl config current-context 2>/dev/null || true)"
  if [ -z "$cluster" ]; then
    case "$context" in
      kind-*) cluster="kind" ;;
      minikube) cluster="minikube" ;;
      selfheal-local) cluster="local" ;;
      *)
        missing+=("a kind, minikube or local kubectl context (current: '${context:-none}'): pass --cluster kind|minikube|local")
        return 0 ;;
    esac
  fi
  if [ -z "$cluster_name" ]; then
    case "$cluster:$context" in
      kind:kind-*) cluster_name="${context#kind-}" ;;
      kind:*) cluster_name="kind" ;;
      minikube:*) cluster_name="minikube" ;;
      local:*) cluster_name="selfheal-local" ;;
    esac
  fi
}

check_tools() {
  require_tool docker "install Docker Engine or Docker Desktop (https://docs.docker.com/engine/install/)"
  require_tool kubectl "install kubectl (https://kubernetes.io/docs/tasks/tools/)"
  require_tool curl "install curl (Debian/Ubuntu package curl)"
  case "$cluster" in
    kind) require_tool kind "install kind (https://kind.sigs.k8s.io/docs/user/quick-start/)" ;;
    minikube) require_tool minikube "install minikube (https://minikube.sigs.k8s.io/docs/start/)" ;;
    local)
      [ -x "$local_cluster" ] || missing+=("scripts/local-cluster.sh: missing from the repository")
      if $with_prometheus; then
        [ -x "$local_addons" ] || missing+=("scripts/local-cluster/addons.sh: missing from the repository")
      fi ;;
    "")
      if ! command -v kind >/dev/null 2>&1 && ! command -v minikube >/dev/null 2>&1; then
        missing+=("kind or minikube: install one of them (https://kind.sigs.k8s.io/ or https://minikube.sigs.k8s.io/)")
      fi ;;
  esac
  if $with_prometheus && [ "$cluster" != "local" ]; then
    require_tool helm "install Helm 3 (https://helm.sh/docs/intro/install/), needed by --with-prometheus"
  fi
  local file
  for file in Dockerfile Dockerfile.v2 k8s/deployment.yaml k8s/service.yaml k8s/deployment-v2.yaml; do
    [ -f "$ROOT/$file" ] || missing+=("$file: missing from the repository at $ROOT")
  done
  if $with_prometheus; then
    [ -f "$ROOT/k8s/prometheus-values.yaml" ] || missing+=("k8s/prometheus-values.yaml: missing from the repository")
  fi
  if $with_controller; then
    [ -f "$ROOT/k8s/rollback-controller.yaml" ] || missing+=("k8s/rollback-controller.yaml: missing from the repository")
    [ -f "$ROOT/rollback-controller/Dockerfile" ] || missing+=("rollback-controller/Dockerfile: missing from the repository")
  fi
}

check_cluster() {
  if ! docker info >/dev/null 2>&1; then
    missing+=("a running Docker daemon: 'docker info' failed (start Docker, or check your permissions on its socket)")
  fi
  if ! kubectl cluster-info --request-timeout=10s >/dev/null 2>&1; then
    missing+=("a reachable cluster: 'kubectl cluster-info' failed (start one with 'kind create cluster' or 'minikube start')")
    return 0
  fi
  case "$cluster" in
    kind)
      if ! kind get clusters 2>/dev/null | grep -qx -- "$cluster_name"; then
        missing+=("kind cluster '$cluster_name': not in 'kind get clusters' (create it or pass --cluster-name)")
      fi ;;
    minikube)
      if ! minikube status -p "$cluster_name" >/dev/null 2>&1; then
        missing+=("minikube profile '$cluster_name': 'minikube status' says it is not running (run 'minikube start')")
      fi ;;
    local)
      if $with_prometheus && ! "$local_addons" chart >/dev/null 2>&1; then
        missing+=("the prometheus chart 29.x for the local cluster: $("$local_addons" chart 2>&1 | tail -1)")
      fi ;;
  esac
}

report_missing() {
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "e2e-cluster: missing prerequisites:" >&2
  local item
  for item in "${missing[@]}"; do
    echo "  - $item" >&2
  done
  exit "$EXIT_PREREQ"
}

# ---------------------------------------------------------------------------------------------------------------
# Helpers

work=""

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*"; }

# Runs a command that changes something; in --dry-run mode only prints it.
run() {
  printf '+ %s\n' "$*"
  [ "$mode" = "dry-run" ] && return 0
  "$@"
}

k() { kubectl -n "$namespace" "$@"; }

# manifest FILE: path of k8s/FILE for --namespace. The manifests name namespace default, so another namespace gets
# a copy with that one line changed (kubectl refuses -n when it differs from the manifest's own namespace).
manifest() {
  local source="$ROOT/k8s/$1"
  if [ "$namespace" = "default" ] || [ "$mode" = "dry-run" ]; then
    echo "$source"
    return 0
  fi
  local line copy="$work/$1"
  : >"$copy"
  while IFS= read -r line || [ -n "$line" ]; do
    [ "$line" = "  namespace: default" ] && line="  namespace: $namespace"
    printf '%s\n' "$line" >>"$copy"
  done <"$source"
  echo "$copy"
}

# wait_until DESCRIPTION COMMAND...: retries COMMAND every 3 s until it succeeds or --timeout passes.
wait_until() {
  local description="$1" deadline=$((SECONDS + timeout))
  shift
  if [ "$mode" = "dry-run" ]; then
    echo "+ (wait up to ${timeout}s until $description)"
    return 0
  fi
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "timed out after ${timeout}s waiting until $description" >&2
      return 1
    fi
    sleep "$poll"
  done
  log "ok: $description"
}

# Pods of the model server: one line per pod, "name version ready restarts deleting".
pod_table() {
  k get pods -l app=model-server -o \
    jsonpath='{range .items[*]}{.metadata.name} {.metadata.labels.version} {.status.containerStatuses[0].ready} {.status.containerStatuses[0].restartCount} {.metadata.deletionTimestamp}{"\n"}{end}' \
    2>/dev/null
}

# endpoints_of NAMESPACE SERVICE: how many ready addresses the Service's Endpoints have.
endpoints_of() {
  local -a ips=()
  read -ra ips <<<"$(kubectl -n "$1" get endpoints "$2" -o jsonpath='{.subsets[*].addresses[*].ip}' 2>/dev/null || true)"
  echo "${#ips[@]}"
}

endpoint_count() { endpoints_of "$namespace" model-server; }

# count_pods VERSION READY: live pods of that version whose readiness is READY (true|false|any).
count_pods() {
  local want_version="$1" want_ready="$2" n=0 name version ready _restarts deleting
  while read -r name version ready _restarts deleting; do
    if [ -z "$name" ] || [ -n "$deleting" ]; then continue; fi
    [ "$version" = "$want_version" ] || continue
    [ "$want_ready" = "any" ] || [ "$ready" = "$want_ready" ] || continue
    n=$((n + 1))
  done < <(pod_table)
  echo "$n"
}

max_restarts() { # VERSION
  local want_version="$1" max=0 _name version _ready restarts _deleting
  while read -r _name version _ready restarts _deleting; do
    if [ "$version" = "$want_version" ] && [ "${restarts:-0}" -gt "$max" ]; then
      max="$restarts"
    fi
  done < <(pod_table)
  echo "$max"
}

healthy_v1() { # exactly 3 ready v1 pods, no v2 pod left, 3 endpoints
  [ "$(count_pods v1 true)" -eq 3 ] && [ "$(count_pods v2 any)" -eq 0 ] && [ "$(endpoint_count)" -eq 3 ]
}

v2_restarted() { [ "$(max_restarts v2)" -ge 1 ]; }

v2_exists() { [ "$(count_pods v2 any)" -ge 1 ]; }

v2_unready_and_endpoints_shrink() { [ "$(count_pods v2 false)" -ge 1 ] && [ "$(endpoint_count)" -lt 3 ]; }

template_version() {
  k get deployment model-server -o \
    jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="MODEL_VERSION")].value}' 2>/dev/null
}

template_is_v1() { [ "$(template_version)" = "v1.0" ]; }

# Starts a port-forward in the background and waits until it answers. Prints the local port.
port_forward() { # NAMESPACE TARGET REMOTE_PORT PATH_TO_PROBE
  local ns="$1" target="$2" remote="$3" probe="$4" port
  port=$((20000 + RANDOM % 20000))
  kubectl -n "$ns" port-forward "$target" "$port:$remote" >"$work/port-forward-$port.log" 2>&1 &
  echo "$!" >>"$work/pids"
  local deadline=$((SECONDS + 30))
  until curl -fsS -o /dev/null "http://127.0.0.1:$port$probe" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "port-forward to $ns/$target did not answer on $probe" >&2
      cat "$work/port-forward-$port.log" >&2 || true
      return 1
    fi
    sleep 1
  done
  echo "$port"
}

# service_base NAMESPACE SERVICE PORT PROBE: the base URL of a Service for this run. On the local cluster that is the
# Service's NodePort on the node's own address (kube-proxy, as a student's NodePort); on kind, the model server's
# NodePort 30080 on localhost when the cluster was created with k8s/kind-config.yaml (as the README's students do);
# elsewhere a port-forward, which reaches one pod.
service_base() {
  if [ "$cluster" = "kind" ] && [ "$2" = "model-server" ] \
    && curl -fsS -m 5 -o /dev/null "http://127.0.0.1:30080$4" >/dev/null 2>&1; then
    echo "http://127.0.0.1:30080"
    return 0
  fi
  if [ "$cluster" = "local" ]; then
    local node_port deadline=$((SECONDS + 60))
    node_port="$(kubectl -n "$1" get service "$2" -o jsonpath='{.spec.ports[0].nodePort}')"
    [ -n "$node_port" ] || { echo "service $1/$2 has no NodePort" >&2; return 1; }
    until curl -fsS -o /dev/null "http://$node_ip:$node_port$4" 2>/dev/null; do
      [ "$SECONDS" -lt "$deadline" ] || { echo "NodePort $node_port of $1/$2 does not answer on $4" >&2; return 1; }
      sleep 1
    done
    echo "http://$node_ip:$node_port"
  else
    echo "http://127.0.0.1:$(port_forward "$1" "svc/$2" "$3" "$4")"
  fi
}

# observe KEY VALUE: one observation of this run, for the summary and --record.
observe() {
  printf '%s\t%s\n' "$1" "$2" >>"$work/observed.tsv"
  log "observed: $1 = $2"
}

# Rewrites the observed column (the last) of each row of the --record file whose first cell is an observed key.
write_record() {
  [ -n "$record_file" ] && [ -s "$work/observed.tsv" ] || return 0
  local stamp
  stamp="$cluster cluster, Kubernetes $(kubectl version -o json 2>/dev/null | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1), $(date -u '+%Y-%m-%d %H:%M UTC')"
  awk -F '\t' -v stamp="$stamp" '
    FNR == NR { seen[$1] = $2; next }
    /^Last recorded run: / { print "Last recorded run: " stamp "."; next }
    /^\| `[a-z0-9-]+` \|/ {
      key = $0; sub(/^\| `/, "", key); sub(/`.*/, "", key)
      if (key in seen) { sub(/\| [^|]*\|[[:space:]]*$/, "| " seen[key] " |") }
    }
    { print }
  ' "$work/observed.tsv" "$record_file" >"$work/record.md"
  cp "$work/record.md" "$record_file"
  log "observed values written to $record_file"
}

# seconds_between T1 T2: seconds from one RFC 3339 time of the API server to another.
seconds_between() { echo $(( $(date -d "$2" +%s) - $(date -d "$1" +%s) )); }

prometheus_base=""

# alert_firing NAME: true when Prometheus reports the alert as firing now.
alert_firing() { prometheus_has_result "ALERTS{alertname=\"$1\",alertstate=\"firing\"}"; }

# alert_fired NAME: true when the alert has been firing at some point in the last 15 minutes (it may already have
# resolved: with the rollback controller, the v2 pods can be gone seconds after the alert fires).
alert_fired() { prometheus_has_result "max_over_time(ALERTS{alertname=\"$1\",alertstate=\"firing\"}[15m])"; }

alert_not_firing() { ! alert_firing "$1"; }

prometheus_has_result() { # QUERY
  local body
  body="$(curl -fsS -G "$prometheus_base/api/v1/query" --data-urlencode "query=$1" 2>/dev/null)" \
    || return 1
  [[ "$body" == *'"status":"success"'* ]] && [[ "$body" != *'"result":[]'* ]]
}

series_count() { # QUERY -> number of series in the instant vector
  local body
  body="$(curl -fsS -G "$prometheus_base/api/v1/query" --data-urlencode "query=$1" 2>/dev/null)" \
    || { echo 0; return 0; }
  local rest="$body" n=0
  while [[ "$rest" == *'"metric":'* ]]; do
    rest="${rest#*\"metric\":}"
    n=$((n + 1))
  done
  echo "$n"
}

prometheus_sees_v1() { [ "$(series_count 'model_accuracy{version="v1.0"}')" -ge 3 ]; }

# ---------------------------------------------------------------------------------------------------------------
# Steps (each runs in a subshell with errexit, so the first failing command fails the step)

step_build() {
  if $skip_build; then
    echo "skipped by --skip-build"
    return 0
  fi
  cd "$ROOT"
  run docker build -t model-server:v1 .
  run docker build -t model-server:v2 -f Dockerfile.v2 .
  if $with_controller; then
    run docker build -t rollback-controller:v1 -f rollback-controller/Dockerfile .
  fi
  if $with_recommender; then
    run docker build -t recommender:v1 -f recommender/Dockerfile .
  fi
}

step_load() {
  local images=(model-server:v1 model-server:v2) image
  $with_controller && images+=(rollback-controller:v1)
  $with_recommender && images+=(recommender:v1)
  if [ "$cluster" = "local" ]; then
    # No registry: the third-party images are stand-ins built here from Debian's packages, and say so.
    if $with_recommender || $with_prometheus; then
      run "$local_addons" tools
      run "$local_addons" images
      local name
      for name in $("$local_addons" image-list); do images+=("$name"); done
    fi
  fi
  case "$cluster" in
    local) run "$local_cluster" load "${images[@]}" ;;
    kind)
      if ! run kind load docker-image "${images[@]}" --name "$cluster_name"; then
        # Docker 29's containerd image store: kind asks for every platform of an image and the store holds one
        # ("content digest ... not found", kind#4066). An archive of this machine's platform loads (README).
        log "kind load docker-image failed: loading an archive of this platform's images instead (kind#4066)"
        run docker save --platform "$(docker version -f '{{.Server.Os}}/{{.Server.Arch}}')" \
          -o "$work/images.tar" "${images[@]}"
        run kind load image-archive "$work/images.tar" --name "$cluster_name"
      fi ;;
    minikube)
      for image in "${images[@]}"; do
        run minikube -p "$cluster_name" image load "$image"
      done ;;
  esac
}

# The webhook token Alertmanager and the controller share (EXERCISES.md): generated per run, one Secret in each
# namespace, never printed.
step_webhook_token() {
  local token ns
  for ns in default "$monitoring_ns"; do
    printf '+ kubectl create secret generic rollback-controller-token -n %s --from-literal=token=<generated>\n' "$ns"
  done
  [ "$mode" = "dry-run" ] && return 0
  token="$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')"
  for ns in default "$monitoring_ns"; do
    kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
    kubectl -n "$ns" create secret generic rollback-controller-token --from-literal=token="$token" \
      --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  done
  touch "$work/created-token"
}

# The token /feedback requires (FEEDBACK_TOKEN, from the optional Secret model-server-feedback): without it the pods
# refuse labels and model_accuracy follows the golden set. Generated per run, never printed; before v1 is deployed,
# since a container reads its environment when it starts.
step_feedback_token() {
  printf '+ kubectl create secret generic model-server-feedback -n %s --from-literal=token=<generated>\n' "$namespace"
  [ "$mode" = "dry-run" ] && return 0
  kubectl -n "$namespace" create secret generic model-server-feedback \
    --from-literal=token="$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')" \
    --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  touch "$work/created-feedback-token"
}

# Labelled traffic through the Service (scripts/traffic.sh, as the README runs it): kube-proxy balances
# connections, so the generator must spread them for every pod to get predictions, and send each label to the pod
# that made the prediction, or the label is refused (unknown_prediction).
step_traffic_reaches_every_pod() {
  [ "$mode" = "dry-run" ] && { echo "+ scripts/traffic.sh --url <Service> --rate 20 --duration 30"; return 0; }
  local base summary
  base="$(service_base "$namespace" model-server 80 /ready)"
  "$ROOT/scripts/traffic.sh" --url "$base" --rate 20 --duration 30 >"$work/traffic.log" 2>&1 \
    || { cat "$work/traffic.log" >&2; return 1; }
  summary="$(grep '(done)' "$work/traffic.log" | tail -1)"
  echo "traffic: $summary"
  [[ "$summary" != *feedback_failed* ]] || { echo "some labels were refused: $summary" >&2; return 1; }
  local pod ip served counts=()
  while read -r pod ip; do
    [ -n "$pod" ] || continue
    served="$(curl -fsS "http://$ip:8080/metrics" | sed -n 's/^model_requests_total{[^}]*} \([0-9.]*\)$/\1/p' | head -1)"
    counts+=("${served%.*}")
    echo "$pod ($ip): ${served%.*} predictions"
    [ "${served%.*}" -gt 0 ] || { echo "$pod got no prediction: the traffic does not reach every pod" >&2; return 1; }
  done < <(k get pods -l app=model-server -o jsonpath='{range .items[*]}{.metadata.name} {.status.podIP}{"\n"}{end}')
  observe ex1-traffic-per-pod "${counts[*]} predictions (of $(echo "$summary" | sed -n 's/.*sent=\([0-9]*\).*/\1/p'))"
  observe ex1-feedback-refused "0"
}

# helm, and where the chart comes from: the chart repository, or on the local cluster (which reaches none) the
# packaged chart 29.x in its cache, with the helm of scripts/local-cluster/addons.sh.
helm() {
  if [ "$cluster" = "local" ]; then "$local_addons" helm "$@"; else command helm "$@"; fi
}

step_prometheus_install() {
  local chart=prometheus-community/prometheus extra=()
  if [ "$cluster" = "local" ]; then
    chart="$("$local_addons" chart)"
    log "chart: $chart (no chart repository is reachable here; its images are the stand-ins listed above)"
    # The alertmanager subchart sets StatefulSet minReadySeconds, a field of Kubernetes 1.22 and later: helm's
    # check against this 1.20 server's schema refuses it, while the API server itself just drops the field.
    log "Kubernetes 1.20: helm's schema check is skipped (StatefulSet minReadySeconds is newer than 1.20)"
    extra=(--disable-openapi-validation)
  else
    run helm repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update
    run helm repo update prometheus-community
  fi
  # Marked before the install, so that an install that fails half-way is uninstalled too; a release that was
  # there before this run is left alone.
  if [ "$mode" = "dry-run" ] || ! helm status prometheus --namespace "$monitoring_ns" >/dev/null 2>&1; then
    touch "$work/created-prometheus"
  fi
  run helm upgrade --install prometheus "$chart" --version "$chart_version" \
    -f "$ROOT/k8s/prometheus-values.yaml" --namespace "$monitoring_ns" --create-namespace "${extra[@]}"
  # Every part the exercise needs: the server, Alertmanager (the route to the controller) and kube-state-metrics
  # (the restart and crash-loop alerts).
  run kubectl -n "$monitoring_ns" rollout status deployment/prometheus-server --timeout="${timeout}s"
  run kubectl -n "$monitoring_ns" rollout status statefulset/prometheus-alertmanager --timeout="${timeout}s"
  run kubectl -n "$monitoring_ns" rollout status deployment/prometheus-kube-state-metrics --timeout="${timeout}s"
}

step_controller_install() {
  touch "$work/created-controller"
  run kubectl apply -f "$ROOT/k8s/rollback-controller.yaml"
  run kubectl -n default rollout status deployment/rollback-controller --timeout="${timeout}s"
}

step_deploy_v1() {
  # Start from a clean history, so that `rollout undo` goes back to this v1 and not to an older revision.
  run kubectl -n "$namespace" delete deployment model-server --ignore-not-found --wait=true
  touch "$work/created-model-server"
  run kubectl -n "$namespace" apply -f "$(manifest deployment.yaml)"
  run kubectl -n "$namespace" apply -f "$(manifest service.yaml)"
  run kubectl -n "$namespace" rollout status deployment/model-server --timeout="${timeout}s"
  wait_until "3 v1 pods are ready and the Service has 3 endpoints" healthy_v1
}

step_smoke_v1() {
  if [ "$mode" = "dry-run" ]; then
    echo "+ (curl /health, /ready, /predict, /metrics through the Service)"
    return 0
  fi
  local base
  base="$(service_base "$namespace" model-server 80 /ready)"
  log "the model server through the Service: $base"
  curl -fsS "$base/health"
  echo
  curl -fsS "$base/ready"
  echo
  local answer
  answer="$(curl -fsS -H 'Content-Type: application/json' "$base/predict" \
    -d '{"amount": 125.5, "hour": 14, "distance_from_home_km": 3.2, "transactions_last_24h": 2,
         "merchant_category": "grocery", "card_present": true}')"
  echo "$answer"
  [[ "$answer" == *'"version":"v1.0"'* ]] || { echo "/predict did not answer as v1.0" >&2; return 1; }
  # Into a variable first: `curl | grep -q` fails under pipefail when grep stops reading early.
  local metrics
  metrics="$(curl -fsS "$base/metrics")"
  [[ "$metrics" == *$'\nmodel_accuracy{'* ]] || { echo "/metrics has no model_accuracy" >&2; return 1; }
  observe ex1-ready-pods "$(count_pods v1 true)/3"
  observe ex1-endpoints "$(endpoint_count)"
}

step_prometheus_baseline() {
  [ "$mode" = "dry-run" ] && { echo "+ (query Prometheus until it scrapes 3 v1 pods)"; return 0; }
  prometheus_base="$(service_base "$monitoring_ns" prometheus-server 80 /-/ready)"
  echo "$prometheus_base" >"$work/prometheus-base"
  wait_until "Prometheus scrapes model_accuracy from 3 v1 pods" prometheus_sees_v1
  wait_until "ModelAccuracyLow is not firing for v1" alert_not_firing ModelAccuracyLow
}

step_deploy_v2() {
  run kubectl -n "$namespace" apply -f "$(manifest deployment-v2.yaml)"
  printf '%(%s)T\n' -1 >"$work/v2-applied"
  if $with_controller && $with_prometheus; then
    # The alerts reach the controller 25 to 35 s after the v2 pods start, before v2 stalls: there is nothing more
    # to watch here than v2 arriving.
    wait_until "v2 pods exist" v2_exists
    return 0
  fi
  # maxSurge 100% and a fault that strikes ~60 s after start: the v2 rollout completes first, then every v2 pod
  # stalls, turns unready (endpoints shrink) and is restarted by its liveness probe.
  local applied=$SECONDS
  run kubectl -n "$namespace" rollout status deployment/model-server --timeout="${timeout}s"
  [ "$mode" = "dry-run" ] || observe ex2-rollout "$((SECONDS - applied)) s"
  wait_until "a v2 pod is unready and the Service has fewer than 3 endpoints" v2_unready_and_endpoints_shrink
  [ "$mode" = "dry-run" ] || observe ex2-first-unready "$((SECONDS - applied)) s"
  wait_until "the Service has no endpoints (every v2 pod stalled)" no_endpoints
  [ "$mode" = "dry-run" ] || observe ex2-endpoints-empty "$((SECONDS - applied)) s"
  wait_until "a v2 pod has restarted (liveness probe failing)" v2_restarted
  [ "$mode" = "dry-run" ] && return 0
  observe ex2-first-restart "$((SECONDS - applied)) s"
  log "pods now (name version ready restarts):"
  pod_table
  log "endpoints of the Service: $(endpoint_count)"
  observe_v2_round
  wait_until "the events the guide names were recorded" v2_events_seen
  observe ex2-events "Unhealthy (readiness and liveness 503), Killing (failed liveness probe)"
}

no_endpoints() { [ "$(endpoint_count)" -eq 0 ]; }

# The times of one restarted v2 pod from the API server's own timestamps: the stall is FaultConfig's 60 s after the
# process started; readiness and liveness detect it; the kubelet kills and starts the container again.
observe_v2_round() {
  local pod
  pod="$(k get pods -l app=model-server,version=v2 -o \
    jsonpath='{range .items[?(@.status.containerStatuses[0].restartCount>0)]}{.metadata.name}{"\n"}{end}' | head -1)"
  [ -n "$pod" ] || return 0
  local started finished restarted
  started="$(k get pod "$pod" -o jsonpath='{.status.containerStatuses[0].lastState.terminated.startedAt}')"
  finished="$(k get pod "$pod" -o jsonpath='{.status.containerStatuses[0].lastState.terminated.finishedAt}')"
  restarted="$(k get pod "$pod" -o jsonpath='{.status.containerStatuses[0].state.running.startedAt}')"
  [ -n "$started" ] && [ -n "$finished" ] && [ -n "$restarted" ] || return 0
  observe ex2-container-life "$(seconds_between "$started" "$finished") s"
  observe ex2-round "$(seconds_between "$started" "$restarted") s"
  observe ex2-exit "$(k get pod "$pod" -o jsonpath='{.status.containerStatuses[0].lastState.terminated.reason} (exit {.status.containerStatuses[0].lastState.terminated.exitCode})')"
}

v2_events_seen() {
  local events
  events="$(k get events --field-selector involvedObject.kind=Pod -o \
    jsonpath='{range .items[*]}{.reason}: {.message}{"\n"}{end}' 2>/dev/null)"
  [[ "$events" == *"Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503"* ]] \
    && [[ "$events" == *"Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 503"* ]] \
    && [[ "$events" == *"Killing: Container model-server failed liveness probe, will be restarted"* ]]
}

step_prometheus_alerts() {
  [ "$mode" = "dry-run" ] && { echo "+ (query Prometheus until ModelDegraded and ModelAccuracyLow have fired)"; return 0; }
  prometheus_base="$(cat "$work/prometheus-base")"
  wait_until "alert ModelDegraded has fired" alert_fired ModelDegraded
  observe ex4-degraded-fired "$(since_v2_applied) s"
  # With the controller, v2 may be rolled back before ModelAccuracyLow's 30 s have passed.
  if ! $with_controller; then
    wait_until "alert ModelAccuracyLow has fired" alert_fired ModelAccuracyLow
    log "ModelAccuracyLow fired $(since_v2_applied) s after the apply of v2"
  fi
}

since_v2_applied() { echo $(( $(printf '%(%s)T' -1) - $(cat "$work/v2-applied") )); }

step_rollback() {
  local started=$SECONDS
  if $with_controller; then
    wait_until "the rollback controller has put MODEL_VERSION v1.0 back in the Deployment" template_is_v1
    if [ "$mode" != "dry-run" ]; then
      observe ex4-controller-undo "$(since_v2_applied) s"
      # The rollback itself starts with the controller's patch.
      started=$SECONDS
      rollback_key="ex4-controller"
      log "the controller's Event: $(k get events --field-selector reason=RolledBack,involvedObject.name=model-server \
        -o jsonpath='{.items[-1:].message}' 2>/dev/null)"
    fi
  else
    run kubectl -n "$namespace" rollout undo deployment/model-server
  fi
  run kubectl -n "$namespace" rollout status deployment/model-server --timeout="${timeout}s"
  [ "$mode" = "dry-run" ] || observe "$rollback_key-complete" "$((SECONDS - started)) s"
  wait_until "3 v1 pods are ready, no v2 pod is left and the Service has 3 endpoints" healthy_v1
  if [ "$mode" = "dry-run" ]; then
    echo "+ (time the rollback from start to a recovered Service)"
  else
    log "rollback took $((SECONDS - started)) s from undo to a fully recovered Service"
    observe "$rollback_key-recovered" "$((SECONDS - started)) s"
  fi
}

rollback_key="ex3-undo"

step_verify_recovery() {
  run kubectl -n "$namespace" rollout history deployment/model-server
  [ "$mode" = "dry-run" ] && return 0
  # Every pod that is not terminating: a v2 pod spends its preStop sleep and drain in the list, and may sort first.
  local name deleting env live=0
  while IFS='|' read -r name deleting env; do
    if [ -z "$name" ] || [ -n "$deleting" ]; then continue; fi
    live=$((live + 1))
    echo "env of $name: $env"
    [[ "$env" == *'{"name":"MODEL_VERSION","value":"v1.0"}'* ]] \
      || { echo "MODEL_VERSION of $name is not v1.0 after the rollback" >&2; return 1; }
  done < <(k get pods -l app=model-server -o \
    jsonpath='{range .items[*]}{.metadata.name}{"|"}{.metadata.deletionTimestamp}{"|"}{.spec.containers[0].env}{"\n"}{end}')
  [ "$live" -gt 0 ] || { echo "no running model-server pod after the rollback" >&2; return 1; }
  healthy_v1 || { echo "the Service is not back to 3 ready v1 pods" >&2; return 1; }
}

step_prometheus_resolved() {
  [ "$mode" = "dry-run" ] && { echo "+ (query Prometheus until ModelDegraded stops firing)"; return 0; }
  prometheus_base="$(cat "$work/prometheus-base")"
  local started=$SECONDS
  wait_until "alert ModelDegraded has resolved" alert_not_firing ModelDegraded
  observe ex4-degraded-resolved "$((SECONDS - started)) s"
}

# ---------------------------------------------------------------------------------------------------------------
# Exercise 4, after the controller's rollback: it does not fight a re-apply of the revision it rolled back from,
# and a rollback refused by a transient cause (a Role without `patch`) happens once the cause is gone.

bad_mark="rollback.selfheal.dev/bad-revision"
cooldown_override="rollback.selfheal.dev/cooldown-seconds"
controller_sa="system:serviceaccount:default:rollback-controller"

# withheld_events: "count type message" of each RollbackWithheld Event on this run's model-server Deployment (by
# its uid: Events of an earlier run's Deployment of the same name live on for an hour), one a line.
withheld_events() {
  local uid
  uid="$(k get deployment model-server -o jsonpath='{.metadata.uid}' 2>/dev/null)" || return 0
  [ -n "$uid" ] || return 0
  k get events --field-selector "reason=RollbackWithheld,involvedObject.name=model-server,involvedObject.uid=$uid" \
    -o jsonpath='{range .items[*]}{.count} {.type} {.message}{"\n"}{end}' 2>/dev/null
}

withheld_event_seen() { [ "$(withheld_count)" -gt "$(cat "$work/withheld-before")" ]; }

# withheld_count: RollbackWithheld Events on the Deployment, each counted as often as the API server saw it.
withheld_count() {
  local n=0 count _rest
  while read -r count _rest; do
    [ -n "$count" ] || continue
    n=$((n + ${count:-1}))
  done < <(withheld_events)
  echo "$n"
}

template_is_v2() { [ "$(template_version)" = "v2.0" ]; }

# The ReplicaSet of the current (v2) template: the one the controller marked bad when it rolled back from it.
v2_replicaset() {
  k get rs -l app=model-server,version=v2 -o jsonpath='{.items[0].metadata.name}' 2>/dev/null
}

step_reapply_v2_no_fight() {
  # As a person or GitOps re-applies the revision the controller rolled back from.
  [ "$mode" = "dry-run" ] || withheld_count >"$work/withheld-before"
  run kubectl -n "$namespace" apply -f "$(manifest deployment-v2.yaml)"
  local applied=$SECONDS
  printf '%(%s)T\n' -1 >"$work/v2-applied"
  wait_until "the controller records a RollbackWithheld Event on the Deployment instead of rolling back" \
    withheld_event_seen
  if [ "$mode" = "dry-run" ]; then
    echo "+ (check that the template is still MODEL_VERSION v2.0 and the Event is one Warning naming kubectl annotate rs <v2 ReplicaSet> $bad_mark-)"
    return 0
  fi
  observe ex4-reapply-withheld "$((SECONDS - applied)) s"
  local version events rs
  version="$(template_version)"
  events="$(withheld_events)"
  rs="$(v2_replicaset)"
  log "the controller's Event: $events"
  observe ex4-reapply-template "$version"
  [ "$version" = "v2.0" ] || { echo "the template is $version, not v2.0: the controller rolled the re-applied v2 back" >&2; return 1; }
  [[ "$events" == *" Warning "* ]] || { echo "the RollbackWithheld Event is not a Warning: $events" >&2; return 1; }
  [[ "$events" == *"kubectl annotate rs $rs $bad_mark-"* ]] \
    || { echo "the Event does not name the command that clears the mark (kubectl annotate rs $rs $bad_mark-)" >&2; return 1; }
  local new_events=$(($(withheld_count) - $(cat "$work/withheld-before")))
  observe ex4-reapply-events "$new_events Warning RollbackWithheld"
  [ "$new_events" -eq 1 ] || { echo "expected one RollbackWithheld Event, found $new_events" >&2; return 1; }
  observe ex4-reapply-decisions "$(withheld_decisions alert) alert, $(withheld_decisions rollout) watch"
}

# withheld_decisions alert|rollout: the controller's decisions reapplied_bad_revision, by trigger.
withheld_decisions() {
  controller_metric "rollback_controller_decisions_ignored_total{reason=\"reapplied_bad_revision\",trigger=\"$1\"}"
}

# The controller's own counters, through the API server's proxy to its Service (the acting instance only).
controller_metric() { # NAME{LABELS} -> its value as a whole number, 0 when absent
  local body line value
  body="$(kubectl get --raw "/api/v1/namespaces/default/services/rollback-controller:http/proxy/metrics" 2>/dev/null)" \
    || { echo 0; return 0; }
  while IFS= read -r line; do
    if [[ "$line" == "$1 "* ]]; then
      value="${line##* }"
      echo "${value%.*}"
      return 0
    fi
  done <<<"$body"
  echo 0
}

patch_failures() { controller_metric 'rollback_controller_rollback_failures_total{reason="patch_failed"}'; }

answered_503() { kubectl -n default logs deployment/rollback-controller 2>/dev/null | grep -c "Answering 503 to receiver" || true; }

can_patch_deployments() {
  [ "$(kubectl auth can-i patch deployments.apps -n default --as="$controller_sa" 2>/dev/null)" = "yes" ]
}
cannot_patch_deployments() { ! can_patch_deployments; }

# The rest of the Role still holds: leader election (the Lease), the bad-revision mark, the Events, the watch.
role_keeps_the_rest() {
  local check
  for check in "get leases.coordination.k8s.io/rollback-controller" "patch leases.coordination.k8s.io/rollback-controller" \
    "create leases.coordination.k8s.io" "patch replicasets.apps" "create events" "watch deployments.apps" "get pods"; do
    # shellcheck disable=SC2086 # the verb and the resource are two words
    [ "$(kubectl auth can-i $check -n default --as="$controller_sa" 2>/dev/null)" = "yes" ] \
      || { echo "the Role no longer allows: $check" >&2; return 1; }
  done
}

refusal_seen() {
  [ "$(patch_failures)" -gt "$(cat "$work/patch-failures-before")" ] \
    || [ "$(answered_503)" -gt "$(cat "$work/answered-503-before")" ]
}

# Takes `patch` away from the Role's Deployment rule (rule 0, checked by the JSON patch's own tests): the
# controller can still read and watch, lead, mark ReplicaSets and write Events, but not roll back.
role_without_patch='[{"op":"test","path":"/rules/0/resources","value":["deployments"]},{"op":"test","path":"/rules/0/verbs","value":["get","list","watch","patch"]},{"op":"replace","path":"/rules/0/verbs","value":["get","list","watch"]}]'

step_refused_then_retried() {
  # Marked first: from here on the trap puts the Role back as the manifest has it, whatever happens.
  [ "$mode" = "dry-run" ] || touch "$work/role-narrowed"
  run kubectl -n default patch role rollback-controller --type=json -p "$role_without_patch"
  wait_until "the controller's ServiceAccount may no longer patch Deployments" cannot_patch_deployments
  if [ "$mode" != "dry-run" ]; then
    role_keeps_the_rest
    patch_failures >"$work/patch-failures-before"
    answered_503 >"$work/answered-503-before"
  fi
  # Exercise 4's rollback was a few minutes ago, inside the lab's COOLDOWN_SECONDS (600 s): without this, the
  # controller would decide `cooldown` and not try. The Deployment's own override (docs/rollback-controller.md);
  # the controller's rollback keeps the Deployment's settings, so the step removes it afterwards.
  [ "$mode" = "dry-run" ] || touch "$work/cooldown-overridden"
  run kubectl -n "$namespace" annotate deployment model-server "$cooldown_override=0" --overwrite
  local rs="<v2 ReplicaSet>" cleared
  [ "$mode" = "dry-run" ] || rs="$(v2_replicaset)"
  [ -n "$rs" ] || { echo "no v2 ReplicaSet of model-server found" >&2; return 1; }
  # The command the RollbackWithheld Event names: the person accepts that the controller acts on v2 again.
  run kubectl -n "$namespace" annotate rs "$rs" "$bad_mark-"
  cleared=$SECONDS
  wait_until "the controller's rollback patch is refused (403): 503 with Retry-After to Alertmanager, or rollback_controller_rollback_failures_total{reason=\"patch_failed\"} rises" \
    refusal_seen
  if [ "$mode" != "dry-run" ]; then
    observe ex4-refused "$((SECONDS - cleared)) s"
    observe ex4-refusal-seen "$(($(answered_503) - $(cat "$work/answered-503-before"))) × 503 to Alertmanager, patch_failed +$(($(patch_failures) - $(cat "$work/patch-failures-before")))"
    template_is_v2 || { echo "the template changed while the controller could not patch it: $(template_version)" >&2; return 1; }
    log "the controller's log since the mark was cleared:"
    kubectl -n default logs deployment/rollback-controller --since="$((SECONDS - cleared + 5))s" 2>/dev/null \
      | grep -e "Answering 503" -e "patch failed" -e "HTTP 403" -e "Rollback withheld" -e "Rolled back" | head -20 || true
  fi
  run kubectl apply -f "$ROOT/k8s/rollback-controller.yaml"
  local restored=$SECONDS
  wait_until "the controller's ServiceAccount may patch Deployments again" can_patch_deployments
  [ "$mode" = "dry-run" ] || rm -f "$work/role-narrowed"
  wait_until "the controller has retried and put MODEL_VERSION v1.0 back in the Deployment" template_is_v1
  [ "$mode" = "dry-run" ] || observe ex4-retry-patch "$((SECONDS - restored)) s"
  wait_until "3 v1 pods are ready, no v2 pod is left and the Service has 3 endpoints" healthy_v1
  [ "$mode" = "dry-run" ] && { echo "+ (remove $cooldown_override from the Deployment if the rollback left it)"; return 0; }
  observe ex4-retry-recovered "$((SECONDS - restored)) s"
  log "the controller's Event: $(k get events --field-selector reason=RolledBack,involvedObject.name=model-server \
    -o jsonpath='{.items[-1:].message}' 2>/dev/null)"
  remove_cooldown_override
  rm -f "$work/cooldown-overridden"
}

# The cooldown override, if it is still on the Deployment (the controller's rollback keeps its settings).
remove_cooldown_override() {
  local value
  value="$(k get deployment model-server -o "jsonpath={.metadata.annotations.${cooldown_override//./\\.}}" 2>/dev/null)" || return 0
  [ -z "$value" ] || k annotate deployment model-server "$cooldown_override-" >/dev/null
}

# The bonus experiment: two pods, one made unready from inside, the other unhealthy, then v2 over the two.

ready_v1_with_endpoints() { # N
  [ "$(count_pods v1 true)" -eq "$1" ] && [ "$(count_pods v1 any)" -eq "$1" ] && [ "$(endpoint_count)" -eq "$1" ]
}

bonus_pod() { # INDEX: the INDEXth live v1 pod, by name
  local name version _ready _restarts deleting i=0
  while read -r name version _ready _restarts deleting; do
    if [ -z "$name" ] || [ -n "$deleting" ] || [ "$version" != "v1" ]; then continue; fi
    if [ "$i" -eq "$1" ]; then echo "$name"; return 0; fi
    i=$((i + 1))
  done < <(pod_table | sort)
  return 1
}

pod_ready() { [ "$(k get pod "$1" -o jsonpath='{.status.containerStatuses[0].ready}')" = "$2" ]; }
pod_restarts() { k get pod "$1" -o jsonpath='{.status.containerStatuses[0].restartCount}'; }
pod_restarted_since() { [ "$(pod_restarts "$1")" -gt "$2" ]; }
in_pod() { k exec "$1" -c model-server -- "${@:2}" >/dev/null 2>&1; }

step_bonus_scale() {
  run kubectl -n "$namespace" scale deployment/model-server --replicas=2
  wait_until "2 ready v1 pods and 2 endpoints" ready_v1_with_endpoints 2
  [ "$mode" = "dry-run" ] || observe bonus-scaled-endpoints "$(endpoint_count)"
}

step_bonus_unready() {
  [ "$mode" = "dry-run" ] && { echo "+ kubectl exec <pod> -- touch /tmp/unready, then rm"; return 0; }
  local pod restarts touched
  pod="$(bonus_pod 0)"
  restarts="$(pod_restarts "$pod")"
  run kubectl -n "$namespace" exec "$pod" -c model-server -- touch /tmp/unready
  touched=$SECONDS
  wait_until "$pod is 0/1 and out of the endpoints" unready_and_out "$pod"
  observe bonus-unready-leaves "$((SECONDS - touched)) s"
  observe bonus-unready-endpoints "$(endpoint_count)"
  [ "$(pod_restarts "$pod")" -eq "$restarts" ] || { echo "$pod was restarted; unready must not restart" >&2; return 1; }
  run kubectl -n "$namespace" exec "$pod" -c model-server -- rm /tmp/unready
  touched=$SECONDS
  wait_until "$pod is ready again and both pods are endpoints" ready_v1_with_endpoints 2
  observe bonus-ready-returns "$((SECONDS - touched)) s"
}

last_state_recorded() {
  [ -n "$(k get pod "$1" -o jsonpath='{.status.containerStatuses[0].lastState.terminated.reason}')" ]
}

unready_and_out() { pod_ready "$1" false && [ "$(endpoint_count)" -eq 1 ]; }

step_bonus_unhealthy() {
  [ "$mode" = "dry-run" ] && { echo "+ kubectl exec <pod> -- touch /tmp/unhealthy, then rm"; return 0; }
  local pod restarts touched
  pod="$(bonus_pod 1)"
  restarts="$(pod_restarts "$pod")"
  run kubectl -n "$namespace" exec "$pod" -c model-server -- touch /tmp/unhealthy
  touched=$SECONDS
  wait_until "$pod's container is restarted (RESTARTS goes up)" pod_restarted_since "$pod" "$restarts"
  observe bonus-restart "$((SECONDS - touched)) s"
  wait_until "$pod's Last State is recorded" last_state_recorded "$pod"
  observe bonus-exit "$(k get pod "$pod" -o jsonpath='{.status.containerStatuses[0].lastState.terminated.reason} (exit {.status.containerStatuses[0].lastState.terminated.exitCode})')"
  # /tmp is the pod's emptyDir: the file outlives the container, so the new one fails its startup probe until the
  # file goes; the exec retries while the container is between two starts.
  wait_until "/tmp/unhealthy is removed from $pod" in_pod "$pod" rm -f /tmp/unhealthy
  wait_until "2 ready v1 pods and 2 endpoints again" ready_v1_with_endpoints 2
}

# Samples the endpoint count every second while v2 takes over the two pods, and reports the largest.
step_bonus_v2() {
  [ "$mode" = "dry-run" ] && { echo "+ kubectl apply -f k8s/deployment-v2.yaml (watching the endpoints)"; return 0; }
  (while :; do endpoint_count; sleep 1; done) >"$work/bonus-endpoints" 2>/dev/null &
  local sampler=$! applied
  echo "$sampler" >>"$work/pids"
  run kubectl -n "$namespace" apply -f "$(manifest deployment-v2.yaml)"
  applied=$SECONDS
  wait_until "the endpoints are empty (every v2 pod stalled)" no_endpoints
  kill "$sampler" 2>/dev/null || true
  observe bonus-endpoints-peak "$(sort -n "$work/bonus-endpoints" | tail -1)"
  observe bonus-endpoints-empty "$((SECONDS - applied)) s"
  run kubectl -n "$namespace" rollout undo deployment/model-server
  run kubectl -n "$namespace" rollout status deployment/model-server --timeout="${timeout}s"
  wait_until "3 v1 pods are ready and the Service has 3 endpoints" healthy_v1
}

# ---------------------------------------------------------------------------------------------------------------
# Exercise 5: the recommender, its loader Job, and its two dependencies taken away

recommender_endpoints() { endpoints_of default recommender; }

recommender_ready() {
  [ "$(kubectl -n default get deployment recommender -o jsonpath='{.status.readyReplicas}' 2>/dev/null)" = "2" ] \
    && [ "$(recommender_endpoints)" -eq 2 ]
}

recommender_restarts() {
  kubectl -n default get pods -l app=recommender -o jsonpath='{range .items[*]}{.status.containerStatuses[0].restartCount}{"\n"}{end}' \
    | sort -n | tail -1
}

loader_done() {
  [ "$(kubectl -n default get job recommender-embeddings-loader -o jsonpath='{.status.succeeded}' 2>/dev/null)" = "1" ]
}

# holds_for SECONDS DESCRIPTION COMMAND...: COMMAND stays true at every check for SECONDS (an observation window).
holds_for() {
  local window="$1" description="$2" until=$((SECONDS + $1))
  shift 2
  [ "$mode" = "dry-run" ] && { echo "+ (check for ${window}s that $description)"; return 0; }
  while [ "$SECONDS" -lt "$until" ]; do
    "$@" || { echo "not true throughout ${window}s: $description" >&2; return 1; }
    sleep 1
  done
  log "ok: for ${window}s, $description"
}

step_recommender_deploy() {
  touch "$work/created-recommender"
  local file="$ROOT/k8s/recommender.yaml"
  if [ "$cluster" = "local" ] && [ "$mode" != "dry-run" ]; then
    # PodDisruptionBudget is policy/v1 from Kubernetes 1.21 on (and policy/v1beta1 is gone since 1.25): the local
    # 1.20 cluster gets a copy that says v1beta1, the same fields, and nothing else changed.
    file="$work/recommender-k8s-1.20.yaml"
    sed 's#^apiVersion: policy/v1$#apiVersion: policy/v1beta1#' "$ROOT/k8s/recommender.yaml" >"$file"
    log "Kubernetes 1.20: the recommender's PodDisruptionBudget is applied as policy/v1beta1 (policy/v1 is 1.21+)"
  fi
  local applied=$SECONDS
  run kubectl apply -f "$file"
  wait_until "the embeddings loader Job has completed" loader_done
  [ "$mode" = "dry-run" ] || observe ex5-loader-done "$((SECONDS - applied)) s"
  wait_until "both recommender pods are ready and in the endpoints" recommender_ready
  [ "$mode" = "dry-run" ] && return 0
  observe ex5-ready "$((SECONDS - applied)) s"
  observe ex5-warmup-restarts "$(recommender_restarts)"
}

step_recommender_profile_down() {
  run kubectl -n default scale deployment/profile-api --replicas=0
  wait_until "no profile-api pod is left" no_pods profile-api
  holds_for 20 "both recommender pods stay ready and in the endpoints without the profile API" recommender_ready
  [ "$mode" = "dry-run" ] || observe ex5-profile-down-endpoints "$(recommender_endpoints)"
  run kubectl -n default scale deployment/profile-api --replicas=1
  wait_until "the profile API is back" deployment_ready profile-api
}

step_recommender_redis_down() {
  run kubectl -n default scale deployment/redis --replicas=0
  wait_until "no redis pod is left" no_pods redis
  holds_for 20 "both recommender pods stay ready with Redis gone (the embeddings are in memory)" recommender_ready
  [ "$mode" = "dry-run" ] || observe ex5-redis-down-ready "$(kubectl -n default get deployment recommender -o jsonpath='{.status.readyReplicas}')/2"
  run kubectl -n default scale deployment/redis --replicas=1
  wait_until "Redis is back" deployment_ready redis
}

no_pods() { [ -z "$(kubectl -n default get pods -l "app=$1" -o jsonpath='{.items[*].metadata.name}' 2>/dev/null)" ]; }
deployment_ready() {
  [ "$(kubectl -n default get deployment "$1" -o jsonpath='{.status.readyReplicas}' 2>/dev/null)" = \
    "$(kubectl -n default get deployment "$1" -o jsonpath='{.spec.replicas}' 2>/dev/null)" ]
}

# ---------------------------------------------------------------------------------------------------------------
# Diagnostics after a failed step: the state and the logs of every component this run deployed

diagnose() { # TITLE COMMAND...
  echo "--- $1"
  "${@:2}" 2>&1 || true
}

dump_diagnostics() {
  [ "$mode" = "run" ] || return 0
  echo "=== diagnostics after the failed step"
  diagnose "pods and endpoints in $namespace" k get pods,endpoints -o wide
  diagnose "recent events in $namespace" k get events --sort-by=.lastTimestamp
  diagnose "the model-server pods" k describe pods -l app=model-server
  local pod
  for pod in $(k get pods -l app=model-server -o jsonpath='{.items[*].metadata.name}' 2>/dev/null || true); do
    diagnose "logs of $pod" k logs "$pod" --tail=100
    diagnose "logs of $pod, previous container" k logs "$pod" --previous --tail=100
  done
  if $with_controller; then
    diagnose "logs of the rollback controller" kubectl -n default logs deployment/rollback-controller --tail=200
    diagnose "the rollback controller's Role" kubectl -n default get role rollback-controller -o yaml
  fi
  if $with_prometheus; then
    diagnose "pods in $monitoring_ns" kubectl -n "$monitoring_ns" get pods -o wide
    diagnose "logs of Prometheus" \
      kubectl -n "$monitoring_ns" logs deployment/prometheus-server -c prometheus-server --tail=100
    diagnose "logs of Alertmanager" kubectl -n "$monitoring_ns" logs statefulset/prometheus-alertmanager --tail=100
    diagnose "logs of kube-state-metrics" \
      kubectl -n "$monitoring_ns" logs deployment/prometheus-kube-state-metrics --tail=100
  fi
  if $with_recommender; then
    diagnose "recommender, redis, profile-api and the loader" kubectl -n default get pods,jobs,endpoints -o wide
    diagnose "logs of the recommender" kubectl -n default logs deployment/recommender --tail=100
    diagnose "logs of the loader Job" kubectl -n default logs job/recommender-embeddings-loader --tail=50
  fi
  if [ "$cluster" = "local" ]; then
    diagnose "events in every namespace" kubectl get events -A --sort-by=.lastTimestamp
    diagnose "the node" kubectl describe node
    diagnose "logs of every cluster component" "$local_cluster" logs
  fi
  echo "=== end of diagnostics"
}

# ---------------------------------------------------------------------------------------------------------------
# Step runner and summary

step_names=()
step_results=()
step_seconds=()
failed=false

step() { # NAME FUNCTION
  local name="$1" fn="$2" started=$SECONDS rc=0
  if $failed; then
    step_names+=("$name"); step_results+=("SKIP"); step_seconds+=(0)
    return 0
  fi
  log "== $name"
  set +e
  (set -e; "$fn")
  rc=$?
  set -e
  step_names+=("$name"); step_seconds+=($((SECONDS - started)))
  if [ "$rc" -eq 0 ]; then
    step_results+=("PASS")
  else
    step_results+=("FAIL")
    failed=true
    log "step failed: $name (exit $rc)"
    dump_diagnostics
  fi
}

summary() {
  [ "${#step_names[@]}" -eq 0 ] && return 0
  local i passed=0 total=0
  echo
  echo "e2e-cluster summary ($cluster '$cluster_name', namespace $namespace, mode $mode):"
  for i in "${!step_names[@]}"; do
    printf '  %-4s %5ss  %s\n' "${step_results[$i]}" "${step_seconds[$i]}" "${step_names[$i]}"
    total=$((total + 1))
    [ "${step_results[$i]}" = "PASS" ] && passed=$((passed + 1))
  done
  printf '  %s of %s steps passed in %ss\n' "$passed" "$total" "$SECONDS"
  if [ -n "$work" ] && [ -s "$work/observed.tsv" ]; then
    echo "observed:"
    local key value
    while IFS=$'\t' read -r key value; do printf '  %-28s %s\n' "$key" "$value"; done <"$work/observed.tsv"
  fi
  if $failed; then echo "RESULT: FAIL"; else echo "RESULT: PASS"; fi
}

cleanup() {
  local rc=$?
  if [ -n "$work" ] && [ -f "$work/pids" ]; then
    local pid
    while read -r pid; do
      kill "$pid" 2>/dev/null || true
    done <"$work/pids"
  fi
  # The no-fight run's Role without `patch` (step_refused_then_retried): back as the manifest has it, also with
  # --keep, since a controller that cannot patch is not the lab's controller.
  if [ "$mode" = "run" ] && [ -n "$work" ] && [ -f "$work/role-narrowed" ]; then
    log "restoring the rollback controller's Role from k8s/rollback-controller.yaml"
    kubectl apply -f "$ROOT/k8s/rollback-controller.yaml" >/dev/null 2>&1 \
      || echo "e2e-cluster: could not restore the Role rollback-controller: kubectl apply -f k8s/rollback-controller.yaml" >&2
  fi
  if [ "$mode" = "run" ] && [ -n "$work" ] && [ -f "$work/cooldown-overridden" ]; then
    remove_cooldown_override || echo "e2e-cluster: could not remove $cooldown_override from deployment/model-server" >&2
  fi
  if [ "$mode" = "run" ] && ! $keep && [ -n "$work" ]; then
    if [ -f "$work/created-model-server" ]; then
      log "cleaning up the model server (use --keep to leave it)"
      k delete deployment/model-server service/model-server --ignore-not-found --wait=false >/dev/null 2>&1 || true
    fi
    if [ -f "$work/created-controller" ]; then
      kubectl delete -f "$ROOT/k8s/rollback-controller.yaml" --ignore-not-found --wait=false >/dev/null 2>&1 || true
    fi
    if [ -f "$work/created-prometheus" ]; then
      helm uninstall prometheus --namespace "$monitoring_ns" >/dev/null 2>&1 || true
    fi
    if [ -f "$work/created-feedback-token" ]; then
      k delete secret model-server-feedback --ignore-not-found >/dev/null 2>&1 || true
    fi
    if [ -f "$work/created-recommender" ]; then
      kubectl delete -f "$(ls "$work/recommender-k8s-1.20.yaml" 2>/dev/null || echo "$ROOT/k8s/recommender.yaml")" \
        --ignore-not-found --wait=false >/dev/null 2>&1 || true
    fi
    if [ -f "$work/created-token" ]; then
      kubectl -n default delete secret rollback-controller-token --ignore-not-found >/dev/null 2>&1 || true
      kubectl -n "$monitoring_ns" delete secret rollback-controller-token --ignore-not-found >/dev/null 2>&1 || true
    fi
  fi
  summary
  $failed || write_record
  [ -n "$work" ] && rm -rf "$work"
  exit "$rc"
}

main() {
  parse_args "$@"
  if [ "$cluster" = "local" ] && [ -z "${KUBECONFIG:-}" ] && [ -x "$local_cluster" ]; then
    KUBECONFIG="$("$local_cluster" kubeconfig)"
    export KUBECONFIG
  fi
  if command -v kubectl >/dev/null 2>&1; then
    detect_cluster
  fi
  check_tools
  if [ "$mode" != "dry-run" ]; then
    report_missing
    check_cluster
  fi
  report_missing
  [ -n "$cluster" ] || die_usage "could not tell the kind of cluster: pass --cluster kind|minikube"
  if [ "$mode" = "check-only" ]; then
    echo "e2e-cluster: all prerequisites found ($cluster '$cluster_name', namespace $namespace)"
    exit 0
  fi

  work="$(mktemp -d "${TMPDIR:-/tmp}/e2e-cluster.XXXXXX")"
  : >"$work/pids"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  if [ "$cluster" = "local" ]; then
    poll=1
    node_ip="$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')"
  fi
  if $with_prometheus && $with_controller && $with_bonus && $with_recommender; then
    run_whole_lab
    $failed && exit "$EXIT_FAILED"
    exit 0
  fi

  step "build images model-server:v1 and model-server:v2$($with_controller && echo ' and rollback-controller:v1')" step_build
  step "load images into $cluster '$cluster_name'" step_load
  if $with_prometheus || $with_controller; then
    step "generate the webhook token Secret in default and $monitoring_ns" step_webhook_token
  fi
  if $with_prometheus; then
    step "install Prometheus chart $chart_version in namespace $monitoring_ns" step_prometheus_install
  fi
  if $with_controller; then
    step "deploy the rollback controller" step_controller_install
  fi
  step "deploy v1: 3/3 ready, 3 endpoints" step_deploy_v1
  step "v1 answers /health, /ready, /predict, /metrics through the Service" step_smoke_v1
  if $with_prometheus; then
    step "Prometheus scrapes v1, no accuracy alert" step_prometheus_baseline
  fi
  if $with_controller && $with_prometheus; then
    step "deploy v2" step_deploy_v2
    step "alert ModelDegraded fires for v2" step_prometheus_alerts
  else
    step "deploy v2: unready and restarting pods observed" step_deploy_v2
    if $with_prometheus; then
      step "alerts ModelDegraded and ModelAccuracyLow fire for v2" step_prometheus_alerts
    fi
  fi
  if $with_controller; then
    step "rollback controller undoes v2; 3 v1 pods ready again" step_rollback
  else
    step "kubectl rollout undo; 3 v1 pods ready again" step_rollback
  fi
  step "recovered: MODEL_VERSION v1.0, 3 endpoints" step_verify_recovery
  if $with_prometheus; then
    step "alert ModelDegraded resolves after the rollback" step_prometheus_resolved
  fi
  if $with_controller && $with_prometheus; then
    controller_no_fight_steps ""
  fi
  $with_bonus && bonus_steps
  $with_recommender && recommender_steps
  $failed && exit "$EXIT_FAILED"
  exit 0
}

bonus_steps() {
  step "bonus: scale to 2, 2 endpoints" step_bonus_scale
  step "bonus: touch /tmp/unready, the pod leaves the endpoints without a restart, and comes back" step_bonus_unready
  step "bonus: touch /tmp/unhealthy, the container is restarted" step_bonus_unhealthy
  step "bonus: v2 over 2 pods, endpoints grow then empty; undo" step_bonus_v2
}

recommender_steps() {
  step "exercise 5: recommender, Redis, profile API, loader Job; pods ready after the warm-up" step_recommender_deploy
  step "exercise 5: profile API down, the recommender stays ready" step_recommender_profile_down
  step "exercise 5: Redis down, the recommender stays ready" step_recommender_redis_down
}

# --all: every exercise in the order of EXERCISES.md, on one cluster.
run_whole_lab() {
  step "build images (model server v1 and v2, rollback controller, recommender)" step_build
  step "load images into $cluster '$cluster_name'" step_load
  step "exercise 1: generate the feedback token Secret" step_feedback_token
  step "exercise 1: deploy v1, 3/3 ready, 3 endpoints" step_deploy_v1
  step "exercise 1: /health, /ready, /predict, /metrics through the Service" step_smoke_v1
  step "exercise 1: labelled traffic through the Service reaches every pod; no label refused" \
    step_traffic_reaches_every_pod
  with_controller=false with_prometheus=false step "exercise 2: deploy v2, unready and restarting pods observed" step_deploy_v2
  step "exercise 3: kubectl rollout undo; 3 v1 pods ready again" step_rollback_manual
  step "exercise 3: recovered: MODEL_VERSION v1.0, 3 endpoints" step_verify_recovery
  bonus_steps
  step "exercise 4: generate the webhook token Secret in default and $monitoring_ns" step_webhook_token
  step "exercise 4: install Prometheus chart $chart_version in namespace $monitoring_ns" step_prometheus_install
  step "exercise 4: deploy the rollback controller (its RBAC and ServiceAccount)" step_controller_install
  step "exercise 4: Prometheus scrapes v1, no accuracy alert" step_prometheus_baseline
  step "exercise 4: deploy v2" step_deploy_v2
  step "exercise 4: alert ModelDegraded fires for v2" step_prometheus_alerts
  step "exercise 4: the rollback controller undoes v2 on its own; 3 v1 pods ready" step_rollback
  step "exercise 4: recovered: MODEL_VERSION v1.0, 3 endpoints" step_verify_recovery
  step "exercise 4: alert ModelDegraded resolves after the rollback" step_prometheus_resolved
  controller_no_fight_steps "exercise 4: "
  recommender_steps
}

# After the controller's rollback of v2 (with Prometheus's alerts): it does not fight a re-apply of v2, and a
# rollback refused for a while (its Role without `patch`) happens once the Role is back.
controller_no_fight_steps() { # PREFIX of the step names
  step "${1}v2 re-applied; the controller does not fight it (one RollbackWithheld Event, v2 stays)" \
    step_reapply_v2_no_fight
  step "${1}patch taken from its Role, mark cleared: refused (403, 503 to Alertmanager); Role restored, v1 back" \
    step_refused_then_retried
}

step_rollback_manual() { with_controller=false step_rollback; }

main "$@"
