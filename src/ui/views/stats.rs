//! A plot for every numeric stat of a connection, grouped by report and titled like
//! webrtc-internals, with Chrome's derived rates. Only the plots in view are built each frame,
//! and each draws a decimated copy of its series, so long calls stay smooth. All plots share
//! one x axis and cursor; the mouse (drag, scroll, ctrl+scroll, double-click) and the keyboard
//! (+/- to zoom, arrows to pan, 0 to reset) move them together.

use egui::{Color32, Id, Rect, UiBuilder, pos2, vec2};
use egui_plot::{Line, Plot, Span, VLine};

use crate::analyze::plots::{self, BAND_PROPERTIES};
use crate::analyze::timeline::{Category, category};
use crate::model::{PeerConnection, Report, Series, Timestamp};
use crate::ui::state::OpenDump;

/// How the time axis is labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeAxis {
    /// Seconds since the connection was created.
    #[default]
    Relative,
    /// Wall-clock time, UTC.
    Utc,
    /// Wall-clock time in this computer's time zone.
    Local,
}

/// The stats view's settings.
#[derive(Default)]
pub struct StatsState {
    /// Filter over report types, report titles and stat names (comma-separated terms, any
    /// of which may match).
    pub search: String,
    /// Show cumulative counters and constant series too.
    pub show_boring: bool,
    /// Time axis labels.
    pub time_axis: TimeAxis,
    /// A zoom or pan asked for by the keyboard, applied to the linked x axis next frame.
    pending_x: Option<(f64, f64)>,
    /// The linked x range last drawn.
    last_x: Option<(f64, f64)>,
}

impl StatsState {
    /// Sets the linked time axis to `from..to` seconds since the connection started, from
    /// the next frame on.
    pub fn zoom_to(&mut self, from: f64, to: f64) {
        self.pending_x = Some((from, to));
    }

    /// The time range (seconds since start) the plots showed in the last frame.
    pub fn shown_range(&self) -> Option<(f64, f64)> {
        self.last_x
    }
}

/// One plot to draw: a series of a report.
pub struct PlotEntry<'a> {
    /// The report.
    pub report: &'a Report,
    /// The series.
    pub series: &'a Series,
    /// The report's index in the connection's reports (for per-report caches).
    pub report_index: usize,
}

/// The plots of `pc` that pass `state`'s filters, grouped by report in report order.
pub fn visible_plots<'a>(
    pc: &'a PeerConnection,
    state: &StatsState,
) -> Vec<(String, Vec<PlotEntry<'a>>)> {
    let terms: Vec<String> = state
        .search
        .split(',')
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    let mut out = Vec::new();
    for (report_index, report) in pc.stats.reports.iter().enumerate() {
        if plots::skip_report(&report.report_type) {
            continue;
        }
        let title = plots::title(report);
        let title_lower = title.to_lowercase();
        let entries: Vec<PlotEntry<'a>> = report
            .series
            .iter()
            .filter(|s| !plots::skip_series(&s.name))
            .filter(|s| state.show_boring || !plots::is_boring(s))
            .filter(|s| {
                terms.is_empty()
                    || terms
                        .iter()
                        .any(|t| title_lower.contains(t) || s.name.to_lowercase().contains(t))
            })
            .map(|series| PlotEntry {
                report,
                series,
                report_index,
            })
            .collect();
        if !entries.is_empty() {
            out.push((title, entries));
        }
    }
    out
}

/// The time the plots count from: the connection's creation, else its first sample.
pub fn origin_of(pc: &PeerConnection) -> f64 {
    pc.created
        .map_or_else(|| pc.stats.time_range().map_or(0.0, |r| r.0.0), |t| t.0)
}

const HEADER_H: f32 = 26.0;
const PLOT_H: f32 = 150.0;

