//! Findings: what went wrong in a call, as data. Each rule reads the model (and the
//! features), and says what it found with a stable id, a severity, a category, where and when,
//! the numbers, and the series and events it used. The English sentence is rendered from
//! that at the edge ([`Finding::message`]).

mod api;
mod client;
mod connectivity;
mod ice_attempt;
mod media;
mod metrics;
mod network;
mod render;
mod states;
mod thresholds;
mod verdict;

use rayon::prelude::*;
use serde::Serialize;

pub use ice_attempt::IceAttempt;
pub use metrics::{Measure, Stream, streams};
pub use render::rel as relative;
pub use thresholds::{Preset, RulesError, Thresholds};
pub use verdict::{ConnectionVerdict, Counts, TrackVerdict, Verdicts, verdicts};

use crate::model::{Dump, PeerConnection};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; not a problem by itself.
    Info,
    /// The call was degraded.
    Warning,
    /// The call (or a part of it) failed.
    Error,
}

impl Severity {
    /// The stable name (`info`, `warning`, `error`).
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// ICE and DTLS: whether and how the peers connected.
    Connectivity,
    /// Loss, delay, jitter and bandwidth.
    Network,
    /// Received or sent audio.
    Audio,
    /// Received or sent video.
    Video,
    /// The machine could not keep up.
    Cpu,
    /// Cameras and microphones.
    Devices,
    /// WebRTC API calls that failed.
    Api,
    /// Offer/answer.
    Signaling,
    /// The dump itself: truncated, clocks.
    DataQuality,
}

/// The data a finding rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Evidence {
    /// A stats series: report id and stat name.
    Series {
        /// The report id.
        report: String,
        /// The stat (`packetsLost`, `[bytesSent_in_bits/s]`).
        stat: String,
    },
    /// An API call or event.
    Event {
        /// Its normalised name.
        name: String,
        /// When, epoch ms.
        time_ms: f64,
    },
}

/// What a rule measured, for the sentence and for machines.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Detail {
    /// The connection failed.
    ConnectionFailed {
        /// How long it had been connected, when it had.
        connected_for_ms: Option<f64>,
        /// The ICE connection state at the failure.
        ice_state: Option<String>,
        /// When ICE left `connected` before the failure, epoch ms.
        ice_changed_ms: Option<f64>,
        /// The last poll at or before the failure at which received media had grown, epoch
        /// ms.
        media_until_ms: Option<f64>,
        /// The last poll after the failure at which received media had still grown, epoch
        /// ms: the media path outlived the failure the state reported.
        media_after_ms: Option<f64>,
        /// When it never connected: what ICE tried.
        attempt: Option<IceAttempt>,
        /// When the failure's own stamp is not to be believed: the finding is placed where
        /// the event was written instead.
        stale_stamp: Option<StaleStamp>,
    },
    /// Several connections failed within a second of each other.
    Together {
        /// Their ids.
        pcs: Vec<String>,
        /// How many separate failures that would be: the two ends of a call between two
        /// connections of this page are one.
        faults: usize,
        /// From the first failure to the last, ms.
        spread_ms: f64,
    },
    /// The connection never reached `connected`; the last state it did reach.
    NeverConnected {
        /// The last connection (or ICE) state, if any.
        last: Option<String>,
    },
    /// Connected, then the connection went to `to`.
    Dropped {
        /// `disconnected`.
        to: String,
        /// When it came back, how long it took, ms.
        recovered_after_ms: Option<f64>,
    },
    /// Something took `ms` (against a limit).
    Took {
        /// What took that long.
        what: &'static str,
        /// How long.
        ms: f64,
        /// The threshold.
        limit_ms: f64,
    },
    /// Something happened `count` times.
    Count {
        /// What.
        what: &'static str,
        /// How often.
        count: usize,
    },
    /// The media went through a TURN relay.
    Relay {
        /// `udp`, `tcp` or `tls`.
        protocol: Option<String>,
        /// The TURN URL, when known.
        url: Option<String>,
    },
    /// A measure averaged `value` over the range (against a limit).
    Average {
        /// What was measured, with its unit in [`Metric::unit`].
        metric: Metric,
        /// The average.
        value: f64,
        /// The threshold.
        limit: f64,
    },
    /// A measure fell from `from` to `to`.
    Fell {
        /// What.
        metric: Metric,
        /// Before.
        from: f64,
        /// After.
        to: f64,
    },
    /// A share of the time, in percent.
    Share {
        /// What.
        what: &'static str,
        /// Percent of the time.
        pct: f64,
        /// The threshold.
        limit_pct: f64,
    },
    /// A call failed with this error.
    Failed {
        /// The call.
        call: String,
        /// The error as the dump gives it.
        error: String,
    },
    /// A sender's bitrate capped by the application.
    Cap {
        /// The cap, bits/s.
        bits_per_s: f64,
    },
    /// A getUserMedia or getDisplayMedia call failed.
    MediaFailed {
        /// The call.
        call: String,
        /// What it asked for: `audio`, `video`.
        asked: Vec<String>,
        /// The error as the browser gave it.
        error: String,
        /// What later calls of the same API obtained.
        obtained_later: Vec<String>,
        /// When the first later call succeeded, ms after this failure.
        retry_after_ms: Option<f64>,
    },
    /// A line repeated within one section of a description.
    RepeatedLine {
        /// The line.
        line: String,
    },
    /// The encoder implementation a sender fell back to.
    Encoder {
        /// Its name (`libvpx (fallback from: …)`).
        implementation: String,
    },
    /// A device of note.
    Device {
        /// Its label.
        label: String,
    },
    /// A counter holds an impossible value.
    Impossible {
        /// The stat.
        stat: &'static str,
        /// The value.
        value: f64,
    },
    /// A description the application changed between creating and applying it.
    Munged {
        /// `offer` or `answer`.
        sdp_type: String,
        /// What changed, typed (serialised as sentences).
        changes: Vec<crate::analyze::sdp_change::SdpChange>,
    },
    /// Lines whose time runs backwards (see [`crate::model::ClockSteps`]).
    Clock {
        /// How many steps back.
        count: u64,
        /// Of those, single lines out of order.
        reordered: u64,
        /// The largest step, ms.
        largest_ms: f64,
        /// The first such line.
        first_line: u64,
    },
    /// Nothing to add: the rule id says it all.
    Plain,
}

