#!/usr/bin/env bash
# Installs the .deb into this machine, checks what a desktop user gets, and removes it
# again. Prints one "deb-test: NAME: ok|FAILED" line per check. Needs root (CI runs as root).
set -uo pipefail
cd "$(dirname "$0")/.."
deb=${1:?usage: test-deb.sh PACKAGE.deb}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
failed=0
check() {
  local name=$1; shift
  if "$@" > /tmp/deb-test.out 2>&1; then
    echo "deb-test: $name: ok"
  else
    echo "deb-test: $name: FAILED"; sed 's/^/    /' /tmp/deb-test.out; failed=1
  fi
}

check "dpkg -i" dpkg -i "$deb"
check "rtcscope --version" bash -c "/usr/bin/rtcscope --version | grep -qx 'rtcscope $version'"
check "inspect a fixture" bash -c \
  "/usr/bin/rtcscope inspect fixtures/webrtc_internals_dump_v3_loopback_30s.gz | grep -q 'peer connections: 2'"
check ".desktop installed and valid" bash -c \
  "test -f /usr/share/applications/rtcscope.desktop && desktop-file-validate /usr/share/applications/rtcscope.desktop && grep -q '^Exec=rtcscope %F' /usr/share/applications/rtcscope.desktop"
check "icons installed" bash -c \
  "test -f /usr/share/icons/hicolor/256x256/apps/rtcscope.png && test -f /usr/share/icons/hicolor/scalable/apps/rtcscope.svg"
# The MIME database, rebuilt, recognises an rtcstats dump by its content.
check "MIME types registered" bash -c \
  "update-mime-database /usr/share/mime && test -f /usr/share/mime/application/x-rtcstats-dump.xml && \
   cp fixtures/rtcstats-v3-gumonly.jsonl /tmp/no-extension && \
   gio info -a standard::content-type /tmp/no-extension | grep -q 'content-type: application/x-rtcstats-dump'"
check "dpkg -r" dpkg -r rtcscope
check "removed" bash -c \
  "test ! -e /usr/bin/rtcscope && test ! -e /usr/share/applications/rtcscope.desktop && test ! -e /usr/share/icons/hicolor/256x256/apps/rtcscope.png"
exit $failed
