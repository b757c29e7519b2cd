#!/usr/bin/env bash
# The image's build stage (Dockerfile), also run by e2e/docker-image.e2e.spec.ts on a clean copy of the repository:
# installs every dependency, compiles to dist/, then lays out in image/ what the runtime stage copies: the compiled
# output, the launcher and production dependencies only (no TypeScript tooling, no packaged Node: the base image has one).
set -euo pipefail
cd "$(dirname "$0")/../.."
npm ci --no-audit --no-fund
npm run build
rm -rf image
mkdir -p image/scripts
cp -R dist package.json package-lock.json .npmrc image/
cp scripts/run.js scripts/start-service.sh scripts/healthcheck.js scripts/gantry.js scripts/verify-ledger-export.js image/scripts/
(cd image && npm ci --no-audit --no-fund --omit=dev --omit=optional --ignore-scripts)
