//! The desktop viewer (eframe/egui). Everything egui lives below this module; the engine
//! (decode, model, analyze) knows nothing of it.

pub mod app;
pub mod launch_trace;
pub mod loader;
pub mod remote;
pub mod save;
pub mod shortcuts;
pub mod state;
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
            .with_drag_and_drop(true)
            .with_icon(std::sync::Arc::new(window_icon())),
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

/// The app icon for the window and taskbar (the installers carry their own copies).
fn window_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/rtcscope-256.png"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_window_icon_is_the_bundled_png() {
        let icon = super::window_icon();
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
        // Not blank: the background blue is there.
        assert!(icon.rgba.chunks(4).any(|p| p[2] > 100 && p[3] == 255));
    }
}
