#!/usr/bin/env bash
# Generates the app icons from assets/rtcscope.svg: PNGs at every size a desktop asks for,
# assets/rtcscope.ico (Windows) and assets/rtcscope.icns (macOS). The outputs are
# committed, so builds never need these tools; rerun after editing the SVG.
# Needs rsvg-convert (Debian: librsvg2-bin) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
for size in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert --width "$size" --height "$size" assets/rtcscope.svg \
    --output "assets/icons/rtcscope-$size.png"
done
python3 packaging/pack_icons.py assets/icons assets/rtcscope.ico assets/rtcscope.icns
echo "icons written to assets/"
