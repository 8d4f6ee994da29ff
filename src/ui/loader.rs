//! Background loading: each source is opened and decoded on its own thread, reporting
//! progress through a shared [`Progress`]; finished dumps come back over a channel and the
//! window is woken with `request_repaint`. The UI thread never waits for I/O or parsing.

use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use std::sync::Arc;
use std::time::Duration;

use crate::analyze::analysis::Analysis;
use crate::analyze::findings::Thresholds;
use crate::model::Dump;

use super::state::DumpId;
use crate::decode::PreviewSink;
use crate::source::Progress;
use crate::source::remote::RemoteOptions;

/// A load in progress.
pub struct Job {
    /// The dump it becomes (its previews carry the same id).
    pub id: DumpId,
    /// The source as the user named it.
    pub source: String,
    /// Bytes read so far, and the cancel switch.
    pub progress: Progress,
    rx: Receiver<Update>,
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

impl Loaded {
    fn new(dump: Dump) -> Self {
        let analysis = Analysis::new(&dump, &Thresholds::default());
        Loaded {
            dump: Arc::new(dump),
            analysis: Arc::new(analysis),
        }
    }

    fn preview(dump: Dump) -> Self {
        let analysis = Analysis::preview(&dump, &Thresholds::default());
        Loaded {
            dump: Arc::new(dump),
            analysis: Arc::new(analysis),
        }
    }
}

/// What a load reports.
pub enum Update {
    /// What was read so far, without the stats (connections, events, descriptions); more
    /// follows.
    Preview(Loaded),
    /// The whole dump, or why it could not be read; the job is over.
    Done(Result<Loaded, String>),
}

/// What a job reported since the last poll.
pub struct Finished {
    /// The dump it is (or would have been).
    pub id: DumpId,
    /// The source as the user named it.
    pub source: String,
    /// A preview or the end.
    pub update: Update,
}

/// The first preview comes this long after a load starts: a short load never needs one.
const FIRST_PREVIEW: Duration = Duration::from_millis(300);
/// Previews while a long dump is read, at most this often.
const PREVIEW_EVERY: Duration = Duration::from_secs(1);

/// The loads in flight.
#[derive(Default)]
pub struct Loader {
    jobs: Vec<Job>,
}

impl Loader {
    /// Starts loading `source`, which becomes dump `id`, on a background thread, reaching
    /// remote sources with `remote`; `ctx` is repainted at each preview and when it is done.
    pub fn open(
        &mut self,
        id: DumpId,
        source: String,
        remote: &RemoteOptions,
        ctx: &egui::Context,
    ) {
        let progress = Progress::default();
        let (tx, rx) = channel();
        let remote = remote.clone();
        let thread_progress = progress.clone();
        let thread_source = source.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("load {}", super::state::shown_source(&source)))
            .spawn(move || {
                let preview = preview_sink(tx.clone(), ctx.clone());
                let result = crate::load::load_progressive(
                    &thread_source,
                    &remote,
                    Some(&thread_progress),
                    Some(preview),
                )
                .map_err(|e| e.to_string())
                .map(|mut dump| {
                    // The list and the events show while the rates and the analysis of the
                    // stats are computed, here too, off the UI thread.
                    let _ = tx.send(Update::Preview(Loaded::preview(dump.without_stats())));
                    ctx.request_repaint();
                    for pc in &mut dump.peer_connections {
                        crate::analyze::rates::add_derived(&mut pc.stats);
                    }
                    Loaded::new(dump)
                });
                // The receiver is gone only if the app closed meanwhile.
                let _ = tx.send(Update::Done(result));
                ctx.request_repaint();
            });
        if let Err(e) = spawned {
            let (tx, rx) = channel();
            let _ = tx.send(Update::Done(Err(format!(
                "{source}: cannot start a loader thread: {e}"
            ))));
            self.jobs.push(Job {
                id,
                source,
                progress,
                rx,
            });
            return;
        }
        self.jobs.push(Job {
            id,
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

    /// Asks the load that becomes dump `id`, if one is in flight, to stop.
    pub fn cancel_dump(&self, id: DumpId) {
        for job in self.jobs.iter().filter(|j| j.id == id) {
            job.progress.cancel();
        }
    }

    /// Takes what the loads reported since the last call: previews, and the loads that
    /// finished (which leave the list).
    pub fn poll(&mut self) -> Vec<Finished> {
        let mut out = Vec::new();
        self.jobs.retain(|job| {
            loop {
                let update = match job.rx.try_recv() {
                    Ok(update) => update,
                    Err(TryRecvError::Empty) => return true,
                    Err(TryRecvError::Disconnected) => Update::Done(Err(format!(
                        "{}: the loader stopped unexpectedly",
                        job.source
                    ))),
                };
                let done = matches!(update, Update::Done(_));
                // Only the newest preview matters.
                if matches!(update, Update::Preview(_))
                    && out.last().is_some_and(|f: &Finished| {
                        f.id == job.id && matches!(f.update, Update::Preview(_))
                    })
                {
                    out.pop();
                }
                out.push(Finished {
                    id: job.id,
                    source: job.source.clone(),
                    update,
                });
                if done {
                    return false;
                }
            }
        });
        out
    }
}

/// Previews go to the app with their analysis, built on the decoding thread (a dump without
/// stats analyses in milliseconds).
fn preview_sink(tx: Sender<Update>, ctx: egui::Context) -> PreviewSink {
    PreviewSink::new(FIRST_PREVIEW, PREVIEW_EVERY, move |dump| {
        let _ = tx.send(Update::Preview(Loaded::preview(dump)));
        ctx.request_repaint();
    })
}
