//! Hostile input: truncated, bit-flipped and random variants of the fixtures must give an
//! error or partial data, never a panic (a panic fails the test) and never a hang.

mod common;

use common::{bundled, shared};
use std::io::{Cursor, Read};

use rtcscope::decode::{DecodeError, DecodeOptions, MemoryLimit, decode_bytes, decode_reader};
use rtcscope::model::Dump;

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
    assert_first_warning(&d, "recursion");
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

// ---- Pathological inputs: each gives a clear error or partial data, never a crash, a hang
// or unbounded memory.

/// The process's peak resident size so far (Linux), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line[6..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb << 10)
}

/// A v3 dump whose connection PC_0 has one getStats line (`delta`) between a create and a
/// close, so the line's fate is visible.
fn v3_with(delta: &str) -> String {
    format!(
        "RTCStatsDump\n{{\"fileFormat\":3}}\n[39,\"PC_0\",{{}},1000]\n[\"g\",\"PC_0\",{delta},1000]\n[\"g\",\"PC_0\",{{\"A\":{{\"type\":2,\"80\":7}}}},1000]\n"
    )
}

/// Asserts that the first warning of `d` mentions `needle`.
fn assert_first_warning(d: &Dump, needle: &str) {
    let first = d.warnings.first().map(|w| w.message.as_str());
    assert!(
        first.is_some_and(|m| m.contains(needle)),
        "{:?}",
        d.warnings
    );
}

fn series_values(d: &Dump, report: &str, name: &str) -> Vec<f64> {
    let r = d.peer_connections[0].stats.report(report).unwrap();
    r.series(name).unwrap().values.to_vec()
}

#[test]
fn a_gigabyte_single_line_is_skipped_unread() {
    let before = peak_rss();
    let head = b"RTCStatsDump\n{}\n[39,\"PC_0\",{},1000]\n[\"x\",\"PC_0\",\"".to_vec();
    let tail = b"\",5]\n[\"g\",\"PC_0\",{\"A\":{\"type\":2,\"80\":7}},5]\n".to_vec();
    let huge = std::io::repeat(b'a').take(1 << 30);
    let input = Cursor::new(head).chain(huge).chain(Cursor::new(tail));
    let d = decode_reader(input, &DecodeOptions::default()).unwrap();
    let w = d
        .warnings
        .iter()
        .find(|w| w.message.contains("bytes long"))
        .unwrap_or_else(|| panic!("{:?}", d.warnings));
    assert_eq!(w.location.to_string(), "line 4");
    assert!(w.message.contains("1073741"), "{}", w.message);
    // The line after it is decoded.
    assert_eq!(series_values(&d, "A", "bytesSent"), vec![7.0]);
    if let (Some(before), Some(after)) = (before, peak_rss()) {
        assert!(
            after - before < 512 << 20,
            "peak RSS grew by {} MB",
            (after - before) >> 20
        );
    }
}

