#!/usr/bin/env bash
# Makes sure Debian's `chromium` is installed (the console's browser tests drive it with playwright-core; a browser
# build of Playwright's own cannot be downloaded where Gantry is tested). Idempotent; installs only when missing,
# under a lock so that parallel test workers do not run apt at the same time. Needs root (apt-get) the first time.
# Prints the binary's path.
set -euo pipefail
BIN=/usr/bin/chromium
if [ ! -x "$BIN" ]; then
  exec 9>"${TMPDIR:-/tmp}/gantry-chromium-install.lock"
  flock 9
  if [ ! -x "$BIN" ]; then
    if [ "$(id -u)" != 0 ]; then echo "chromium is not installed and installing it needs root: apt-get install chromium" >&2; exit 1; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends chromium >&2 || { apt-get update >&2 && apt-get install -y --no-install-recommends chromium >&2; }
  fi
fi
echo "$BIN"
