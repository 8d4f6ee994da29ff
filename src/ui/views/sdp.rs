//! The SDP view of a connection: every description in order with its flags; for the selected
//! one, the semantic diff against another (by default the previous one of the same side),
//! the negotiated result when it answers an offer, its m-sections folded one by one with a
//! copy button, and the raw line diff side by side.

use egui::{Color32, RichText};
use similar::{ChangeTag, TextDiff};

use super::{clock, overview::json_block};
use crate::analyze::sdp::parse;
use crate::analyze::sdp_diff::{Change, diff_descriptions, flags, negotiated, previous_same_side};
use crate::model::{PeerConnection, SdpType};
use crate::ui::state::OpenDump;

/// Which descriptions are shown.
#[derive(Default)]
pub struct SdpState {
    /// The selected description.
    pub selected: Option<usize>,
    /// What it is compared with; `None` is the previous one of the same side.
    pub compare: Option<usize>,
    key: Option<(String, usize)>,
}

/// Shows the SDP view of connection `p` of `open`.
pub fn show(ui: &mut egui::Ui, open: &OpenDump, p: usize, state: &mut SdpState) {
    let Some(pc) = open.dump.peer_connections.get(p) else {
        return;
    };
    if state.key.as_ref() != Some(&(open.source.clone(), p)) {
        *state = SdpState {
            key: Some((open.source.clone(), p)),
            ..SdpState::default()
        };
    }
    if pc.descriptions.is_empty() {
        ui.label("No session descriptions in the dump for this connection (the client may have been configured not to send them).");
        return;
    }
    let all_flags = flags(pc);
    let origin = pc.created.map_or(f64::NAN, |t| t.0);
    let selected = state.selected.unwrap_or(0).min(pc.descriptions.len() - 1);
    egui::Panel::left("sdp list")
        .resizable(true)
        .default_size(330.0)
        .show(ui, |ui| {
            ui.strong(format!("{} descriptions", pc.descriptions.len()));
            egui::ScrollArea::vertical()
                .id_salt("sdp list scroll")
                .show(ui, |ui| {
                    for (i, d) in pc.descriptions.iter().enumerate() {
                        let marks: String = all_flags
                            .iter()
                            .filter(|f| f.index == i)
                            .map(|f| format!(" [{}]", f.kind))
                            .collect();
                        let text = format!(
                            "{i}  {:+.3} s  {} {}{marks}",
                            (d.time.0 - origin) / 1000.0,
                            d.event,
                            d.sdp_type.as_str()
                        );
                        let text = if marks.contains("munged") {
                            RichText::new(text).color(ui.visuals().warn_fg_color)
                        } else {
                            RichText::new(text)
                        };
                        if ui.selectable_label(i == selected, text).clicked() {
                            state.selected = Some(i);
                            state.compare = None;
                        }
                    }
                });
        });
    let d = &pc.descriptions[selected];
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt("sdp detail")
            .show(ui, |ui| {
                ui.heading(format!(
                    "[{selected}] {} {} at {}",
                    d.event,
                    d.sdp_type.as_str(),
                    clock(d.time)
                ));
                for f in all_flags.iter().filter(|f| f.index == selected) {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!("{}: {}", f.kind, f.text),
                    );
                }
                let default = previous_same_side(&pc.descriptions, selected);
                let base = state.compare.or(default);
                ui.horizontal(|ui| {
                    let label = base.map_or_else(
                        || "nothing".to_owned(),
                        |b| {
                            format!(
                                "[{b}] {} {}",
                                pc.descriptions[b].event,
                                pc.descriptions[b].sdp_type.as_str()
                            )
                        },
                    );
                    egui::ComboBox::from_label("compared with")
                        .selected_text(label)
                        .show_ui(ui, |ui| {
                            for (i, other) in pc
                                .descriptions
                                .iter()
                                .enumerate()
                                .filter(|(i, _)| *i != selected)
                            {
                                let text =
                                    format!("[{i}] {} {}", other.event, other.sdp_type.as_str());
                                if ui.selectable_label(base == Some(i), text).clicked() {
                                    state.compare = Some(i);
                                }
                            }
                        });
                    if ui.button("Copy SDP").clicked() {
                        ui.ctx().copy_text(d.sdp.clone());
                    }
                });
                if let Some(b) = base {
                    semantic_summary(ui, pc, b, selected);
                }
                negotiated_result(ui, pc, selected);
                ui.add_space(6.0);
                ui.strong("m-sections");
                let parsed = parse(&d.sdp);
                let sections: Vec<&str> = d.sdp.split("\nm=").collect();
                egui::CollapsingHeader::new("session")
                    .id_salt(("sdp session", selected))
                    .show(ui, |ui| {
                        json_block(
                            ui,
                            &serde_json::Value::String(
                                sections.first().copied().unwrap_or("").trim().to_owned(),
                            ),
                        );
                    });
                for (k, m) in parsed.media.iter().enumerate() {
                    let title = format!(
                        "mid {} {} port {} {}{}: {}",
                        m.mid.as_deref().unwrap_or("-"),
                        m.kind,
                        m.port,
                        m.direction(),
                        if m.is_rejected() { " (rejected)" } else { "" },
                        m.codec_labels()
                            .into_iter()
                            .take(4)
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    let open_by_default =
                        parsed.media.len() < 10 && m.direction() != "inactive" && !m.is_rejected();
                    egui::CollapsingHeader::new(title)
                        .id_salt(("sdp section", selected, k))
                        .default_open(open_by_default && k == 0)
                        .show(ui, |ui| {
                            let text = sections
                                .get(k + 1)
                                .map(|s| format!("m={}", s.trim()))
                                .unwrap_or_default();
                            json_block(ui, &serde_json::Value::String(text));
                        });
                }
                if let Some(b) = base {
                    ui.add_space(6.0);
                    ui.strong(format!("Line diff: [{b}] (left) and [{selected}] (right)"));
                    line_diff(ui, &pc.descriptions[b].sdp, &d.sdp);
                }
            });
    });
}

