//! The key charts at the top of the Stats view: bitrates, loss, jitter, RTT, frame rate,
//! resolution and the bandwidth estimate, several lines each with a legend, the
//! quality-limitation bands behind the video charts, a focused finding's range, and its
//! evidence lines drawn bold. The charts come from the cached analysis; a frame only
//! decimates what is in view, once per view range and size.

use std::cell::OnceCell;

use egui::{Align2, Color32};
use egui_plot::{Legend, Line, Plot, PlotPoint, PlotPoints, Span, Text};

use super::axes::{Axes, hover_text};
use super::memo;
use crate::analyze::charts::Chart;
use crate::analyze::plots::decimate_points;

/// Height of one key chart, legend included.
pub const KEY_H: f32 = 210.0;

/// Colours for the lines of one chart, in order.
const PALETTE: [Color32; 8] = [
    Color32::from_rgb(90, 170, 250),
    Color32::from_rgb(250, 150, 60),
    Color32::from_rgb(90, 200, 120),
    Color32::from_rgb(220, 90, 200),
    Color32::from_rgb(240, 210, 70),
    Color32::from_rgb(100, 220, 220),
    Color32::from_rgb(230, 90, 90),
    Color32::from_rgb(170, 170, 170),
];

/// Charts that get the quality-limitation bands.
const BANDED: [&str; 3] = ["video_bitrate", "frames_per_second", "resolution"];

/// What a key chart needs besides its data.
pub struct KeyContext<'a> {
    /// The time axis, links and full range shared with every plot.
    pub axes: &'a Axes,
    /// `(from, to, reason)` of quality limitation, ms since creation.
    pub bands: &'a [(f64, f64, String)],
    /// A focused finding's range, s since creation.
    pub focus: Option<(f64, f64)>,
    /// Reports whose lines are the focused finding's evidence.
    pub highlight: &'a [String],
}

/// Draws one key chart; returns the x range it showed.
pub fn show(ui: &mut egui::Ui, chart: &Chart, k: &KeyContext<'_>) -> Option<(f64, f64)> {
    let axes = k.axes;
    ui.strong(format!("{} ({})", chart.title, chart.unit));
    if chart.lines.is_empty() {
        ui.weak("not in this dump's stats");
        return None;
    }
    let unit = chart.unit;
    let mut shown = None;
    // Outlive the plot, so that its lines borrow the memoised points.
    let held: Vec<OnceCell<memo::Segments>> = chart.lines.iter().map(|_| OnceCell::new()).collect();
    let plot = axes.plot(Plot::new(("key", chart.name)), KEY_H - 40.0);
    let plot = plot
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .label_formatter(move |hover| Some(hover_text(hover, unit, axes.origin, axes.time)));
    let highlighted = |report: &str| k.highlight.iter().any(|h| h == report);
    let any_highlight = chart.lines.iter().any(|l| highlighted(&l.report));
    plot.show(ui, |plot_ui| {
        let range = axes.range(plot_ui);
        shown = Some(range);
        let columns = plot_ui.transform().frame().width().max(1.0) as usize;
        if BANDED.contains(&chart.name) {
            let top = plot_ui.plot_bounds().max()[1];
            for (a, b, why) in k.bands {
                let (a, b) = (a / 1000.0, b / 1000.0);
                plot_ui.span(
                    Span::new("", a..=b)
                        .fill(band_color(why).gamma_multiply(0.18))
                        .border_width(0.0),
                );
                if b > range.0 && a < range.1 {
                    let x = a.max(range.0);
                    plot_ui.text(
                        Text::new("", PlotPoint::new(x, top), format!("limited: {why}"))
                            .anchor(Align2::LEFT_TOP)
                            .color(band_color(why)),
                    );
                }
            }
        }
        if let Some(range) = k.focus {
            plot_ui.span(super::stat_plot::focus_band(range));
        }
        for (i, line) in chart.lines.iter().enumerate() {
            let mut color = PALETTE[i % PALETTE.len()];
            let bold = highlighted(&line.report);
            if any_highlight && !bold {
                color = color.gamma_multiply(0.35);
            }
            let view = [range.0, range.1, line.gap_ms, 0.0];
            let key = memo::Key::new(
                memo::identity(&line.points),
                (&chart.name, &line.label),
                view,
                columns,
            );
            let segments = held[i].get_or_init(|| {
                memo::get(plot_ui.ctx(), key, || {
                    let raw = decimate_points(&line.points, 1000.0, range, columns, line.gap_ms);
                    memo::segments(raw, 1.0)
                })
            });
            for segment in segments.iter() {
                plot_ui.line(
                    Line::new(line.label.clone(), PlotPoints::Borrowed(segment))
                        .color(color)
                        .width(if bold { 3.0 } else { 1.5 }),
                );
            }
        }
    });
    shown
}

fn band_color(reason: &str) -> Color32 {
    match reason {
        "bandwidth" => Color32::from_rgb(230, 80, 80),
        "cpu" => Color32::from_rgb(230, 160, 40),
        _ => Color32::from_rgb(200, 120, 200),
    }
}

/// The key chart a finding's evidence stat is best seen on.
pub fn chart_for(stat: &str) -> Option<&'static str> {
    Some(match stat {
        "packetsLost" | "fractionLost" | "packetsReceived" => "packet_loss",
        "jitter" => "jitter",
        "roundTripTime" | "currentRoundTripTime" => "round_trip_time",
        "framesPerSecond" => "frames_per_second",
        "frameHeight" | "frameWidth" => "resolution",
        "availableOutgoingBitrate" => "available_outgoing_bitrate",
        "targetBitrate" | "qualityLimitationReason" => "video_bitrate",
        s if s.starts_with("qualityLimitationDurations") => "video_bitrate",
        _ => return None,
    })
}
