//! Entry points for the fuzz targets in `fuzz/` (and their regression tests): each decoder on
//! its own, on raw bytes, so that a fuzzer reaches its corners without first having to guess
//! the format's signature. Each returns nothing; a panic, a hang or a runaway allocation is
//! the finding.

use std::io::Read;

use super::json_scan::{ScanError, Scanner};
use super::{DecodeOptions, LineRun, MemoryLimit};

/// Limits for fuzzing: small enough that no input can make a run slow or large.
fn run() -> LineRun {
    LineRun::new(&DecodeOptions {
        memory: MemoryLimit::Off,
        max_line: 1 << 20,
        ..DecodeOptions::default()
    })
}

/// The webrtc-internals document decoder (and the v0 document it also reads).
pub fn internals(data: &[u8]) {
    let _ = super::internals::decode_stream(data);
}

/// The rtcstats v3 line decoder; the `RTCStatsDump` line is put in front when missing.
pub fn rtcstats_v3(data: &[u8]) {
    let header: &[u8] = if data.starts_with(b"RTCStatsDump") {
        b""
    } else {
        b"RTCStatsDump\n"
    };
    let _ = super::rtcstats_v3::decode(header.chain(data), &run());
}

/// The legacy rtcstats line decoder (fippo and Jitsi dialects, chosen from the bytes).
pub fn rtcstats_legacy(data: &[u8]) {
    let _ = super::rtcstats_legacy::decode(data, data, &run());
}

/// The Jitsi backend component decoder.
pub fn jitsi_component(data: &[u8]) {
    let _ = super::jitsi_component::decode(data, &run());
}

/// The streaming scanner, walking a document's top-level members as the internals decoder
/// does.
pub fn json_scan(data: &[u8]) {
    let _ = walk(data);
}

fn walk(data: &[u8]) -> Result<(), ScanError> {
    let mut s = Scanner::new(data);
    s.consume(b'{', "'{'")?;
    if s.peek()? == Some(b'}') {
        return Ok(());
    }
    loop {
        s.key()?;
        let _ = s.value_partial().map_err(|(_, e)| e)?;
        if !s.next_member(b'}')? {
            return Ok(());
        }
    }
}

/// Differential: the scanner's cut, checked by `serde_json` as the decoders do, accepts
/// exactly what `serde_json` accepts of the whole input; and what it accepts, it cuts whole.
/// Panics on a disagreement.
pub fn json_scan_vs_serde(data: &[u8]) {
    let serde = serde_json::from_slice::<serde::de::IgnoredAny>(data).is_ok();
    let mut s = Scanner::new(data);
    let ours = match s.value() {
        Ok((bytes, _)) => {
            let rest_is_blank = matches!(s.peek(), Ok(None));
            let cut_is_whole = bytes == data.trim_ascii();
            let valid = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok();
            if serde {
                assert!(
                    cut_is_whole,
                    "serde accepts the input but the cut is a part"
                );
            }
            valid && rest_is_blank
        }
        Err(_) => false,
    };
    assert_eq!(
        ours,
        serde,
        "scanner+check says {ours}, serde_json says {serde} for {:?}",
        String::from_utf8_lossy(data)
    );
}

/// The SDP parser, the section splitter, and the diff of the description against itself
/// and against an empty one.
pub fn sdp(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let parsed = crate::analyze::sdp::parse(&text);
    let empty = crate::analyze::sdp::parse("");
    let _ = crate::analyze::sdp_diff::diff(&parsed, &parsed);
    let _ = crate::analyze::sdp_diff::diff(&empty, &parsed);
    let _ = crate::analyze::sdp_diff::negotiated(&parsed, &parsed);
    let sections = super::sdp_sections::split_sections(&text);
    if super::sdp_sections::is_compressed(&text) {
        let _ = super::sdp_sections::expand(&text, sections.first().map(String::as_str));
    }
}

/// Compression sniffing and decompression, reading at most 4 MiB out.
pub fn compression(data: &[u8]) {
    let _ = super::compression::sniff(data);
    if let Ok((stream, _)) = super::compression::unwrap_once(Box::new(data)) {
        let mut out = Vec::new();
        let _ = stream.take(4 << 20).read_to_end(&mut out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanner_agrees_with_serde_on_the_classics() {
        for doc in [
            &b"{}"[..],
            b" [1, {\"a\": [true, null]}] ",
            b"\"s\\\"\"",
            b"12.5",
            b"{\"a\": [1}",
            b"[1] x",
            b"tru",
            b"",
            b"[[[",
            b"\"unterminated",
            b"1 2",
        ] {
            json_scan_vs_serde(doc);
        }
    }

    #[test]
    fn every_entry_point_takes_garbage() {
        let inputs: [&[u8]; 5] = [
            b"",
            b"\x1f\x8b\x08\x00",
            b"{\"PeerConnections\":{\"1-1\":{\"stats\":{\"A-x\":{\"values\":\"[1,\"}}}}}",
            b"[\"g\",\"P\",{\"0\":{\"80\":1}},1]\n[\"getstats\",\"P\",{},2]",
            b"v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n",
        ];
        for data in inputs {
            internals(data);
            rtcstats_v3(data);
            rtcstats_legacy(data);
            jitsi_component(data);
            json_scan(data);
            sdp(data);
            compression(data);
        }
    }
}
