//! Background loading: each source is opened and decoded on its own thread, reporting
//! progress through a shared [`Progress`]; finished dumps come back over a channel and the
//! window is woken with `request_repaint`. The UI thread never waits for I/O or parsing.

use std::sync::mpsc::{Receiver, TryRecvError, channel};

use std::sync::Arc;

use crate::analyze::analysis::Analysis;
use crate::analyze::findings::Thresholds;
use crate::model::Dump;
use crate::source::Progress;
use crate::source::remote::RemoteOptions;

/// A load in progress.
pub struct Job {
    /// The source as the user named it.
    pub source: String,
    /// Bytes read so far, and the cancel switch.
    pub progress: Progress,
    rx: Receiver<Result<Loaded, String>>,
}

impl Job {
    /// Fraction done, when the total is known.
    pub fn fraction(&self) -> Option<f32> {
        self.progress
            .total()
            .map(|t| (self.progress.bytes_read() as f64 / t as f64).min(1.0) as f32)
    }
}

/// A decoded dump and its analysis, both built on the loader's thread.
pub struct Loaded {
    /// The dump.
    pub dump: Arc<Dump>,
    /// Its analysis.
    pub analysis: Arc<Analysis>,
}

/// A finished load.
pub struct Finished {
    /// The source as the user named it.
    pub source: String,
    /// The dump, or why it could not be read.
    pub result: Result<Loaded, String>,
}

/// The loads in flight.
#[derive(Default)]
pub struct Loader {
    jobs: Vec<Job>,
}

impl Loader {
    /// Starts loading `source` on a background thread, reaching remote sources with
    /// `remote`; `ctx` is repainted when it is done.
    pub fn open(&mut self, source: String, remote: &RemoteOptions, ctx: &egui::Context) {
        let progress = Progress::default();
        let (tx, rx) = channel();
        let remote = remote.clone();
        let thread_progress = progress.clone();
        let thread_source = source.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("load {}", super::state::shown_source(&source)))
            .spawn(move || {
                // Chrome's derived rates and the whole analysis are computed here too, off
                // the UI thread.
                let result =
                    crate::load::load_with(&thread_source, &remote, Some(&thread_progress))
                        .map_err(|e| e.to_string())
                        .map(|mut dump| {
                            for pc in &mut dump.peer_connections {
                                crate::analyze::rates::add_derived(&mut pc.stats);
                            }
                            let analysis = Analysis::new(&dump, &Thresholds::default());
                            Loaded {
                                dump: Arc::new(dump),
                                analysis: Arc::new(analysis),
                            }
                        });
                // The receiver is gone only if the app closed meanwhile.
                let _ = tx.send(result);
                ctx.request_repaint();
            });
        if let Err(e) = spawned {
            let (tx, rx) = channel();
            let _ = tx.send(Err(format!("{source}: cannot start a loader thread: {e}")));
            self.jobs.push(Job {
                source,
                progress,
                rx,
            });
            return;
        }
        self.jobs.push(Job {
            source,
            progress,
            rx,
        });
    }

    /// Loads in flight.
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    /// Whether anything is loading.
    pub fn is_busy(&self) -> bool {
        !self.jobs.is_empty()
    }

    /// Asks load `index` to stop; it finishes with a "cancelled" error.
    pub fn cancel(&self, index: usize) {
        if let Some(job) = self.jobs.get(index) {
            job.progress.cancel();
        }
    }

    /// Takes the loads that finished since the last call.
    pub fn poll(&mut self) -> Vec<Finished> {
        let mut done = Vec::new();
        self.jobs.retain(|job| match job.rx.try_recv() {
            Ok(result) => {
                done.push(Finished {
                    source: job.source.clone(),
                    result,
                });
                false
            }
            Err(TryRecvError::Empty) => true,
            Err(TryRecvError::Disconnected) => {
                done.push(Finished {
                    source: job.source.clone(),
                    result: Err(format!("{}: the loader stopped unexpectedly", job.source)),
                });
                false
            }
        });
        done
    }
}
