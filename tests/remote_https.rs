//! `https://` sources from a local TLS server with a self-signed certificate that the tests
//! trust through `--ca-bundle`: decoding identical to the local file, pre-signed queries
//! kept out of every output, resumption after a cut, the cache's conditional requests,
//! and cancellation.
#![cfg(feature = "https")]

mod common;
#[path = "common/servers.rs"]
mod servers;

use std::process::{Command, Output};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rtcscope::source::Progress;
use rtcscope::source::remote::RemoteOptions;
use servers::{Fault, Https, Proxy};

const INTERNALS: &str = "webrtc_internals_dump_v3_loopback_30s.gz";

fn run(args: &[&str], cache: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rtcscope"))
        .args(args)
        .env("RTCSCOPE_CACHE_DIR", cache)
        .output()
        .unwrap()
}

fn local_summary() -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_rtcscope"))
        .args(["inspect", "--json"])
        .arg(common::bundled(INTERNALS))
        .output()
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_object_mut().unwrap().remove("source");
    v
}

#[test]
fn a_url_decodes_like_the_local_file_and_keeps_its_signature_secret() {
    let body = std::fs::read(common::bundled(INTERNALS)).unwrap();
    let server = Https::start("dumps/call.gz", body, "\"v1\"", 0);
    let dir = tempfile::tempdir().unwrap();
    let ca = server.write_ca(dir.path());
    let ca = format!("--ca-bundle={}", ca.display());
    let cache = dir.path().join("cache");
    let url = server.url("/dumps/call.gz?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=s3cr3tsig");

    let out = run(&["inspect", "--json", &url, &ca], &cache);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    let mut got: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        got["source"],
        format!("https://127.0.0.1:{}/dumps/call.gz?...", server.port)
    );
    got.as_object_mut().unwrap().remove("source");
    assert_eq!(got, local_summary());
    for secret in ["s3cr3tsig", "AKIAEXAMPLE"] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }

    // Unchanged on the server: answered 304 and read from the cache (identical result).
    let before = server.requests.load(Ordering::Relaxed);
    let again = run(&["inspect", "--json", &url, &ca], &cache);
    assert_eq!(again.stdout, out.stdout);
    assert_eq!(server.requests.load(Ordering::Relaxed), before + 1);
    let info = run(&["cache", "info"], &cache);
    assert!(String::from_utf8_lossy(&info.stdout).contains("objects: 1"));

    // Not found, with the query still hidden.
    let missing = server.url("/dumps/nope.gz?X-Amz-Signature=s3cr3tsig");
    let out = run(&["inspect", &missing, &ca], &cache);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("not found: https://127.0.0.1:") && stderr.contains("/dumps/nope.gz?..."),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cr3tsig"));
}

#[test]
fn an_untrusted_certificate_is_refused_with_advice() {
    let server = Https::start("d.gz", b"{}".to_vec(), "\"e\"", 0);
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &["inspect", &server.url("/d.gz")],
        &dir.path().join("cache"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("TLS failed") && stderr.contains("--ca-bundle"),
        "{stderr}"
    );
}

#[test]
fn a_cut_response_is_resumed_with_a_range_request() {
    let body = std::fs::read(common::bundled(INTERNALS)).unwrap();
    // The first two responses stop half-way.
    let server = Https::start("call.gz", body, "\"v7\"", 2);
    let dir = tempfile::tempdir().unwrap();
    let ca = format!("--ca-bundle={}", server.write_ca(dir.path()).display());
    let out = run(
        &[
            "inspect",
            "--json",
            "--no-cache",
            &server.url("/call.gz"),
            &ca,
        ],
        &dir.path().join("cache"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    got.as_object_mut().unwrap().remove("source");
    assert_eq!(got, local_summary());
    assert_eq!(server.requests.load(Ordering::Relaxed), 3);
}

#[test]
fn cancel_stops_a_slow_download_promptly() {
    let body = std::fs::read(common::bundled(INTERNALS)).unwrap();
    let server = Https::start("call.gz", body, "\"v1\"", 0);
    let dir = tempfile::tempdir().unwrap();
    // 1 kB every 50 ms: the download would take over a minute.
    let proxy = Proxy::start(
        server.port,
        Fault::Slow {
            chunk: 1024,
            every: Duration::from_millis(50),
        },
    );
    let options = RemoteOptions {
        ca_bundle: Some(server.write_ca(dir.path())),
        cache: None,
        ..RemoteOptions::default()
    };
    let url = format!("https://127.0.0.1:{}/call.gz", proxy.port);
    let progress = Progress::default();
    let p = progress.clone();
    let loading = std::thread::spawn(move || rtcscope::load::load_with(&url, &options, Some(&p)));
    let start = Instant::now();
    while progress.bytes_read() < 4096 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no bytes arrived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        progress.total(),
        Some(std::fs::metadata(common::bundled(INTERNALS)).unwrap().len())
    );
    let cancelled_at = Instant::now();
    progress.cancel();
    let result = loading.join().unwrap();
    assert!(cancelled_at.elapsed() < Duration::from_secs(2));
    let err = result.unwrap_err();
    assert!(err.is_cancelled(), "{err}");
    assert!(err.to_string().ends_with("cancelled"), "{err}");
}
