//! The time axis every plot of a connection shares: where time starts, how it is labelled,
//! the link that moves all plots together, x-only zoom with y fitted to what is in view, and
//! hover text that reads the nearest sample.

use egui::Id;
use egui_plot::{HoverPosition, Plot, PlotUi};

use crate::analyze::plots::{si, value_text};
use crate::model::Timestamp;

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

/// The shared axis of one frame's plots.
#[derive(Debug, Clone, Copy)]
pub struct Axes {
    /// Epoch ms of x = 0.
    pub origin: f64,
    /// The whole call, s since the origin.
    pub full: (f64, f64),
    /// How x is labelled.
    pub time: TimeAxis,
    /// Links the plots' x axes and cursors.
    pub link: Id,
    /// A range asked for (keyboard, a finding), applied this frame.
    pub pending: Option<(f64, f64)>,
}

impl Axes {
    /// `plot` with the shared axis: linked x, x-only zoom and drag, y fitted to the data in
    /// view, labelled ticks.
    pub fn plot<'a>(&self, plot: Plot<'a>, height: f32) -> Plot<'a> {
        let (origin, time) = (self.origin, self.time);
        plot.height(height)
            .link_axis(self.link, [true, false])
            .link_cursor(self.link, [true, false])
            .default_x_bounds(self.full.0, self.full.1)
            .allow_zoom([true, false])
            .allow_drag([true, false])
            .allow_scroll([true, false])
            .allow_boxed_zoom(true)
            .auto_bounds([false, true])
            .x_axis_formatter(move |mark, _| format_x(mark.value, origin, time))
            .y_axis_formatter(|mark, _| si(mark.value))
            // Equal y axes keep the linked x axes aligned on screen.
            .y_axis_min_width(56.0)
    }

    /// Applies a pending range; returns the x range in view (the full call when unknown).
    pub fn range(&self, plot_ui: &mut PlotUi<'_>) -> (f64, f64) {
        if let Some((lo, hi)) = self.pending {
            plot_ui.set_plot_bounds_x(lo..=hi);
        }
        let b = plot_ui.plot_bounds();
        let (lo, hi) = (b.min()[0], b.max()[0]);
        if lo.is_finite() && hi.is_finite() && hi > lo {
            (lo, hi)
        } else {
            self.full
        }
    }
}

/// An x value (s since `origin`) as the axis labels it.
pub fn format_x(x: f64, origin: f64, axis: TimeAxis) -> String {
    let t = origin + x * 1000.0;
    match axis {
        // Whole seconds through the integer formatter: `{:.0}` on an f64 takes the exact
        // (slow) float path, and a tall window formats hundreds of axis marks a frame.
        TimeAxis::Relative => format!("{} s", x.round() as i64),
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

/// Hover text: near a sample, its series, value with unit and time; elsewhere only the time
/// (the cursor's y is not a value of anything).
pub fn hover_text(hover: &HoverPosition<'_>, unit: &str, origin: f64, axis: TimeAxis) -> String {
    match hover {
        HoverPosition::NearDataPoint {
            plot_name,
            position,
            ..
        } => format!(
            "{plot_name}\n{}\nat {}",
            value_text(position.y, unit),
            precise_x(position.x, origin, axis)
        ),
        HoverPosition::Elsewhere { position } => precise_x(position.x, origin, axis),
    }
}

/// A time to the tenth of a second (hover), as the axis labels it.
fn precise_x(x: f64, origin: f64, axis: TimeAxis) -> String {
    match axis {
        TimeAxis::Relative => format!("{x:+.1} s"),
        _ => format_x(x, origin, axis),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_plot::PlotPoint;

    #[test]
    fn relative_marks_are_whole_seconds() {
        assert_eq!(format_x(12.4, 0.0, TimeAxis::Relative), "12 s");
        assert_eq!(format_x(99_999.6, 0.0, TimeAxis::Relative), "100000 s");
        assert_eq!(format_x(-2.5, 0.0, TimeAxis::Relative), "-3 s");
        assert_eq!(format_x(-0.2, 0.0, TimeAxis::Relative), "0 s");
    }

    #[test]
    fn hover_reads_the_nearest_sample_not_the_cursor() {
        let near = HoverPosition::NearDataPoint {
            plot_name: "jitter",
            position: PlotPoint::new(12.34, 8.5),
            index: 3,
        };
        assert_eq!(
            hover_text(&near, "ms", 0.0, TimeAxis::Relative),
            "jitter\n8.5 ms\nat +12.3 s"
        );
        let elsewhere = HoverPosition::Elsewhere {
            position: PlotPoint::new(3.0, 999.0),
        };
        // Away from the data only the time is given: the cursor's y is nobody's value.
        assert_eq!(
            hover_text(&elsewhere, "ms", 0.0, TimeAxis::Relative),
            "+3.0 s"
        );
    }
}
