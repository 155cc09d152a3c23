#!/usr/bin/env bash
# The upstream image's redis-server accepts connections from other pods without a configuration file (its build
# turns protected mode off); Debian's does not, so the stand-in says so on the command line.
set -euo pipefail
if [ "${1:-}" = "redis-server" ]; then
  shift
  exec redis-server --protected-mode no "$@"
fi
exec "$@"
