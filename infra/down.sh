#!/usr/bin/env bash
# Stops the broker started by infra/up.sh. The database is kept; drop it with `dropdb gantry` if you want.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export KAFKA_STATE_DIR="${KAFKA_STATE_DIR:-$HERE/../.infra/dev}"
bash "$HERE/kafka/stop.sh"
