//! Everything the viewer shows about a dump that depends only on the dump, computed once
//! (off the UI thread) and shared: features, findings and verdicts, each connection's
//! summary and the per-report gap thresholds the plots use. The CLI reads the same pieces.

use serde_json::Value;

use crate::analyze::charts::{Chart, default_charts};
use crate::analyze::features::{Features, extract, stream_numbers};
use crate::analyze::findings::{
    Finding, Thresholds, Verdict, Verdicts, findings, streams, verdicts,
};
use crate::analyze::plots::gap_ms;
use crate::model::{Dump, PeerConnection};

/// How healthy one number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Health {
    /// Not measured.
    Unknown,
    /// Fine.
    Good,
    /// Worth a look.
    Warn,
    /// Past its rule's threshold.
    Bad,
}

/// A number and its health.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rated {
    /// The value (in the unit its field names).
    pub value: f64,
    /// How healthy it is.
    pub health: Health,
}

/// The key numbers of one RTP stream, for a compact row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyNumbers {
    /// Median bitrate, bits/s.
    pub bitrate_p50: Option<f64>,
    /// 95th-percentile bitrate, bits/s.
    pub bitrate_p95: Option<f64>,
    /// 95th-percentile packet loss, %.
    pub loss_pct: Option<Rated>,
    /// Median jitter, ms.
    pub jitter_ms: Option<Rated>,
    /// Median round-trip time, ms.
    pub rtt_ms: Option<Rated>,
    /// Median frames per second (video).
    pub fps: Option<f64>,
    /// Median frame height, px (video).
    pub height: Option<f64>,
    /// Freezes (inbound video).
    pub freezes: Option<Rated>,
}

/// One RTP stream of a connection, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackSummary {
    /// How findings name it (`inbound video ssrc 2`).
    pub label: String,
    /// `audio` or `video`.
    pub kind: String,
    /// Received (true) or sent.
    pub inbound: bool,
    /// Its `inbound-rtp` / `outbound-rtp` report id.
    pub report_id: String,
    /// Its codec's MIME type.
    pub codec: Option<String>,
    /// Its verdict.
    pub verdict: Verdict,
    /// Whether it ever carried media (a byte sent or received).
    pub media: bool,
    /// Its key numbers.
    pub numbers: KeyNumbers,
}

/// The selected path of a connection, at the end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Path {
    /// Local candidate type (`host`, `srflx`, `prflx`, `relay`).
    pub local: Option<String>,
    /// Remote candidate type.
    pub remote: Option<String>,
    /// `udp` or `tcp`.
    pub protocol: Option<String>,
    /// The TURN leg's protocol, when relayed.
    pub relay_protocol: Option<String>,
    /// The TURN URL, when relayed.
    pub turn_url: Option<String>,
}

/// One connection, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionAnalysis {
    /// First and last time of anything on it, epoch ms.
    pub span: Option<(f64, f64)>,
    /// Per report (in report order): the gap beyond which samples are not joined, ms.
    pub gaps: Vec<f64>,
    /// The last connection state (ICE's for browsers without one).
    pub final_state: Option<String>,
    /// Creation to `connected`, ms.
    pub setup_ms: Option<f64>,
    /// The path selected last.
    pub path: Path,
    /// The codecs its streams used, distinct, in report order.
    pub codecs: Vec<String>,
    /// Its RTP streams.
    pub tracks: Vec<TrackSummary>,
    /// Its findings (indices into [`Analysis::findings`]), worst first.
    pub findings: Vec<usize>,
    /// The key charts (bitrates, loss, jitter, RTT, frame rate, resolution, bandwidth
    /// estimate), as `export --png` draws them; times in ms since creation.
    pub key_charts: Vec<Chart>,
    /// When a sender's quality was limited: `(from, to, reason)`, ms since creation.
    pub quality_bands: Vec<(f64, f64, String)>,
}

/// The analysis of one dump.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// rtcstats' features and rtcscope's own.
    pub features: Features,
    /// Every finding, worst first.
    pub findings: Vec<Finding>,
    /// [`Analysis::findings`] as sentences, times from [`Analysis::origin_ms`].
    pub messages: Vec<String>,
    /// Verdicts of the dump, its connections and tracks.
    pub verdicts: Verdicts,
    /// The one time the sentences count from (the first connection's creation).
    pub origin_ms: f64,
    /// Per peer connection, in dump order.
    pub connections: Vec<ConnectionAnalysis>,
}

/// The one time every finding of a dump is measured from: the first connection's creation
/// (the call starts there), else the dump's first event; `None` for an empty dump.
pub fn origin(dump: &Dump) -> Option<f64> {
    let created = dump
        .peer_connections
        .iter()
        .filter_map(|p| p.created.map(|t| t.0))
        .filter(|t| t.is_finite())
        .fold(f64::INFINITY, f64::min);
    if created.is_finite() {
        return Some(created);
    }
    let first = dump
        .client_events
        .iter()
        .map(|e| e.time.0)
        .chain(dump.get_user_media.iter().map(|r| r.time.0))
        .filter(|t| t.is_finite())
        .fold(f64::INFINITY, f64::min);
    first.is_finite().then_some(first)
}

impl Analysis {
    /// Analyses `dump` under `thresholds`.
    pub fn new(dump: &Dump, thresholds: &Thresholds) -> Self {
        Self::with_findings(dump, thresholds, findings(dump, thresholds))
    }

    /// The analysis of a preview, a dump still being read whose stats are not in yet: the
    /// findings are [`crate::analyze::findings::preview_findings`].
    pub fn preview(dump: &Dump, thresholds: &Thresholds) -> Self {
        let found = crate::analyze::findings::preview_findings(dump, thresholds);
        Self::with_findings(dump, thresholds, found)
    }

