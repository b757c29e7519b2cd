#!/usr/bin/env bash
# Makes sure Debian's `prometheus` is installed (the monitoring period's integration tests start one, as an
# environment's monitoring system). Idempotent; installs only when missing, under a lock so that parallel test
# workers do not run apt at the same time. Needs root (apt-get) the first time. Prints the binary's path.
set -euo pipefail
BIN="${PROMETHEUS_BIN:-$(command -v prometheus || true)}"
if [ -z "$BIN" ] && [ -x /usr/bin/prometheus ]; then BIN=/usr/bin/prometheus; fi
if [ -z "$BIN" ]; then
  exec 9>"${TMPDIR:-/tmp}/gantry-prometheus-install.lock"
  flock 9
  if ! command -v prometheus >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then echo "prometheus is not installed and installing it needs root: apt-get install prometheus" >&2; exit 1; fi
    export DEBIAN_FRONTEND=noninteractive
    # the package's post-install starts a system service; tests start their own, so services may not start here
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    apt-get install -y --no-install-recommends prometheus >&2 || { apt-get update >&2 && apt-get install -y --no-install-recommends prometheus >&2; }
  fi
  BIN="$(command -v prometheus)"
fi
echo "$BIN"
