//! Two peer connections side by side (from one dump or two): aligned on one time axis, a
//! table of A against B with the worse value marked, the differences in client,
//! configuration and SDP, and any matched stat of the two overlaid in one plot.

use egui::{Color32, RichText};
use egui_plot::{Legend, Line, Plot};

use crate::analyze::compare::{
    Alignment, Side, alignment_offset, compare, match_reports, report_key, summarize_session,
    zero_of,
};
use crate::analyze::plots::{decimate, si, unit};
use crate::analyze::sdp::parse;
use crate::analyze::sdp_diff::diff;
use crate::model::PeerConnection;
use crate::ui::app::OpenDump;

/// How the two are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlignBy {
    /// Connection creation.
    #[default]
    Creation,
    /// First `connected`.
    FirstConnected,
    /// Creation, plus a manual offset.
    Manual,
}

/// What is being compared, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareState {
    /// A: (dump, peer connection).
    pub a: (usize, usize),
    /// B: (dump, peer connection).
    pub b: (usize, usize),
    /// Alignment.
    pub align: AlignBy,
    /// B's manual shift in milliseconds (with [`AlignBy::Manual`]).
    pub manual_ms: f64,
    /// The matched report pair shown in the overlay (index into the matches).
    pub pair: usize,
    /// The stat shown in the overlay.
    pub stat: String,
}

impl CompareState {
    /// Compares `a` with `b`, aligned by creation.
    pub fn new(a: (usize, usize), b: (usize, usize)) -> Self {
        CompareState {
            a,
            b,
            align: AlignBy::Creation,
            manual_ms: 0.0,
            pair: 0,
            stat: String::new(),
        }
    }

    fn alignment(&self) -> Alignment {
        match self.align {
            AlignBy::Creation => Alignment::Creation,
            AlignBy::FirstConnected => Alignment::FirstConnected,
            AlignBy::Manual => Alignment::Manual(self.manual_ms),
        }
    }
}

fn get(dumps: &[OpenDump], at: (usize, usize)) -> Option<(&OpenDump, &PeerConnection)> {
    let d = dumps.get(at.0)?;
    Some((d, d.dump.peer_connections.get(at.1)?))
}

/// Shows the comparison. Returns false when the user closed it.
pub fn show(ui: &mut egui::Ui, dumps: &[OpenDump], state: &mut CompareState) -> bool {
    let (Some((da, a)), Some((db, b))) = (get(dumps, state.a), get(dumps, state.b)) else {
        ui.label("One of the compared dumps is no longer open.");
        return false;
    };
    let mut keep = true;
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!("A: {} {}", da.name, a.id))
                .strong()
                .color(Color32::from_rgb(90, 170, 250)),
        );
        ui.label("vs");
        ui.label(
            RichText::new(format!("B: {} {}", db.name, b.id))
                .strong()
                .color(Color32::from_rgb(250, 150, 60)),
        );
        if ui.button("Swap").clicked() {
            std::mem::swap(&mut state.a, &mut state.b);
        }
        if ui.button("Close comparison").clicked() {
            keep = false;
        }
    });
    ui.horizontal(|ui| {
        ui.label("Align by:");
        ui.radio_value(&mut state.align, AlignBy::Creation, "connection created");
        ui.radio_value(&mut state.align, AlignBy::FirstConnected, "first connected");
        ui.radio_value(&mut state.align, AlignBy::Manual, "manual offset");
        if state.align == AlignBy::Manual {
            ui.add(
                egui::DragValue::new(&mut state.manual_ms)
                    .speed(10.0)
                    .suffix(" ms"),
            );
        }
        if let Some(off) = alignment_offset(a, b, state.alignment()) {
            ui.weak(format!("B is shifted by {} s", si(off / 1000.0)));
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("compare scroll")
        .show(ui, |ui| {
            summary_table(ui, a, b);
            ui.add_space(8.0);
            differences(ui, da, a, db, b);
            ui.add_space(8.0);
            overlay(ui, a, b, state);
        });
    keep
}

fn summary_table(ui: &mut egui::Ui, a: &PeerConnection, b: &PeerConnection) {
    ui.strong("Summary");
    let rows = compare(&summarize_session(a), &summarize_session(b));
    let bad = ui.visuals().error_fg_color;
    egui::Grid::new("compare summary")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for h in ["", "A", "B", "B - A"] {
                ui.strong(h);
            }
            ui.end_row();
            for r in rows {
                ui.label(&r.label);
                let cell = |ui: &mut egui::Ui, text: &str, worse: bool| {
                    if worse {
                        ui.label(RichText::new(format!("{text} (worse)")).color(bad));
                    } else {
                        ui.add(egui::Label::new(text).truncate());
                    }
                };
                cell(ui, &r.a, r.worse == Some(Side::A));
                cell(ui, &r.b, r.worse == Some(Side::B));
                ui.label(r.delta.map(si).unwrap_or_default());
                ui.end_row();
            }
        });
}

