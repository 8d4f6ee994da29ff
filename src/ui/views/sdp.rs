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
    /// The raw diff of (base, selected), computed when either changes.
    diff: Option<DiffLines>,
    /// The selected description's session part and m-sections, parsed once.
    sections: Option<(usize, Vec<Section>)>,
}

/// A part of a description: title, text, open by default.
type Section = (String, String, bool);

/// A raw line diff and the (base, selected) descriptions it is of.
type DiffLines = ((usize, usize), Vec<(ChangeTag, String)>);

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
        .default_size(260.0)
        .size_range(160.0..=420.0)
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
                ui.horizontal_wrapped(|ui| {
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
                if state.sections.as_ref().is_none_or(|(k, _)| *k != selected) {
                    state.sections = Some((selected, sections_of(&d.sdp)));
                }
                let Some((_, sections)) = &state.sections else {
                    return;
                };
                for (k, (title, text, open)) in sections.iter().enumerate() {
                    // Long titles are cut to the panel (in full on hover), so they do not widen it.
                    let id = ui.make_persistent_id(("sdp section", selected, k));
                    egui::collapsing_header::CollapsingState::load_with_default_open(
                        ui.ctx(),
                        id,
                        *open,
                    )
                    .show_header(ui, |ui| {
                        ui.add(egui::Label::new(title).truncate())
                            .on_hover_text(title);
                    })
                    .body(|ui| json_block(ui, &serde_json::Value::String(text.clone())));
                }
                if let Some(b) = base {
                    ui.add_space(6.0);
                    ui.strong(format!("Line diff: [{b}] (left) and [{selected}] (right)"));
                    if state.diff.as_ref().is_none_or(|(k, _)| *k != (b, selected)) {
                        let lines = diff_lines(&pc.descriptions[b].sdp, &d.sdp);
                        state.diff = Some(((b, selected), lines));
                    }
                    if let Some((_, lines)) = &state.diff {
                        line_diff(ui, lines);
                    }
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
/// The raw line diff of `a` and `b`, side by side in two halves of the panel; long lines
/// are cut to their half, in full on hover.
fn line_diff(ui: &mut egui::Ui, lines: &[(ChangeTag, String)]) {
    let mut cells = super::Cells::new(ui.available_width() - 8.0, &[1.0, 1.0]);
    let red = ui.visuals().error_fg_color;
    let green = Color32::from_rgb(60, 170, 90);
    egui::Grid::new("sdp line diff")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (tag, line) in lines {
                match tag {
                    ChangeTag::Equal => {
                        cells.put(ui, RichText::new(line).monospace());
                        cells.put(ui, RichText::new(line).monospace());
                    }
                    ChangeTag::Delete => {
                        cells.put(
                            ui,
                            RichText::new(format!("- {line}")).monospace().color(red),
                        );
                        cells.put(ui, "");
                    }
                    ChangeTag::Insert => {
                        cells.put(ui, "");
                        cells.put(
                            ui,
                            RichText::new(format!("+ {line}")).monospace().color(green),
                        );
                    }
                }
                cells.end(ui);
            }
        });
}

/// The session part and each m-section of `sdp`: `(title, text, open by default)`.
fn sections_of(sdp: &str) -> Vec<Section> {
    let parsed = parse(sdp);
    let parts: Vec<&str> = sdp.split("\nm=").collect();
    let mut out = vec![(
        "session".to_owned(),
        parts.first().copied().unwrap_or("").trim().to_owned(),
        false,
    )];
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
        let open =
            k == 0 && parsed.media.len() < 10 && m.direction() != "inactive" && !m.is_rejected();
        let text = parts
            .get(k + 1)
            .map(|s| format!("m={}", s.trim()))
            .unwrap_or_default();
        out.push((title, text, open));
    }
    out
}

/// The lines of the raw diff of `a` and `b`.
fn diff_lines(a: &str, b: &str) -> Vec<(ChangeTag, String)> {
    TextDiff::from_lines(a, b)
        .iter_all_changes()
        .map(|c| (c.tag(), c.value().trim_end().to_owned()))
        .collect()
}
