#!/usr/bin/env bash
# Starts one service of the distributed mode: `npm run start:service -- planning`. Needs DATABASE_URL and KAFKA_BROKERS.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in planning|verification|execution|records|model-review) ;; *) echo "usage: start-service.sh planning|verification|execution|records|model-review" >&2; exit 2 ;; esac
exec node scripts/run.js "services/$1/src/main.ts"
