//! A window listing what the decoders skipped or repaired, per dump, with the place.

use crate::ui::state::AppState;

/// Shows the warnings window while `state.show_warnings` is set.
pub fn show(ctx: &egui::Context, state: &mut AppState) {
    let mut open = state.show_warnings;
    egui::Window::new("Warnings")
        .open(&mut open)
        .default_size([640.0, 360.0])
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                for d in &state.dumps {
                    if d.dump.warnings.is_empty() {
                        continue;
                    }
                    ui.strong(&d.source);
                    egui::Grid::new(("warnings", &d.source))
                        .striped(true)
                        .show(ui, |ui| {
                            for w in &d.dump.warnings {
                                ui.monospace(w.location.to_string());
                                ui.label(super::printable(&w.message));
                                ui.end_row();
                            }
                        });
                    ui.add_space(8.0);
                }
            });
        });
    state.show_warnings = open;
}
