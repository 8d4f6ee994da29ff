//! Without a native file dialog (`RTCSCOPE_NO_DIALOG=1`, as on a desktop without a portal or
//! zenity), opening and saving ask for a path in the window; a plot saved from its context
//! menu is at least 1600 x 800.
#![cfg(feature = "gui")]

mod common;

use std::time::{Duration, Instant};

use common::bundled;
use egui::accesskit::Role;
use egui::{Event, Key, Modifiers, PointerButton};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use rtcscope::ui::RtcscopeApp;

fn step_until(h: &mut Harness<'_, RtcscopeApp>, what: &str, done: impl Fn(&RtcscopeApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "{what} did not happen");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run_steps(2);
}

#[test]
fn without_a_dialog_the_window_asks_for_paths() {
    // SAFETY: this test binary has this one test, so no other thread reads the environment.
    unsafe { std::env::set_var("RTCSCOPE_NO_DIALOG", "1") };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|cc| RtcscopeApp::new(cc, Vec::new()));
    h.run_steps(2);
    // Ctrl+O: no dialog can open, so the window says so and takes a path.
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    step_until(&mut h, "the open prompt", |a| a.state.open_prompt.is_some());
    h.get_by_label_contains("No file dialog could open");
    let dump = bundled("webrtc_internals_dump_v3_loopback_30s.gz");
    h.get_by_role(Role::TextInput).focus();
    h.run_steps(1);
    h.get_by_role(Role::TextInput)
        .type_text(&dump.to_string_lossy());
    h.run_steps(2);
    assert_eq!(
        h.state().state.open_prompt.as_deref(),
        Some(dump.to_string_lossy().as_ref())
    );
    h.get_by_role_and_label(Role::Button, "Open").click();
    h.run_steps(2);
    step_until(&mut h, "loading", |a| {
        !a.is_loading() && !a.state.dumps.is_empty()
    });

    // Right-click a plot and save it as PNG: the path is asked for in the window too.
    h.get_by_role_and_label(Role::Button, "Stats").click();
    h.run_steps(3);
    h.get_by_role(Role::TextInput).focus();
    h.get_by_role(Role::TextInput)
        .type_text("[bytesSent_in_bits/s]");
    h.run_steps(3);
    let label = h
        .query_all_by_label("[bytesSent_in_bits/s] (bits/s)")
        .next()
        .unwrap()
        .rect();
    let at = label.center() + egui::vec2(0.0, 60.0);
    h.hover_at(at);
    for pressed in [true, false] {
        h.input_mut().events.push(Event::PointerButton {
            pos: at,
            button: PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    h.run_steps(3);
    h.get_by_label("Save as PNG...").click();
    h.run_steps(2);
    step_until(&mut h, "the save prompt", |a| {
        a.state.saver.pending().is_some()
    });
    h.get_by_label_contains("No file dialog could open");
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("plot.png");
    h.state_mut().state.saver.pending().as_mut().unwrap().path = png.to_string_lossy().into_owned();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Save").click();
    h.run_steps(2);
    step_until(&mut h, "the save", |a| {
        a.state
            .saver
            .status()
            .is_some_and(|s| s.starts_with("Saved"))
    });
    let img = image::open(&png).unwrap().to_rgb8();
    let (w, ht) = img.dimensions();
    assert!(w >= 1600 && ht >= 800, "{w} x {ht}");
    let colours: std::collections::HashSet<[u8; 3]> = img.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 20, "blank: {} colours", colours.len());
}
