#!/usr/bin/env bash
# Launch times of the real viewer window under Xvfb (Mesa's software OpenGL): from exec to
# the first frame that lists a connection, and to the first frame that shows the whole
# dump, as the app reports them with RTCSCOPE_TRACE_LAUNCH=1. Five runs per file; prints
# each run and the medians.
#
#   bash benches/launch.sh target/release/rtcscope FILE...
#
# Build the GUI binary first (`cargo build --release`). The 200 MB webrtc-internals dump
# comes from `cargo bench --bench decode` (target/bench-data/), the 1 GB rtcstats dumps from
# `cargo run --release --example bigdump -- --size 1G`.
set -euo pipefail
bin=$1; shift
runs=${RUNS:-5}
display=:93
Xvfb "$display" -screen 0 1280x800x24 > /dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for file in "$@"; do
  listed=(); whole=()
  for _ in $(seq "$runs"); do
    log=$(mktemp)
    start=$(date +%s%3N)
    DISPLAY=$display XDG_RUNTIME_DIR=/tmp LIBGL_ALWAYS_SOFTWARE=1 RTCSCOPE_TRACE_LAUNCH=1 \
      RTCSCOPE_NO_DIALOG=1 "$bin" "$file" 2> "$log" &
    pid=$!
    for _ in $(seq 1200); do
      grep -q '^launch: whole dump at' "$log" && break
      kill -0 $pid 2>/dev/null || break
      sleep 0.05
    done
    kill $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    l=$(awk '/^launch: connection list at/ {print $5}' "$log")
    w=$(awk '/^launch: whole dump at/ {print $5}' "$log")
    [ -n "$l" ] && [ -n "$w" ] || { echo "$file: no launch trace" >&2; cat "$log" >&2; exit 1; }
    listed+=($((l - start))); whole+=($((w - start)))
    echo "$(basename "$file"): connection list $((l - start)) ms, whole dump $((w - start)) ms"
    rm -f "$log"
  done
  echo "$(basename "$file"): median connection list $(printf '%s\n' "${listed[@]}" | median) ms, whole dump $(printf '%s\n' "${whole[@]}" | median) ms"
done
