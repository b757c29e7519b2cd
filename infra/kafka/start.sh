#!/usr/bin/env bash
# Start Apache Kafka for tests: one broker, or a cluster of KAFKA_NODES nodes, each a KRaft node in combined mode
# (broker + controller in one JVM). Idempotent: nodes recorded in the state dir that are alive and answering are left
# as they are; in a cluster, nodes that were stopped (KAFKA_NODE=i stop.sh) are started again on their ports and data.
# See infra/kafka/README.md for the environment variables.
set -euo pipefail
T0="$(date +%s%3N)"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

PORT="${KAFKA_PORT:-19092}"                             # 0: any free port (see choose_port); node i: +2(i-1)
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"       # 0: any free port; node i: +2(i-1)
NODES="${KAFKA_NODES:-1}"
ONLY_NODE="${KAFKA_NODE:-}"                             # a cluster's node to start again, alone
STATE_DIR="${KAFKA_STATE_DIR:-$REPO/.infra}"
CLUSTER_ID="${KAFKA_CLUSTER_ID:-4L6g3nShT-eMCtK--X86sw}"   # any Kafka Uuid; fixed saves a JVM launch
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx384m}"
LIB="${KAFKA_LIB_DIR:-$HERE/lib}"
case "$LIB" in /*) ;; *) LIB="$PWD/$LIB" ;; esac
MAVEN_ARGS="${KAFKA_MAVEN_ARGS:-}"       # e.g. -Pkafka39 (then use a separate KAFKA_LIB_DIR)
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

DATADIR_FILE="$STATE_DIR/kafka.datadir"
TEMPDIR_FILE="$STATE_DIR/kafka.tempdir"   # present only when start.sh created the data dir
NODES_FILE="$STATE_DIR/kafka.nodes"       # present only for a cluster
BROKERS_FILE="$STATE_DIR/kafka.brokers"   # the bootstrap list, 127.0.0.1:<port>,...

log() { echo "[kafka/start] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=process.sh
. "$HERE/process.sh"
[[ "$NODES" =~ ^[1-9][0-9]*$ ]] || die "KAFKA_NODES must be a whole number of at least 1, not '$NODES'"
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# A port asked for as 0 is chosen at random below the kernel's ephemeral range: the ports of outgoing connections and
# of listeners on port 0 come from that range, so only another chooser like this one can take the port before the
# broker binds it, and then the broker is started again on other ports (see the launch below).
EPHEMERAL_LOW="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true)"
[[ "$EPHEMERAL_LOW" =~ ^[0-9]+$ ]] && (( EPHEMERAL_LOW > 11000 )) || EPHEMERAL_LOW=32768
choose_port() {   # choose_port PORTS_TO_AVOID...
  local port
  while :; do
    port=$(( 10000 + (RANDOM * 32768 + RANDOM) % (EPHEMERAL_LOW - 10000) ))
    [[ " $* " != *" $port "* ]] && ! port_open "$port" && { echo "$port"; return; }
  done
}

mkdir -p "$STATE_DIR"
# Serialise concurrent start/stop (e.g. parallel Nx targets). fd 9 is closed for the JVMs below.
exec 9>"$STATE_DIR/kafka.lock"
command -v flock >/dev/null && { flock -w 180 9 || die "timed out waiting for $STATE_DIR/kafka.lock"; }

# ---------------------------------------------------------------- already running?
declare -A PIDS PORTS CONTROLLER_PORTS
FAILED=""
wait_ready() {   # wait_ready NODE...: until each logged that it started and answers; fails at once when one exits
  local deadline=$((SECONDS + START_TIMEOUT)) waiting=("$@") still i
  while :; do
    still=()
    for i in "${waiting[@]}"; do
      if ! alive "${PIDS[$i]}"; then
        log "$(node_name "$i") process ${PIDS[$i]} exited during startup; last log lines:"
        tail -n 30 "$(node_dir "$i")/logs/server.log" "$(node_dir "$i")/logs/stdout.log" >&2 2>/dev/null || true
        FAILED="$i"
        return 1
      fi
      if grep -qs 'Kafka Server started' "$(node_dir "$i")/logs/server.log" && port_open "${PORTS[$i]}"; then
        log "$(node_name "$i") ready on 127.0.0.1:${PORTS[$i]} (pid ${PIDS[$i]}) after $(( $(date +%s%3N) - T0 )) ms"
      else
        still+=("$i")
      fi
    done
    [ "${#still[@]}" = 0 ] && return 0
    (( SECONDS < deadline )) || break
    waiting=("${still[@]}")
    sleep 0.2
  done
  for i in "${still[@]}"; do
    log "$(node_name "$i") (pid ${PIDS[$i]}) not ready after ${START_TIMEOUT}s; last log lines:"
    tail -n 30 "$(node_dir "$i")/logs/server.log" "$(node_dir "$i")/logs/stdout.log" >&2 2>/dev/null || true
  done
  return 1
}

# Nodes to start again: the stopped nodes of a cluster of which some node still runs, or KAFKA_NODE alone.
RESTART=()
if [ -f "$NODES_FILE" ] || [ -f "$STATE_DIR/kafka.pid" ]; then
  RECORDED_NODES="$(cat "$NODES_FILE" 2>/dev/null || echo 1)"
  [ -n "${KAFKA_NODES:-}" ] && [ "$RECORDED_NODES" != "$NODES" ] && log "WARNING: $STATE_DIR records $RECORDED_NODES node(s), not KAFKA_NODES=$NODES"
  NODES="$RECORDED_NODES"
  DATA="$(cat "$DATADIR_FILE" 2>/dev/null || true)"
  if [ -n "${KAFKA_DATA_DIR:-}" ] && [ "$KAFKA_DATA_DIR" != "$DATA" ]; then
    log "WARNING: $STATE_DIR records data dir $DATA, not KAFKA_DATA_DIR=$KAFKA_DATA_DIR"
  fi
  SOME_ALIVE=0
  for i in $(seq 1 "$NODES"); do
    PIDS[$i]="$(cat "$(node_file "$i" pid)" 2>/dev/null || true)"
    PORTS[$i]="$(cat "$(node_file "$i" port)" 2>/dev/null || true)"
    CONTROLLER_PORTS[$i]="$(cat "$(node_file "$i" controller-port)" 2>/dev/null || true)"
    is_broker_pid "${PIDS[$i]}" && SOME_ALIVE=1
  done
  if [ "$NODES" = 1 ] && [ "$SOME_ALIVE" = 1 ] && [ "${PORTS[1]}" != "$PORT" ] && [ "$PORT" != 0 ]; then
    log "WARNING: running broker listens on ${PORTS[1]}, not KAFKA_PORT=$PORT"
  fi
  if [ -n "$ONLY_NODE" ]; then
    [ "$NODES" != 1 ] || die "KAFKA_NODE is for a cluster; $STATE_DIR records a single broker"
    [[ "$ONLY_NODE" =~ ^[0-9]+$ ]] && (( ONLY_NODE >= 1 && ONLY_NODE <= NODES )) || die "KAFKA_NODE must be 1 to $NODES"
    SELECTED=("$ONLY_NODE")
  else
    mapfile -t SELECTED < <(seq 1 "$NODES")
  fi
  if [ "$SOME_ALIVE" = 1 ] || [ -n "$ONLY_NODE" ]; then
    RUNNING=()
    for i in "${SELECTED[@]}"; do
      if is_broker_pid "${PIDS[$i]}"; then RUNNING+=("$i"); else RESTART+=("$i"); fi
    done
    if [ "${#RESTART[@]}" = 0 ]; then
      READY=1
      for i in "${RUNNING[@]}"; do
        grep -qs 'Kafka Server started' "$(node_dir "$i")/logs/server.log" && port_open "${PORTS[$i]}" || READY=0
      done
      [ "$READY" = 1 ] && { log "already running (pid ${PIDS[*]}, 127.0.0.1:${PORTS[*]}, data $DATA)"; exit 0; }
      log "alive but not answering yet; waiting"
      wait_ready "${RUNNING[@]}" && exit 0
      die "pid ${PIDS[*]} alive but not answering on 127.0.0.1:${PORTS[*]}; run infra/kafka/stop.sh"
    fi
  else
    [ "$NODES" = 1 ] && log "removing stale PID file (pid '${PIDS[1]}' is not a running broker)" \
      || log "removing the stale state of a cluster of $NODES nodes (none is running)"
    if [ -f "$TEMPDIR_FILE" ] && [ "$(cat "$TEMPDIR_FILE")" = "$DATA" ] && [ -f "$DATA/.gantry-kafka-tmp" ]; then
      rm -rf -- "$DATA"
    fi
    forget_state
    NODES="${KAFKA_NODES:-1}"
  fi
elif [ -n "$ONLY_NODE" ]; then
  die "KAFKA_NODE=$ONLY_NODE: $STATE_DIR records no cluster"
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

# ---------------------------------------------------------------- logging + JVM options
if [ "${#RESTART[@]}" = 0 ]; then
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
fi

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
  LOG_CONFIG=(-Dlog4j.configuration="file:$DATA/log4j.properties")
else
  LOG_CONFIG=(-Dlog4j2.configurationFile="$HERE/log4j2.properties")
fi
# Test tuning: small heap, SerialGC and C1 only -> faster start, smaller RSS (not for throughput).
# shellcheck disable=SC2206
JVM_OPTS=($HEAP_OPTS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true ${KAFKA_JVM_OPTS:-})

# setsid: own session, so Ctrl-C / SIGHUP aimed at the caller's process group doesn't hit it.
# setsid only forks when its caller leads a process group, i.e. under job control (set -m);
# otherwise it execs the JVM in place and $! is the JVM's PID.
SETSID=(); [[ $- != *m* ]] && command -v setsid >/dev/null && SETSID=(setsid)
launch() {   # launch NODE: starts the node from the server.properties in its data dir
  local dir; dir="$(node_dir "$1")"
  [ -f "$dir/logs/server.log" ] && mv -f "$dir/logs/server.log" "$dir/logs/server.log.prev"
  [ -f "$dir/logs/stdout.log" ] && mv -f "$dir/logs/stdout.log" "$dir/logs/stdout.log.prev"
  "${SETSID[@]}" "$JAVA" "${JVM_OPTS[@]}" -Dkafka.logs.dir="$dir/logs" "${LOG_CONFIG[@]}" -cp "$LIB/*" kafka.Kafka \
    "$dir/server.properties" </dev/null >"$dir/logs/stdout.log" 2>&1 9>&- &
  PIDS[$1]=$!
  echo "${PIDS[$1]}" >"$(node_file "$1" pid)"
}

# ---------------------------------------------------------------- a cluster's stopped nodes, again
if [ "${#RESTART[@]}" -gt 0 ]; then
  for i in "${RESTART[@]}"; do
    port_open "${PORTS[$i]}" && die "127.0.0.1:${PORTS[$i]} of node $i is in use by another process"
    port_open "${CONTROLLER_PORTS[$i]}" && die "127.0.0.1:${CONTROLLER_PORTS[$i]} (controller) of node $i is in use by another process"
    launch "$i"
    log "started node $i again: pid ${PIDS[$i]} on 127.0.0.1:${PORTS[$i]} (controller ${CONTROLLER_PORTS[$i]}), data $(node_dir "$i")"
  done
  wait_ready "${RESTART[@]}" "${RUNNING[@]}" && exit 0
  log "stopping the node(s) that failed to start"
  exec 9>&-
  for i in "${RESTART[@]}"; do KAFKA_NODE="$i" "$HERE/stop.sh" || true; done
  exit 1
fi

# ---------------------------------------------------------------- configure, format, launch
# Replicated like production where there are nodes enough: 3 copies, and a write needs 2 of them (acks=all).
REPLICATION=$(( NODES < 3 ? NODES : 3 ))
MIN_ISR=$(( REPLICATION > 1 ? REPLICATION - 1 : 1 ))
ASKED_PORT="$PORT" ASKED_CONTROLLER_PORT="$CONTROLLER_PORT"
lost_a_chosen_port() {   # a node died because a port chosen here was taken before it bound it
  local i dir port chosen
  for i in $(seq 1 "$NODES"); do
    dir="$(node_dir "$i")" chosen=()
    [ "$ASKED_PORT" = 0 ] && chosen+=("${PORTS[$i]}")
    [ "$ASKED_CONTROLLER_PORT" = 0 ] && chosen+=("${CONTROLLER_PORTS[$i]}")
    for port in "${chosen[@]}"; do
      grep -qs "failed to bind to 127.0.0.1:$port: Address already in use" "$dir/logs/server.log" "$dir/logs/stdout.log" && return 0
    done
  done
  return 1
}
for attempt in 1 2 3 4 5; do
  TAKEN=() VOTERS="" BROKERS=""
  for i in $(seq 1 "$NODES"); do
    if [ "$ASKED_PORT" = 0 ]; then PORTS[$i]="$(choose_port "${TAKEN[@]}")"; else PORTS[$i]=$(( ASKED_PORT + 2 * (i - 1) )); fi
    TAKEN+=("${PORTS[$i]}")
    if [ "$ASKED_CONTROLLER_PORT" = 0 ]; then CONTROLLER_PORTS[$i]="$(choose_port "${TAKEN[@]}")"; else CONTROLLER_PORTS[$i]=$(( ASKED_CONTROLLER_PORT + 2 * (i - 1) )); fi
    TAKEN+=("${CONTROLLER_PORTS[$i]}")
    port_open "${PORTS[$i]}" && die "127.0.0.1:${PORTS[$i]} is already in use by another process (set KAFKA_PORT, 0 for any free port)"
    port_open "${CONTROLLER_PORTS[$i]}" && die "127.0.0.1:${CONTROLLER_PORTS[$i]} is already in use (set KAFKA_CONTROLLER_PORT, 0 for any free port)"
    VOTERS+="${VOTERS:+,}$i@127.0.0.1:${CONTROLLER_PORTS[$i]}"
    BROKERS+="${BROKERS:+,}127.0.0.1:${PORTS[$i]}"
  done
  # formatting launches a JVM per node: side by side
  FORMATS=()
  for i in $(seq 1 "$NODES"); do
    dir="$(node_dir "$i")"
    mkdir -p "$dir/logs"
    sed -e "s#@NODE_ID@#$i#g" -e "s#@QUORUM_VOTERS@#$VOTERS#g" -e "s#@DATA_DIR@#$dir#g" -e "s#@PORT@#${PORTS[$i]}#g" \
      -e "s#@CONTROLLER_PORT@#${CONTROLLER_PORTS[$i]}#g" -e "s#@REPLICATION_FACTOR@#$REPLICATION#g" -e "s#@MIN_ISR@#$MIN_ISR#g" \
      "$HERE/server.properties" >"$dir/server.properties"
    if [ ! -f "$dir/kraft-logs/meta.properties" ]; then
      "$JAVA" -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dkafka.logs.dir="$dir/logs" "${LOG_CONFIG[@]}" -cp "$LIB/*" \
        kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$dir/server.properties" --ignore-formatted \
        9>&- >"$dir/logs/format.log" 2>&1 &
      FORMATS+=("$!:$i")
    fi
  done
  for format in "${FORMATS[@]}"; do
    i="${format#*:}"
    wait "${format%%:*}" || { cat "$(node_dir "$i")/logs/format.log" >&2; die "storage format failed ($(node_name "$i"))"; }
  done

  echo "$DATA" >"$DATADIR_FILE"
  if [ "$IS_TEMP" = 1 ]; then echo "$DATA" >"$TEMPDIR_FILE"; else rm -f "$TEMPDIR_FILE"; fi
  if [ "$NODES" = 1 ]; then rm -f "$NODES_FILE"; else echo "$NODES" >"$NODES_FILE"; fi
  echo "$BROKERS" >"$BROKERS_FILE"
  for i in $(seq 1 "$NODES"); do
    launch "$i"
    echo "${PORTS[$i]}" >"$(node_file "$i" port)"
    echo "${CONTROLLER_PORTS[$i]}" >"$(node_file "$i" controller-port)"
    log "started $(node_name "$i"): pid ${PIDS[$i]} on 127.0.0.1:${PORTS[$i]} (controller ${CONTROLLER_PORTS[$i]}), data dir $(node_dir "$i")"
  done
  log "waiting up to ${START_TIMEOUT}s"

  if wait_ready $(seq 1 "$NODES"); then
    [ "$NODES" = 1 ] || log "cluster of $NODES nodes ready: $BROKERS (replication $REPLICATION, min.insync.replicas $MIN_ISR)"
    exit 0
  fi
  if [ "$attempt" -lt 5 ] && [ -n "$FAILED" ] && lost_a_chosen_port; then
    log "a chosen port was taken before a node bound it; choosing again"
    for i in $(seq 1 "$NODES"); do kill -KILL "${PIDS[$i]}" 2>/dev/null || true; done
    for i in $(seq 1 "$NODES"); do while alive "${PIDS[$i]}"; do sleep 0.1; done; done
    FAILED=""
    continue
  fi
  break
done
log "stopping what failed to start"
exec 9>&-
"$HERE/stop.sh" || true
exit 1
