//! getUserMedia / getDisplayMedia requests of a dump: constraints, matched to the tracks
//! they produced or the error they failed with.

use super::{clock, overview::json_block};
use crate::model::{MediaOutcome, MediaRequestKind};
use crate::ui::state::OpenDump;

/// Shows the media requests of `open`.
pub fn show(ui: &mut egui::Ui, open: &OpenDump) {
    let requests = &open.dump.get_user_media;
    ui.heading(format!("Media requests ({})", requests.len()));
    if requests.is_empty() {
        ui.label("No getUserMedia or getDisplayMedia calls in this dump.");
        return;
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (i, r) in requests.iter().enumerate() {
            let api = match r.kind {
                MediaRequestKind::GetUserMedia => "getUserMedia",
                MediaRequestKind::GetDisplayMedia => "getDisplayMedia",
            };
            let (outcome, bad) = match &r.outcome {
                MediaOutcome::Pending => ("no result in the dump".to_owned(), false),
                MediaOutcome::Success { time, tracks } => (
                    format!(
                        "{} track{} after {:.0} ms",
                        tracks.len(),
                        if tracks.len() == 1 { "" } else { "s" },
                        time.0 - r.time.0
                    ),
                    false,
                ),
                MediaOutcome::Failure { error, .. } => (format!("failed: {error}"), true),
            };
            let title = format!(
                "#{} {api} at {}: {outcome}",
                i + 1,
                if r.time.is_valid() {
                    clock(r.time)
                } else {
                    "?".into()
                }
            );
            let title = if bad {
                egui::RichText::new(title).color(ui.visuals().error_fg_color)
            } else {
                egui::RichText::new(title)
            };
            egui::CollapsingHeader::new(title)
                .id_salt(("media", i))
                .default_open(requests.len() <= 4)
                .show(ui, |ui| {
                    ui.label("constraints");
                    json_block(ui, &r.constraints);
                    if let MediaOutcome::Success { tracks, .. } = &r.outcome
                        && !tracks.is_empty()
                    {
                        egui::Grid::new(("tracks", i))
                            .striped(true)
                            .num_columns(4)
                            .show(ui, |ui| {
                                for h in ["kind", "label", "track id", "stream id"] {
                                    ui.strong(h);
                                }
                                ui.end_row();
                                for t in tracks {
                                    ui.label(&t.kind);
                                    ui.label(&t.label);
                                    ui.monospace(&t.id);
                                    ui.monospace(t.stream_id.as_deref().unwrap_or(""));
                                    ui.end_row();
                                }
                            });
                    }
                });
        }
    });
}
