#!/usr/bin/env bash
# Stop the test broker started by infra/kafka/start.sh: SIGTERM to the PID in the PID file,
# wait up to KAFKA_STOP_TIMEOUT (30 s), then SIGKILL that PID only. Removes the data dir if
# start.sh created it as a temp dir. Idempotent: no broker -> exit 0.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE_DIR="${KAFKA_STATE_DIR:-$REPO/.infra}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

PID_FILE="$STATE_DIR/kafka.pid"
DATADIR_FILE="$STATE_DIR/kafka.datadir"
TEMPDIR_FILE="$STATE_DIR/kafka.tempdir"
PORT_FILE="$STATE_DIR/kafka.port"
CONTROLLER_PORT_FILE="$STATE_DIR/kafka.controller-port"

log() { echo "[kafka/stop] $*" >&2; }

# shellcheck source=process.sh
. "$HERE/process.sh"

[ -d "$STATE_DIR" ] || { log "no broker (no $STATE_DIR)"; exit 0; }
exec 9>"$STATE_DIR/kafka.lock"
command -v flock >/dev/null && { flock -w 180 9 || { log "ERROR: timed out waiting for lock"; exit 1; }; }

if [ ! -f "$PID_FILE" ]; then
  log "no broker (no PID file)"
  exit 0
fi

PID="$(cat "$PID_FILE" 2>/dev/null || true)"
DATA="$(cat "$DATADIR_FILE" 2>/dev/null || true)"

if is_broker_pid "$PID"; then
  T0="$(date +%s%3N)"
  log "stopping broker pid $PID (SIGTERM, up to ${STOP_TIMEOUT}s)"
  kill -TERM "$PID" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while alive "$PID" && (( SECONDS < deadline )); do sleep 0.1; done
  if alive "$PID"; then
    log "pid $PID still alive after ${STOP_TIMEOUT}s; SIGKILL"
    kill -KILL "$PID" 2>/dev/null || true
    while alive "$PID"; do sleep 0.1; done
  fi
  log "stopped pid $PID in $(( $(date +%s%3N) - T0 )) ms"
else
  log "pid '$PID' from $PID_FILE is not a running broker; cleaning up"
fi

# Remove the data dir only if start.sh created it (state file + marker inside the dir agree).
if [ -n "$DATA" ] && [ -f "$TEMPDIR_FILE" ] && [ "$(cat "$TEMPDIR_FILE")" = "$DATA" ] \
   && [ -f "$DATA/.gantry-kafka-tmp" ]; then
  rm -rf -- "$DATA"
  log "removed temp data dir $DATA"
elif [ -n "$DATA" ]; then
  log "kept data dir $DATA"
fi
rm -f "$PID_FILE" "$DATADIR_FILE" "$TEMPDIR_FILE" "$PORT_FILE" "$CONTROLLER_PORT_FILE"
