//! What a remote source costs on top of decoding: the same gzipped webrtc-internals dump
//! decoded from a local file, streamed over HTTPS (TLS, the download thread, resumption
//! bookkeeping), streamed while being written to the cache, and reopened from the cache
//! after a `304 Not Modified`. The server is the tests' TLS server on 127.0.0.1, so the
//! figures measure rtcscope's path, not a network.
//!
//! `cargo bench --bench remote` (uses `target/bench-data/internals-200mb.txt`, which
//! `cargo bench --bench decode` builds; `RTCSCOPE_BENCH_MB` picks another size).

#[path = "../tests/common/servers.rs"]
mod servers;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rtcscope::source::cache::Cache;
use rtcscope::source::remote::RemoteOptions;

fn best_of_3(mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn gzipped(src: &Path) -> PathBuf {
    let out = src.with_extension("txt.gz");
    if !out.exists() {
        let mut e = flate2::write::GzEncoder::new(
            std::fs::File::create(&out).unwrap(),
            flate2::Compression::fast(),
        );
        e.write_all(&std::fs::read(src).unwrap()).unwrap();
        e.finish().unwrap();
    }
    out
}

fn main() {
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let mb: u64 = std::env::var("RTCSCOPE_BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let plain = dir.join(format!("internals-{mb}mb.txt"));
    if !plain.exists() {
        eprintln!(
            "{} is missing: run `cargo bench --bench decode` first",
            plain.display()
        );
        std::process::exit(1);
    }
    let gz = gzipped(&plain);
    let body = std::fs::read(&gz).unwrap();
    let size = body.len() as f64;
    let server = servers::Https::start("dump.gz", body, "\"bench\"", 0);
    let tmp = tempfile::tempdir().unwrap();
    let ca = server.write_ca(tmp.path());
    let url = server.url("/dump.gz");
    let no_cache = RemoteOptions {
        ca_bundle: Some(ca.clone()),
        cache: None,
        ..RemoteOptions::default()
    };
    let cache = Cache::new(tmp.path().join("cache"), 4 << 30);
    let with_cache = RemoteOptions {
        ca_bundle: Some(ca),
        cache: Some(cache.clone()),
        ..RemoteOptions::default()
    };
    let load = |arg: &str, o: &RemoteOptions| {
        rtcscope::load::load_with(arg, o, None).unwrap();
    };

    let local = best_of_3(|| load(&gz.to_string_lossy(), &no_cache));
    let https = best_of_3(|| load(&url, &no_cache));
    let filling = best_of_3(|| {
        cache.clear().unwrap();
        load(&url, &with_cache)
    });
    let cached = best_of_3(|| load(&url, &with_cache));
    println!(
        "gzipped webrtc-internals dump, {:.1} MB compressed ({mb} MB of JSON), best of 3:",
        size / 1e6
    );
    for (what, s) in [
        ("local file", local),
        ("https, no cache", https),
        ("https, filling the cache", filling),
        ("https, 304 -> cached copy", cached),
    ] {
        println!(
            "  {what:<26} {s:>7.3} s  {:>7.1} MB/s compressed  {:>5.2}x the local time",
            size / 1e6 / s,
            s / local
        );
    }
}
