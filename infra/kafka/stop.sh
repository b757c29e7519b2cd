#!/usr/bin/env bash
# Stop what infra/kafka/start.sh started: the broker, or every node of the cluster. SIGTERM to the PIDs in the state
# dir, wait up to KAFKA_STOP_TIMEOUT (30 s), then SIGKILL those PIDs only. Removes the data dir if start.sh created it
# as a temp dir. KAFKA_NODE=i stops node i of a cluster alone and keeps its data and ports, for start.sh to start it
# again. Idempotent: nothing running -> exit 0.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE_DIR="${KAFKA_STATE_DIR:-$REPO/.infra}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
ONLY_NODE="${KAFKA_NODE:-}"

DATADIR_FILE="$STATE_DIR/kafka.datadir"
TEMPDIR_FILE="$STATE_DIR/kafka.tempdir"
NODES_FILE="$STATE_DIR/kafka.nodes"

log() { echo "[kafka/stop] $*" >&2; }

# shellcheck source=process.sh
. "$HERE/process.sh"

[ -d "$STATE_DIR" ] || { log "no broker (no $STATE_DIR)"; exit 0; }
exec 9>"$STATE_DIR/kafka.lock"
command -v flock >/dev/null && { flock -w 180 9 || { log "ERROR: timed out waiting for lock"; exit 1; }; }

NODES="$(cat "$NODES_FILE" 2>/dev/null || echo 1)"
if [ "$NODES" = 1 ] && [ ! -f "$STATE_DIR/kafka.pid" ]; then
  log "no broker (no PID file)"
  exit 0
fi
DATA="$(cat "$DATADIR_FILE" 2>/dev/null || true)"
if [ -n "$ONLY_NODE" ]; then
  [ "$NODES" != 1 ] || { log "ERROR: KAFKA_NODE is for a cluster; $STATE_DIR records a single broker"; exit 1; }
  [[ "$ONLY_NODE" =~ ^[0-9]+$ ]] && (( ONLY_NODE >= 1 && ONLY_NODE <= NODES )) || { log "ERROR: KAFKA_NODE must be 1 to $NODES"; exit 1; }
  SELECTED=("$ONLY_NODE")
else
  mapfile -t SELECTED < <(seq 1 "$NODES")
fi

# all at once: in a cluster, each broker's controlled shutdown needs the controller quorum, which the others are part of
T0="$(date +%s%3N)"
STOPPING=()
for i in "${SELECTED[@]}"; do
  PID="$(cat "$(node_file "$i" pid)" 2>/dev/null || true)"
  if is_broker_pid "$PID"; then
    log "stopping $(node_name "$i") pid $PID ($([ "$STOP_TIMEOUT" = 0 ] && echo SIGKILL || echo "SIGTERM, up to ${STOP_TIMEOUT}s"))"
    [ "$STOP_TIMEOUT" = 0 ] || kill -TERM "$PID" 2>/dev/null || true
    STOPPING+=("$PID")
  else
    log "pid '$PID' of $(node_name "$i") is not a running broker"
  fi
done
# A cluster's nodes that run on once fewer than a majority of its controllers do cannot finish their controlled
# shutdown (it needs the quorum): they get QUORUM_GONE_GRACE seconds, then SIGKILL.
MAJORITY=$(( NODES / 2 + 1 )) QUORUM_GONE_GRACE=3
deadline=$((SECONDS + STOP_TIMEOUT))
while :; do
  RUNNING=()
  for PID in "${STOPPING[@]}"; do alive "$PID" && RUNNING+=("$PID"); done
  [ "${#RUNNING[@]}" = 0 ] && break
  if [ -z "$ONLY_NODE" ] && [ "$NODES" -gt 1 ] && [ $(( NODES - ${#STOPPING[@]} + ${#RUNNING[@]} )) -lt "$MAJORITY" ] \
     && (( deadline > SECONDS + QUORUM_GONE_GRACE )); then
    deadline=$((SECONDS + QUORUM_GONE_GRACE))
  fi
  if (( SECONDS >= deadline )); then
    [ "$STOP_TIMEOUT" = 0 ] || log "pid ${RUNNING[*]} still alive; SIGKILL"
    for PID in "${RUNNING[@]}"; do kill -KILL "$PID" 2>/dev/null || true; done
  fi
  sleep 0.1
done
[ "${#STOPPING[@]}" = 0 ] || log "stopped pid ${STOPPING[*]} in $(( $(date +%s%3N) - T0 )) ms"
if [ -n "$ONLY_NODE" ]; then
  log "kept node $ONLY_NODE's data $(node_dir "$ONLY_NODE") and ports; start it again with KAFKA_NODE=$ONLY_NODE infra/kafka/start.sh"
  exit 0
fi

# Remove the data dir only if start.sh created it (state file + marker inside the dir agree).
if [ -n "$DATA" ] && [ -f "$TEMPDIR_FILE" ] && [ "$(cat "$TEMPDIR_FILE")" = "$DATA" ] \
   && [ -f "$DATA/.gantry-kafka-tmp" ]; then
  rm -rf -- "$DATA"
  log "removed temp data dir $DATA"
elif [ -n "$DATA" ]; then
  log "kept data dir $DATA"
fi
forget_state
