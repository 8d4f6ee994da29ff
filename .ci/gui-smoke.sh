#!/usr/bin/env bash
# Opens every recorded fixture in the real viewer under Xvfb, with no user action, and checks
# that the window comes up populated: the process is still running after a few seconds, and
# a screenshot of the screen holds the sidebar and a view (an empty window has ~130 colours,
# a populated one ~950).
# Usage: .ci/gui-smoke.sh path/to/rtcscope
set -euo pipefail
bin=$(realpath "$1")
fixtures=$(realpath "$(dirname "$0")/../../shared/fixtures/recorded")
out=$(mktemp -d)
failed=0
for f in "$fixtures"/*; do
  name=$(basename "$f")
  # xvfb-run gives the viewer its own display; the screenshot is taken from inside it.
  if xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
      "$0" "$1" > "$2/app.log" 2>&1 &
      pid=$!
      sleep 6
      kill -0 "$pid" 2>/dev/null || { echo "the viewer exited"; cat "$2/app.log"; exit 1; }
      import -window root "$2/shot.png"
      kill "$pid"
    ' "$bin" "$f" "$out"; then
    colours=$(convert "$out/shot.png" -format %k info:)
    if [ "$colours" -gt 400 ]; then
      echo "gui-smoke: $name: ok ($colours colours)"
    else
      echo "gui-smoke: $name: the window looks empty ($colours colours)"; failed=1
    fi
  else
    echo "gui-smoke: $name: failed"; failed=1
  fi
done
exit "$failed"
