//! The ICE candidate grid at a chosen moment: each transport with its selected pair, its
//! candidate pairs (STUN checks, bytes, RTT) and their local and remote candidates; the
//! selected pair highlighted; the selected pair's changes over the call listed.

use egui::{Color32, RichText};

use super::clock;
use crate::analyze::ice::{CandidateRow, grid_at, selected_pair_changes};
use crate::analyze::plots::si;
use crate::model::Timestamp;
use crate::ui::state::{DataKey, OpenDump};

/// A change of the selected pair: when, to which pair, and what it is.
type PairChange = (Timestamp, String, String);

/// The moment shown, as seconds since the connection was created; `None` is the end.
#[derive(Default)]
pub struct IceState {
    /// Seconds since the connection was created.
    pub at: Option<f64>,
    /// The grid last built, for (dump, connection, moment): rebuilt only when one changes.
    grid: Option<(
        (DataKey, usize, u64),
        Vec<crate::analyze::ice::TransportRow>,
    )>,
    /// The selected pair's changes over the call, for (dump, connection).
    changes: Option<((DataKey, usize), Vec<PairChange>)>,
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
        // The slider takes what the buttons and clock leave.
        ui.spacing_mut().slider_width = (ui.available_width() - 260.0).max(120.0);
        if ui
            .add(egui::Slider::new(&mut at, 0.0..=span).suffix(" s"))
            .on_hover_text("seconds since the connection was created")
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
    let key = (open.data_key(), p, t.0.to_bits());
    if state.grid.as_ref().is_none_or(|(k, _)| *k != key) {
        state.grid = Some((key, grid_at(&pc.stats, t)));
    }
    let Some((_, grid)) = &state.grid else { return };
    if grid.is_empty() {
        ui.label("No candidate pairs at this moment.");
    }
    let mut cells = super::Cells::new(
        ui.available_width() - 16.0,
        &[2.2, 0.9, 0.9, 1.4, 0.6, 0.7, 1.2, 0.8, 1.0, 1.0],
    );
    egui::ScrollArea::vertical()
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
                        cells.put(ui, egui::RichText::new(h).strong());
                    }
                    cells.end(ui);
                    for transport in grid {
                        let name = if transport.id.is_empty() {
                            "(no transport report)".to_owned()
                        } else {
                            transport.id.clone()
                        };
                        cells.put(ui, egui::RichText::new(name).strong());
                        cells.put(
                            ui,
                            format!(
                                "selected: {}",
                                transport.selected_pair.as_deref().unwrap_or("(none)")
                            ),
                        );
                        cells.put(
                            ui,
                            transport
                                .dtls_state
                                .as_deref()
                                .map(|d| format!("DTLS {d}"))
                                .unwrap_or_default(),
                        );
                        cells.put(
                            ui,
                            transport
                                .ice_state
                                .as_deref()
                                .map(|d| format!("ICE {d}"))
                                .unwrap_or_default(),
                        );
                        for _ in 0..6 {
                            cells.put(ui, "");
                        }
                        cells.end(ui);
                        for pair in &transport.pairs {
                            let text = |s: String| {
                                if pair.selected {
                                    RichText::new(s).color(SELECTED).strong()
                                } else {
                                    RichText::new(s)
                                }
                            };
                            let opt = |v: Option<f64>| v.map(si).unwrap_or_else(|| "-".into());
                            cells.put(
                                ui,
                                text(format!(
                                    "  {}{}",
                                    pair.id,
                                    if pair.selected { "  (selected)" } else { "" }
                                )),
                            );
                            cells.put(ui, text(pair.state.clone().unwrap_or_default()));
                            cells.put(
                                ui,
                                text(match pair.nominated {
                                    Some(true) => "nominated".into(),
                                    _ => String::new(),
                                }),
                            );
                            cells.put(
                                ui,
                                text(format!(
                                    "sent {}  recv {}",
                                    opt(pair.bytes_sent).to_string() + "B",
                                    opt(pair.bytes_received).to_string() + "B"
                                )),
                            );
                            cells.put(
                                ui,
                                text(
                                    pair.current_rtt
                                        .map(|r| format!("rtt {:.1} ms", r * 1000.0))
                                        .unwrap_or_default(),
                                ),
                            );
                            cells.put(ui, "");
                            // Priorities are compared exactly: print them whole.
                            cells.put(
                                ui,
                                text(pair.priority.map(|p| format!("{p:.0}")).unwrap_or_default()),
                            );
                            cells.put(ui, "");
                            cells.put(
                                ui,
                                text(format!(
                                    "{} / {}",
                                    opt(pair.requests_sent),
                                    opt(pair.responses_received)
                                )),
                            );
                            cells.put(
                                ui,
                                text(format!(
                                    "{} / {}",
                                    opt(pair.requests_received),
                                    opt(pair.responses_sent)
                                )),
                            );
                            cells.end(ui);
                            for c in [&pair.local, &pair.remote].into_iter().flatten() {
                                candidate_row(ui, &mut cells, c, pair.selected);
                            }
                        }
                    }
                });
        });
    ui.separator();
    ui.strong("Selected pair over the call");
    if state
        .changes
        .as_ref()
        .is_none_or(|(k, _)| *k != (open.data_key(), p))
    {
        state.changes = Some(((open.data_key(), p), selected_pair_changes(&pc.stats)));
    }
    let changes = state.changes.as_ref().map_or(&[][..], |(_, c)| &c[..]);
    if changes.is_empty() {
        ui.label("No selected pair is reported.");
    }
    let mut jump = None;
    for (when, id, desc) in changes {
        ui.horizontal(|ui| {
            if ui
                .link(format!("+{:.3} s", (when.0 - origin) / 1000.0))
                .clicked()
            {
                jump = Some((when.0 - origin) / 1000.0);
            }
            ui.monospace(clock(*when));
            let text = format!("{id}: {desc}");
            ui.add(egui::Label::new(&text).truncate())
                .on_hover_text(text);
        });
    }
    if jump.is_some() {
        state.at = jump;
    }
}

fn candidate_row(ui: &mut egui::Ui, cells: &mut super::Cells, c: &CandidateRow, selected: bool) {
    let text = |s: String| {
        if selected {
            RichText::new(s).color(SELECTED)
        } else {
            RichText::new(s)
        }
    };
    cells.put(
        ui,
        text(format!(
            "      {}",
            if c.id.is_empty() { "-" } else { &c.id }
        )),
    );
    cells.put(ui, text(if c.remote { "remote" } else { "local" }.into()));
    cells.put(ui, text(c.candidate_type.clone()));
    cells.put(ui, text(c.address.clone()));
    cells.put(ui, text(c.port.map(|p| p.to_string()).unwrap_or_default()));
    cells.put(ui, text(c.protocol.clone()));
    let priority = c.priority.map(|p| format!("{p:.0}")).unwrap_or_default();
    cells.put(
        ui,
        text(match &c.relay_protocol {
            Some(r) => format!("{priority} / {r}"),
            None => priority,
        }),
    );
    cells.put(
        ui,
        text(c.network_type.clone().unwrap_or_else(|| "unknown".into())),
    );
    cells.put(ui, "");
    cells.put(ui, "");
    cells.end(ui);
}
