//! Decode throughput and peak memory for each format, on ~200 MB dumps built from the
//! fixtures, with CPython's `json` on the same webrtc-internals file, and serde_json's bare
//! scan of each line format's lines on all cores, as the yardsticks.
//!
//! `cargo bench --bench decode` (set `RTCSCOPE_BENCH_MB` to change the size). Prints figures;
//! timings are the best of three runs, since these shared machines drift.

use std::alloc::{GlobalAlloc, Layout};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use mimalloc::MiMalloc;
use rtcscope::decode::{DecodeOptions, decode_reader};
use serde_json::Value;

/// mimalloc, as in the binary, counting live heap bytes and their high-water mark while
/// `COUNTING` is on (off for the timed runs: a shared atomic on every allocation would
/// distort them).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { MiMalloc.alloc(layout) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { MiMalloc.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            if new_size > layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(rel)
}

fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// webrtc-internals: the recorded dump with its peer connections cloned under new ids,
/// written as Chrome writes it (one-space indentation).
fn build_internals(target: u64) -> PathBuf {
    let path = data_dir().join(format!("internals-{}mb.txt", target >> 20));
    if path.exists() {
        return path;
    }
    let src: Value = serde_json::from_slice(
        &std::fs::read(shared("recorded/webrtc_internals_dump_v3_loopback_30s.txt")).unwrap(),
    )
    .unwrap();
    let pcs: Vec<(String, Value)> = src["PeerConnections"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut out = BufWriter::new(File::create(&path).unwrap());
    let pretty = |v: &Value| {
        let mut buf = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(
            &mut buf,
            serde_json::ser::PrettyFormatter::with_indent(b" "),
        );
        serde::Serialize::serialize(v, &mut ser).unwrap();
        buf
    };
    write!(
        out,
        "{{\n \"getUserMedia\": {},\n \"UserAgent\": {},\n \"PeerConnections\": {{",
        String::from_utf8(pretty(&src["getUserMedia"])).unwrap(),
        src["UserAgent"]
    )
    .unwrap();
    let mut written = 0u64;
    let mut n = 0;
    while written < target {
        for (id, pc) in &pcs {
            let body = pretty(pc);
            if n > 0 {
                out.write_all(b",").unwrap();
            }
            write!(out, "\n  \"{id}{n}\": ").unwrap();
            out.write_all(&body).unwrap();
            written += body.len() as u64;
            n += 1;
        }
    }
    out.write_all(b"\n }\n}\n").unwrap();
    out.flush().unwrap();
    path
}

/// Line formats: the body of a recorded dump repeated with renamed connection ids, so every
/// copy is a connection with its own delta chain.
fn build_lines(name: &str, src: &str, header_lines: usize, ids: &[&str], target: u64) -> PathBuf {
    let path = data_dir().join(format!("{name}-{}mb.jsonl", target >> 20));
    if path.exists() {
        return path;
    }
    let raw = std::fs::read(shared(src)).unwrap();
    let text = if src.ends_with(".gz") {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&raw[..]), &mut out)
            .unwrap();
        out
    } else {
        String::from_utf8(raw).unwrap()
    };
    let mut lines = text.split_inclusive('\n');
    let header: String = lines.by_ref().take(header_lines).collect();
    let body: String = lines.collect();
    let mut out = BufWriter::new(File::create(&path).unwrap());
    out.write_all(header.as_bytes()).unwrap();
    let mut written = header.len() as u64;
    let mut copy = 0;
    while written < target {
        let mut b = body.clone();
        for id in ids {
            b = b.replace(&format!("\"{id}\""), &format!("\"{id}_{copy}\""));
        }
        if !b.ends_with('\n') {
            b.push('\n');
        }
        out.write_all(b.as_bytes()).unwrap();
        written += b.len() as u64;
        copy += 1;
    }
    out.flush().unwrap();
    path
}

struct Figures {
    best_s: f64,
    /// Features plus findings of the decoded dump, best of three, s.
    diagnose_s: f64,
    peak_bytes: usize,
    model_bytes: usize,
    connections: usize,
    samples: usize,
}

fn decode_file(path: &Path) -> rtcscope::model::Dump {
    let file = File::open(path).unwrap();
    let options = DecodeOptions {
        size_hint: file.metadata().ok().map(|m| m.len()),
        ..DecodeOptions::default()
    };
    decode_reader(file, &options).unwrap()
}

fn measure(path: &Path) -> Figures {
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        let dump = decode_file(path);
        best = best.min(start.elapsed().as_secs_f64());
        drop(dump);
    }
    // One more run, counted: the heap's high-water mark, and what stays (the model).
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let dump = decode_file(path);
    let peak = PEAK.load(Ordering::Relaxed);
    let model = LIVE.load(Ordering::Relaxed);
    COUNTING.store(false, Ordering::Relaxed);
    // Features and findings of the decoded dump, best of three.
    let mut diagnose = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        let features = rtcscope::analyze::features::extract(&dump);
        let found = rtcscope::analyze::findings::findings(
            &dump,
            &rtcscope::analyze::findings::Thresholds::default(),
        );
        diagnose = diagnose.min(start.elapsed().as_secs_f64());
        drop((features, found));
    }
    let connections = dump.peer_connections.len();
    let samples = dump
        .peer_connections
        .iter()
        .map(|p| p.stats.sample_count())
        .sum();
    drop(dump);
    Figures {
        best_s: best,
        diagnose_s: diagnose,
        peak_bytes: peak,
        model_bytes: model,
        connections,
        samples,
    }
}

