//! Charts as PNG images, drawn on the CPU (plotters' bitmap backend, text with egui's bundled
//! font): no window, display or GPU needed, so the command line can export in CI.

use std::path::Path;
use std::sync::Once;

use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::analyze::charts::{Chart, Line};
use crate::analyze::plots::{gap_ms, si};
use crate::model::{Report, Series};

static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        // The font is compiled in: registering it cannot fail for a valid TTF.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            epaint_default_fonts::UBUNTU_LIGHT,
        );
    });
}

const COLORS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// A chart of one series of a report as the viewer plots it, over `x_range` (seconds since
/// `origin`, epoch ms) when given.
pub fn series_chart(
    report: &Report,
    series: &Series,
    origin: f64,
    x_range: Option<(f64, f64)>,
) -> Chart {
    let points: Vec<(f64, f64)> = series
        .points(&report.timestamps)
        .map(|(t, v)| (t.0 - origin, v))
        .filter(|(x, _)| x_range.is_none_or(|(lo, hi)| *x >= lo * 1000.0 && *x <= hi * 1000.0))
        .collect();
    Chart {
        name: "series",
        title: format!("{} - {}", crate::analyze::plots::title(report), series.name),
        unit: crate::analyze::plots::unit(&series.name),
        lines: vec![Line {
            label: series.name.clone(),
            points,
            gap_ms: gap_ms(&report.timestamps),
            report: report.id.to_string(),
        }],
    }
}

/// A peer connection id as a file-name part: anything but letters, digits, `-` and `_`
/// becomes `_`.
pub fn file_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Draws `chart` for connection `pc_id` into a PNG file at `path`.
pub fn write_chart(
    chart: &Chart,
    pc_id: &str,
    path: &Path,
    width: u32,
    height: u32,
) -> Result<(), String> {
    register_font();
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    draw(root, chart, pc_id).map_err(|e| format!("{}: {e}", path.display()))
}

/// Draws `chart` into an RGB buffer (`width * height * 3` bytes), for the clipboard.
pub fn render_rgb(chart: &Chart, pc_id: &str, width: u32, height: u32) -> Result<Vec<u8>, String> {
    register_font();
    let mut buf = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (width, height)).into_drawing_area();
        draw(root, chart, pc_id)?;
    }
    Ok(buf)
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    chart: &Chart,
    pc_id: &str,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: &dyn std::fmt::Display| e.to_string();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let all = || chart.lines.iter().flat_map(|l| l.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) =
        (f64::INFINITY, f64::NEG_INFINITY, 0.0_f64, f64::NEG_INFINITY);
    for (x, y) in all() {
        x0 = x0.min(*x / 1000.0);
        x1 = x1.max(*x / 1000.0);
        y0 = y0.min(*y);
        y1 = y1.max(*y);
    }
    let title = format!("{} - {pc_id}", chart.title);
    if !x0.is_finite() {
        root.draw(&Text::new(
            format!("{title}: no data in this dump"),
            (20, 20),
            ("sans-serif", 20).into_font(),
        ))
        .map_err(|e| err(&e))?;
        return root.present().map_err(|e| err(&e));
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    if y1 <= y0 {
        y1 = y0 + 1.0;
    }
    let y1 = y1 + (y1 - y0) * 0.05;
    let mut ctx = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| err(&e))?;
    ctx.configure_mesh()
        .x_desc("time since the connection was created (s)")
        .y_desc(chart.unit)
        .y_label_formatter(&|v| si(*v))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .draw()
        .map_err(|e| err(&e))?;
    for (i, line) in chart.lines.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        // Break the line where samples are further apart than their report's polls allow.
        let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for w in line.points.iter() {
            if let Some(last) = segments.last().and_then(|s| s.last())
                && w.0 - last.0 * 1000.0 > line.gap_ms
            {
                segments.push(Vec::new());
            }
            if let Some(s) = segments.last_mut() {
                s.push((w.0 / 1000.0, w.1));
            }
        }
        for (k, seg) in segments.into_iter().enumerate() {
            let series = ctx
                .draw_series(LineSeries::new(seg, color.stroke_width(2)))
                .map_err(|e| err(&e))?;
            if k == 0 {
                series.label(line.label.clone()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            }
        }
    }
    ctx.configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))
}
