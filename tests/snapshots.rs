//! Snapshot tests of the main views, rendered by wgpu on Mesa's software Vulkan (lavapipe),
//! compared with the PNGs in `tests/snapshots/`. Record new ones with
//! `UPDATE_SNAPSHOTS=1 cargo test --test snapshots` and look at them before committing.
#![cfg(feature = "gui")]

mod common;

use std::time::{Duration, Instant};

use common::bundled;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use rtcscope::ui::RtcscopeApp;

fn loaded(fixture: &str) -> Harness<'static, RtcscopeApp> {
    loaded_at(fixture, egui::vec2(1280.0, 800.0))
}

fn loaded_at(fixture: &str, size: egui::Vec2) -> Harness<'static, RtcscopeApp> {
    let source = bundled(fixture).to_string_lossy().into_owned();
    let mut h = Harness::builder()
        .with_size(size)
        .wgpu()
        .build_eframe(move |cc| RtcscopeApp::new(cc, vec![source]));
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().is_loading() {
        assert!(Instant::now() < deadline, "loading did not finish");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run_steps(4);
    h
}

fn open_tab(h: &mut Harness<'_, RtcscopeApp>, tab: &str) {
    h.get_by_role_and_label(Role::Button, tab).click();
    h.run_steps(4);
}

#[test]
fn main_views_of_the_recorded_call() {
    let mut h = loaded("webrtc_internals_dump_v3_loopback_30s.gz");
    h.snapshot("summary");
    for (tab, name) in [
        ("Overview", "overview"),
        ("Timeline", "timeline"),
        ("Stats", "stats"),
        ("SDP", "sdp"),
        ("ICE", "ice"),
        ("getUserMedia", "media"),
    ] {
        open_tab(&mut h, tab);
        h.snapshot(name);
    }
}

#[test]
fn stats_of_an_rtcstats_dump_with_derived_rates() {
    let mut h = loaded("rtcstats-v3_loopback_30s.jsonl.br");
    open_tab(&mut h, "Stats");
    h.snapshot("stats_rtcstats");
}

/// At 800 x 600 nothing runs off the window: tabs wrap, tables and diffs fit or cut.
#[test]
fn views_in_a_small_window() {
    let mut h = loaded_at(
        "webrtc_internals_dump_v3_loopback_30s.gz",
        egui::vec2(800.0, 600.0),
    );
    h.snapshot("small_summary");
    for (tab, name) in [
        ("Timeline", "small_timeline"),
        ("Stats", "small_stats"),
        ("SDP", "small_sdp"),
        ("ICE", "small_ice"),
    ] {
        open_tab(&mut h, tab);
        h.snapshot(name);
    }
}