/// The floor for a line format: read the file and scan every line with `serde_json` into
/// `IgnoredAny` on all cores (no values built, nothing kept), best of three.
fn serde_floor(path: &Path) -> f64 {
    use rayon::prelude::*;
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        let text = std::fs::read(path).unwrap();
        let bad = text
            .par_split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .filter(|l| serde_json::from_slice::<serde::de::IgnoredAny>(l).is_err())
            .count();
        best = best.min(start.elapsed().as_secs_f64());
        assert!(bad <= 1, "{bad} lines are not JSON");
    }
    best
}

/// CPython: parse the document and every `values` string, best of three.
fn python_internals(path: &Path) -> Option<f64> {
    let script = r#"
import json, sys, time
best = float('inf')
for _ in range(3):
    t = time.perf_counter()
    with open(sys.argv[1], 'rb') as f:
        d = json.load(f)
    for pc in d['PeerConnections'].values():
        for s in pc['stats'].values():
            if s:
                json.loads(s['values'])
    best = min(best, time.perf_counter() - t)
    del d
print(best)
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

fn main() {
    // `cargo test --benches` runs bench targets too: do nothing there.
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let mb: u64 = std::env::var("RTCSCOPE_BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let target = mb << 20;
    eprintln!("building {mb} MB inputs in target/bench-data (once)…");
    let cases = [
        ("webrtc-internals", build_internals(target)),
        (
            "rtcstats-v3",
            build_lines(
                "rtcstats-v3",
                "recorded/rtcstats-v3_loopback_30s.jsonl",
                2,
                &["PC_0", "PC_1"],
                target,
            ),
        ),
        (
            "rtcstats-v3 (Chrome)",
            build_lines(
                "rtcstats-v3-chrome",
                "recorded/webrtc_internals_rtcstats_dump_v3_loopback_30s.gz",
                2,
                &["8-0", "8-1", "8-2"],
                target,
            ),
        ),
        (
            "rtcstats-legacy (jitsi)",
            build_lines(
                "jitsi",
                "recorded/rtcstats-jitsi_loopback_30s.jsonl",
                1,
                &["PC_0", "PC_1"],
                target,
            ),
        ),
    ];
    println!(
        "{:<26} {:>9} {:>9} {:>10} {:>11} {:>8} {:>10} {:>6} {:>12}",
        "format", "size MB", "best s", "MB/s", "peak MB", "peak/x", "model MB", "pcs", "samples"
    );
    let mut internals = None;
    let mut diagnose = Vec::new();
    let mut floors = Vec::new();
    for (name, path) in &cases {
        let size = std::fs::metadata(path).unwrap().len() as f64;
        let f = measure(path);
        println!(
            "{:<26} {:>9.1} {:>9.3} {:>10.1} {:>11.1} {:>8.2} {:>10.1} {:>6} {:>12}",
            name,
            size / 1e6,
            f.best_s,
            size / 1e6 / f.best_s,
            f.peak_bytes as f64 / 1e6,
            f.peak_bytes as f64 / size,
            f.model_bytes as f64 / 1e6,
            f.connections,
            f.samples
        );
        diagnose.push((*name, f.diagnose_s, f.best_s));
        if *name != "webrtc-internals" {
            floors.push((*name, serde_floor(path), f.best_s));
        }
        if *name == "webrtc-internals" {
            internals = Some((path.clone(), f.best_s, f.peak_bytes as f64 / size));
        }
    }
    println!("\nfeatures + findings of the decoded dump (target under 20 % of its decode time):");
    for (name, d, decode) in diagnose {
        println!(
            "  {name:<26} {d:>7.3} s = {:>5.1} % of decode",
            100.0 * d / decode
        );
    }
    println!(
        "\nline formats vs the floor (read the file, serde_json IgnoredAny on every line, all cores):"
    );
    for (name, floor, decode) in floors {
        println!(
            "  {name:<26} floor {floor:>7.3} s, decode {decode:>7.3} s = {:>5.2}x the floor",
            decode / floor
        );
    }
    if let Some((path, rust_s, peak_ratio)) = internals {
        match python_internals(&path) {
            Some(py) => println!(
                "\nwebrtc-internals vs CPython json (same file, outer document + every values string):\n  rtcscope {rust_s:.3} s, CPython {py:.3} s: {:.2}x of CPython's time (target ≤ 0.50x); peak memory {peak_ratio:.2}x the file (target ≤ 1.5x)",
                rust_s / py
            ),
            None => println!("\n(python3 not found: no CPython comparison)"),
        }
    }
}
