//! Cancelling an S3 download from the viewer's side (the library call the background loader
//! makes), through a proxy that slows the body to a crawl. Its own test binary, because the
//! credentials must be in this process's environment.
#![cfg(feature = "s3")]

mod common;
#[path = "common/servers.rs"]
mod servers;

use std::time::{Duration, Instant};

use rtcscope::source::Progress;
use rtcscope::source::remote::RemoteOptions;
use servers::{Fault, Proxy, S3Server};

#[test]
fn cancel_stops_a_slow_s3_download_promptly() {
    // SAFETY: this binary's only test, before it starts any thread.
    unsafe { servers::use_test_credentials() };
    let s3 = S3Server::start("RTCSCOPE_TEST_S3_ENDPOINT", &[]);
    s3.bucket("rt-cancel");
    let path = common::bundled("webrtc_internals_dump_v3_loopback_30s.gz");
    let bytes = std::fs::read(&path).unwrap();
    s3.put("rt-cancel", "slow.gz", &bytes);
    let proxy = Proxy::start(
        s3.port(),
        Fault::Slow {
            chunk: 1024,
            every: Duration::from_millis(50),
        },
    );
    let options = RemoteOptions {
        endpoint_url: Some(format!("http://127.0.0.1:{}", proxy.port)),
        cache: None,
        ..RemoteOptions::default()
    };
    let progress = Progress::default();
    let p = progress.clone();
    let loading = std::thread::spawn(move || {
        rtcscope::load::load_with("s3://rt-cancel/slow.gz", &options, Some(&p))
    });
    let start = Instant::now();
    while progress.bytes_read() < 4096 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no bytes arrived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(progress.total(), Some(bytes.len() as u64));
    let cancelled_at = Instant::now();
    progress.cancel();
    let err = loading.join().unwrap().unwrap_err();
    assert!(cancelled_at.elapsed() < Duration::from_secs(2));
    assert!(err.is_cancelled(), "{err}");
    assert!(err.to_string().ends_with("cancelled"), "{err}");
}
