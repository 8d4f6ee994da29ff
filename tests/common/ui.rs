//! The viewer in a kittest harness, loaded.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use rtcscope::ui::RtcscopeApp;

/// The app at 1280 x 800 with `sources` loaded (the loads run on their own threads).
pub fn loaded(sources: Vec<String>) -> Harness<'static, RtcscopeApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| RtcscopeApp::new(cc, sources));
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().is_loading() {
        assert!(Instant::now() < deadline, "loading did not finish");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run_steps(3);
    h
}
