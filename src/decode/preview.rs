//! Partial dumps while a long line format is still being read, so a viewer can list the
//! connections and their events seconds before the last stat sample is in.
//!
//! A preview is what was decoded so far minus the stats (connections, events, descriptions,
//! getUserMedia, warnings): cloning it costs a fraction of a millisecond per thousand events,
//! never a copy of the series.

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::model::Dump;

use super::builder::DumpBuilder;

/// Where previews go, and how often. Cheap to clone.
#[derive(Clone)]
pub struct PreviewSink {
    first: Duration,
    every: Duration,
    send: Arc<dyn Fn(Dump) + Send + Sync>,
}

impl PreviewSink {
    /// Sends the first preview once `first` has passed since the decode started, then one at
    /// most every `every`. `send` runs on the decoding thread, between two lines: it should
    /// hand the dump on and return.
    pub fn new(
        first: Duration,
        every: Duration,
        send: impl Fn(Dump) + Send + Sync + 'static,
    ) -> Self {
        PreviewSink {
            first,
            every,
            send: Arc::new(send),
        }
    }
}

impl fmt::Debug for PreviewSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreviewSink")
            .field("first", &self.first)
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

/// A decode's previews: the sink and when the next one is due.
#[derive(Debug, Clone, Default)]
pub(crate) struct PreviewClock {
    sink: Option<PreviewSink>,
    due: Cell<Option<Instant>>,
}

impl PreviewClock {
    pub(crate) fn new(sink: Option<PreviewSink>) -> Self {
        let due = sink.as_ref().map(|s| Instant::now() + s.first);
        PreviewClock {
            sink,
            due: Cell::new(due),
        }
    }

    /// Sends a preview of `b` when one is due and `b` has a connection to list. Called after
    /// every line; without a sink it is one branch.
    pub(crate) fn offer(&self, b: &DumpBuilder) {
        let (Some(sink), Some(due)) = (&self.sink, self.due.get()) else {
            return;
        };
        // A preview with no connection has nothing to show yet: wait for the first one.
        if Instant::now() < due || !b.has_connections() {
            return;
        }
        (sink.send)(b.preview());
        // Measured from when the preview was handed on, so a slow receiver is not flooded.
        self.due.set(Some(Instant::now() + sink.every));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;
    use std::sync::Mutex;

    #[test]
    fn sends_when_due_and_not_before() {
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink_got = got.clone();
        let sink = PreviewSink::new(Duration::ZERO, Duration::from_secs(3600), move |d| {
            sink_got.lock().unwrap().push(d.format)
        });
        let clock = PreviewClock::new(Some(sink));
        let mut b = DumpBuilder::new(Format::RtcstatsV3);
        clock.offer(&b);
        assert!(got.lock().unwrap().is_empty(), "nothing to list yet");
        b.stats("PC_0", 1.7e12);
        clock.offer(&b);
        clock.offer(&b);
        assert_eq!(*got.lock().unwrap(), vec![Format::RtcstatsV3]);
        PreviewClock::default().offer(&b);
    }
}