/// Shows the stats of connection `p` of `open`; `focus` (epoch ms) is marked on every plot.
pub fn show(
    ui: &mut egui::Ui,
    open: &OpenDump,
    p: usize,
    state: &mut StatsState,
    saver: &crate::ui::save::Saver,
    focus: Option<(f64, f64)>,
) {
    let Some(pc) = open.dump.peer_connections.get(p) else {
        return;
    };
    let origin = origin_of(pc);
    let end = open
        .analysis
        .connections
        .get(p)
        .and_then(|c| c.span)
        .map_or(origin + 1000.0, |(_, b)| b);
    let focus = focus.map(|(a, b)| ((a - origin) / 1000.0, (b - origin) / 1000.0));
    let full = (0.0, ((end - origin) / 1000.0).max(1.0));
    toolbar(ui, state, full);
    let groups = visible_plots(pc, state);
    let total_plots: usize = groups.iter().map(|(_, e)| e.len()).sum();
    ui.label(format!(
        "{total_plots} plots in {} reports{}",
        groups.len(),
        if state.show_boring {
            ""
        } else {
            " (cumulative and constant series hidden)"
        }
    ));
    if groups.is_empty() {
        ui.label(if pc.stats.reports.is_empty() {
            "This connection has no stats in the dump."
        } else {
            "No plot matches the filter."
        });
        return;
    }
    keyboard(ui, state, full);
    let markers = event_markers(pc, origin);
    // Layout: a header per report, then its plots; only what is in view is built.
    let mut layout: Vec<(f32, Option<usize>, usize)> = Vec::new(); // (y, plot index or header, group)
    let mut y = 0.0;
    for (g, (_, entries)) in groups.iter().enumerate() {
        layout.push((y, None, g));
        y += HEADER_H;
        for i in 0..entries.len() {
            layout.push((y, Some(i), g));
            y += PLOT_H;
        }
    }
    let total_h = y;
    let link = Id::unique(("stats x", &open.source, p));
    let mut drawn_x: Option<(f64, f64)> = None;
    egui::ScrollArea::vertical()
        .id_salt("stats plots")
        .auto_shrink([false, false])
        .show_viewport(ui, |ui, viewport| {
            ui.set_height(total_h);
            let top = ui.min_rect().top();
            let width = ui.available_width();
            for &(y, item, g) in &layout {
                let h = if item.is_some() { PLOT_H } else { HEADER_H };
                if y + h < viewport.min.y || y > viewport.max.y {
                    continue;
                }
                let rect = Rect::from_min_size(pos2(ui.min_rect().left(), top + y), vec2(width, h));
                let (title, entries) = &groups[g];
                ui.scope_builder(UiBuilder::new().max_rect(rect), |ui| match item {
                    None => {
                        ui.strong(title);
                    }
                    Some(i) => {
                        let gap = open.gap_ms(p, entries[i].report_index);
                        let (x, response) = plot_one(
                            ui,
                            &entries[i],
                            (origin, end, gap),
                            state,
                            link,
                            (&markers, focus),
                            full,
                        );
                        plot_menu(&response, &entries[i], pc.id.as_str(), origin, x, saver);
                        drawn_x = drawn_x.or(x);
                    }
                });
            }
        });
    if drawn_x.is_some() {
        state.last_x = drawn_x;
        state.pending_x = None;
    }
}

fn toolbar(ui: &mut egui::Ui, state: &mut StatsState, full: (f64, f64)) {
    ui.horizontal(|ui| {
        ui.label("Search:");
        ui.add(
            egui::TextEdit::singleline(&mut state.search)
                .hint_text("type or stat, e.g. inbound-rtp, jitter")
                .desired_width(260.0),
        );
        ui.checkbox(
            &mut state.show_boring,
            "Show cumulative and constant series",
        );
        ui.separator();
        ui.label("Time:");
        ui.selectable_value(&mut state.time_axis, TimeAxis::Relative, "since start");
        ui.selectable_value(&mut state.time_axis, TimeAxis::Utc, "UTC");
        ui.selectable_value(&mut state.time_axis, TimeAxis::Local, "local");
        if ui
            .button("Reset zoom")
            .on_hover_text("Show the whole call (key 0)")
            .clicked()
        {
            state.pending_x = Some(full);
        }
    });
}

/// `+`/`-` zoom the linked x axis around its centre, arrows pan it, `0` resets it.
fn keyboard(ui: &egui::Ui, state: &mut StatsState, full: (f64, f64)) {
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let (lo, hi) = state.last_x.unwrap_or(full);
    let (width, center) = (hi - lo, (lo + hi) / 2.0);
    ui.input(|i| {
        if i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals) {
            state.pending_x = Some((center - width / 4.0, center + width / 4.0));
        } else if i.key_pressed(egui::Key::Minus) {
            state.pending_x = Some((center - width, center + width));
        } else if i.key_pressed(egui::Key::ArrowLeft) {
            state.pending_x = Some((lo - width / 5.0, hi - width / 5.0));
        } else if i.key_pressed(egui::Key::ArrowRight) {
            state.pending_x = Some((lo + width / 5.0, hi + width / 5.0));
        } else if i.key_pressed(egui::Key::Num0) {
            state.pending_x = Some(full);
        }
    });
}