/// A state event whose stamp the rest of the dump contradicts: it was written after lines
/// stamped later than it, and received media kept growing after the time it is stamped with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaleStamp {
    /// The time the event is stamped with, epoch ms.
    pub stamped_ms: f64,
    /// Its line, 1-based.
    pub line: u64,
    /// Whether nothing of the connection was recorded after it: the event closes the
    /// recording.
    pub ends_recording: bool,
}

/// A measured quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    /// Packet loss, %.
    PacketLoss,
    /// Jitter, ms.
    Jitter,
    /// Round-trip time, ms.
    RoundTripTime,
    /// Frame height, px.
    FrameHeight,
    /// Frames per second.
    FrameRate,
    /// Available outgoing bitrate, bits/s.
    AvailableBitrate,
    /// The encoder's target bitrate, bits/s.
    TargetBitrate,
    /// Decode time per frame, ms.
    DecodeTime,
    /// Encode time per frame, ms.
    EncodeTime,
    /// Concealed audio samples, %.
    Concealment,
}

impl Metric {
    /// The unit the value is in.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::PacketLoss | Metric::Concealment => "%",
            Metric::Jitter | Metric::RoundTripTime | Metric::DecodeTime | Metric::EncodeTime => {
                "ms"
            }
            Metric::FrameHeight => "px",
            Metric::FrameRate => "fps",
            Metric::AvailableBitrate | Metric::TargetBitrate => "bits/s",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The stable rule id (`connection-failed`).
    pub rule: &'static str,
    /// How bad.
    pub severity: Severity,
    /// About what.
    pub category: Category,
    /// The peer connection, when it is about one.
    pub pc: Option<String>,
    /// The track (`inbound video ssrc 123`, or its report id), when it is about one.
    pub track: Option<String>,
    /// The start of the time range, epoch ms.
    pub start_ms: Option<f64>,
    /// The end of the time range, epoch ms.
    pub end_ms: Option<f64>,
    /// What was measured.
    pub detail: Detail,
    /// The series and events it used.
    pub evidence: Vec<Evidence>,
}

impl Finding {
    /// The connection of this page that a failed attempt called, when the finding knows it
    /// (both ends of the call are in the dump).
    pub fn peer_in_page(&self) -> Option<&str> {
        match &self.detail {
            Detail::ConnectionFailed {
                attempt: Some(a), ..
            } => a.peer.as_deref(),
            _ => None,
        }
    }
}

/// The verdict on a track, a connection or a dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing worse than info.
    Good,
    /// At least one warning.
    Degraded,
    /// At least one error.
    Bad,
}

