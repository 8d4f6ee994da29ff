#!/usr/bin/env bash
# Runs every fuzz target for FUZZ_SECONDS (default 60) on the nightly toolchain, starting from
# the committed corpus in fuzz/corpus/<target>/. Fails on the first crash, leak, timeout or
# out-of-memory, and prints the reproducer's path (fuzz/artifacts/<target>/).
#   bash .ci/fuzz.sh [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
# The nightly toolchain where the machine has one; otherwise the pinned stable one, which
# builds libFuzzer's coverage instrumentation as long as no sanitizer is asked for (-s none).
if [ -n "${FUZZ_TOOLCHAIN:-}" ]; then toolchain=$FUZZ_TOOLCHAIN
elif rustup toolchain list | grep -q "^nightly"; then toolchain=+nightly
else toolchain=+$(rustc --version | cut -d" " -f2); fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo "$toolchain" fuzz list --fuzz-dir fuzz)
# One build for every target; without a sanitizer (safe Rust, and several times the
# executions per second), with debug assertions, so that overflow is a crash.
cargo "$toolchain" fuzz build --fuzz-dir fuzz -O -a -s none
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  log=$(mktemp)
  if cargo "$toolchain" fuzz run --fuzz-dir fuzz -O -a -s none "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
      -dict=fuzz/json.dict -print_final_stats=1 > "$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | grep -o '[0-9]*' || echo '?')
    echo "fuzz: $t: ok ($runs runs in ${seconds}s, $((${runs:-0} / seconds))/s, coverage $cov edges)"
  else
    tail -n 40 "$log"
    if ls "fuzz/artifacts/$t/"* >/dev/null 2>&1; then
      echo "fuzz: $t: CRASH (reproducer in fuzz/artifacts/$t/)"
    else
      echo "fuzz: $t: the fuzzer did not run (see above)"
    fi
    exit 1
  fi
done