/// An event marker: x (s since start), label, colour.
type Marker = (f64, String, Color32);

/// Vertical markers for negotiations, state changes and track changes, as `(x, label, colour)`.
fn event_markers(pc: &PeerConnection, origin: f64) -> Vec<Marker> {
    pc.events
        .iter()
        .filter_map(|e| {
            let color = match e.name.as_str() {
                "setLocalDescription" | "setRemoteDescription" => Color32::from_rgb(150, 110, 220),
                "restartIce" => Color32::from_rgb(230, 150, 40),
                _ if category(&e.name) == Category::State
                    && matches!(
                        e.name.as_str(),
                        "connectionstatechange" | "iceconnectionstatechange"
                    ) =>
                {
                    super::state_color(e.value.as_str().unwrap_or(""))
                }
                "track"
                | "transceiverAdded"
                | "transceiverModified"
                | "addTrack"
                | "removeTrack"
                | "replaceTrack"
                | "addTransceiver" => Color32::from_rgb(90, 160, 200),
                _ => return None,
            };
            let label = match e.value.as_str() {
                Some(v) if category(&e.name) == Category::State => format!("{} {v}", e.name),
                _ => e.name.clone(),
            };
            Some((
                (e.time.0 - origin) / 1000.0,
                label,
                color.gamma_multiply(0.6),
            ))
        })
        .collect()
}

fn format_x(x: f64, origin: f64, axis: TimeAxis) -> String {
    let t = origin + x * 1000.0;
    match axis {
        TimeAxis::Relative => format!("{x:.0} s"),
        TimeAxis::Utc => super::clock(Timestamp(t)).chars().take(8).collect(),
        TimeAxis::Local => {
            use chrono::TimeZone;
            chrono::Local
                .timestamp_millis_opt(t as i64)
                .single()
                .map_or_else(String::new, |d| d.format("%H:%M:%S").to_string())
        }
    }
}

/// Draws one plot; returns the x range it showed, and the plot's response.
#[allow(clippy::too_many_arguments)]
fn plot_one(
    ui: &mut egui::Ui,
    entry: &PlotEntry<'_>,
    (origin, end, gap): (f64, f64, f64),
    state: &StatsState,
    link: Id,
    (markers, focus): (&[Marker], Option<(f64, f64)>),
    full: (f64, f64),
) -> (Option<(f64, f64)>, egui::Response) {
    let PlotEntry { report, series, .. } = entry;
    let unit = plots::unit(&series.name);
    let label = if unit.is_empty() {
        series.name.clone()
    } else {
        format!("{} ({unit})", series.name)
    };
    let axis = state.time_axis;
    ui.horizontal(|ui| {
        let r = ui.label(egui::RichText::new(&label).small());
        if let Some(m) = plots::meaning(&series.name) {
            r.on_hover_text(m);
        }
    });
    let mut shown = None;
    // Like webrtc-internals: a series that is never negative is drawn from zero.
    let from_zero = series.values.iter().all(|v| v.is_nan() || *v >= 0.0);
    let plot = Plot::new(("stat", report.id.as_str(), series.name.as_str()));
    let plot = if from_zero { plot.include_y(0.0) } else { plot };
    let response = plot
        .height(PLOT_H - 24.0)
        .link_axis(link, [true, false])
        .link_cursor(link, [true, false])
        .default_x_bounds(full.0, full.1)
        .allow_boxed_zoom(true)
        .x_axis_formatter(move |mark, _| format_x(mark.value, origin, axis))
        .y_axis_formatter(|mark, _| plots::si(mark.value))
        // Equal y axes keep the linked x axes aligned on screen.
        .y_axis_min_width(56.0)
        .label_formatter(move |hover| {
            let p = match hover {
                egui_plot::HoverPosition::NearDataPoint { position, .. }
                | egui_plot::HoverPosition::Elsewhere { position } => position,
            };
            Some(format!(
                "{}\n{}",
                format_x(p.x, origin, axis),
                plots::si(p.y)
            ))
        })
        .show(ui, |plot_ui| {
            if let Some((lo, hi)) = state.pending_x {
                plot_ui.set_plot_bounds_x(lo..=hi);
            }
            let bounds = plot_ui.plot_bounds();
            let (lo, hi) = (bounds.min()[0], bounds.max()[0]);
            let range = if lo.is_finite() && hi.is_finite() && hi > lo {
                (lo, hi)
            } else {
                full
            };
            shown = Some(range);
            let columns = plot_ui.transform().frame().width().max(1.0) as usize;
            for (name, quiet) in BAND_PROPERTIES {
                for (from, to, value) in plots::bands(report, name, quiet, Timestamp(end)) {
                    let color = band_color(name, &value);
                    plot_ui.span(
                        Span::new(
                            format!("{name}={value}"),
                            (from.0 - origin) / 1000.0..=(to.0 - origin) / 1000.0,
                        )
                        .fill(color.gamma_multiply(0.18))
                        .border_width(0.0),
                    );
                }
            }
            if let Some((a, b)) = focus {
                // A moment gets a band wide enough to see.
                let (a, b) = if b - a < 0.5 {
                    (a - 0.25, b + 0.25)
                } else {
                    (a, b)
                };
                plot_ui.span(
                    Span::new("finding", a..=b)
                        .fill(Color32::from_rgb(240, 200, 60).gamma_multiply(0.22))
                        .border_width(1.0),
                );
            }
            for (x, name, color) in markers.iter() {
                if *x >= range.0 && *x <= range.1 {
                    plot_ui.vline(VLine::new(name.clone(), *x).color(*color).width(1.0));
                }
            }
            for segment in plots::decimate(
                &report.timestamps,
                series,
                origin,
                1000.0,
                range,
                columns,
                gap,
            ) {
                plot_ui.line(
                    Line::new(series.name.clone(), segment)
                        .color(Color32::from_rgb(90, 170, 250))
                        .width(1.5),
                );
            }
        });
    (shown, response.response)
}

