#!/usr/bin/env bash
# The one command that runs every test: typecheck, lint, then Jest (unit, integration against a real Kafka broker
# and PostgreSQL, end to end with the services as separate processes). Arguments go to Jest.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
# the Node that npm scripts run on: the packaged one in node_modules/.bin, or the machine's where that is recent enough
export PATH="$PWD/node_modules/.bin:$PATH"
NODE="$(command -v node)"
"$NODE" -e 'process.exit(require("./scripts/run").nodeIsRecentEnough() ? 0 : 1)' || { echo "the tests need Node 24.9 or later; $NODE is $("$NODE" --version)" >&2; exit 1; }
echo "node $("$NODE" --version), $(nproc) cores"
# the end-to-end suites start the services from their compiled output, as production does
"$NODE" scripts/build.js
if [ $# -eq 0 ]; then
  "$NODE" node_modules/.bin/tsc -p tsconfig.json --noEmit
  "$NODE" node_modules/.bin/tsc -p apps/console/tsconfig.json
  # The module-boundary rule reads Nx's project graph and silently skips itself when none is cached: build it first.
  NX_DAEMON=false "$NODE" node_modules/.bin/nx show projects >/dev/null
  "$NODE" node_modules/.bin/eslint --max-warnings 0 .
  "$NODE" scripts/check-imports.js
fi
# NestJS 12 is ESM-only: Jest (CommonJS) loads it through the VM module API, which needs this flag on Node 24.
NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning --disable-warning=TimeoutNegativeWarning ${NODE_OPTIONS:-}" "$NODE" node_modules/.bin/jest "$@"
