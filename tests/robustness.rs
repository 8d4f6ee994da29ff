//! Hostile input: truncated, bit-flipped and random variants of the fixtures must give an
//! error or partial data, never a panic (a panic fails the test) and never a hang.

mod common;

use common::{bundled, shared};
use rtcscope::decode::{DecodeError, DecodeOptions, decode_bytes};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = [
        "webrtc_internals_dump_v3_loopback_30s.gz",
        "rtcstats-v3_loopback_30s.jsonl.br",
        "rtcstats-v3-gumonly.jsonl",
        "internals-gumonly.gz",
    ]
    .iter()
    .map(|n| (n.to_string(), std::fs::read(bundled(n)).unwrap()))
    .collect();
    for n in [
        "recorded/rtcstats-v3_loopback_30s.jsonl",
        "recorded/webrtc_internals_rtcstats_dump_v3_loopback_30s.gz",
        "public/jitsi/google-legacy-stats-p2p",
        "public/jitsi/firefox97-standard-stats-sfu",
        "public/jitsi/jigasi-sample",
    ] {
        out.push((n.to_string(), std::fs::read(shared(n)).unwrap()));
    }
    // A small webrtc-internals document: the first peer connection of the recorded one.
    let text = std::fs::read(shared("recorded/webrtc_internals_dump_v3_loopback_30s.txt")).unwrap();
    out.push(("internals-text".into(), text));
    out
}

fn decode(bytes: &[u8]) -> Result<rtcscope::model::Dump, DecodeError> {
    decode_bytes(bytes, &DecodeOptions::default())
}

#[test]
fn truncated_inputs_keep_what_came_before_the_cut() {
    for (name, bytes) in inputs() {
        let full = decode(&bytes).unwrap();
        let full_pcs = full.peer_connections.len();
        for step in 0..=24 {
            let cut = bytes.len() * step / 24;
            let result = decode(&bytes[..cut]);
            // Past a third of the file, a dump with connections still shows some of them.
            if step >= 8 && full_pcs > 0 {
                let d = result.unwrap_or_else(|e| panic!("{name} cut at {cut}: {e}"));
                assert!(
                    !d.peer_connections.is_empty(),
                    "{name} cut at {cut}: no connection"
                );
                // A cut right after a newline damages no line of a line-based dump.
                if step < 24 && bytes[cut - 1] != b'\n' {
                    assert!(!d.warnings.is_empty(), "{name} cut at {cut}: no warning");
                }
            }
        }
    }
}

#[test]
fn bit_flipped_inputs_do_not_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for (name, bytes) in inputs() {
        // Fewer variants of the big text document keep the debug-build test quick.
        let variants = if bytes.len() > 500_000 { 12 } else { 60 };
        for _ in 0..variants {
            let mut v = bytes.clone();
            for _ in 0..=rng.below(8) {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            match decode(&v) {
                Ok(d) => {
                    let _ = rtcscope::analyze::summary::summarize(&name, &d);
                }
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
    }
}

#[test]
fn random_and_structured_garbage_does_not_panic() {
    let mut rng = Rng(0xdead_beef_0bad_f00d);
    const ALPHABET: &[u8] = b"[]{}\",:0123456789.-eEtrufalsn \n\\RTCStatsDump";
    let prefixes: [&[u8]; 6] = [
        b"",
        b"RTCStatsDump\n{\"fileFormat\":3}\n",
        b"{\"PeerConnections\":{\"1-1\":{\"stats\":{",
        b"[\"connectionInfo\",null,{},1]\n",
        b"{\"statsSessionId\":\"x\",\"type\":\"identity\"}\n",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
    ];
    for round in 0..600 {
        let len = rng.below(2048);
        let mut v: Vec<u8> = prefixes[round % prefixes.len()].to_vec();
        if round % 2 == 0 {
            v.extend((0..len).map(|_| rng.next() as u8));
        } else {
            v.extend((0..len).map(|_| ALPHABET[rng.below(ALPHABET.len())]));
        }
        let _ = decode(&v);
    }
}

#[test]
fn hostile_shapes_are_warnings_not_failures() {
    let cases: [(&str, usize); 6] = [
        // Wrong element types everywhere in a v3 dump.
        (
            "RTCStatsDump\n[1]\n[\"g\",\"PC_0\",[1,2],5]\n[\"g\",null,{},5]\n[{},{},{},{}]\n[39,\"PC_0\",{},\"x\"]\n[2,\"PC_0\"]\n",
            7,
        ),
        // Deltas whose reports are scalars, and a huge exponent.
        (
            "RTCStatsDump\n{}\n[\"g\",\"PC_0\",{\"0\":5,\"1\":{\"80\":1e999},\"t\":1},1]\n",
            1,
        ),
        // An internals document with broken series.
        (
            "{\"PeerConnections\":{\"1-1\":{\"stats\":{\"A-x\":{\"values\":\"[1,\"},\"A-y\":{\"values\":\"nope\"},\"B-z\":{}},\"updateLog\":[5,{\"type\":1}]}}}",
            4,
        ),
        // Legacy lines with missing times and non-object deltas.
        (
            "[\"getstats\",\"PC_0\",[1],5]\n[\"x\"]\n[\"create\",\"PC_0\",{},\"later\"]\n",
            3,
        ),
        // White space inside the event array is fine.
        ("RTCStatsDump\n{}\n[39,null,{}, 1]\n", 0),
        // A state value that is not a string.
        ("RTCStatsDump\n{}\n[23,\"PC_0\",{\"a\":1},1]\n", 0),
    ];
    for (text, warnings) in cases {
        let d = decode(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(d.warnings.len(), warnings, "{text}: {:?}", d.warnings);
    }
    // Deep nesting beyond serde_json's recursion limit: one bad line, not a stack overflow.
    let deep = format!(
        "RTCStatsDump\n{{}}\n[39,null,{}1{},1]\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let d = decode(deep.as_bytes()).unwrap();
    assert_eq!(d.warnings.len(), 1);
    assert!(
        d.warnings[0].message.contains("recursion"),
        "{:?}",
        d.warnings
    );
}

#[test]
fn compression_bombs_are_refused() {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(b"RTCStatsDump\n{}\n").unwrap();
    for _ in 0..64 {
        e.write_all(&[b' '; 1 << 20]).unwrap();
    }
    let gz = e.finish().unwrap();
    assert!(gz.len() < 200_000);
    let small = DecodeOptions {
        max_bytes: 16 << 20,
        ..DecodeOptions::default()
    };
    assert!(matches!(
        decode_bytes(&gz, &small),
        Err(DecodeError::TooLarge { .. })
    ));
    // Nested wrappers are unwrapped, but only so deep.
    let mut nested = b"RTCStatsDump\n{}\n".to_vec();
    for _ in 0..3 {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&nested).unwrap();
        nested = e.finish().unwrap();
    }
    let d = decode(&nested).unwrap();
    assert_eq!(d.compression.len(), 3);
}
