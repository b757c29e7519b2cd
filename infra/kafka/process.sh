# Shared by start.sh and stop.sh (sourced): which process is our broker.

# Alive = exists and is not a finished zombie. A zombie answers kill -0 until it is reaped;
# after SIGKILL the JVM's main thread is a zombie while other threads (and its sockets) live on.
alive() {
  local st tasks
  st="$(sed -n 's/^.*) \(.\).*$/\1/p' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$st" ] || return 1
  [ "$st" != Z ] && return 0
  tasks=("/proc/$1/task/"*)
  [ "${#tasks[@]}" -gt 1 ]
}
# A PID is "ours" only if it is alive and its command line is a kafka.Kafka JVM (guards PID reuse).
is_broker_pid() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q ' kafka\.Kafka '
}

# Where a node's state lives. The single broker (NODES=1): kafka.pid, kafka.port, kafka.controller-port in the state
# dir, its data in the data dir itself. Node i of a cluster: kafka-i.pid, kafka-i.port, kafka-i.controller-port, its
# data in <data dir>/node-i.
node_file() { if [ "$NODES" = 1 ]; then echo "$STATE_DIR/kafka.$2"; else echo "$STATE_DIR/kafka-$1.$2"; fi; }
node_dir() { if [ "$NODES" = 1 ]; then echo "$DATA"; else echo "$DATA/node-$1"; fi; }
node_name() { if [ "$NODES" = 1 ]; then echo broker; else echo "node $1"; fi; }
forget_state() {
  rm -f "$STATE_DIR"/kafka.{pid,port,controller-port,datadir,tempdir,nodes,brokers} \
    "$STATE_DIR"/kafka-[0-9]*.{pid,port,controller-port}
}
