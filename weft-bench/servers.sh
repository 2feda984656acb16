#!/usr/bin/env bash
# Example servers under real load generators, weft against tokio, side by side:
#   http_hello under wrk, mini_redis under redis-benchmark (both from Debian packages), and
#   axum's hello world and a hyper-util `server::conn::auto` server under wrk.
# The tokio servers are the same example files compiled against tokio (weft-bench/servers);
# axum_hello and hyper_hello are ecosystem/servers, built on weft through the tokio patch
# (ecosystem/) and on real tokio (ecosystem/servers-tokio), from the same files.
# Prints a markdown table (median req/s and median p99 over the rounds) and writes it to
# target/weft-bench/servers.md. Loopback only; every wait is bounded. Not run in CI.
#
# Usage: weft-bench/servers.sh            # 3 rounds
#        ROUNDS=5 WRK_DURATION=10s REDIS_REQUESTS=200000 weft-bench/servers.sh
#        HTTP_SERVERS="axum_hello hyper_hello" REDIS=0 weft-bench/servers.sh   # some rows
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
WRK_DURATION=${WRK_DURATION:-5s}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}
REDIS_REQUESTS=${REDIS_REQUESTS:-100000}
REDIS_CLIENTS=${REDIS_CLIENTS:-50}
HTTP_SERVERS=${HTTP_SERVERS:-http_hello axum_hello hyper_hello}
REDIS=${REDIS:-1}

out=target/weft-bench
logs=$out/servers-logs
mkdir -p "$logs"
results=$out/servers-runs.tsv
: >"$results"

# --- clients -------------------------------------------------------------------------------
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v redis-benchmark >/dev/null || need+=(redis-tools)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
redis_version=$(redis-benchmark --version | awk '{print $2}')
if [ "${redis_version%%.*}" -lt 6 ]; then
  echo "redis-benchmark $redis_version is too old: --csv has percentiles from 6 on" >&2
  exit 1
fi

# --- servers -------------------------------------------------------------------------------
echo "building (release)"
if [[ " $HTTP_SERVERS " == *" http_hello "* || $REDIS = 1 ]]; then
  cargo build -q --release -p weft --features hyper --example http_hello --example mini_redis
  cargo build -q --release -p weft-peer-servers
fi
if [[ " $HTTP_SERVERS " == *" axum_hello "* || " $HTTP_SERVERS " == *" hyper_hello "* ]]; then
  CARGO_TARGET_DIR=target/ecosystem cargo build -q --release \
    --manifest-path ecosystem/Cargo.toml -p weft-eco-servers
  CARGO_TARGET_DIR=target/ecosystem-tokio cargo build -q --release --locked \
    --manifest-path ecosystem/servers-tokio/Cargo.toml
fi
declare -A bin=(
  [weft/http_hello]=target/release/examples/http_hello
  [tokio/http_hello]=target/release/tokio_http_hello
  [weft/mini_redis]=target/release/examples/mini_redis
  [tokio/mini_redis]=target/release/tokio_mini_redis
  [weft/axum_hello]=target/ecosystem/release/axum_hello
  [tokio/axum_hello]=target/ecosystem-tokio/release/tokio_axum_hello
  [weft/hyper_hello]=target/ecosystem/release/hyper_hello
  [tokio/hyper_hello]=target/ecosystem-tokio/release/tokio_hyper_hello
)

server_pid=""
cleanup() { [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

# Starts a server on an ephemeral loopback port; sets server_pid and port from its
# "listening on ADDR" line (bounded wait: 10 s).
start() {
  local key=$1 log=$2
  "${bin[$key]}" 127.0.0.1:0 >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$log"; then
      port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$log" | head -1)
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$key did not start:" >&2; cat "$log" >&2; exit 1
}

# SIGINT, then a bounded wait (http_hello's grace period is 5 s); SIGKILL as a last resort.
stop() {
  local key=$1
  kill -INT "$server_pid"
  for _ in $(seq 1 100); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      wait "$server_pid" || echo "warning: $key exited with an error after SIGINT" >&2
      server_pid=""
      return 0
    fi
    sleep 0.1
  done
  echo "warning: $key did not stop within 10 s of SIGINT; killed" >&2
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# wrk prints latencies as 812.00us / 1.23ms / 1.02s; this turns one into milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else { print "bad latency " v > "/dev/stderr"; exit 1 }
  }'
}

run_http() {
  local server=$1 runtime=$2 round=$3 log=$logs/$1-$2-$3
  start "$runtime/$server" "$log.server.log"
  timeout 60 wrk -t1 -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --latency \
    "http://127.0.0.1:$port/" >"$log.wrk.txt"
  stop "$runtime/$server"
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$log.wrk.txt")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$log.wrk.txt")")
  if grep -Eq "Non-2xx|Socket errors" "$log.wrk.txt"; then
    echo "warning: errors in $log.wrk.txt:" >&2
    grep -E "Non-2xx|Socket errors" "$log.wrk.txt" >&2
  fi
  [ -n "$rps" ] || { echo "no Requests/sec in $log.wrk.txt" >&2; exit 1; }
  printf '%s (wrk)\t%s\t%s\t%s\t%s\n' "$server" "$runtime" "$round" "$rps" "$p99" >>"$results"
  # Requests still unanswered when wrk's process exited (a race on either runtime: see
  # README, "Server log lines when wrk stops").
  local cut_off
  cut_off=$(grep -c "connection closed before message completed" "$log.server.log" || true)
  echo "  $server $runtime: $rps req/s, p99 $p99 ms ($cut_off requests cut off by wrk's exit)"
}

