//! Overview of a peer connection: who the client was, how the connection was configured, and
//! its state machines over time as lanes.

use egui::{Align2, Color32, FontId, Rect, Sense, Stroke, pos2, vec2};

use super::{clock, duration_text, state_color, time_span};
use crate::analyze::states::{StateMachine, state_lane};
use crate::analyze::timeline::redact_secrets;
use crate::model::Timestamp;
use crate::ui::state::OpenDump;

const LANES: [(StateMachine, &str); 5] = [
    (StateMachine::Signaling, "signaling"),
    (StateMachine::IceGathering, "ICE gathering"),
    (StateMachine::IceConnection, "ICE connection"),
    (StateMachine::Connection, "connection"),
    (StateMachine::Dtls, "DTLS"),
];

/// Shows the overview of connection `p` of `open`.
pub fn show(ui: &mut egui::Ui, open: &OpenDump, p: usize) {
    let dump = &open.dump;
    let Some(pc) = dump.peer_connections.get(p) else {
        return;
    };
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading(format!("Peer connection {}", pc.id));
        egui::Grid::new("overview facts")
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                // Long values (URLs, user agents) are cut to the panel, in full on hover, so
                // that they do not run past the window.
                let mut row = |k: &str, v: String| {
                    ui.strong(k);
                    ui.add(egui::Label::new(&v).truncate()).on_hover_text(v);
                    ui.end_row();
                };
                row(
                    "Page",
                    pc.url
                        .clone()
                        .or(dump.client.url.clone())
                        .unwrap_or_else(|| "unknown".into()),
                );
                row(
                    "User agent",
                    dump.client
                        .user_agent
                        .clone()
                        .unwrap_or_else(|| "not in the dump".into()),
                );
                if !dump.client.brands.is_empty() {
                    row("Browser", dump.client.brands.join(", "));
                }
                if let Some(p) = &dump.client.platform {
                    row("Platform", p.clone());
                }
                if let Some(c) = pc.created {
                    row("Created", c.to_iso8601());
                }
                if let Some((a, b)) = time_span(pc) {
                    row("Duration", duration_text(b - a));
                }
                row("Format", dump.format.name().to_owned());
            });
        ui.add_space(10.0);
        ui.heading("States");
        state_lanes(ui, pc);
        ui.add_space(10.0);
        ui.heading("RTCConfiguration");
        match &pc.configuration {
            Some(cfg) => json_block(ui, &redact_secrets(cfg)),
            None => {
                ui.weak("not in the dump");
            }
        }
        if let Some(c) = &pc.constraints {
            ui.add_space(6.0);
            ui.heading("Legacy constraints");
            json_block(ui, c);
        }
    });
}

/// Pretty-printed JSON in a monospace block (plain text when the value is a string).
pub fn json_block(ui: &mut egui::Ui, value: &serde_json::Value) {
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        v => serde_json::to_string_pretty(v).unwrap_or_default(),
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.add(egui::Label::new(egui::RichText::new(text).monospace()).wrap());
    });
}

/// One lane per state machine: coloured segments from each state change to the next.
fn state_lanes(ui: &mut egui::Ui, pc: &crate::model::PeerConnection) {
    let Some((start, end)) = time_span(pc) else {
        ui.weak("no events");
        return;
    };
    let end = end.max(start + 1.0);
    let lanes: Vec<_> = LANES
        .iter()
        .map(|(m, label)| (*label, state_lane(pc, *m)))
        .filter(|(_, h)| !h.is_empty())
        .collect();
    if lanes.is_empty() {
        ui.weak("no state changes in the dump");
        return;
    }
    let label_w = 110.0;
    let lane_h = 22.0;
    let width = ui.available_width().max(300.0);
    let (rect, response) = ui.allocate_exact_size(
        vec2(width, lane_h * lanes.len() as f32 + 18.0),
        Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    let plot = Rect::from_min_max(
        pos2(rect.left() + label_w, rect.top()),
        pos2(rect.right() - 4.0, rect.bottom() - 18.0),
    );
    let x_of = |t: f64| plot.left() + ((t - start) / (end - start)) as f32 * plot.width();
    let text_color = ui.visuals().text_color();
    let mut hovered: Option<String> = None;
    for (i, (label, history)) in lanes.iter().enumerate() {
        let y = plot.top() + i as f32 * lane_h;
        painter.text(
            pos2(rect.left(), y + lane_h / 2.0),
            Align2::LEFT_CENTER,
            label,
            FontId::proportional(13.0),
            text_color,
        );
        for (j, change) in history.iter().enumerate() {
            let until = history.get(j + 1).map_or(end, |n| n.time.0);
            let seg = Rect::from_min_max(
                pos2(x_of(change.time.0), y + 2.0),
                pos2(x_of(until).max(x_of(change.time.0) + 2.0), y + lane_h - 2.0),
            );
            let color = state_color(&change.state);
            painter.rect_filled(seg, 2.0, color.gamma_multiply(0.85));
            painter.rect_stroke(seg, 2.0, Stroke::new(1.0, color), egui::StrokeKind::Inside);
            let galley = painter.layout_no_wrap(
                change.state.clone(),
                FontId::proportional(12.0),
                Color32::WHITE,
            );
            if galley.size().x + 6.0 < seg.width() {
                painter.galley(
                    pos2(seg.left() + 4.0, seg.center().y - galley.size().y / 2.0),
                    galley,
                    Color32::WHITE,
                );
            }
            if let Some(pos) = response.hover_pos()
                && seg.contains(pos)
            {
                hovered = Some(format!(
                    "{label}: {}\nfrom {} (+{:.3} s)\nfor {}",
                    change.state,
                    clock(change.time),
                    (change.time.0 - start) / 1000.0,
                    duration_text(until - change.time.0)
                ));
            }
        }
    }
    // Time axis: start, middle and end, relative to the first event.
    let axis_y = plot.bottom() + 2.0;
    for frac in [0.0, 0.5, 1.0] {
        let t = start + frac * (end - start);
        let align = if frac == 0.0 {
            Align2::LEFT_TOP
        } else if frac == 1.0 {
            Align2::RIGHT_TOP
        } else {
            Align2::CENTER_TOP
        };
        painter.text(
            pos2(x_of(t), axis_y),
            align,
            format!("+{:.1} s  {}", (t - start) / 1000.0, clock(Timestamp(t))),
            FontId::proportional(11.0),
            ui.visuals().weak_text_color(),
        );
    }
    if let Some(text) = hovered {
        response.on_hover_text(text);
    }
}