impl Verdict {
    /// The verdict the worst of `findings` gives.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        match findings.into_iter().map(|f| f.severity).max() {
            Some(Severity::Error) => Verdict::Bad,
            Some(Severity::Warning) => Verdict::Degraded,
            _ => Verdict::Good,
        }
    }

    /// The stable name.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::Degraded => "degraded",
            Verdict::Bad => "bad",
        }
    }
}

/// What a rule gets to read.
pub(crate) struct Ctx<'a> {
    pub dump: &'a Dump,
    pub pc: &'a PeerConnection,
    pub t: &'a Thresholds,
    pub streams: Vec<Stream<'a>>,
}

impl Ctx<'_> {
    /// A finding on this connection.
    pub fn finding(
        &self,
        rule: &'static str,
        severity: Severity,
        category: Category,
        detail: Detail,
    ) -> Finding {
        Finding {
            rule,
            severity,
            category,
            pc: Some(self.pc.id.to_string()),
            track: None,
            start_ms: None,
            end_ms: None,
            detail,
            evidence: Vec::new(),
        }
    }
}

impl Finding {
    /// Sets the time range.
    pub fn during(mut self, start: f64, end: f64) -> Self {
        self.start_ms = Some(start);
        self.end_ms = Some(end);
        self
    }

    /// Sets the time (a moment).
    pub fn at(self, t: f64) -> Self {
        self.during(t, t)
    }

    /// Names the track.
    pub fn on(mut self, track: String) -> Self {
        self.track = Some(track);
        self
    }

    /// Adds a series as evidence.
    pub fn series(mut self, report: &str, stat: &str) -> Self {
        self.evidence.push(Evidence::Series {
            report: report.to_owned(),
            stat: stat.to_owned(),
        });
        self
    }

    /// Adds an event as evidence.
    pub fn event(mut self, e: &crate::model::Event) -> Self {
        self.evidence.push(Evidence::Event {
            name: e.name.clone(),
            time_ms: e.time.0,
        });
        self
    }

    /// The sentence, with the numbers, times relative to `origin_ms`.
    pub fn message(&self, origin_ms: f64) -> String {
        render::message(self, origin_ms)
    }
}

/// Every finding of `dump` under `thresholds`, per connection in order, then the dump's own,
/// each list in reading order (worst first, then by time; see `reading_order`).
pub fn findings(dump: &Dump, thresholds: &Thresholds) -> Vec<Finding> {
    findings_of(dump, thresholds, true)
}

/// The findings of a preview: a dump still being read, with no stats yet (see
/// [`crate::model::Dump::without_stats`]). The same rules, but failures are not grouped
/// across connections: the stats move a failure stamped late to when media stopped, so
/// before they are in, two failures can look simultaneous that were not.
pub fn preview_findings(dump: &Dump, thresholds: &Thresholds) -> Vec<Finding> {
    findings_of(dump, thresholds, false)
}

fn findings_of(dump: &Dump, thresholds: &Thresholds, group: bool) -> Vec<Finding> {
    let mut out = client::rules(dump, thresholds);
    // Connections are independent: one rayon task each, results in connection order.
    let per_pc: Vec<Vec<Finding>> = dump
        .peer_connections
        .par_iter()
        .map(|pc| {
            let ctx = Ctx {
                dump,
                pc,
                t: thresholds,
                streams: streams(pc),
            };
            let mut found = Vec::new();
            states::rules(&ctx, &mut found);
            connectivity::rules(&ctx, &mut found);
            network::rules(&ctx, &mut found);
            media::rules(&ctx, &mut found);
            api::rules(&ctx, &mut found);
            found
        })
        .collect();
    let per_pc: Vec<Finding> = per_pc.into_iter().flatten().collect();
    if group {
        out.extend(states::together(&per_pc));
    }
    out.extend(per_pc);
    out.sort_by(reading_order);
    out
}

/// The order findings are read in, by the CLI and the viewer alike: the worst first, then by
/// time; among the page's own findings of equal severity, connectivity comes first (the
/// connections failing together explains the rest of the page).
fn reading_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    let key = |f: &Finding| {
        (
            std::cmp::Reverse(f.severity),
            f.pc.is_none() && f.category != Category::Connectivity,
        )
    };
    key(a).cmp(&key(b)).then(
        a.start_ms
            .unwrap_or(f64::INFINITY)
            .total_cmp(&b.start_ms.unwrap_or(f64::INFINITY)),
    )
}

/// The verdict of connection `pc` among `findings`.
pub fn connection_verdict(findings: &[Finding], pc: &str) -> Verdict {
    Verdict::of(findings.iter().filter(|f| f.pc.as_deref() == Some(pc)))
}