    fn with_findings(dump: &Dump, thresholds: &Thresholds, found: Vec<Finding>) -> Self {
        let features = extract(dump);
        let verdicts = verdicts(dump, &found);
        let origin_ms = origin(dump).unwrap_or(0.0);
        let messages = found.iter().map(|f| f.message(origin_ms)).collect();
        let connections = dump
            .peer_connections
            .iter()
            .map(|pc| connection(pc, &features, &found, &verdicts, thresholds))
            .collect();
        Analysis {
            features,
            findings: found,
            messages,
            verdicts,
            origin_ms,
            connections,
        }
    }
}

fn connection(
    pc: &PeerConnection,
    features: &Features,
    found: &[Finding],
    verdicts: &Verdicts,
    t: &Thresholds,
) -> ConnectionAnalysis {
    let id = pc.id.as_str();
    let fields = features.connections.iter().find(|c| c.id == id);
    let text = |k: &str| {
        fields
            .and_then(|c| c.fields.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let setup_ms = fields
        .and_then(|c| c.fields.get("setupTime"))
        .and_then(Value::as_f64);
    let path = Path {
        local: text("selectedLocalCandidateType"),
        remote: text("selectedRemoteCandidateType"),
        protocol: text("selectedProtocol"),
        relay_protocol: text("selectedRelayProtocol"),
        turn_url: text("selectedTurnUrl"),
    };
    let track_verdicts = verdicts.connections.iter().find(|c| c.pc == id);
    let mut codecs: Vec<String> = Vec::new();
    let tracks = streams(pc)
        .iter()
        .map(|s| {
            if let Some(c) = &s.codec
                && !codecs.contains(c)
            {
                codecs.push(c.clone());
            }
            let own = track_verdicts.and_then(|c| c.tracks.iter().find(|v| v.track == s.label));
            let verdict = own.map_or(Verdict::Good, |v| v.verdict);
            TrackSummary {
                label: s.label.clone(),
                kind: s.kind.clone(),
                inbound: s.inbound,
                report_id: s.report.id.to_string(),
                codec: s.codec.clone(),
                verdict,
                media: own.is_some_and(|v| v.media),
                numbers: key_numbers(s, t),
            }
        })
        .collect();
    let mut own: Vec<usize> = (0..found.len())
        .filter(|&i| found[i].pc.as_deref() == Some(id))
        .collect();
    // `findings` is already worst first; keep that order.
    own.sort_by_key(|&i| std::cmp::Reverse(found[i].severity));
    let span = crate::analyze::time_span(pc);
    let origin = crate::analyze::origin(pc);
    let end = crate::model::Timestamp(span.map_or(origin, |s| s.1));
    let quality_bands = pc
        .stats
        .reports
        .iter()
        .filter(|r| r.report_type == "outbound-rtp" && r.kind().as_deref() == Some("video"))
        .flat_map(|r| crate::analyze::plots::bands(r, "qualityLimitationReason", Some("none"), end))
        .map(|(a, b, why)| (a.0 - origin, b.0 - origin, why))
        .collect();
    ConnectionAnalysis {
        span,
        key_charts: default_charts(pc),
        quality_bands,
        gaps: pc
            .stats
            .reports
            .iter()
            .map(|r| gap_ms(&r.timestamps))
            .collect(),
        final_state: final_state(pc),
        setup_ms,
        path,
        codecs,
        tracks,
        findings: own,
    }
}

/// The last connection state (or ICE state, for dumps without connection states).
pub fn final_state(pc: &PeerConnection) -> Option<String> {
    let last = |name: &str| {
        pc.events
            .iter()
            .rev()
            .find(|e| e.name == name)
            .and_then(|e| e.value.as_str())
            .map(str::to_owned)
    };
    last("connectionstatechange").or_else(|| last("iceconnectionstatechange"))
}

/// Rates `v` against the rule's `limit`: bad above it, warn above half of it.
fn rate(v: f64, limit: f64) -> Rated {
    let health = if v > limit {
        Health::Bad
    } else if v > limit / 2.0 {
        Health::Warn
    } else {
        Health::Good
    };
    Rated { value: v, health }
}

fn key_numbers(s: &crate::analyze::findings::Stream<'_>, t: &Thresholds) -> KeyNumbers {
    let f = stream_numbers(s);
    let get = |k: &str| f.get(k).and_then(Value::as_f64);
    let loss_limit = if s.kind == "video" {
        t.loss_video_pct
    } else if s
        .codec
        .as_deref()
        .is_some_and(|c| c.contains("PCMU") || c.contains("PCMA"))
    {
        t.loss_g711_pct
    } else {
        t.loss_opus_pct
    };
    let freezes = (s.kind == "video" && s.inbound)
        .then(|| s.report.series("freezeCount"))
        .flatten()
        .and_then(|x| x.values.iter().rev().find(|v| v.is_finite()))
        .map(|n| Rated {
            value: n,
            health: if n >= t.freezes {
                Health::Warn
            } else {
                Health::Good
            },
        });
    KeyNumbers {
        bitrate_p50: get("bitrateP50"),
        bitrate_p95: get("bitrateP95"),
        loss_pct: get("packetLossPercentP95").map(|v| rate(v, loss_limit)),
        jitter_ms: get("jitterMsP50").map(|v| rate(v, t.jitter_ms)),
        rtt_ms: get("roundTripTimeMsP50").map(|v| rate(v, t.rtt_ms)),
        fps: get("framesPerSecondP50"),
        height: get("frameHeightP50"),
        freezes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rated_against_their_rule() {
        assert_eq!(rate(50.0, 40.0).health, Health::Bad);
        assert_eq!(rate(25.0, 40.0).health, Health::Warn);
        assert_eq!(rate(5.0, 40.0).health, Health::Good);
    }
}
