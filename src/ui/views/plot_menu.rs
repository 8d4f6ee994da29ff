//! The context menu of a stats plot: save it as PNG, copy it, or save its series or report
//! as CSV, all on the saver's background thread.

use super::stats::PlotEntry;
use crate::ui::save::PNG_MIN;

/// The plot's context menu: save it as PNG (the visible range, at the screen's pixel
/// density), or its series or whole report as CSV.
pub fn plot_menu(
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
                // Legible whatever the plot's size on screen: never below PNG_MIN.
                width: ((rect.width() * ppp) as u32).max(PNG_MIN.0),
                height: ((rect.height() * ppp) as u32).max(PNG_MIN.1),
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
