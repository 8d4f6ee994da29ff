#!/usr/bin/env bash
# Cross-builds rtcscope.exe for x86_64-pc-windows-gnu with Debian's mingw-w64, then makes
# the NSIS installer target/packages/rtcscope-<version>-x86_64-setup.exe with Debian's
# makensis. Nothing is downloaded at build time beyond crates and the Rust target's std.
#   apt-get install gcc-mingw-w64-x86-64 nsis
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
for tool in x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres makensis; do
  command -v "$tool" >/dev/null || {
    echo "build-windows: $tool is missing (apt-get install gcc-mingw-w64-x86-64 nsis)" >&2
    exit 1
  }
done
rustup target list --installed | grep -qx "$target" || rustup target add "$target"

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc
export AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
cargo build --release --locked --target "$target"

exe="target/$target/release/rtcscope.exe"
mkdir -p target/packages
out="target/packages/rtcscope-${version}-x86_64-setup.exe"
makensis -V2 -DVERSION="$version" -DROOT="$PWD" -DEXE="$PWD/$exe" -DOUTFILE="$PWD/$out" \
  packaging/windows/installer.nsi
echo "$out"
