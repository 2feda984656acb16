#!/usr/bin/env bash
# Syscalls and wake-ups per operation on weft, tokio and smol (issue 16): ping_pong,
# tcp_echo and spawn_blocking_serial, counted by perf's syscall tracepoints (which do not slow
# the program down the way strace does, so the runtimes park and wake as they do unobserved).
#
# Each runtime runs alone (`weft-bench --runtime`) once with 1 and once with 3 counted runs;
# the difference, over 2 runs, is one run's count without start-up and warm-up. Divided by
# the operations of one run (a round trip; a spawn_blocking call) it gives the per-operation
# figures. Prints a Markdown table (the one in weft-bench/README.md).
#
# Usage: bash weft-bench/syscalls.sh   (needs perf; installs Debian's linux-perf if missing)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v perf >/dev/null; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null
fi
cargo build -q --release -p weft-bench
bin=target/release/weft-bench

# workload:operations per run (see `weft-bench --list`)
workloads="ping_pong:1000 tcp_echo:64000 spawn_blocking_serial:4000"
runtimes="weft tokio smol"

# Columns: all syscalls; futex waits (FUTEX_WAIT_PRIVATE, FUTEX_WAIT_BITSET_PRIVATE) and
# wakes (FUTEX_WAKE_PRIVATE); eventfd writes (the reactor's wake-up; sockets use sendto, so
# nearly every `write` here is one); epoll waits (epoll_wait + epoll_pwait).
count() { # workload runtime runs -> "total waits wakes writes epoll"
  local out
  out=$(mktemp)
  perf stat -x, -o "$out" \
    -e raw_syscalls:sys_enter \
    -e syscalls:sys_enter_futex --filter 'op == 128 || op == 137' \
    -e syscalls:sys_enter_futex --filter 'op == 129' \
    -e syscalls:sys_enter_write \
    -e syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait \
    -- "$bin" --filter "$1" --runtime "$2" --runs "$3" >/dev/null 2>&1
  # perf prints one CSV line per event, in the order given: total, waits, wakes, write, epoll x2
  grep -E '^[0-9]' "$out" | cut -d, -f1 | tr '\n' ' ' |
    awk '{ printf "%d %d %d %d %d\n", $1, $2, $3, $4, $5 + $6 }'
  rm -f "$out"
}

echo "| workload | runtime | syscalls/op | futex waits/op | futex wakes/op | eventfd writes/op | epoll waits/op |"
echo "|---|---|---:|---:|---:|---:|---:|"
for wl in $workloads; do
  name=${wl%%:*}
  ops=${wl##*:}
  for rt in $runtimes; do
    read -r -a one <<<"$(count "$name" "$rt" 1)"
    read -r -a three <<<"$(count "$name" "$rt" 3)"
    row="| $name | $rt |"
    for i in 0 1 2 3 4; do
      row+=" $(awk -v a="${three[$i]}" -v b="${one[$i]}" -v ops="$ops" \
        'BEGIN { d = (a - b) / 2 / ops; if (d < 0) d = 0; printf "%.2f", d }') |"
    done
    echo "$row"
  done
done