#[test]
fn deep_nesting_is_a_bad_line_not_a_stack_overflow() {
    let deep =
        |open: &str, close: &str| format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
    // In an event's value, in a getStats payload, and as a whole line.
    for line in [
        format!("[39,\"PC_1\",{},2]", deep("[", "]")),
        format!(
            "[\"g\",\"PC_0\",{{\"A\":{{\"x\":{}}}}},2]",
            deep("{\"a\":", "}")
        ),
        deep("[", "]"),
    ] {
        let text = v3_with("{}").replace("[39,\"PC_0\",{},1000]", &line);
        let d = decode_bytes(text.as_bytes(), &DecodeOptions::default()).unwrap();
        assert!(
            d.warnings
                .iter()
                .any(|w| w.location.to_string() == "line 3" && w.message.contains("recursion")),
            "{:?}",
            d.warnings
        );
        assert_eq!(series_values(&d, "A", "bytesSent"), vec![7.0]);
    }
    // A webrtc-internals document nested that deep: an error or a warning, no crash.
    let doc = format!("{{\"PeerConnections\":{{\"1-1\":{}}}}}", deep("[", "]"));
    match decode_bytes(doc.as_bytes(), &DecodeOptions::default()) {
        Ok(d) => assert!(!d.warnings.is_empty()),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    let doc = deep("[", "]");
    let d = decode_bytes(doc.as_bytes(), &DecodeOptions::default()).unwrap();
    assert_first_warning(&d, "recursion");
}

#[test]
fn ten_thousand_digit_numbers() {
    let big = format!("1{}", "0".repeat(10_000));
    let tiny = format!("0.{}1", "0".repeat(10_000));
    let text = v3_with(&format!("{{\"A\":{{\"type\":2,\"80\":{big}}}}}"))
        + &format!("[\"g\",\"PC_0\",{{\"A\":{{\"80\":{tiny}}},\"t\":5000}},1000]\n");
    let d = decode_bytes(text.as_bytes(), &DecodeOptions::default()).unwrap();
    // The out-of-range number costs its line, with the reason and the place.
    let w = &d.warnings[0];
    assert_eq!(w.location.to_string(), "line 4", "{:?}", d.warnings);
    assert!(w.message.contains("out of range"), "{}", w.message);
    // The tiny one is a number (0), at the collapsed time.
    let r = d.peer_connections[0].stats.report("A").unwrap();
    let pts: Vec<_> = r
        .series("bytesSent")
        .unwrap()
        .points(&r.timestamps)
        .collect();
    assert_eq!(pts.last().map(|p| (p.0.0, p.1)), Some((5000.0, 0.0)));
}

#[test]
fn nan_and_infinity_bare_and_as_strings() {
    // Bare: not JSON, so the line is skipped with a warning.
    for bare in ["NaN", "Infinity", "-Infinity"] {
        let text = v3_with(&format!("{{\"A\":{{\"type\":2,\"80\":{bare}}}}}"));
        let d = decode_bytes(text.as_bytes(), &DecodeOptions::default()).unwrap();
        assert_eq!(d.warnings.len(), 1, "{bare}: {:?}", d.warnings);
        assert_eq!(d.warnings[0].location.to_string(), "line 4");
        assert_eq!(series_values(&d, "A", "bytesSent"), vec![7.0]);
    }
    // As strings: text in a standard report, and never a number in a legacy one.
    let text = v3_with(
        r#"{"A":{"type":2,"80":"NaN","95":"Infinity"},"B":{"type":"ssrc","googRtt":"NaN","bytes":"-Infinity","ok":"5"}}"#,
    );
    let d = decode_bytes(text.as_bytes(), &DecodeOptions::default()).unwrap();
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    let stats = &d.peer_connections[0].stats;
    let a = stats.report("A").unwrap();
    assert_eq!(a.last_text("bytesSent").unwrap().as_text(), "NaN");
    let b = stats.report("B").unwrap();
    assert!(b.series("googRtt").is_none() && b.series("bytes").is_none());
    // Both getStats lines of `v3_with` carry B (the second leaves it unchanged).
    assert_eq!(b.series("ok").unwrap().values, vec![5.0, 5.0]);
    for r in &stats.reports {
        for s in &r.series {
            assert!(s.values.iter().all(|v| v.is_nan() || v.is_finite()));
        }
    }
    // webrtc-internals series with NaN and Infinity in their values text.
    let doc = r#"{"PeerConnections":{"1-1":{"stats":{"A-x":{"startTime":"2026-01-01T00:00:00.000Z","endTime":"2026-01-01T00:00:02.000Z","statsType":"transport","values":"[1,NaN,Infinity,2]"}}}}}"#;
    let d = decode_bytes(doc.as_bytes(), &DecodeOptions::default()).unwrap();
    for r in &d.peer_connections[0].stats.reports {
        for s in &r.series {
            assert!(
                s.values.iter().all(|v| v.is_nan() || v.is_finite()),
                "{s:?}"
            );
        }
    }
}

#[test]
fn invalid_utf8_in_keys_and_values_is_replaced() {
    let mut text = b"RTCStatsDump\n{}\n[39,\"PC_0\",{},1000]\n".to_vec();
    text.extend(b"[\"g\",\"PC_0\",{\"A\xff\":{\"type\":2,\"80\":7,\"k\xfe\":\"v\xff\"}},5]\n");
    let d = decode_bytes(&text, &DecodeOptions::default()).unwrap();
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    let r = d.peer_connections[0].stats.report("A\u{fffd}").unwrap();
    assert_eq!(r.series("bytesSent").unwrap().values, vec![7.0]);
    assert_eq!(r.last_text("k\u{fffd}").unwrap().as_text(), "v\u{fffd}");
    // In a webrtc-internals document too.
    let doc = b"{\"PeerConnections\":{\"1-\xff\":{\"updateLog\":[{\"time\":\"1/1/2026, 1:00:00 PM\",\"type\":\"create\xfe\",\"value\":\"\xff\"}]}}}";
    match decode_bytes(doc, &DecodeOptions::default()) {
        Ok(d) => assert_eq!(d.peer_connections.len(), 1),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn duplicate_keys_take_the_last_value() {
    let text = v3_with(r#"{"A":{"type":2,"80":1,"80":2},"A":{"81":"m"}}"#);
    let d = decode_bytes(text.as_bytes(), &DecodeOptions::default()).unwrap();
    let r = d.peer_connections[0].stats.report("A").unwrap();
    assert_eq!(r.series("bytesSent").unwrap().values, vec![2.0, 7.0]);
    assert_eq!(r.last_text("mediaSourceId").unwrap().as_text(), "m");
}

#[test]
fn a_gzip_member_followed_by_garbage_keeps_the_member() {
    use std::io::Write;
    let text = std::fs::read(shared("recorded/rtcstats-v3_loopback_30s.jsonl")).unwrap();
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(&text).unwrap();
    let mut gz = e.finish().unwrap();
    let full = decode_bytes(&gz, &DecodeOptions::default()).unwrap();
    gz.extend(b"this is not a gzip member at all");
    let d = decode_bytes(&gz, &DecodeOptions::default()).unwrap();
    assert_eq!(d.peer_connections.len(), full.peer_connections.len());
    assert_eq!(
        d.peer_connections[0].stats.sample_count(),
        full.peer_connections[0].stats.sample_count()
    );
    let w = &d.warnings[0];
    assert!(
        w.message.starts_with("gzip stream is cut or corrupt"),
        "{}",
        w.message
    );
    assert_eq!(w.location.to_string(), format!("byte {}", text.len()));
}

/// A zstd frame of `prefix` then `blocks` RLE blocks of 128 KiB of `byte`: 4 bytes per block,
/// so a few hundred KB expand to gigabytes (zstd format, RFC 8878 §3.1).
fn zstd_rle_bomb(prefix: &[u8], byte: u8, blocks: usize) -> Vec<u8> {
    let mut out = vec![0x28, 0xb5, 0x2f, 0xfd];
    // Frame header: no checksum, no content size, window descriptor (8 MiB).
    out.extend([0x00, 0x58]);
    let block = |out: &mut Vec<u8>, last: bool, kind: u32, size: u32| {
        let h = u32::from(last) | (kind << 1) | (size << 3);
        out.extend(&h.to_le_bytes()[..3]);
    };
    block(&mut out, false, 0, prefix.len() as u32);
    out.extend(prefix);
    for i in 0..blocks {
        block(&mut out, i + 1 == blocks, 1, 128 << 10);
        out.push(byte);
    }
    out
}

#[test]
fn a_compression_bomb_is_stopped_early() {
    use std::io::Write;
    // 10 GiB of spaces after a v3 header, zstd inside gzip: about 1 KB on disk.
    let blocks = (10usize << 30) / (128 << 10);
    let zst = zstd_rle_bomb(
        b"RTCStatsDump\n{}\n[39,\"PC_0\",{},1000]\n[1,",
        b' ',
        blocks,
    );
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&zst).unwrap();
    let bomb = e.finish().unwrap();
    assert!(bomb.len() < 2048, "{} bytes", bomb.len());
    let start = std::time::Instant::now();
    match decode_bytes(&bomb, &DecodeOptions::default()) {
        Err(DecodeError::Bomb {
            limit,
            compressed,
            decompressed,
        }) => {
            assert_eq!(limit, 1000);
            assert!(compressed <= bomb.len() as u64);
            assert!(decompressed < 1 << 30, "{decompressed}");
        }
        other => panic!("{:?}", other.map(|d| d.warnings)),
    }
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    // The limits are configurable: a size cap, and the ratio.
    let capped = DecodeOptions {
        max_bytes: 32 << 20,
        ..DecodeOptions::default()
    };
    assert!(matches!(
        decode_bytes(&bomb, &capped),
        Err(DecodeError::TooLarge { limit }) if limit == 32 << 20
    ));
    let tight = DecodeOptions {
        max_ratio: 10,
        ratio_floor: 1 << 20,
        ..DecodeOptions::default()
    };
    let err = decode_bytes(&bomb, &tight).unwrap_err();
    assert!(err.to_string().contains("compression bomb"), "{err}");
}

#[test]
fn the_memory_limit_stops_with_what_was_decoded() {
    let mut text = String::from("RTCStatsDump\n{}\n[39,\"PC_0\",{},1000]\n");
    for i in 0..100_000 {
        text.push_str(&format!(
            "[\"g\",\"PC_0\",{{\"A\":{{\"type\":2,\"80\":{i},\"zz\":\"padding padding padding\"}},\"t\":{}}},1000]\n",
            1000 + i
        ));
    }
    assert!(text.len() > 8 << 20);
    let options = DecodeOptions {
        memory: MemoryLimit::Bytes(1),
        ..DecodeOptions::default()
    };
    let d = decode_bytes(text.as_bytes(), &options).unwrap();
    let w = &d.warnings[0];
    assert!(w.message.starts_with("stopped reading"), "{}", w.message);
    assert!(d.integrity.cut_at.is_some());
    let n = series_values(&d, "A", "bytesSent").len();
    assert!(n > 1000 && n < 100_000, "{n} samples");
}
