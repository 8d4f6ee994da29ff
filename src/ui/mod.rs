//! The desktop viewer (eframe/egui). Everything egui lives below this module; the engine
//! (decode, model, analyze) knows nothing of it.

pub mod app;
pub mod loader;
pub mod remote;
pub mod save;
pub mod views;

pub use app::RtcscopeApp;

use crate::source::remote::RemoteOptions;

/// Opens the viewer window with `sources` loading (remote ones reached with `remote`, the
/// command line's options), and runs until it is closed.
pub fn run(sources: Vec<String>, remote: RemoteOptions) -> Result<(), String> {
    let persistence_path = directories::ProjectDirs::from("", "", "rtcscope")
        .map(|d| d.config_dir().join("viewer.ron"));
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("rtcscope")
            .with_app_id("rtcscope")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        persistence_path,
        ..Default::default()
    };
    eframe::run_native(
        "rtcscope",
        options,
        Box::new(move |cc| Ok(Box::new(RtcscopeApp::with_remote(cc, sources, remote)))),
    )
    .map_err(|e| format!("cannot open the window: {e}"))
}
