//! One plot of the Stats view's "All stats": a series of a report, decimated to the pixels in
//! view, with its report's bands (each property in its own label lane), the event markers,
//! a focused finding's range, and hover text that reads the nearest sample.

use std::cell::OnceCell;

use egui::{Align2, Color32};
use egui_plot::{Line, Plot, PlotPoint, PlotPoints, Span, Text, VLine};

use super::axes::{Axes, hover_text};
use super::memo;
use super::stats::{Marker, PlotEntry};
use crate::analyze::plots::{self, BAND_PROPERTIES};
use crate::model::Timestamp;

/// Height of one plot, its title included.
pub const PLOT_H: f32 = 150.0;

/// What one stats plot needs besides its series.
pub struct PlotContext<'a> {
    /// The shared time axis.
    pub axes: &'a Axes,
    /// End of the call, epoch ms (bands end there).
    pub end: f64,
    /// Samples further apart than this (ms) are not joined.
    pub gap: f64,
    /// Event markers, s since the origin.
    pub markers: &'a [Marker],
    /// A focused finding's range, s since the origin.
    pub focus: Option<(f64, f64)>,
    /// The series is a focused finding's evidence.
    pub bold: bool,
}

/// The band of a focused finding's range (s since the origin); a moment gets a band wide
/// enough to see.
pub fn focus_band((a, b): (f64, f64)) -> Span {
    let (a, b) = if b - a < 0.5 {
        (a - 0.25, b + 0.25)
    } else {
        (a, b)
    };
    Span::new("", a..=b)
        .fill(Color32::from_rgb(240, 200, 60).gamma_multiply(0.22))
        .border_width(1.0)
}

/// Draws one plot; returns the x range it showed, and the plot's response.
pub fn show(
    ui: &mut egui::Ui,
    entry: &PlotEntry<'_>,
    c: &PlotContext<'_>,
) -> (Option<(f64, f64)>, egui::Response) {
    let PlotEntry { report, series, .. } = entry;
    let (scale, unit) = plots::display(&series.name);
    let label = if unit.is_empty() {
        series.name.clone()
    } else {
        format!("{} ({unit})", series.name)
    };
    ui.horizontal(|ui| {
        let text = egui::RichText::new(&label).small();
        let r = ui.label(if c.bold { text.strong() } else { text });
        if let Some(m) = plots::meaning(&series.name) {
            r.on_hover_text(m);
        }
    });
    let mut shown = None;
    // Outlives the plot, so that its lines borrow the memoised points.
    let held: OnceCell<memo::Segments> = OnceCell::new();
    let axes = *c.axes;
    let names = (report.id.as_str(), series.name.as_str(), series.start);
    // Like webrtc-internals: a series that is never negative is drawn from zero.
    let from_zero = memo::get(
        ui.ctx(),
        memo::Key::of(series.values.identity(), names),
        || series.values.iter().all(|v| v.is_nan() || v >= 0.0),
    );
    let plot = axes.plot(
        Plot::new(("stat", report.id.as_str(), series.name.as_str())),
        PLOT_H - 24.0,
    );
    let plot = if from_zero { plot.include_y(0.0) } else { plot };
    let origin = axes.origin;
    let response = plot
        .label_formatter(move |hover| Some(hover_text(hover, unit, origin, axes.time)))
        .show(ui, |plot_ui| {
            let range = axes.range(plot_ui);
            shown = Some(range);
            let columns = plot_ui.transform().frame().width().max(1.0) as usize;
            let bounds = plot_ui.plot_bounds();
            let (top, height) = (bounds.max()[1], bounds.height());
            // Each banded property labels its bands in its own lane, so labels never overlap.
            for (lane, (name, quiet)) in BAND_PROPERTIES.iter().enumerate() {
                for (from, to, value) in plots::bands(report, name, *quiet, Timestamp(c.end)) {
                    let color = band_color(name, &value);
                    let (a, b) = ((from.0 - origin) / 1000.0, (to.0 - origin) / 1000.0);
                    plot_ui.span(
                        Span::new("", a..=b)
                            .fill(color.gamma_multiply(0.18))
                            .border_width(0.0),
                    );
                    if b > range.0 && a < range.1 && height.is_finite() {
                        let y = top - height * 0.13 * lane as f64;
                        plot_ui.text(
                            Text::new(
                                "",
                                PlotPoint::new(a.max(range.0), y),
                                format!("{name}={value}"),
                            )
                            .anchor(Align2::LEFT_TOP)
                            .color(color),
                        );
                    }
                }
            }
            if let Some(range) = c.focus {
                plot_ui.span(focus_band(range));
            }
            let in_view = c
                .markers
                .iter()
                .filter(|(x, _, _)| *x >= range.0 && *x <= range.1)
                .count();
            for (x, name, color) in c.markers {
                if *x >= range.0 && *x <= range.1 {
                    plot_ui.vline(VLine::new(name.clone(), *x).color(*color).width(1.0));
                    // Labelled when there is room for the labels to be read.
                    if in_view <= 8 && height.is_finite() {
                        plot_ui.text(
                            Text::new("", PlotPoint::new(*x, top - height * 0.5), name.clone())
                                .anchor(Align2::LEFT_CENTER)
                                .color(color.gamma_multiply(1.4)),
                        );
                    }
                }
            }
            let color = if c.bold {
                Color32::from_rgb(240, 200, 60)
            } else {
                Color32::from_rgb(90, 170, 250)
            };
            // Decimated once per view: a steady or hovered plot draws from the memo.
            let view = [range.0, range.1, origin, c.gap];
            let key = memo::Key::new(series.values.identity(), names, view, columns);
            let segments = held.get_or_init(|| {
                memo::get(plot_ui.ctx(), key, || {
                    let raw = plots::decimate(
                        &report.timestamps,
                        series,
                        origin,
                        1000.0,
                        range,
                        columns,
                        c.gap,
                    );
                    memo::segments(raw, scale)
                })
            });
            for segment in segments.iter() {
                plot_ui.line(
                    Line::new(series.name.clone(), PlotPoints::Borrowed(segment))
                        .color(color)
                        .width(if c.bold { 2.5 } else { 1.5 }),
                );
            }
        });
    (shown, response.response)
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
