//! The "Open from S3 / URL" window, clicked through with egui_kittest against a local HTTPS
//! server and moto: open a URL, set the endpoint, list buckets, browse into a folder,
//! filter, multi-select and open, and clear the cache. Its own test binary, because the AWS
//! credentials must be in this process's environment.
#![cfg(feature = "gui")]
#![cfg(all(feature = "s3", feature = "https"))]

mod common;
#[path = "common/servers.rs"]
mod servers;

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use rtcscope::source::cache::Cache;
use rtcscope::source::remote::RemoteOptions;
use rtcscope::ui::RtcscopeApp;
use servers::{Https, S3Server};

fn step_until(h: &mut Harness<'_, RtcscopeApp>, what: &str, done: impl Fn(&RtcscopeApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "{what} did not finish");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run_steps(3);
}

fn open_window(h: &mut Harness<'_, RtcscopeApp>) {
    h.get_by_role_and_label(Role::Button, "File").click();
    h.run_steps(2);
    h.get_by_label("Open from S3 / URL...").click();
    h.run_steps(3);
    local_done(h);
}

/// Steps until the profile list and cache figures, read off the UI thread, have arrived.
fn local_done(h: &mut Harness<'_, RtcscopeApp>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while h.state().state.browser.reading_local() {
        assert!(
            std::time::Instant::now() < deadline,
            "the local read did not finish"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.step();
    }
    h.run_steps(2);
}

fn type_into(h: &mut Harness<'_, RtcscopeApp>, label: &str, text: &str) {
    let field = h.get_by_role_and_label(Role::TextInput, label);
    field.focus();
    field.type_text(text);
    h.run_steps(2);
}

#[test]
fn open_a_url_then_browse_s3_and_open_several_objects() {
    // SAFETY: this binary's only test, before it starts any thread.
    unsafe { servers::use_test_credentials() };
    let internals =
        std::fs::read(common::bundled("webrtc_internals_dump_v3_loopback_30s.gz")).unwrap();
    let rtcstats = std::fs::read(common::bundled("rtcstats-v3-gumonly.jsonl")).unwrap();
    let s3 = S3Server::start("RTCSCOPE_TEST_S3_ENDPOINT", &[]);
    s3.bucket("rt-ui");
    s3.put("rt-ui", "conf-1/alice.gz", &internals);
    s3.put("rt-ui", "conf-1/bob.jsonl", &rtcstats);
    s3.put("rt-ui", "conf-1/carol.jsonl", &rtcstats);
    s3.put("rt-ui", "readme.txt", b"not a dump");
    let https = Https::start("call.gz", internals, "\"v1\"", 0);
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path().join("cache"), 1 << 30);
    let base = RemoteOptions {
        ca_bundle: Some(https.write_ca(dir.path())),
        cache: Some(cache.clone()),
        ..RemoteOptions::default()
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .build_eframe(move |cc| RtcscopeApp::with_remote(cc, Vec::new(), base));
    h.run_steps(2);

    // A pre-signed URL typed into the address field.
    open_window(&mut h);
    h.get_by_label("Open from S3 / URL");
    let url = https.url("/call.gz?X-Amz-Signature=s3cr3t");
    type_into(&mut h, "Address", &url);
    h.get_by_role_and_label(Role::Button, "Open").click();
    h.run_steps(2);
    step_until(&mut h, "the URL load", |a| !a.is_loading());
    let s = &h.state().state;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.dumps.len(), 1);
    assert_eq!(s.dumps[0].name, "call.gz");
    assert!(
        s.recent.iter().all(|r| !r.contains("s3cr3t")),
        "a pre-signed URL is a credential and is not remembered: {:?}",
        s.recent
    );
    assert!(!s.browser.open, "the window closes once something opens");

    // S3: the endpoint, then the bucket list.
    open_window(&mut h);
    type_into(&mut h, "Endpoint URL", &s3.endpoint);
    h.get_by_role_and_label(Role::Button, "List buckets")
        .click();
    h.run_steps(2);
    step_until(&mut h, "the bucket list", |a| {
        a.state.browser.busy().is_none()
    });
    assert_eq!(h.state().state.browser.error, None);
    h.get_by_label("rt-ui").click();
    h.run_steps(2);
    step_until(&mut h, "the root listing", |a| {
        a.state.browser.busy().is_none()
    });
    h.get_by_label("readme.txt");
    h.get_by_label("conf-1/  (folder)").click();
    h.run_steps(2);
    step_until(&mut h, "the folder listing", |a| {
        a.state.browser.busy().is_none()
    });
    h.get_by_label("s3://rt-ui/conf-1/");
    h.get_by_label("3 of 3 objects shown");

    // Filters: by name, and by date.
    type_into(&mut h, "Name contains", "jsonl");
    h.get_by_label("2 of 3 objects shown");
    h.state_mut().state.browser.after = "2999-01-01".into();
    h.run_steps(2);
    h.get_by_label("0 of 3 objects shown");
    h.state_mut().state.browser.after = "2000-01-01".into();
    h.run_steps(2);
    h.get_by_label("2 of 3 objects shown");

    // Multi-select and open: both participants load.
    h.get_by_role_and_label(Role::Button, "Select shown")
        .click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Open selected (2)")
        .click();
    h.run_steps(2);
    step_until(&mut h, "the S3 loads", |a| !a.is_loading());
    let s = &h.state().state;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let mut names: Vec<&str> = s.dumps.iter().map(|d| d.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["bob.jsonl", "call.gz", "carol.jsonl"]);
    assert!(s.recent.contains(&"s3://rt-ui/conf-1/bob.jsonl".to_owned()));
    assert_eq!(
        s.remote.endpoint_url, s3.endpoint,
        "the endpoint is a setting"
    );

    // The cache holds the three downloads; the window clears it.
    assert_eq!(cache.usage().entries, 3);
    open_window(&mut h);
    h.get_by_label_contains("Download cache: 3 objects");
    h.get_by_role_and_label(Role::Button, "Clear cache").click();
    h.run_steps(2);
    local_done(&mut h);
    h.get_by_label_contains("Download cache: 0 objects");
    assert_eq!(cache.usage().entries, 0);
}
