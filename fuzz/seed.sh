#!/usr/bin/env bash
# Seeds the decode corpus with the shared fixtures and the bundled samples.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/decode
for f in ../fixtures/* ../../shared/fixtures/recorded/* ../../shared/fixtures/public/*/*; do
  case "$f" in *LICENSE*|*.md) continue ;; esac
  cp "$f" "corpus/decode/$(basename "$f")"
done
