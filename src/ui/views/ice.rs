//! The ICE candidate grid at a chosen moment: each transport with its selected pair, its
//! candidate pairs (STUN checks, bytes, RTT) and their local and remote candidates; the
//! selected pair highlighted; the selected pair's changes over the call listed.

use egui::{Color32, RichText};

use super::clock;
use crate::analyze::ice::{CandidateRow, grid_at, selected_pair_changes};
use crate::analyze::plots::si;
use crate::model::Timestamp;
use crate::ui::state::OpenDump;

/// The moment shown, as seconds since the connection was created; `None` is the end.
#[derive(Default)]
pub struct IceState {
    /// Seconds since the connection was created.
    pub at: Option<f64>,
}

const SELECTED: Color32 = Color32::from_rgb(60, 170, 90);

/// Shows the ICE grid of connection `p` of `open`.
pub fn show(ui: &mut egui::Ui, open: &OpenDump, p: usize, state: &mut IceState) {
    let Some(pc) = open.dump.peer_connections.get(p) else {
        return;
    };
    let Some((first, last)) = pc.stats.time_range() else {
        ui.label("This connection has no stats in the dump, so no candidate grid.");
        return;
    };
    let origin = pc.created.map_or(first.0, |t| t.0);
    let span = ((last.0 - origin) / 1000.0).max(0.0);
    let mut at = state.at.unwrap_or(span).clamp(0.0, span);
    ui.horizontal(|ui| {
        ui.label("At");
        if ui
            .add(
                egui::Slider::new(&mut at, 0.0..=span)
                    .suffix(" s")
                    .text("since start"),
            )
            .changed()
        {
            state.at = Some(at);
        }
        if ui.button("End of call").clicked() {
            state.at = None;
            at = span;
        }
        ui.label(clock(Timestamp(origin + at * 1000.0)));
    });
    let t = Timestamp(origin + at * 1000.0);
    let grid = grid_at(&pc.stats, t);
    if grid.is_empty() {
        ui.label("No candidate pairs at this moment.");
    }
    egui::ScrollArea::both()
        .id_salt("ice grid")
        .max_height(ui.available_height() * 0.7)
        .show(ui, |ui| {
            egui::Grid::new("ice")
                .striped(true)
                .num_columns(10)
                .show(ui, |ui| {
                    for h in [
                        "transport / pair / candidate",
                        "side",
                        "type",
                        "address",
                        "port",
                        "protocol",
                        "priority / relay",
                        "network",
                        "req sent / resp recv",
                        "req recv / resp sent",
                    ] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for transport in &grid {
                        let name = if transport.id.is_empty() {
                            "(no transport report)".to_owned()
                        } else {
                            transport.id.clone()
                        };
                        ui.strong(name);
                        ui.label(format!(
                            "selected: {}",
                            transport.selected_pair.as_deref().unwrap_or("(none)")
                        ));
                        ui.label(
                            transport
                                .dtls_state
                                .as_deref()
                                .map(|d| format!("DTLS {d}"))
                                .unwrap_or_default(),
                        );
                        ui.label(
                            transport
                                .ice_state
                                .as_deref()
                                .map(|d| format!("ICE {d}"))
                                .unwrap_or_default(),
                        );
                        for _ in 0..6 {
                            ui.label("");
                        }
                        ui.end_row();
                        for pair in &transport.pairs {
                            let text = |s: String| {
                                if pair.selected {
                                    RichText::new(s).color(SELECTED).strong()
                                } else {
                                    RichText::new(s)
                                }
                            };
                            let opt = |v: Option<f64>| v.map(si).unwrap_or_else(|| "-".into());
                            ui.label(text(format!(
                                "  {}{}",
                                pair.id,
                                if pair.selected { "  (selected)" } else { "" }
                            )));
                            ui.label(text(pair.state.clone().unwrap_or_default()));
                            ui.label(text(match pair.nominated {
                                Some(true) => "nominated".into(),
                                _ => String::new(),
                            }));
                            ui.label(text(format!(
                                "sent {}  recv {}",
                                opt(pair.bytes_sent).to_string() + "B",
                                opt(pair.bytes_received).to_string() + "B"
                            )));
                            ui.label(text(
                                pair.current_rtt
                                    .map(|r| format!("rtt {:.1} ms", r * 1000.0))
                                    .unwrap_or_default(),
                            ));
                            ui.label("");
                            // Priorities are compared exactly: print them whole.
                            ui.label(text(
                                pair.priority.map(|p| format!("{p:.0}")).unwrap_or_default(),
                            ));
                            ui.label("");
                            ui.label(text(format!(
                                "{} / {}",
                                opt(pair.requests_sent),
                                opt(pair.responses_received)
                            )));
                            ui.label(text(format!(
                                "{} / {}",
                                opt(pair.requests_received),
                                opt(pair.responses_sent)
                            )));
                            ui.end_row();
                            for c in [&pair.local, &pair.remote].into_iter().flatten() {
                                candidate_row(ui, c, pair.selected);
                            }
                        }
                    }
                });
        });
    ui.separator();
    ui.strong("Selected pair over the call");
    let changes = selected_pair_changes(&pc.stats);
    if changes.is_empty() {
        ui.label("No selected pair is reported.");
    }
    for (when, id, desc) in changes {
        ui.horizontal(|ui| {
            if ui
                .link(format!("+{:.3} s", (when.0 - origin) / 1000.0))
                .clicked()
            {
                state.at = Some((when.0 - origin) / 1000.0);
            }
            ui.monospace(clock(when));
            ui.label(format!("{id}: {desc}"));
        });
    }
}

fn candidate_row(ui: &mut egui::Ui, c: &CandidateRow, selected: bool) {
    let text = |s: String| {
        if selected {
            RichText::new(s).color(SELECTED)
        } else {
            RichText::new(s)
        }
    };
    ui.label(text(format!(
        "      {}",
        if c.id.is_empty() { "-" } else { &c.id }
    )));
    ui.label(text(if c.remote { "remote" } else { "local" }.into()));
    ui.label(text(c.candidate_type.clone()));
    ui.label(text(c.address.clone()));
    ui.label(text(c.port.map(|p| p.to_string()).unwrap_or_default()));
    ui.label(text(c.protocol.clone()));
    let priority = c.priority.map(|p| format!("{p:.0}")).unwrap_or_default();
    ui.label(text(match &c.relay_protocol {
        Some(r) => format!("{priority} / {r}"),
        None => priority,
    }));
    ui.label(text(
        c.network_type.clone().unwrap_or_else(|| "unknown".into()),
    ));
    ui.label("");
    ui.label("");
    ui.end_row();
}
