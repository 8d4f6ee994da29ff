//! The Stats view of a connection: the key charts first (from the cached analysis), then
//! a plot for every numeric stat, grouped by report and titled like webrtc-internals, with
//! Chrome's derived rates. Which plots pass the search is worked out once per search, not
//! per frame; only the plots in view are built, each from a decimated copy of its series.
//! All plots share one x axis and cursor; the mouse (drag, scroll, ctrl+scroll,
//! double-click) and the keyboard (+/- to zoom, arrows to pan, 0 to reset) move them
//! together, and y fits what is in view.

use egui::{Color32, Id, Rect, UiBuilder, pos2, vec2};

use super::axes::Axes;
pub use super::axes::TimeAxis;
use super::key_charts::{self, KEY_H, KeyContext};
use crate::analyze::plots;
use crate::analyze::timeline::{Category, category};
use crate::model::{PeerConnection, Report, Series};
use crate::ui::state::{DataKey, OpenDump};

/// Where the view should scroll to (a finding's evidence).
#[derive(Debug, Clone, PartialEq)]
pub enum ScrollTarget {
    /// A key chart, by name.
    Key(&'static str),
    /// The plot of one series.
    Series {
        /// Its report id.
        report: String,
        /// The stat.
        stat: String,
    },
}

/// The stats view's settings.
#[derive(Default)]
pub struct StatsState {
    /// Filter over report types, report titles and stat names (comma-separated terms, any
    /// of which may match; synonyms such as "bitrate" and "loss" are understood).
    pub search: String,
    /// Show cumulative counters and constant series too.
    pub show_boring: bool,
    /// Time axis labels.
    pub time_axis: TimeAxis,
    /// `(report, stat)` of a focused finding's evidence: drawn bold.
    pub highlight: Vec<(String, String)>,
    /// Scroll there on the next frame.
    pub scroll_to: Option<ScrollTarget>,
    /// A zoom or pan asked for by the keyboard, applied to the linked x axis next frame.
    pending_x: Option<(f64, f64)>,
    /// The linked x range last drawn.
    last_x: Option<(f64, f64)>,
    cache: Option<Layout>,
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

