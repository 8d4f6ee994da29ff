//! Verdicts of a whole dump: each connection's and each of its tracks', with the finding
//! counts that made them. The CLI prints them and the viewer shows them as badges.

use serde::Serialize;

use super::{Finding, Severity, Verdict, streams};
use crate::model::Dump;

/// How many findings of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
}

impl Counts {
    /// The counts of `findings`.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut c = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.error += 1,
                Severity::Warning => c.warning += 1,
                Severity::Info => c.info += 1,
            }
        }
        c
    }
}

/// A track's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackVerdict {
    /// How findings name the track (`inbound video ssrc 2`).
    pub track: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// Its findings by severity.
    pub counts: Counts,
    /// Whether it ever carried media: a byte sent (outbound) or received (inbound). A
    /// negotiated stream that never did has no quality to judge.
    pub media: bool,
}

/// A connection's verdict, with its tracks'.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionVerdict {
    /// The connection id.
    pub pc: String,
    /// Its verdict: the worst of its findings, track findings included.
    pub verdict: Verdict,
    /// Its findings by severity.
    pub counts: Counts,
    /// One per RTP stream, in report order.
    pub tracks: Vec<TrackVerdict>,
}

/// The verdicts of a dump.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdicts {
    /// The dump's: the worst of every finding.
    pub verdict: Verdict,
    /// All its findings by severity.
    pub counts: Counts,
    /// One per connection, in order of creation.
    pub connections: Vec<ConnectionVerdict>,
}

/// The verdicts `found` (the findings of `dump`) give.
pub fn verdicts(dump: &Dump, found: &[Finding]) -> Verdicts {
    let connections = dump
        .peer_connections
        .iter()
        .map(|pc| {
            let id = pc.id.as_str();
            let own: Vec<&Finding> = found
                .iter()
                .filter(|f| f.pc.as_deref() == Some(id))
                .collect();
            let tracks = streams(pc)
                .into_iter()
                .map(|s| {
                    let on = || {
                        own.iter()
                            .copied()
                            .filter(|f| f.track.as_deref() == Some(s.label.as_str()))
                    };
                    let bytes = if s.inbound {
                        "bytesReceived"
                    } else {
                        "bytesSent"
                    };
                    TrackVerdict {
                        verdict: Verdict::of(on()),
                        counts: Counts::of(on()),
                        media: s
                            .report
                            .series(bytes)
                            .is_some_and(|b| b.values.iter().any(|v| v > 0.0)),
                        track: s.label,
                    }
                })
                .collect();
            ConnectionVerdict {
                pc: id.to_owned(),
                verdict: Verdict::of(own.iter().copied()),
                counts: Counts::of(own.iter().copied()),
                tracks,
            }
        })
        .collect();
    Verdicts {
        verdict: Verdict::of(found),
        counts: Counts::of(found),
        connections,
    }
}