run_redis() {
  local runtime=$1 round=$2 log=$logs/mini_redis-$1-$2
  start "$runtime/mini_redis" "$log.server.log"
  # --csv (redis-benchmark >= 6): "test","rps","avg_latency_ms","min_latency_ms",
  # "p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  timeout 120 redis-benchmark -h 127.0.0.1 -p "$port" -n "$REDIS_REQUESTS" \
    -c "$REDIS_CLIENTS" -t set,get --csv >"$log.csv"
  stop "$runtime/mini_redis"
  grep -q '"p99_latency_ms"' "$log.csv" || {
    echo "unexpected redis-benchmark output in $log.csv" >&2; exit 1; }
  local test rps p99
  while IFS=, read -r test rps p99; do
    printf 'mini_redis %s (redis-benchmark)\t%s\t%s\t%s\t%s\n' \
      "$test" "$runtime" "$round" "$rps" "$p99" >>"$results"
    echo "  mini_redis $test $runtime: $rps req/s, p99 $p99 ms"
  done < <(tr -d '"' <"$log.csv" | awk -F, 'NR > 1 {print $1 "," $2 "," $7}')
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- rounds: weft and tokio alternate, and which goes first alternates by round -------------
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS"
  if [ $((round % 2)) -eq 1 ]; then order=(weft tokio); else order=(tokio weft); fi
  for server in $HTTP_SERVERS; do
    for rt in "${order[@]}"; do run_http "$server" "$rt" "$round"; done
  done
  if [ "$REDIS" = 1 ]; then
    for rt in "${order[@]}"; do run_redis "$rt" "$round"; done
  fi
done

# --- table ---------------------------------------------------------------------------------
median() { sort -g | awk '{v[NR] = $1} END {
  if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -F'\t' -v s="$1" -v r="$2" -v c="$3" '$1 == s && $2 == r {print $c}' "$results"; }

table=$out/servers.md
{
  echo "| server (client) | runtime | median req/s | median p99 (ms) | weft/tokio req/s | weft/tokio p99 |"
  echo "|---|---|---:|---:|---:|---:|"
  cut -f1 "$results" | awk '!seen[$0]++' | while IFS= read -r server; do
    w_rps=$(col "$server" weft 4 | median); t_rps=$(col "$server" tokio 4 | median)
    w_p99=$(col "$server" weft 5 | median); t_p99=$(col "$server" tokio 5 | median)
    ratio_rps=$(awk -v a="$w_rps" -v b="$t_rps" 'BEGIN {printf "%.2f", a / b}')
    ratio_p99=$(awk -v a="$w_p99" -v b="$t_p99" 'BEGIN {printf "%.2f", a / b}')
    printf '| %s | weft | %.0f | %.3f | %s | %s |\n' "$server" "$w_rps" "$w_p99" "$ratio_rps" "$ratio_p99"
    printf '| %s | tokio | %.0f | %.3f | | |\n' "$server" "$t_rps" "$t_p99"
  done
  echo
  echo "$ROUNDS rounds; wrk -t1 -c$WRK_CONNECTIONS -d$WRK_DURATION --latency;" \
    "redis-benchmark -n $REDIS_REQUESTS -c $REDIS_CLIENTS -t set,get (redis-benchmark $redis_version)."
  echo "$(nproc) CPUs, load average before the run: $load_before; commit $(git rev-parse --short HEAD)," \
    "$(date -u '+%Y-%m-%d %H:%M UTC'). Per-run numbers: $results."
} >"$table.tmp"
mv "$table.tmp" "$table"
echo
cat "$table"