fn differences(
    ui: &mut egui::Ui,
    da: &OpenDump,
    a: &PeerConnection,
    db: &OpenDump,
    b: &PeerConnection,
) {
    ui.strong("Differences");
    let ua = (
        da.dump.client.user_agent.as_deref(),
        db.dump.client.user_agent.as_deref(),
    );
    if ua.0 != ua.1 {
        ui.label(format!(
            "user agent: A {} / B {}",
            ua.0.unwrap_or("unknown"),
            ua.1.unwrap_or("unknown")
        ));
    } else {
        ui.label("user agent: the same");
    }
    if a.configuration != b.configuration {
        let text = |c: &Option<serde_json::Value>| {
            c.as_ref().map_or_else(
                || "none".into(),
                |c| crate::analyze::timeline::redact_secrets(c).to_string(),
            )
        };
        ui.label(format!(
            "configuration: A {} / B {}",
            text(&a.configuration),
            text(&b.configuration)
        ));
    } else {
        ui.label("configuration: the same");
    }
    // The last local description of each: what each side ended up offering or answering.
    let last_local = |pc: &PeerConnection| {
        pc.descriptions
            .iter()
            .rev()
            .find(|d| d.event.starts_with("setLocal") && !d.sdp.is_empty())
            .map(|d| parse(&d.sdp))
    };
    match (last_local(a), last_local(b)) {
        (Some(x), Some(y)) => {
            let d = diff(&x, &y);
            let details: Vec<String> = d
                .session
                .iter()
                .cloned()
                .chain(d.sections.iter().flat_map(|s| {
                    s.details
                        .iter()
                        .map(move |t| format!("mid {}: {t}", s.mid.as_deref().unwrap_or("-")))
                }))
                .filter(|t| {
                    !t.contains("ICE")
                        && !t.contains("candidates")
                        && !t.contains("DTLS fingerprint")
                        && !t.contains("SSRC")
                        && !t.contains("msid")
                })
                .collect();
            if details.is_empty() {
                ui.label("last local SDP: the same codecs, sections and directions");
            } else {
                ui.label("last local SDP (B against A):");
                for t in details.iter().take(40) {
                    ui.label(format!("    {t}"));
                }
            }
        }
        _ => {
            ui.label("last local SDP: not in both dumps");
        }
    }
}

fn overlay(ui: &mut egui::Ui, a: &PeerConnection, b: &PeerConnection, state: &mut CompareState) {
    let pairs = match_reports(a, b);
    ui.strong("A stat of both, on the aligned time axis");
    if pairs.is_empty() {
        ui.label("No report of A has a counterpart in B.");
        return;
    }
    state.pair = state.pair.min(pairs.len() - 1);
    let (ia, ib) = pairs[state.pair];
    let (ra, rb) = (&a.stats.reports[ia], &b.stats.reports[ib]);
    let stats: Vec<String> = ra
        .series
        .iter()
        .map(|s| s.name.clone())
        .filter(|n| rb.series(n).is_some())
        .collect();
    if !stats.contains(&state.stat) {
        state.stat = stats
            .iter()
            .find(|s| s.ends_with("_in_bits/s]"))
            .or(stats.first())
            .cloned()
            .unwrap_or_default();
    }
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("report")
            .selected_text(report_key(ra))
            .show_ui(ui, |ui| {
                for (k, (i, _)) in pairs.iter().enumerate() {
                    ui.selectable_value(&mut state.pair, k, report_key(&a.stats.reports[*i]));
                }
            });
        egui::ComboBox::from_label("stat")
            .selected_text(&state.stat)
            .show_ui(ui, |ui| {
                for s in &stats {
                    ui.selectable_value(&mut state.stat, s.clone(), s);
                }
            });
    });
    let (Some(sa), Some(sb)) = (ra.series(&state.stat), rb.series(&state.stat)) else {
        ui.label("This pair has no numeric stat in common.");
        return;
    };
    let Some(zero) = zero_of(a, state.alignment()) else {
        return;
    };
    let offset = alignment_offset(a, b, state.alignment()).unwrap_or(0.0);
    let label = if unit(&state.stat).is_empty() {
        state.stat.clone()
    } else {
        format!("{} ({})", state.stat, unit(&state.stat))
    };
    ui.label(label);
    Plot::new(("compare overlay", state.pair, &state.stat))
        .height(260.0)
        .legend(Legend::default())
        .y_axis_formatter(|m, _| si(m.value))
        .x_axis_formatter(|m, _| format!("{:.0} s", m.value))
        .show(ui, |plot_ui| {
            let bounds = plot_ui.plot_bounds();
            let range = if bounds.min()[0].is_finite() && bounds.max()[0] > bounds.min()[0] {
                (bounds.min()[0], bounds.max()[0])
            } else {
                (-1e9, 1e9)
            };
            let cols = plot_ui.transform().frame().width().max(1.0) as usize;
            for seg in decimate(&ra.timestamps, sa, zero, 1000.0, range, cols) {
                plot_ui.line(
                    Line::new("A", seg)
                        .color(Color32::from_rgb(90, 170, 250))
                        .width(1.5),
                );
            }
            for seg in decimate(&rb.timestamps, sb, zero - offset, 1000.0, range, cols) {
                plot_ui.line(
                    Line::new("B", seg)
                        .color(Color32::from_rgb(250, 150, 60))
                        .width(1.5),
                );
            }
        });
}
