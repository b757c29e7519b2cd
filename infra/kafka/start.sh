#!/usr/bin/env bash
# Start a single-node Apache Kafka broker (KRaft, combined broker+controller) for tests.
# Idempotent: if the broker recorded in the PID file is alive and answering, says so and exits 0.
# See infra/kafka/README.md for the environment variables.
set -euo pipefail
T0="$(date +%s%3N)"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

PORT="${KAFKA_PORT:-19092}"                             # 0: any free port (see choose_port)
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"       # 0: any free port
STATE_DIR="${KAFKA_STATE_DIR:-$REPO/.infra}"
CLUSTER_ID="${KAFKA_CLUSTER_ID:-4L6g3nShT-eMCtK--X86sw}"   # any Kafka Uuid; fixed saves a JVM launch
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx384m}"
LIB="${KAFKA_LIB_DIR:-$HERE/lib}"
case "$LIB" in /*) ;; *) LIB="$PWD/$LIB" ;; esac
MAVEN_ARGS="${KAFKA_MAVEN_ARGS:-}"       # e.g. -Pkafka39 (then use a separate KAFKA_LIB_DIR)
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

PID_FILE="$STATE_DIR/kafka.pid"
DATADIR_FILE="$STATE_DIR/kafka.datadir"
TEMPDIR_FILE="$STATE_DIR/kafka.tempdir"   # present only when start.sh created the data dir
PORT_FILE="$STATE_DIR/kafka.port"
CONTROLLER_PORT_FILE="$STATE_DIR/kafka.controller-port"

log() { echo "[kafka/start] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=process.sh
. "$HERE/process.sh"
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# A port asked for as 0 is chosen at random below the kernel's ephemeral range: the ports of outgoing connections and
# of listeners on port 0 come from that range, so only another chooser like this one can take the port before the
# broker binds it, and then the broker is started again on other ports (see the launch below).
EPHEMERAL_LOW="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true)"
[[ "$EPHEMERAL_LOW" =~ ^[0-9]+$ ]] && (( EPHEMERAL_LOW > 11000 )) || EPHEMERAL_LOW=32768
choose_port() {   # choose_port PORT_TO_AVOID
  local port
  while :; do
    port=$(( 10000 + (RANDOM * 32768 + RANDOM) % (EPHEMERAL_LOW - 10000) ))
    [ "$port" != "$1" ] && ! port_open "$port" && { echo "$port"; return; }
  done
}

mkdir -p "$STATE_DIR"
# Serialise concurrent start/stop (e.g. parallel Nx targets). fd 9 is closed for the JVMs below.
exec 9>"$STATE_DIR/kafka.lock"
command -v flock >/dev/null && { flock -w 180 9 || die "timed out waiting for $STATE_DIR/kafka.lock"; }

# ---------------------------------------------------------------- already running?
wait_ready() {   # wait_ready PID LOGFILE SECONDS START_EPOCH_MS
  local pid="$1" logf="$2" secs="$3" t0="$4" deadline=$((SECONDS + $3))
  while (( SECONDS < deadline )); do
    if ! alive "$pid"; then
      log "broker process $pid exited during startup; last log lines:"
      tail -n 30 "$logf" "$(dirname "$logf")/stdout.log" >&2 2>/dev/null || true
      return 1
    fi
    if grep -q 'Kafka Server started' "$logf" 2>/dev/null && port_open "$PORT"; then
      log "ready on 127.0.0.1:$PORT (pid $pid) after $(( $(date +%s%3N) - t0 )) ms"
      return 0
    fi
    sleep 0.2
  done
  log "broker (pid $pid) not ready after ${secs}s; last log lines:"
  tail -n 30 "$logf" "$(dirname "$logf")/stdout.log" >&2 2>/dev/null || true
  return 1
}

if [ -f "$PID_FILE" ]; then
  OLD_PID="$(cat "$PID_FILE" 2>/dev/null || true)"
  OLD_DATA="$(cat "$DATADIR_FILE" 2>/dev/null || true)"
  OLD_PORT="$(cat "$PORT_FILE" 2>/dev/null || echo "$PORT")"
  if is_broker_pid "$OLD_PID"; then
    if [ -n "${KAFKA_DATA_DIR:-}" ] && [ "$KAFKA_DATA_DIR" != "$OLD_DATA" ]; then
      log "WARNING: running broker uses data dir $OLD_DATA, not KAFKA_DATA_DIR=$KAFKA_DATA_DIR"
    fi
    [ "$OLD_PORT" != "$PORT" ] && [ "$PORT" != 0 ] && log "WARNING: running broker listens on $OLD_PORT, not KAFKA_PORT=$PORT"
    PORT="$OLD_PORT"
    if grep -q 'Kafka Server started' "$OLD_DATA/logs/server.log" 2>/dev/null && port_open "$PORT"; then
      log "already running (pid $OLD_PID, 127.0.0.1:$PORT, data $OLD_DATA)"
      exit 0
    fi
    log "broker pid $OLD_PID is alive but not answering yet; waiting"
    wait_ready "$OLD_PID" "$OLD_DATA/logs/server.log" "$START_TIMEOUT" "$T0" && exit 0
    die "broker pid $OLD_PID is alive but not answering on 127.0.0.1:$PORT; run infra/kafka/stop.sh"
  fi
  log "removing stale PID file (pid '$OLD_PID' is not a running broker)"
  if [ -f "$TEMPDIR_FILE" ] && [ "$(cat "$TEMPDIR_FILE")" = "$OLD_DATA" ] && [ -f "$OLD_DATA/.gantry-kafka-tmp" ]; then
    rm -rf -- "$OLD_DATA"
  fi
  rm -f "$PID_FILE" "$DATADIR_FILE" "$TEMPDIR_FILE" "$PORT_FILE" "$CONTROLLER_PORT_FILE"
fi

# ---------------------------------------------------------------- jars
# lib/.pom.sha256 records which pom (+ KAFKA_MAVEN_ARGS) the jars came from; re-fetch on change.
POM_SUM="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
[ -n "$MAVEN_ARGS" ] && POM_SUM="$(printf '%s %s' "$POM_SUM" "$MAVEN_ARGS" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$LIB/.pom.sha256" 2>/dev/null || true)" != "$POM_SUM" ]; then
  # Another state dir's start.sh may be fetching into the same lib dir: lock on the lib path.
  exec 8>"${TMPDIR:-/tmp}/gantry-kafka-lib.$(printf '%s' "$LIB" | sha256sum | cut -c1-12).lock"
  command -v flock >/dev/null && { flock -w 600 8 || die "timed out waiting for the jar-fetch lock"; }
  if [ "$(cat "$LIB/.pom.sha256" 2>/dev/null || true)" != "$POM_SUM" ]; then
    command -v mvn >/dev/null || die "mvn not found; needed once to fetch the Kafka jars into $LIB"
    log "fetching Kafka jars into $LIB (mvn $MAVEN_ARGS)"
    mkdir -p "$LIB"
    rm -f "$LIB"/*.jar "$LIB/.pom.sha256"
    # shellcheck disable=SC2086
    mvn -B -ntp -q -f "$HERE/pom.xml" -Dkafka.lib.dir="$LIB" $MAVEN_ARGS package 8>&- 9>&- >&2 \
      || die "mvn failed to fetch the Kafka jars"
    echo "$POM_SUM" >"$LIB/.pom.sha256"
  fi
  exec 8>&-
fi
command -v "$JAVA" >/dev/null || die "java not found (Java 17+ required)"

# ---------------------------------------------------------------- data dir + config
if [ -n "${KAFKA_DATA_DIR:-}" ]; then
  DATA="$KAFKA_DATA_DIR"
  mkdir -p "$DATA"
  DATA="$(cd "$DATA" && pwd)"
  IS_TEMP=0
else
  DATA="$(mktemp -d "${TMPDIR:-/tmp}/gantry-kafka.XXXXXX")"
  touch "$DATA/.gantry-kafka-tmp"
  IS_TEMP=1
fi
mkdir -p "$DATA/logs"

if compgen -G "$LIB/reload4j-*.jar" >/dev/null; then
  # Kafka 3.9.x (-Pkafka39) logs through reload4j (log4j 1.x): same quiet setup as log4j2.properties.
  cat >"$DATA/log4j.properties" <<'EOF_LOG4J'
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
EOF_LOG4J
  LOG_OPTS=(-Dkafka.logs.dir="$DATA/logs" -Dlog4j.configuration="file:$DATA/log4j.properties")
else
  LOG_OPTS=(-Dkafka.logs.dir="$DATA/logs" -Dlog4j2.configurationFile="$HERE/log4j2.properties")
fi
# Test tuning: small heap, SerialGC and C1 only -> faster start, smaller RSS (not for throughput).
# shellcheck disable=SC2206
JVM_OPTS=($HEAP_OPTS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true ${KAFKA_JVM_OPTS:-})

# ---------------------------------------------------------------- launch
# setsid: own session, so Ctrl-C / SIGHUP aimed at the caller's process group doesn't hit it.
# setsid only forks when its caller leads a process group, i.e. under job control (set -m);
# otherwise it execs the JVM in place and $! is the JVM's PID.
SETSID=(); [[ $- != *m* ]] && command -v setsid >/dev/null && SETSID=(setsid)
ASKED_PORT="$PORT" ASKED_CONTROLLER_PORT="$CONTROLLER_PORT"
lost_a_chosen_port() {   # the broker died because a port chosen here was taken before it bound it
  local chosen=()
  [ "$ASKED_PORT" = 0 ] && chosen+=("$PORT")
  [ "$ASKED_CONTROLLER_PORT" = 0 ] && chosen+=("$CONTROLLER_PORT")
  for port in "${chosen[@]}"; do
    grep -qs "failed to bind to 127.0.0.1:$port: Address already in use" "$DATA/logs/server.log" "$DATA/logs/stdout.log" && return 0
  done
  return 1
}
for attempt in 1 2 3 4 5; do
  [ "$ASKED_PORT" = 0 ] && PORT="$(choose_port "")"
  [ "$ASKED_CONTROLLER_PORT" = 0 ] && CONTROLLER_PORT="$(choose_port "$PORT")"
  port_open "$PORT" && die "127.0.0.1:$PORT is already in use by another process (set KAFKA_PORT, 0 for any free port)"
  port_open "$CONTROLLER_PORT" && die "127.0.0.1:$CONTROLLER_PORT is already in use (set KAFKA_CONTROLLER_PORT, 0 for any free port)"
  [ -f "$DATA/logs/server.log" ] && mv -f "$DATA/logs/server.log" "$DATA/logs/server.log.prev"
  [ -f "$DATA/logs/stdout.log" ] && mv -f "$DATA/logs/stdout.log" "$DATA/logs/stdout.log.prev"
  sed -e "s#@DATA_DIR@#$DATA#g" -e "s#@PORT@#$PORT#g" -e "s#@CONTROLLER_PORT@#$CONTROLLER_PORT#g" \
    "$HERE/server.properties" >"$DATA/server.properties"
  if [ ! -f "$DATA/kraft-logs/meta.properties" ]; then
    "$JAVA" -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "${LOG_OPTS[@]}" -cp "$LIB/*" \
      kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$DATA/server.properties" --ignore-formatted \
      9>&- >"$DATA/logs/format.log" 2>&1 || { cat "$DATA/logs/format.log" >&2; die "storage format failed"; }
  fi

  "${SETSID[@]}" "$JAVA" "${JVM_OPTS[@]}" "${LOG_OPTS[@]}" -cp "$LIB/*" kafka.Kafka "$DATA/server.properties" \
    </dev/null >"$DATA/logs/stdout.log" 2>&1 9>&- &
  PID=$!

  echo "$PID" >"$PID_FILE"
  echo "$DATA" >"$DATADIR_FILE"
  echo "$PORT" >"$PORT_FILE"
  echo "$CONTROLLER_PORT" >"$CONTROLLER_PORT_FILE"
  if [ "$IS_TEMP" = 1 ]; then echo "$DATA" >"$TEMPDIR_FILE"; else rm -f "$TEMPDIR_FILE"; fi
  log "started pid $PID on 127.0.0.1:$PORT (controller $CONTROLLER_PORT), data dir $DATA; waiting up to ${START_TIMEOUT}s"

  wait_ready "$PID" "$DATA/logs/server.log" "$START_TIMEOUT" "$T0" && exit 0
  if [ "$attempt" -lt 5 ] && ! alive "$PID" && lost_a_chosen_port; then
    log "a chosen port was taken before the broker bound it; choosing again"
    rm -f "$PID_FILE" "$PORT_FILE" "$CONTROLLER_PORT_FILE"
    continue
  fi
  break
done
log "stopping the broker that failed to start"
exec 9>&-
"$HERE/stop.sh" || true
exit 1
