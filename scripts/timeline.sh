#!/usr/bin/env bash
# Redraws docs/self-healing-timeline.png from a real run: the v1 and v2 model servers under traffic, Prometheus with
# the lab's rules at the cluster's 5 s intervals, Alertmanager, and the rollback controller, which rolls the
# Deployment back (against fabric8's mock API server). The picture is read back from Prometheus with query_range.
# Takes about three minutes. Needs what scripts/test.sh installs (prometheus, prometheus-alertmanager) and Maven.
#
#   scripts/timeline.sh                          # writes docs/self-healing-timeline.png
#   scripts/timeline.sh /tmp/run.png             # writes elsewhere
#   TIMING=FAST scripts/timeline.sh /tmp/run.png # the tests' 1 s intervals and shortened alert "for"
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-docs/self-healing-timeline.png}"
case "$out" in
  /*) ;;
  *) out="$PWD/$out" ;;
esac
timing="${TIMING:-LAB}"

# The run is lab-tests' SelfHealingRunE2E with the cluster's timing; it also checks every dashboard query.
mvn -B -ntp -q -pl lab-tests -am verify \
  -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=SelfHealingRunE2E -Dfailsafe.failIfNoSpecifiedTests=false \
  -Djacoco.skip=true \
  -Dtimeline.timing="$timing" -Dtimeline.output="$out"
echo "timeline.sh: wrote $out"
