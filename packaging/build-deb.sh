#!/usr/bin/env bash
# Builds target/packages/rtcscope_<version>_<arch>.deb from a release build, with dpkg-deb
# only (no downloads): the binary, the .desktop entry, the icons and the MIME types.
# RTCSCOPE_BIN=path reuses an existing binary instead of running `cargo build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
arch=$(dpkg --print-architecture)
bin=${RTCSCOPE_BIN:-target/release/rtcscope}
if [ -z "${RTCSCOPE_BIN:-}" ]; then
  cargo build --release --locked
fi
[ -x "$bin" ] || { echo "build-deb: no binary at $bin" >&2; exit 1; }

stage=target/deb/rtcscope_${version}_${arch}
rm -rf "$stage"
install -Dm755 "$bin" "$stage/usr/bin/rtcscope"
install -Dm644 packaging/linux/rtcscope.desktop "$stage/usr/share/applications/rtcscope.desktop"
install -Dm644 packaging/linux/rtcscope-mime.xml "$stage/usr/share/mime/packages/rtcscope.xml"
for size in 16 24 32 48 64 128 256 512; do
  install -Dm644 "assets/icons/rtcscope-$size.png" \
    "$stage/usr/share/icons/hicolor/${size}x${size}/apps/rtcscope.png"
done
install -Dm644 assets/rtcscope.svg "$stage/usr/share/icons/hicolor/scalable/apps/rtcscope.svg"
install -d "$stage/usr/share/doc/rtcscope"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: rtcscope"
  echo
  echo "Files: *"
  echo "License: MIT"
  sed 's/^/ /; s/^ $/ ./' LICENSE
} > "$stage/usr/share/doc/rtcscope/copyright"

# Libraries the binary links; the GL, EGL and X11 helpers below are loaded at run time
# (dlopen), so dpkg-shlibdeps cannot see them.
depends="libc6, libgcc-s1"
if command -v dpkg-shlibdeps >/dev/null; then
  probe=$(mktemp -d)
  mkdir "$probe/debian"
  printf 'Source: rtcscope\n\nPackage: rtcscope\nArchitecture: any\n' > "$probe/debian/control"
  abs_bin=$(realpath "$stage/usr/bin/rtcscope")
  depends=$(cd "$probe" && dpkg-shlibdeps -O -e "$abs_bin" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
  rm -rf "$probe"
fi
depends="$depends, libgl1, libegl1, libxkbcommon-x11-0, libxcursor1, libxrandr2, libxi6"

install -d "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: rtcscope
Version: $version
Architecture: $arch
Maintainer: The rtcscope developers <rtcscope@example.org>
Installed-Size: $(du -ks "$stage/usr" | cut -f1)
Depends: $depends
Recommends: libwayland-client0, libwayland-egl1, xdg-utils
Section: devel
Priority: optional
Description: viewer for WebRTC statistics dumps
 rtcscope opens Chrome's webrtc-internals exports and rtcstats dumps (plain,
 gzip, brotli, zstd; local, s3:// or https://): per peer connection the
 API-call timeline, state lanes, every SDP with a semantic diff, the ICE
 candidate grid, getUserMedia requests and a plot for every stat, with
 comparison of two calls and PNG/CSV export. A headless command line
 (rtcscope inspect, export, sdp, ls) serves scripts and CI.
CONTROL

mkdir -p target/packages
out="target/packages/rtcscope_${version}_${arch}.deb"
dpkg-deb --build --root-owner-group "$stage" "$out" >/dev/null
echo "$out"
