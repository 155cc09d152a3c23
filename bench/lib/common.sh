#!/usr/bin/env bash
# Helpers shared by the benchmark scripts of bench/: sourced (`source bench/lib/common.sh` after the
# script's `cd` to the repository root), never run on its own. One copy of each, so a fix to the
# readiness probe or the wrk parsing reaches every benchmark.
#   need COMMAND PACKAGE    stops with the Debian package to install when COMMAND is missing
#   need_nginx              the same for $NGINX (default /usr/sbin/nginx), which it sets
#   build_model_server      packages model-server (and what it needs) unless SKIP_BUILD=1
#   free_port               a free TCP port on 127.0.0.1
#   pause SECONDS           sleep without a child process
#   http_status PORT PATH   status code of GET PATH on 127.0.0.1:PORT (0 when nothing listens)
#   to_ms TEXT              wrk latency text -> milliseconds
#   median N...             median, ignoring "-"; "-" when there are none
#   ratio VALUE BASE        VALUE / BASE to two places; "-" when either is "-" or BASE is 0
#   rss_mib PID             resident set of process PID in MiB (0 when it is gone)
#   stop_pid PID            stops a child process and waits for it (nothing when PID is empty)
#   start_nginx DIR PORT WORKER_CONNECTIONS BODY
#                           nginx answering 200 with BODY on every path, its files under DIR;
#                           (after need_nginx) sets nginx_pid and returns once it answers
set -euo pipefail

need() { # command, Debian package
  command -v "$1" >/dev/null 2>&1 || { echo "missing $1: install the Debian package $2" >&2; exit 1; }
}

need_nginx() {
  NGINX="${NGINX:-/usr/sbin/nginx}"
  [ -x "$NGINX" ] || { echo "missing $NGINX: install the Debian package nginx" >&2; exit 1; }
}

build_model_server() {
  if [ "${SKIP_BUILD:-0}" != "1" ]; then
    mvn -B -q -ntp -pl model-server -am package -DskipTests
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# A timeout for `read` that needs no child process: a descriptor that never delivers data.
exec 9<> <(:)
pause() { read -r -t "$1" -u 9 || true; }

# Via bash's /dev/tcp: no curl fork while a JVM or a container is starting.
http_status() { # port, path
  local line
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || { echo 0; return; }
  printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$2" >&3
  read -r -t 2 line <&3 || line=""
  exec 3<&- 3>&-
  line="${line#HTTP/1.1 }"
  echo "${line%% *}"
}

# wrk latency text ("812.00us", "1.20ms", "1.01s") -> milliseconds
to_ms() {
  python3 -c '
import re, sys
m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", sys.argv[1])
v, u = float(m.group(1)), m.group(2)
print("%.2f" % (v / 1000 if u == "us" else v if u == "ms" else v * 1000 if u == "s" else v * 60000))' "$1"
}

median() {
  printf '%s\n' "$@" | grep -v '^-$' | sort -g |
    awk '{a[NR] = $1} END {if (NR == 0) print "-"; else print a[int((NR + 1) / 2)]}'
}

ratio() { # value, base
  if [ "$1" = "-" ] || [ "$2" = "-" ] || [ "$2" = "0" ]; then echo "-"; else
    python3 -c "print('%.2f' % ($1 / $2))"; fi
}

rss_mib() { awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }

stop_pid() { # pid
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# The baseline every benchmark measures in the same run: a static 200, temporary config, no logs.
# shellcheck disable=SC2034 # nginx_pid is read by the scripts that source this file
nginx_pid=""
# shellcheck disable=SC2034
start_nginx() { # dir, port, worker connections, body
  local dir="$1" port="$2"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
daemon off;
events { worker_connections $3; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    location / { default_type application/json; return 200 '$4'; }
  }
}
EOF
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" &
  nginx_pid=$!
  until [ "$(http_status "$port" /)" = "200" ]; do pause 0.05; done
}