fn semantic_summary(ui: &mut egui::Ui, pc: &PeerConnection, b: usize, selected: usize) {
    let Some(diff) = diff_descriptions(pc, b, selected) else {
        return;
    };
    ui.strong(format!(
        "What changed from [{b}]{}",
        if diff.munged { " (munged)" } else { "" }
    ));
    let mut nothing = true;
    for s in &diff.session {
        ui.label(format!("session: {s}"));
        nothing = false;
    }
    for s in diff
        .sections
        .iter()
        .filter(|s| s.change != Change::Unchanged)
    {
        nothing = false;
        let color = match s.change {
            Change::Added => Color32::from_rgb(60, 170, 90),
            Change::Removed => ui.visuals().error_fg_color,
            _ => ui.visuals().text_color(),
        };
        ui.colored_label(
            color,
            format!(
                "mid {} ({}): {:?}",
                s.mid.as_deref().unwrap_or("-"),
                s.kind,
                s.change
            )
            .to_lowercase(),
        );
        for d in &s.details {
            ui.label(format!("    {d}"));
        }
    }
    if nothing {
        ui.label("Nothing: the descriptions are the same.");
    }
}

/// For an answer, what it and the offer before it agreed on.
fn negotiated_result(ui: &mut egui::Ui, pc: &PeerConnection, selected: usize) {
    let d = &pc.descriptions[selected];
    if d.sdp_type != SdpType::Answer {
        return;
    }
    let Some(offer) = pc.descriptions[..selected]
        .iter()
        .rev()
        .find(|o| o.sdp_type == SdpType::Offer && !o.sdp.is_empty())
    else {
        return;
    };
    ui.add_space(6.0);
    ui.strong("Negotiated (with the offer before it)");
    egui::Grid::new(("negotiated", selected))
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for h in ["mid", "kind", "offered / answered direction", "codecs"] {
                ui.strong(h);
            }
            ui.end_row();
            for n in negotiated(&parse(&offer.sdp), &parse(&d.sdp)) {
                ui.label(n.mid.clone().unwrap_or_else(|| "-".into()));
                ui.label(&n.kind);
                ui.label(if n.rejected {
                    "rejected".to_owned()
                } else {
                    format!("{} / {}", n.offered_direction, n.answered_direction)
                });
                ui.label(n.codecs.join(", "));
                ui.end_row();
            }
        });
}

/// The raw line diff, side by side: removed lines on the left in red, added on the right in
/// green, unchanged lines on both.
fn line_diff(ui: &mut egui::Ui, a: &str, b: &str) {
    let diff = TextDiff::from_lines(a, b);
    egui::Grid::new("sdp line diff")
        .num_columns(2)
        .striped(true)
        .min_col_width(ui.available_width() / 2.0 - 10.0)
        .show(ui, |ui| {
            for change in diff.iter_all_changes() {
                let line = change.value().trim_end().to_owned();
                match change.tag() {
                    ChangeTag::Equal => {
                        ui.monospace(&line);
                        ui.monospace(&line);
                    }
                    ChangeTag::Delete => {
                        ui.label(
                            RichText::new(format!("- {line}"))
                                .monospace()
                                .color(ui.visuals().error_fg_color),
                        );
                        ui.label("");
                    }
                    ChangeTag::Insert => {
                        ui.label("");
                        ui.label(
                            RichText::new(format!("+ {line}"))
                                .monospace()
                                .color(Color32::from_rgb(60, 170, 90)),
                        );
                    }
                }
                ui.end_row();
            }
        });
}