/// The plot's context menu: save it as PNG (the visible range, at the screen's pixel
/// density), or its series or whole report as CSV.
fn plot_menu(
    response: &egui::Response,
    entry: &PlotEntry<'_>,
    pc: &str,
    origin: f64,
    shown: Option<(f64, f64)>,
    saver: &crate::ui::save::Saver,
) {
    use crate::ui::save::SaveJob;
    let rect = response.rect;
    response.context_menu(|ui| {
        let ctx = ui.ctx().clone();
        let safe = |s: &str| crate::export::png::file_safe(s);
        let base = format!(
            "{}_{}_{}",
            safe(pc),
            safe(entry.report.id.as_str()),
            safe(&entry.series.name)
        );
        if ui.button("Save as PNG...").clicked() {
            let ppp = ctx.pixels_per_point();
            let chart = crate::export::png::series_chart(entry.report, entry.series, origin, shown);
            let job = SaveJob::Png {
                chart,
                pc: pc.to_owned(),
                width: (rect.width() * ppp) as u32,
                height: (rect.height() * ppp).max(150.0) as u32,
            };
            saver.save(job, format!("{base}.png"), &ctx);
            ui.close();
        }
        if ui.button("Copy image").clicked() {
            let ppp = ctx.pixels_per_point();
            let chart = crate::export::png::series_chart(entry.report, entry.series, origin, shown);
            crate::ui::save::copy_chart(
                &ctx,
                &chart,
                pc,
                (rect.width() * ppp) as u32,
                (rect.height() * ppp).max(150.0) as u32,
            );
            ui.close();
        }
        if ui.button("Save series as CSV...").clicked() {
            let job = SaveJob::Csv {
                pc: pc.to_owned(),
                report: entry.report.clone(),
                series: Some(entry.series.name.clone()),
            };
            saver.save(job, format!("{base}.csv"), &ctx);
            ui.close();
        }
        if ui.button("Save report as CSV...").clicked() {
            let job = SaveJob::Csv {
                pc: pc.to_owned(),
                report: entry.report.clone(),
                series: None,
            };
            saver.save(
                job,
                format!("{}_{}.csv", safe(pc), safe(entry.report.id.as_str())),
                &ctx,
            );
            ui.close();
        }
    });
}

fn band_color(name: &str, value: &str) -> Color32 {
    match (name, value) {
        ("qualityLimitationReason", "bandwidth") => Color32::from_rgb(230, 80, 80),
        ("qualityLimitationReason", "cpu") => Color32::from_rgb(230, 160, 40),
        ("qualityLimitationReason", _) => Color32::from_rgb(200, 120, 200),
        ("active", _) => Color32::from_gray(150),
        _ => Color32::from_rgb(120, 200, 160),
    }
}
