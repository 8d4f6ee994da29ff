//! What happened on a connection, first: the verdict, setup time, the selected path and
//! codecs, a row of key numbers per track coloured by health, and the findings, worst first.
//! Clicking a finding sends [`Command::FocusFinding`]. Everything shown comes from the dump's
//! cached [`crate::analyze::analysis::Analysis`]; nothing is computed here.

use egui::{Color32, RichText};

use super::{duration_text, severity_color, verdict_badge, verdict_color};
use crate::analyze::analysis::{ConnectionAnalysis, Health, KeyNumbers, Path, Rated};
use crate::analyze::findings::Verdict;
use crate::analyze::plots::si;
use crate::ui::state::{Command, OpenDump};

/// Shows the summary of connection `p` of `open`; `selected` is the focused finding. Returns
/// what the user asked for.
pub fn show(ui: &mut egui::Ui, open: &OpenDump, p: usize, selected: Option<usize>) -> Vec<Command> {
    let mut out = Vec::new();
    let (Some(pc), Some(c)) = (
        open.dump.peer_connections.get(p),
        open.analysis.connections.get(p),
    ) else {
        return out;
    };
    let a = &open.analysis;
    let verdict = a
        .verdicts
        .connections
        .get(p)
        .map(|v| v.verdict)
        .unwrap_or(crate::analyze::findings::Verdict::Good);
    egui::ScrollArea::vertical()
        .id_salt("summary")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.heading(format!("Peer connection {}", pc.id));
                let (name, color) = verdict_badge(verdict, open.partial);
                ui.label(
                    RichText::new(name.to_uppercase())
                        .strong()
                        .color(Color32::WHITE)
                        .background_color(color),
                );
            });
            ui.label(facts(c));
            ui.add_space(8.0);
            if open.partial {
                ui.weak("The stats are still being read.");
            } else {
                tracks(ui, c);
            }
            ui.add_space(8.0);
            let client: Vec<usize> = (0..a.findings.len())
                .filter(|&i| a.findings[i].pc.is_none())
                .collect();
            ui.strong(match c.findings.len() {
                0 => "No findings on this connection.".to_owned(),
                1 => "1 finding".to_owned(),
                n => format!("{n} findings"),
            });
            findings(ui, open, p, &c.findings, selected, &mut out);
            if !client.is_empty() {
                ui.add_space(6.0);
                ui.strong("On the page (all connections)");
                findings(ui, open, p, &client, selected, &mut out);
            }
        });
    out
}

/// `connected after 0.1 s over host (udp) to host; codecs opus, VP8; 31.6 s recorded`.
fn facts(c: &ConnectionAnalysis) -> String {
    let mut parts = Vec::new();
    match c.setup_ms {
        Some(ms) => parts.push(format!("setup {}", ms_text(ms))),
        None => parts.push("never connected".to_owned()),
    }
    if let Some(p) = path(&c.path) {
        parts.push(p);
    }
    if !c.codecs.is_empty() {
        let names: Vec<&str> = c
            .codecs
            .iter()
            .map(|m| m.split('/').nth(1).unwrap_or(m))
            .collect();
        parts.push(format!("codecs {}", names.join(", ")));
    }
    if let Some((a, b)) = c.span {
        parts.push(format!("{} recorded", duration_text(b - a)));
    }
    parts.join("  |  ")
}

