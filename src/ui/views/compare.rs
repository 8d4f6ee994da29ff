//! Two peer connections side by side (from one dump or two): aligned on one time axis, a
//! table of A against B with the worse value marked, the differences in client,
//! configuration and SDP, and any matched stat of the two overlaid in one plot.

use egui::{Color32, RichText};
use egui_plot::{Legend, Line, Plot};

use crate::analyze::charts::{Chart, Line as Curve};
use crate::analyze::compare::{
    Alignment, Row, Side, alignment_offset, compare, match_reports, report_key, summarize_session,
    zero_of,
};
use crate::analyze::plots::{decimate, gap_ms, si, unit};
use crate::analyze::sdp::parse;
use crate::analyze::sdp_diff::diff;
use crate::model::{PeerConnection, Report, Series};
use crate::ui::state::{DumpId, OpenDump};

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
    /// A: (dump, peer connection index).
    pub a: (DumpId, usize),
    /// B: (dump, peer connection index).
    pub b: (DumpId, usize),
    /// Alignment.
    pub align: AlignBy,
    /// B's manual shift in milliseconds (with [`AlignBy::Manual`]).
    pub manual_ms: f64,
    /// The matched report pair shown in the overlay (index into the matches).
    pub pair: usize,
    /// The stat shown in the overlay.
    pub stat: String,
    /// Two plots with a shared y scale instead of one overlaid plot.
    pub separate: bool,
    /// The summary rows of (A, B), computed when either changes.
    rows: Option<(Pair, Vec<Row>)>,
}

