"""Packs PNG icons into a Windows .ico and a macOS .icns, both holding PNG-compressed
images (valid since Windows Vista and macOS 10.7), so no image library is needed.

usage: pack_icons.py PNG_DIR OUT.ico OUT.icns   (PNG_DIR holds rtcscope-<size>.png)
"""
import struct
import sys
from pathlib import Path


def png(dir_: Path, size: int) -> bytes:
    data = (dir_ / f"rtcscope-{size}.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{size}: not a PNG"
    w, h = struct.unpack(">II", data[16:24])
    assert (w, h) == (size, size), f"rtcscope-{size}.png is {w}x{h}"
    return data


def ico(dir_: Path, out: Path) -> None:
    sizes = [16, 24, 32, 48, 64, 128, 256]
    images = [png(dir_, s) for s in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for s, data in zip(sizes, images):
        dim = 0 if s >= 256 else s  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs += data
    out.write_bytes(header + entries + blobs)


def icns(dir_: Path, out: Path) -> None:
    types = [(b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128),
             (b"ic08", 256), (b"ic09", 512), (b"ic10", 1024)]
    body = b""
    for kind, s in types:
        data = png(dir_, s)
        body += kind + struct.pack(">I", 8 + len(data)) + data
    out.write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)


if __name__ == "__main__":
    d = Path(sys.argv[1])
    ico(d, Path(sys.argv[2]))
    icns(d, Path(sys.argv[3]))
