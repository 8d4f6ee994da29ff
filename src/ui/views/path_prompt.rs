//! When no native file dialog can open (no desktop portal, no zenity, or
//! `RTCSCOPE_NO_DIALOG`), these windows say so and take a typed path instead: never silence.

use crate::ui::save::Saver;

const WHY: &str = "No file dialog could open on this desktop (no xdg-desktop-portal or zenity).";

/// The "Save to" window of a save whose dialog could not open.
pub fn save(ctx: &egui::Context, saver: &Saver) {
    let mut chosen = None;
    let mut cancel = false;
    {
        let mut pending = saver.pending();
        let Some(p) = pending.as_mut() else { return };
        egui::Window::new("Save to")
            .collapsible(false)
            .show(ctx, |ui| {
                ui.label(WHY);
                ui.label("Type the path to save to:");
                let r = ui.add(egui::TextEdit::singleline(&mut p.path).desired_width(480.0));
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() || enter {
                        chosen = Some(std::path::PathBuf::from(p.path.trim()));
                    }
                    if ui.button("Cancel").clicked() {
                        cancel = true;
                    }
                });
            });
    }
    if cancel {
        saver.pending().take();
    } else if let Some(path) = chosen {
        saver.save_pending_to(path, ctx);
    }
}

/// The "Open" window of an open whose dialog could not open. Returns the path to open.
pub fn open(ctx: &egui::Context, path: &mut Option<String>) -> Option<String> {
    let text = path.as_mut()?;
    let mut out = None;
    let mut close = false;
    egui::Window::new("Open")
        .collapsible(false)
        .show(ctx, |ui| {
            ui.label(WHY);
            ui.label("Type the path of a dump (or an s3:// or https:// source):");
            let r = ui.add(egui::TextEdit::singleline(text).desired_width(480.0));
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                if (ui.button("Open").clicked() || enter) && !text.trim().is_empty() {
                    out = Some(text.trim().to_owned());
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
    if close {
        *path = None;
    }
    out
}
