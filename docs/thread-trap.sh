#!/usr/bin/env bash
# The event-loop trap, measured: how long a cheap GET /health takes while the server is under
# load, with the model on a platform thread (the rule) and on a virtual thread (the trap).
# Usage: docs/thread-trap.sh [WEIGHTS_DIR] [PROBES]
# Starts ./miniserve serve on port 18080 once per mode, runs a closed-loop load test
# (50 clients) against it, times PROBES /health requests with curl meanwhile, and prints
# the median and maximum probe time beside the load test's own figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
WEIGHTS=${1:-weights}
PROBES=${2:-40}
PORT=18080
./miniserve build >/dev/null
for mode in platform virtual; do
  log=$(mktemp)
  ./miniserve serve --weights "$WEIGHTS" --port $PORT --model-thread $mode --max-tokens 48 >"$log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do grep -q "listening on" "$log" && break; sleep 1; done
  grep -q "listening on" "$log" || { echo "server ($mode) did not start:" >&2; cat "$log" >&2; kill $server; exit 1; }
  out=$(mktemp -d)
  ./miniserve loadtest --url http://127.0.0.1:$PORT --concurrency 50 --total 400 --warmup 20 --out "$out" >"$out/stdout" 2>&1 &
  load=$!
  sleep 5 # past the load test's warm-up
  times=()
  for _ in $(seq 1 "$PROBES"); do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' http://127.0.0.1:$PORT/health)")
    sleep 0.1
  done
  wait $load || true # a non-200 answer makes the load test exit non-zero; its figures still count
  kill -TERM $server; wait $server 2>/dev/null || true
  printf '%s\n' "${times[@]}" | sort -g | awk -v mode="$mode" '{t[NR]=$1*1000} END {
      printf "model thread %-8s  GET /health under load: median %.1f ms, max %.1f ms (%d probes)\n", mode, t[int((NR+1)/2)], t[NR], NR }'
  grep -E "throughput|p50|p95" "$out/stdout" | sed 's/^/    load test: /'
  rm -rf "$out" "$log"
done
