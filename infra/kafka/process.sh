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
