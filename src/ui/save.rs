//! Saving from the viewer: the native save dialog and the writing both run on a background
//! thread, and the outcome comes back as a status line.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::analyze::charts::Chart;
use crate::model::Report;

/// What to save.
pub enum SaveJob {
    /// One chart as a PNG of this size (pixels).
    Png {
        /// The chart.
        chart: Chart,
        /// The connection, for the title.
        pc: String,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// A report, or one of its series, as CSV in the `export --csv` layout.
    Csv {
        /// The connection id.
        pc: String,
        /// The report.
        report: Report,
        /// Only this series.
        series: Option<String>,
    },
    /// Several charts as PNG files in a folder the user picks, named as given.
    Folder {
        /// The connection id.
        pc: String,
        /// `(file name, chart)`.
        charts: Vec<(String, Chart)>,
    },
}

/// The smallest size charts are saved at, so that titles and labels are legible.
pub const PNG_MIN: (u32, u32) = (1600, 800);

/// A dialog that returns this fast did not open: nobody cancels within a quarter second.
const DIALOG_FAILED_WITHIN: std::time::Duration = std::time::Duration::from_millis(250);

/// Whether native dialogs are switched off (`RTCSCOPE_NO_DIALOG=1`, for tests and machines
/// without a desktop portal or zenity).
pub fn dialogs_disabled() -> bool {
    std::env::var_os("RTCSCOPE_NO_DIALOG").is_some_and(|v| !v.is_empty() && v != "0")
}

/// No native file dialog could open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no file dialog could open (no xdg-desktop-portal or zenity)")]
pub struct NoDialog;

/// Runs `pick` (a native dialog) and tells whether it could open: [`NoDialog`] when dialogs
/// are off or it came back empty at once.
pub fn run_dialog<T>(pick: impl FnOnce() -> Option<T>) -> Result<Option<T>, NoDialog> {
    if dialogs_disabled() {
        return Err(NoDialog);
    }
    let started = std::time::Instant::now();
    match pick() {
        Some(v) => Ok(Some(v)),
        None if started.elapsed() < DIALOG_FAILED_WITHIN => Err(NoDialog),
        None => Ok(None),
    }
}

/// A save whose dialog could not open: the window asks for a path instead.
pub struct PendingSave {
    /// What to save.
    pub job: SaveJob,
    /// The path typed so far (starts as the suggested name in the home folder).
    pub path: String,
}

/// Runs save jobs in the background and keeps the last outcome.
#[derive(Default, Clone)]
pub struct Saver {
    status: Arc<Mutex<Option<String>>>,
    pending: Arc<Mutex<Option<PendingSave>>>,
}

impl Saver {
    /// The outcome of the last save, if any.
    pub fn status(&self) -> Option<String> {
        self.status.lock().ok().and_then(|s| s.clone())
    }

    /// A save waiting for a typed path, if its dialog could not open.
    pub fn pending(&self) -> std::sync::MutexGuard<'_, Option<PendingSave>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks where to save, then saves, off the UI thread. When no dialog can open, the job
    /// waits in [`Saver::pending`] for a path typed in the window.
    pub fn save(&self, job: SaveJob, suggested: String, ctx: &egui::Context) {
        let status = self.status.clone();
        let pending = self.pending.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("save".into())
            .spawn(move || {
                let folder = matches!(job, SaveJob::Folder { .. });
                let picked = run_dialog(|| {
                    let dialog = rfd::FileDialog::new().set_file_name(&suggested);
                    if folder {
                        dialog.pick_folder()
                    } else {
                        dialog.save_file()
                    }
                });
                match picked {
                    Ok(Some(path)) => {
                        let outcome = Self::write(job, &path);
                        if let Ok(mut s) = status.lock() {
                            *s = Some(outcome.unwrap_or_else(|e| format!("Could not save: {e}")));
                        }
                    }
                    Ok(None) => {}
                    Err(NoDialog) => {
                        let home = directories::UserDirs::new()
                            .map(|u| u.home_dir().to_path_buf())
                            .unwrap_or_else(|| PathBuf::from("."));
                        let path = home.join(&suggested).to_string_lossy().into_owned();
                        if let Ok(mut p) = pending.lock() {
                            *p = Some(PendingSave { job, path });
                        }
                    }
                }
                ctx.request_repaint();
            });
        if let Err(e) = spawned
            && let Ok(mut s) = self.status.lock()
        {
            *s = Some(format!("Could not save: {e}"));
        }
    }

    /// Writes the pending job to `path` on a background thread.
    pub fn save_pending_to(&self, path: PathBuf, ctx: &egui::Context) {
        let Some(p) = self.pending().take() else {
            return;
        };
        let status = self.status.clone();
        let ctx = ctx.clone();
        let _ = std::thread::Builder::new()
            .name("save".into())
            .spawn(move || {
                let outcome = Self::write(p.job, &path);
                if let Ok(mut s) = status.lock() {
                    *s = Some(outcome.unwrap_or_else(|e| format!("Could not save: {e}")));
                }
                ctx.request_repaint();
            });
    }

    /// Writes `job` to `path` (a file, or a folder for [`SaveJob::Folder`]). Returns the
    /// status line.
    pub fn write(job: SaveJob, path: &Path) -> Result<String, String> {
        match job {
            SaveJob::Png {
                chart,
                pc,
                width,
                height,
            } => {
                crate::export::png::write_chart(&chart, &pc, path, width, height)?;
                Ok(format!("Saved {}", path.display()))
            }
            SaveJob::Csv { pc, report, series } => {
                let file =
                    std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
                let rows = crate::export::csv::write_report(
                    &pc,
                    &report,
                    series.as_deref(),
                    std::io::BufWriter::new(file),
                )
                .map_err(|e| format!("{}: {e}", path.display()))?;
                Ok(format!("Saved {rows} samples to {}", path.display()))
            }
            SaveJob::Folder { pc, charts } => {
                std::fs::create_dir_all(path).map_err(|e| format!("{}: {e}", path.display()))?;
                for (name, chart) in &charts {
                    let file: PathBuf = path.join(name);
                    crate::export::png::write_chart(chart, &pc, &file, PNG_MIN.0, PNG_MIN.1)?;
                }
                Ok(format!(
                    "Saved {} charts to {}",
                    charts.len(),
                    path.display()
                ))
            }
        }
    }
}

/// The charts of every plot the Stats view would show for `pc`, with their file names.
pub fn all_plots(pc: &crate::model::PeerConnection) -> Vec<(String, Chart)> {
    let origin = pc.created.map_or(0.0, |t| t.0);
    let state = crate::ui::views::stats::StatsState::default();
    crate::ui::views::stats::visible_plots(pc, &state)
        .into_iter()
        .flat_map(|(_, entries)| entries)
        .map(|e| {
            let name = format!(
                "{}_{}_{}.png",
                crate::export::png::file_safe(pc.id.as_str()),
                crate::export::png::file_safe(e.report.id.as_str()),
                crate::export::png::file_safe(&e.series.name)
            );
            (
                name,
                crate::export::png::series_chart(e.report, e.series, origin, None),
            )
        })
        .collect()
}

/// Puts `chart`, drawn at `width` x `height` pixels, on the clipboard.
pub fn copy_chart(ctx: &egui::Context, chart: &Chart, pc: &str, width: u32, height: u32) {
    if let Ok(rgb) = crate::export::png::render_rgb(chart, pc, width.max(200), height.max(150)) {
        let image =
            egui::ColorImage::from_rgb([width.max(200) as usize, height.max(150) as usize], &rgb);
        ctx.copy_image(image);
    }
}
