//! Compression wrappers, detected from the bytes (never the file name) and decompressed as
//! streams: gzip (multi-member), bzip2 and zstd by magic number, brotli (which has none) by a
//! trial decode of the first bytes. Wrappers may nest.

use std::io::{self, Cursor, Read};

use crate::model::Compression;

/// How many nested wrappers are unwrapped at most (a `.gz` of a `.br` is plausible; more is
/// a compression bomb or garbage).
pub const MAX_NESTING: usize = 4;

/// A byte stream with any prefix already read put back in front.
pub type Stream<'a> = Box<dyn Read + Send + 'a>;

/// Sniffs `reader` and, if it is compressed, wraps it in the matching decoder. Returns the
/// (possibly wrapped) stream and the compression found, if any.
pub fn unwrap_once<'a>(mut reader: Stream<'a>) -> io::Result<(Stream<'a>, Option<Compression>)> {
    let mut head = Vec::with_capacity(PROBE);
    (&mut reader).take(PROBE as u64).read_to_end(&mut head)?;
    let kind = sniff(&head);
    let rest: Stream<'a> = Box::new(Cursor::new(head).chain(reader));
    let wrapped: Stream<'a> = match kind {
        None => return Ok((rest, None)),
        Some(Compression::Gzip) => Box::new(flate2::read::MultiGzDecoder::new(rest)),
        Some(Compression::Bzip2) => Box::new(bzip2::read::MultiBzDecoder::new(rest)),
        Some(Compression::Zstd) => Box::new(zstd::stream::read::Decoder::new(rest)?),
        Some(Compression::Brotli) => Box::new(brotli::Decompressor::new(rest, 64 * 1024)),
    };
    Ok((wrapped, kind))
}

/// Bytes read to decide; enough for brotli's trial decode to produce some output.
const PROBE: usize = 16 * 1024;

/// Identifies the compression of a stream from its first bytes.
pub fn sniff(head: &[u8]) -> Option<Compression> {
    if head.starts_with(&[0x1f, 0x8b]) {
        return Some(Compression::Gzip);
    }
    if head.starts_with(b"BZh") && head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b)) {
        return Some(Compression::Bzip2);
    }
    if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Some(Compression::Zstd);
    }
    if looks_like_text(head) {
        return None;
    }
    looks_like_brotli(head).then_some(Compression::Brotli)
}

/// Plain dumps start (after an optional BOM and white space) with `{`, `[` or `RTCStatsDump`.
fn looks_like_text(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    match head.iter().find(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(b'{' | b'[') => true,
        Some(_) => head.trim_ascii_start().starts_with(b"RTCStatsDump"),
    }
}

/// Brotli has no magic number: decode the probe and accept it when it yields text that looks
/// like a dump, or another wrapper.
fn looks_like_brotli(head: &[u8]) -> bool {
    let mut out = [0u8; 64];
    let mut dec = brotli::Decompressor::new(head, 4096);
    let mut filled = 0;
    while filled < out.len() {
        match dec.read(&mut out[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            // The probe may cut the stream: what came out before that still counts.
            Err(_) => break,
        }
    }
    filled > 0 && (looks_like_text(&out[..filled]) || sniff_magic_only(&out[..filled]))
}

fn sniff_magic_only(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
        || head.starts_with(b"BZh")
        || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn brotli(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
            w.write_all(data).unwrap();
        }
        out
    }

    #[test]
    fn sniffs_each_wrapper() {
        let text = b"RTCStatsDump\n{\"fileFormat\":3}\n";
        assert_eq!(sniff(text), None);
        assert_eq!(sniff(b"\xef\xbb\xbf  {\"a\":1}"), None);
        assert_eq!(sniff(&gzip(text)), Some(Compression::Gzip));
        assert_eq!(sniff(&brotli(text)), Some(Compression::Brotli));
        assert_eq!(
            sniff(&zstd::encode_all(&text[..], 3).unwrap()),
            Some(Compression::Zstd)
        );
        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        bz.write_all(text).unwrap();
        assert_eq!(sniff(&bz.finish().unwrap()), Some(Compression::Bzip2));
        assert_eq!(sniff(b"\x00\x01garbage that is not brotli"), None);
    }

    #[test]
    fn multi_member_gzip() {
        let mut both = gzip(b"[1]\n");
        both.extend(gzip(b"[2]\n"));
        let (mut r, c) = unwrap_once(Box::new(Cursor::new(both))).unwrap();
        assert_eq!(c, Some(Compression::Gzip));
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "[1]\n[2]\n");
    }
}