    /// How many series match the search but are hidden as cumulative or constant.
    pub fn hidden(&self) -> usize {
        self.cache.as_ref().map_or(0, |c| c.hidden)
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

/// A report's title and its plots, as `(report index, series index)`.
type Group = (String, Vec<(usize, usize)>);

/// The plots of `pc` that pass `search` and `show_boring`, grouped by report in report
/// order, and how many matching series were hidden as boring.
fn plot_groups(pc: &PeerConnection, search: &str, show_boring: bool) -> (Vec<Group>, usize) {
    let terms: Vec<Vec<String>> = search
        .split(',')
        .filter(|t| !t.trim().is_empty())
        .map(plots::search_terms)
        .collect();
    let mut hidden = 0;
    let mut out = Vec::new();
    for (ri, report) in pc.stats.reports.iter().enumerate() {
        if plots::skip_report(&report.report_type) {
            continue;
        }
        let title = plots::title(report);
        let mut entries = Vec::new();
        for (si, s) in report.series.iter().enumerate() {
            if plots::skip_series(&s.name) {
                continue;
            }
            let hit = terms.is_empty()
                || terms
                    .iter()
                    .any(|t| plots::matches(&title, t) || plots::matches(&s.name, t));
            if !hit {
                continue;
            }
            if !show_boring && plots::is_boring(s) {
                hidden += 1;
                continue;
            }
            entries.push((ri, si));
        }
        if !entries.is_empty() {
            out.push((title, entries));
        }
    }
    (out, hidden)
}

/// The plots of `pc` that pass `state`'s filters, grouped by report in report order.
pub fn visible_plots<'a>(
    pc: &'a PeerConnection,
    state: &StatsState,
) -> Vec<(String, Vec<PlotEntry<'a>>)> {
    plot_groups(pc, &state.search, state.show_boring)
        .0
        .into_iter()
        .map(|(title, entries)| {
            let entries = entries
                .into_iter()
                .map(|(ri, si)| PlotEntry {
                    report: &pc.stats.reports[ri],
                    series: &pc.stats.reports[ri].series[si],
                    report_index: ri,
                })
                .collect();
            (title, entries)
        })
        .collect()
}

/// The time the plots count from: the connection's creation, else its first sample.
pub fn origin_of(pc: &PeerConnection) -> f64 {
    crate::analyze::origin(pc)
}

const HEADER_H: f32 = 26.0;
use super::stat_plot::PLOT_H;

/// One row of the view.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Item {
    /// "Key charts" or "All stats".
    Section(&'static str),
    /// Key chart `i` of the connection.
    Key(usize),
    /// A report's title (group `g`).
    Header(usize),
    /// Plot `i` of group `g`.
    Plot(usize, usize),
}

/// What the view draws for one (connection, search, toggle): computed when they change.
struct Layout {
    key: (DataKey, usize, String, bool),
    groups: Vec<Group>,
    hidden: usize,
    markers: Vec<Marker>,
    rows: Vec<(f32, f32, Item)>,
    height: f32,
}

fn layout(open: &OpenDump, p: usize, pc: &PeerConnection, state: &StatsState) -> Layout {
    let (groups, hidden) = plot_groups(pc, &state.search, state.show_boring);
    let charts = open
        .analysis
        .connections
        .get(p)
        .map_or(&[][..], |c| &c.key_charts[..]);
    let terms: Vec<Vec<String>> = state
        .search
        .split(',')
        .filter(|t| !t.trim().is_empty())
        .map(plots::search_terms)
        .collect();
    let mut rows = Vec::new();
    let mut y = 0.0;
    let mut push = |rows: &mut Vec<(f32, f32, Item)>, h: f32, item: Item| {
        rows.push((y, h, item));
        y += h;
    };
    let keys: Vec<usize> = (0..charts.len())
        .filter(|&i| {
            terms.is_empty()
                || terms.iter().any(|t| {
                    plots::matches(&charts[i].title, t) || plots::matches(charts[i].name, t)
                })
        })
        .collect();
    if !keys.is_empty() {
        push(&mut rows, HEADER_H, Item::Section("Key charts"));
        for i in keys {
            push(&mut rows, KEY_H, Item::Key(i));
        }
    }
    if !groups.is_empty() {
        push(&mut rows, HEADER_H, Item::Section("All stats"));
    }
    for (g, (_, entries)) in groups.iter().enumerate() {
        push(&mut rows, HEADER_H, Item::Header(g));
        for i in 0..entries.len() {
            push(&mut rows, PLOT_H, Item::Plot(g, i));
        }
    }
    Layout {
        key: (open.data_key(), p, state.search.clone(), state.show_boring),
        groups,
        hidden,
        markers: event_markers(pc, origin_of(pc)),
        rows,
        height: y,
    }
}

/// The y of the row `target` names, in `l`.
fn target_y(
    l: &Layout,
    target: &ScrollTarget,
    open: &OpenDump,
    p: usize,
    pc: &PeerConnection,
) -> Option<f32> {
    let charts = &open.analysis.connections.get(p)?.key_charts;
    l.rows
        .iter()
        .find_map(|&(y, _, item)| match (item, target) {
            (Item::Key(i), ScrollTarget::Key(name)) if charts[i].name == *name => Some(y),
            (Item::Plot(g, i), ScrollTarget::Series { report, stat }) => {
                let (ri, si) = l.groups[g].1[i];
                let r = &pc.stats.reports[ri];
                (r.id.as_str() == report && r.series[si].name == *stat).then_some(y)
            }
            _ => None,
        })
}

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
    let conn = open.analysis.connections.get(p);
    let origin = origin_of(pc);
    let end = conn
        .and_then(|c| c.span)
        .map_or(origin + 1000.0, |(_, b)| b);
    let full = (0.0, ((end - origin) / 1000.0).max(1.0));
    toolbar(ui, state, full);
    let key = (open.data_key(), p, state.search.clone(), state.show_boring);
    if state.cache.as_ref().is_none_or(|c| c.key != key) {
        state.cache = Some(layout(open, p, pc, state));
    }
    let l = state.cache.take().expect("just filled");
    let total_plots: usize = l.groups.iter().map(|(_, e)| e.len()).sum();
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("{total_plots} plots in {} reports", l.groups.len()));
        if l.hidden > 0 && !state.show_boring {
            let text = format!("{} hidden series (cumulative or constant): show", l.hidden);
            if ui.link(text).clicked() {
                state.show_boring = true;
            }
        }
    });
    marker_legend(ui);
    if l.rows.is_empty() {
        ui.label(if pc.stats.reports.is_empty() {
            "This connection has no stats in the dump."
        } else {
            "No plot matches the search."
        });
        state.cache = Some(l);
        return;
    }
    keyboard(ui, state, full);
    let axes = Axes {
        origin,
        full,
        time: state.time_axis,
        link: Id::unique(("stats x", open.id.0, p)),
        pending: state.pending_x,
    };
    let focus = focus.map(|(a, b)| ((a - origin) / 1000.0, (b - origin) / 1000.0));
    let highlight_reports: Vec<String> = state.highlight.iter().map(|(r, _)| r.clone()).collect();
    let key_ctx = KeyContext {
        axes: &axes,
        bands: conn.map_or(&[][..], |c| &c.quality_bands[..]),
        focus,
        highlight: &highlight_reports,
    };
    let scroll = state
        .scroll_to
        .take()
        .and_then(|t| target_y(&l, &t, open, p, pc));
    let mut area = egui::ScrollArea::vertical()
        .id_salt("stats plots")
        .auto_shrink([false, false]);
    if let Some(y) = scroll {
        area = area.vertical_scroll_offset(y);
    }
    let mut drawn_x: Option<(f64, f64)> = None;
    area.show_viewport(ui, |ui, viewport| {
        ui.set_height(l.height);
        let top = ui.min_rect().top();
        let width = ui.available_width();
        for &(y, h, item) in &l.rows {
            if y + h < viewport.min.y || y > viewport.max.y {
                continue;
            }
            let rect = Rect::from_min_size(pos2(ui.min_rect().left(), top + y), vec2(width, h));
            ui.scope_builder(UiBuilder::new().max_rect(rect), |ui| match item {
                Item::Section(name) => {
                    ui.heading(name);
                }
                Item::Key(i) => {
                    if let Some(chart) = conn.and_then(|c| c.key_charts.get(i)) {
                        let x = key_charts::show(ui, chart, &key_ctx);
                        drawn_x = drawn_x.or(x);
                    }
                }
                Item::Header(g) => {
                    ui.strong(&l.groups[g].0);
                }
                Item::Plot(g, i) => {
                    let (ri, si) = l.groups[g].1[i];
                    let report = &pc.stats.reports[ri];
                    let entry = PlotEntry {
                        report,
                        series: &report.series[si],
                        report_index: ri,
                    };
                    let bold = state
                        .highlight
                        .iter()
                        .any(|(r, s)| r == report.id.as_str() && *s == entry.series.name);
                    let ctx = super::stat_plot::PlotContext {
                        axes: &axes,
                        end,
                        gap: open.gap_ms(p, ri),
                        markers: &l.markers,
                        focus,
                        bold,
                    };
                    let (x, response) = super::stat_plot::show(ui, &entry, &ctx);
                    super::plot_menu::plot_menu(
                        &response,
                        &entry,
                        pc.id.as_str(),
                        origin,
                        x,
                        saver,
                    );
                    drawn_x = drawn_x.or(x);
                }
            });
        }
    });
    state.cache = Some(l);
    if drawn_x.is_some() {
        state.last_x = drawn_x;
        state.pending_x = None;
    }
}

/// What the event markers' colours mean, and the finding band.
fn marker_legend(ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        ui.weak("Markers:");
        for (color, what) in [
            (Color32::from_rgb(150, 110, 220), "negotiation"),
            (Color32::from_rgb(230, 150, 40), "ICE restart"),
            (super::state_color("connected"), "connected"),
            (super::state_color("failed"), "failed"),
            (super::state_color("disconnected"), "disconnected"),
            (Color32::from_rgb(90, 160, 200), "track change"),
            (Color32::from_rgb(240, 200, 60), "a finding's range"),
        ] {
            ui.label(egui::RichText::new("|").strong().color(color));
            ui.weak(what);
        }
    });
}

/// Id of the search box, so that Ctrl+F can focus it.
pub fn search_id() -> Id {
    Id::unique("stats search")
}

fn toolbar(ui: &mut egui::Ui, state: &mut StatsState, full: (f64, f64)) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Search:");
        ui.add(
            egui::TextEdit::singleline(&mut state.search)
                .id(search_id())
                .hint_text("stat or type: bitrate, loss, jitter, inbound-rtp (Ctrl+F)")
                .desired_width(300.0),
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
pub type Marker = (f64, String, Color32);

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