fn ms_text(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// `host (udp) -> srflx`, or `relay (TURN over tcp, turn:…) -> host`.
fn path(p: &Path) -> Option<String> {
    let local = p.local.as_deref()?;
    let how = match (&p.relay_protocol, &p.protocol) {
        (Some(r), _) if local == "relay" => match &p.turn_url {
            Some(u) => format!(" (TURN over {r}, {u})"),
            None => format!(" (TURN over {r})"),
        },
        (_, Some(proto)) => format!(" ({proto})"),
        _ => String::new(),
    };
    Some(format!(
        "path {local}{how} -> {}",
        p.remote.as_deref().unwrap_or("?")
    ))
}

fn health_color(h: Health) -> Option<Color32> {
    match h {
        Health::Bad => Some(Color32::from_rgb(215, 60, 60)),
        Health::Warn => Some(Color32::from_rgb(220, 140, 30)),
        Health::Good | Health::Unknown => None,
    }
}

fn rated(ui: &mut egui::Ui, v: Option<Rated>, digits: usize) {
    match v {
        Some(r) => {
            let t = RichText::new(format!("{:.*}", digits, r.value));
            ui.label(match health_color(r.health) {
                Some(c) => t.color(c).strong(),
                None => t,
            });
        }
        None => {
            ui.weak("-");
        }
    }
}

fn plain(ui: &mut egui::Ui, v: Option<f64>, text: impl Fn(f64) -> String) {
    match v {
        Some(v) => ui.label(text(v)),
        None => ui.weak("-"),
    };
}

/// A row of key numbers per RTP stream.
fn tracks(ui: &mut egui::Ui, c: &ConnectionAnalysis) {
    if c.tracks.is_empty() {
        ui.weak("No RTP streams in the stats.");
        return;
    }
    // Wider than a small window: it scrolls sideways on its own, the rest still wraps.
    egui::ScrollArea::horizontal()
        .id_salt("summary tracks scroll")
        .show(ui, |ui| tracks_grid(ui, c));
}

fn tracks_grid(ui: &mut egui::Ui, c: &ConnectionAnalysis) {
    egui::Grid::new("summary tracks")
        .striped(true)
        .num_columns(11)
        .show(ui, |ui| {
            for h in [
                "track",
                "verdict",
                "bitrate p50",
                "p95",
                "loss % p95",
                "jitter ms",
                "RTT ms",
                "fps",
                "height",
                "freezes",
                "codec",
            ] {
                ui.strong(h);
            }
            ui.end_row();
            for t in &c.tracks {
                ui.label(&t.label);
                if t.verdict == Verdict::Good && !t.media {
                    // Nothing was measured: not "good".
                    ui.label(RichText::new("no media").weak())
                        .on_hover_text("negotiated, but no byte was ever sent or received");
                } else {
                    ui.label(RichText::new(t.verdict.name()).color(verdict_color(t.verdict)));
                }
                let KeyNumbers {
                    bitrate_p50,
                    bitrate_p95,
                    loss_pct,
                    jitter_ms,
                    rtt_ms,
                    fps,
                    height,
                    freezes,
                } = &t.numbers;
                plain(ui, *bitrate_p50, |v| format!("{}bit/s", si(v)));
                plain(ui, *bitrate_p95, |v| format!("{}bit/s", si(v)));
                rated(ui, *loss_pct, 1);
                rated(ui, *jitter_ms, 1);
                rated(ui, *rtt_ms, 0);
                plain(ui, *fps, |v| format!("{v:.0}"));
                plain(ui, *height, |v| format!("{v:.0}p"));
                rated(ui, *freezes, 0);
                ui.label(t.codec.as_deref().unwrap_or("-"));
                ui.end_row();
            }
        });
}

/// The findings `indices` of the dump, one clickable row each.
fn findings(
    ui: &mut egui::Ui,
    open: &OpenDump,
    p: usize,
    indices: &[usize],
    selected: Option<usize>,
    out: &mut Vec<Command>,
) {
    let a = &open.analysis;
    for &i in indices {
        let f = &a.findings[i];
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(f.severity.name())
                    .monospace()
                    .color(severity_color(f.severity)),
            );
            let text = format!("{}  {}", f.rule, a.messages[i]);
            let r = ui
                .selectable_label(selected == Some(i), text)
                .on_hover_text("Show its range on the plots and timeline, and its series");
            if r.clicked() {
                out.push(Command::FocusFinding {
                    dump: open.id,
                    pc: p,
                    finding: i,
                });
            }
        });
    }
}