impl CompareState {
    /// Compares `a` with `b`, aligned by creation.
    pub fn new(a: (DumpId, usize), b: (DumpId, usize)) -> Self {
        CompareState {
            a,
            b,
            align: AlignBy::Creation,
            manual_ms: 0.0,
            pair: 0,
            stat: String::new(),
            separate: false,
            rows: None,
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

fn get(dumps: &[OpenDump], at: (DumpId, usize)) -> Option<(&OpenDump, &PeerConnection)> {
    let d = dumps.iter().find(|d| d.id == at.0)?;
    Some((d, d.dump.peer_connections.get(at.1)?))
}

/// The two compared connections, as (dump, connection index).
type Pair = ((DumpId, usize), (DumpId, usize));

/// Shows the comparison. Returns false when the user closed it.
pub fn show(
    ui: &mut egui::Ui,
    dumps: &[OpenDump],
    state: &mut CompareState,
    saver: &crate::ui::save::Saver,
) -> bool {
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
            let key = (state.a, state.b);
            if state.rows.as_ref().is_none_or(|(k, _)| *k != key) {
                let rows = compare(&summarize_session(a), &summarize_session(b));
                state.rows = Some((key, rows));
            }
            if let Some((_, rows)) = &state.rows {
                verdicts(ui, (da, state.a.1), (db, state.b.1));
                summary_table(ui, rows);
            }
            ui.add_space(8.0);
            differences(ui, da, a, db, b);
            ui.add_space(8.0);
            overlay(ui, a, b, state, saver);
        });
    keep
}

/// Both verdicts, and the findings one side has and the other has not (by rule).
fn verdicts(ui: &mut egui::Ui, (da, pa): (&OpenDump, usize), (db, pb): (&OpenDump, usize)) {
    fn of(
        d: &OpenDump,
        p: usize,
    ) -> (crate::analyze::findings::Verdict, Vec<(&'static str, &str)>) {
        let id = d.dump.peer_connections.get(p).map(|pc| pc.id.to_string());
        let verdict = d
            .analysis
            .verdicts
            .connections
            .get(p)
            .map_or(crate::analyze::findings::Verdict::Good, |v| v.verdict);
        let rules: Vec<(&'static str, &str)> = d
            .analysis
            .findings
            .iter()
            .zip(&d.analysis.messages)
            .filter(|(f, _)| f.pc == id)
            .map(|(f, m)| (f.rule, m.as_str()))
            .collect();
        (verdict, rules)
    }
    let ((va, fa), (vb, fb)) = (of(da, pa), of(db, pb));
    ui.horizontal_wrapped(|ui| {
        ui.strong("Verdicts:");
        ui.label(RichText::new(format!("A {}", va.name())).color(super::verdict_color(va)));
        ui.label(RichText::new(format!("B {}", vb.name())).color(super::verdict_color(vb)));
    });
    for (side, mine, theirs) in [("A", &fa, &fb), ("B", &fb, &fa)] {
        for (rule, message) in mine
            .iter()
            .filter(|(r, _)| !theirs.iter().any(|(t, _)| t == r))
        {
            ui.add(egui::Label::new(format!("only {side}: {rule}  {message}")).wrap());
        }
    }
}

fn summary_table(ui: &mut egui::Ui, rows: &[Row]) {
    ui.strong("Summary");
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
                        // Long texts (state chains, candidate pairs) are cut, in full on hover.
                        if text.len() > 48 {
                            ui.add(egui::Label::new(text).truncate())
                                .on_hover_text(text);
                        } else {
                            ui.label(text);
                        }
                    }
                };
                cell(ui, &r.a, r.worse == Some(Side::A));
                cell(ui, &r.b, r.worse == Some(Side::B));
                ui.label(&r.delta_text);
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
            // What differs between any two sessions (credentials, candidates, SSRCs) is
            // not a difference between the calls.
            let details: Vec<String> = d
                .session
                .iter()
                .filter(|c| !c.is_per_session())
                .map(ToString::to_string)
                .chain(d.sections.iter().flat_map(|s| {
                    s.details
                        .iter()
                        .filter(|c| !c.is_per_session())
                        .map(move |t| format!("mid {}: {t}", s.mid.as_deref().unwrap_or("-")))
                }))
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

fn overlay(
    ui: &mut egui::Ui,
    a: &PeerConnection,
    b: &PeerConnection,
    state: &mut CompareState,
    saver: &crate::ui::save::Saver,
) {
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
    ui.horizontal(|ui| {
        ui.label(label);
        ui.radio_value(&mut state.separate, false, "overlaid");
        ui.radio_value(&mut state.separate, true, "two plots, shared y scale");
    });
    // Both series on A's axis (seconds since A's zero), as a chart for saving and copying:
    // built only when asked for, not every frame.
    let to_line = |r: &Report, s: &Series, shift: f64, name: &str| Curve {
        label: name.to_owned(),
        points: s
            .points(&r.timestamps)
            .map(|(t, v)| (t.0 + shift - zero, v))
            .collect(),
        gap_ms: gap_ms(&r.timestamps),
        report: r.id.to_string(),
    };
    let chart = || Chart {
        name: "compare",
        title: format!("{} - {}", report_key(ra), state.stat),
        unit: unit(&state.stat),
        lines: vec![to_line(ra, sa, 0.0, "A"), to_line(rb, sb, offset, "B")],
    };
    let link = egui::Id::unique(("compare x", state.a, state.b));
    let stat = state.stat.clone();
    let draw =
        |ui: &mut egui::Ui, id: &str, lines: &[Drawn<'_>], y: Option<(f64, f64)>, height: f32| {
            let plot = Plot::new((id, state.pair, &stat))
                .height(height)
                .legend(Legend::default())
                .link_axis(link, [true, false])
                .link_cursor(link, [true, false])
                .y_axis_formatter(|m, _| si(m.value))
                .y_axis_min_width(56.0)
                .x_axis_formatter(|m, _| format!("{:.0} s", m.value));
            let plot = match y {
                Some((lo, hi)) => plot.include_y(lo).include_y(hi),
                None => plot,
            };
            plot.show(ui, |plot_ui| {
                let bounds = plot_ui.plot_bounds();
                let range = if bounds.min()[0].is_finite() && bounds.max()[0] > bounds.min()[0] {
                    (bounds.min()[0], bounds.max()[0])
                } else {
                    (-1e9, 1e9)
                };
                let cols = plot_ui.transform().frame().width().max(1.0) as usize;
                for d in lines {
                    for seg in decimate(
                        &d.report.timestamps,
                        d.series,
                        zero - d.shift,
                        1000.0,
                        range,
                        cols,
                        gap_ms(&d.report.timestamps),
                    ) {
                        plot_ui.line(Line::new(d.name, seg).color(d.color).width(1.5));
                    }
                }
            })
            .response
        };
    let line_a = Drawn {
        report: ra,
        series: sa,
        shift: 0.0,
        name: "A",
        color: Color32::from_rgb(90, 170, 250),
    };
    let line_b = Drawn {
        report: rb,
        series: sb,
        shift: offset,
        name: "B",
        color: Color32::from_rgb(250, 150, 60),
    };
    let responses = if state.separate {
        // One y range for both, so that heights compare at a glance.
        let (lo, hi) = sa
            .values
            .iter()
            .chain(&sb.values)
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(v), h.max(v))
            });
        let y = (lo <= hi).then_some((lo.min(0.0), hi));
        vec![
            draw(ui, "compare A", &[line_a], y, 180.0),
            draw(ui, "compare B", &[line_b], y, 180.0),
        ]
    } else {
        vec![draw(ui, "compare overlay", &[line_a, line_b], None, 260.0)]
    };
    for response in responses {
        let rect = response.rect;
        response.context_menu(|ui| {
            let ctx = ui.ctx().clone();
            let ppp = ctx.pixels_per_point();
            let (w, h) = (
                ((rect.width() * ppp) as u32).max(crate::ui::save::PNG_MIN.0),
                ((rect.height() * ppp) as u32).max(crate::ui::save::PNG_MIN.1),
            );
            let name = format!("compare_{}", crate::export::png::file_safe(&stat));
            if ui.button("Save as PNG...").clicked() {
                let job = crate::ui::save::SaveJob::Png {
                    chart: chart(),
                    pc: "A vs B".into(),
                    width: w,
                    height: h,
                };
                saver.save(job, format!("{name}.png"), &ctx);
                ui.close();
            }
            if ui.button("Copy image").clicked() {
                crate::ui::save::copy_chart(&ctx, &chart(), "A vs B", w, h);
                ui.close();
            }
        });
    }
}

/// One series drawn in a comparison plot.
struct Drawn<'a> {
    report: &'a Report,
    series: &'a Series,
    /// Milliseconds added to its times to put them on A's axis.
    shift: f64,
    name: &'static str,
    color: Color32,
}
