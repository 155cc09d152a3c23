#!/usr/bin/env bash
# The Docker engine the image tests and the local cluster build with.
#
#   scripts/docker-engine.sh start            start dockerd when no engine answers (remembers that it did)
#   scripts/docker-engine.sh stop-if-started  stop the dockerd that `start` started, nothing else
#   scripts/docker-engine.sh base-images      make sure the Dockerfiles' base images exist locally
#
# Where no image registry is reachable (this project's CI machines), the base images are stand-ins built offline
# from Debian's packages by the workplace's tools/container-base-images.sh (found beside the repository as
# ../shared/tools/); each run says so. Exit status: 0 done, 1 failed, 2 bad usage, 3 something is missing.
set -euo pipefail

ROOT="$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)"
readonly ROOT
readonly BASE_IMAGES=(eclipse-temurin:17-jre maven:3.9-eclipse-temurin-17)
MARKER="${TMPDIR:-/tmp}/selfheal-lab-dockerd.pid"
readonly MARKER

log() { printf '[docker-engine] %s\n' "$*" >&2; }

start() {
  if docker info >/dev/null 2>&1; then
    return 0
  fi
  command -v dockerd >/dev/null 2>&1 || { log "missing: dockerd (Debian package docker.io)"; exit 3; }
  [ "$(id -u)" -eq 0 ] || { log "no Docker engine answers, and starting one needs root"; exit 3; }
  log "no Docker engine answers: starting dockerd (log: ${TMPDIR:-/tmp}/selfheal-lab-dockerd.log)"
  nohup dockerd >"${TMPDIR:-/tmp}/selfheal-lab-dockerd.log" 2>&1 &
  echo "$!" >"$MARKER"
  local deadline=$((SECONDS + 60))
  until docker info >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$MARKER")" 2>/dev/null; then
      tail -20 "${TMPDIR:-/tmp}/selfheal-lab-dockerd.log" >&2
      log "dockerd exited at start"
      exit 1
    fi
    [ "$SECONDS" -lt "$deadline" ] || { log "dockerd did not answer within 60 s"; exit 1; }
    sleep 0.5
  done
  log "dockerd answers"
}

stop_if_started() {
  [ -f "$MARKER" ] || return 0
  local pid
  pid="$(cat "$MARKER")"
  rm -f "$MARKER"
  kill "$pid" 2>/dev/null || return 0
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
  log "stopped the dockerd this run started"
}

base_images() {
  local image absent=()
  for image in "${BASE_IMAGES[@]}"; do
    docker image inspect "$image" >/dev/null 2>&1 || absent+=("$image")
  done
  if [ "${#absent[@]}" -eq 0 ]; then
    report_standins
    return 0
  fi
  if timeout 30 docker pull -q "${absent[0]}" >/dev/null 2>&1; then
    for image in "${absent[@]:1}"; do docker pull -q "$image" >/dev/null; done
    return 0
  fi
  local tool="$ROOT/../shared/tools/container-base-images.sh"
  [ -f "$tool" ] || {
    log "missing: the base images ${absent[*]}: no registry answers, and $tool (which builds stand-ins) is absent"
    exit 3
  }
  log "no registry answers: building stand-ins for ${absent[*]} from Debian's packages ($tool, about 5 min)"
  bash "$tool" >"${TMPDIR:-/tmp}/selfheal-lab-base-images.log" 2>&1 \
    || { tail -30 "${TMPDIR:-/tmp}/selfheal-lab-base-images.log" >&2; log "building the stand-in base images failed"; exit 1; }
  report_standins
}

# A stand-in made by `docker import` has no build history of its own; the real images do.
report_standins() {
  local image
  for image in "${BASE_IMAGES[@]}"; do
    if [ "$(docker image inspect -f '{{len .RootFS.Layers}}' "$image")" = "1" ]; then
      log "base image $image: a STAND-IN (Debian's OpenJDK 17 and Maven, imported offline), not the upstream image"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop-if-started) stop_if_started ;;
  base-images) base_images ;;
  *) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
