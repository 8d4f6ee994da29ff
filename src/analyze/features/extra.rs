//! Features beyond rtcstats': distributions over time per track, the selected path, setup
//! time and what changed. Named in rtcstats' camelCase style; the README documents each.

use serde_json::Value;

use super::{Fields, number, put};
use crate::analyze::compare::percentile;
use crate::analyze::findings::Stream;
use crate::analyze::ice::{selected_pair_changes, text_at};
use crate::analyze::rates::derived_named;
use crate::analyze::states::{connected_at, ice_restarts};
use crate::model::{PeerConnection, Report};

/// The names rtcscope adds to rtcstats' features (the distributions end in `P50`, `P95` and
/// `Max`).
pub const EXTRA: [&str; 12] = [
    "pauseCount",
    "totalPausesDuration",
    "decoderChanges",
    "encoderChanges",
    "setupTime",
    "candidatePairSwitches",
    "iceRestarts",
    "selectedLocalCandidateType",
    "selectedRemoteCandidateType",
    "selectedProtocol",
    "selectedRelayProtocol",
    "selectedTurnUrl",
];

/// Whether `name` is one of rtcscope's own features rather than rtcstats'.
pub fn is_extra(name: &str) -> bool {
    EXTRA.contains(&name)
        || ["P50", "P95", "Max"].iter().any(|s| {
            name.strip_suffix(s).is_some_and(|stem| {
                matches!(
                    stem,
                    "bitrate"
                        | "packetLossPercent"
                        | "jitterMs"
                        | "roundTripTimeMs"
                        | "framesPerSecond"
                        | "frameHeight"
                )
            })
        })
}

/// `<name>P50`, `<name>P95` and `<name>Max` of `values`.
fn distribution(f: &mut Fields, name: &str, values: &[f64]) {
    for (suffix, p) in [("P50", 50.0), ("P95", 95.0), ("Max", 100.0)] {
        put(
            f,
            &format!("{name}{suffix}"),
            percentile(values, p).and_then(number),
        );
    }
}

fn values(r: &Report, stat: &str) -> Vec<f64> {
    let own = r
        .series(stat)
        .map(|s| s.values.iter().filter(|v| v.is_finite()).collect());
    own.or_else(|| {
        derived_named(r, stat).map(|s| s.values.iter().filter(|v| v.is_finite()).collect())
    })
    .unwrap_or_default()
}

/// How often a text stat changed value after its first.
fn changes(r: &Report, stat: &str) -> Option<usize> {
    r.attribute(stat).map(|a| a.changes.len().saturating_sub(1))
}

/// The extra features of a track's RTP stream.
pub fn track(f: &mut Fields, stream: Option<&Stream<'_>>, r: &Report, inbound: bool) {
    let bits = if inbound {
        "[bytesReceived_in_bits/s]"
    } else {
        "[bytesSent_in_bits/s]"
    };
    distribution(f, "bitrate", &values(r, bits));
    if let Some(s) = stream {
        let pts = |m: &crate::analyze::findings::Measure| -> Vec<f64> {
            m.points.iter().map(|p| p.1).collect()
        };
        distribution(f, "packetLossPercent", &pts(&s.loss));
        distribution(f, "jitterMs", &pts(&s.jitter));
        distribution(f, "roundTripTimeMs", &pts(&s.rtt));
    }
    if r.kind().as_deref() == Some("video") {
        distribution(f, "framesPerSecond", &values(r, "framesPerSecond"));
        distribution(f, "frameHeight", &values(r, "frameHeight"));
        let last = |stat: &str| {
            r.series(stat)
                .and_then(|s| s.points(&r.timestamps).last().map(|p| p.1))
                .and_then(number)
        };
        if inbound {
            put(f, "pauseCount", last("pauseCount"));
            put(f, "totalPausesDuration", last("totalPausesDuration"));
            put(
                f,
                "decoderChanges",
                changes(r, "decoderImplementation").map(Value::from),
            );
        } else {
            put(
                f,
                "encoderChanges",
                changes(r, "encoderImplementation").map(Value::from),
            );
        }
    }
}

/// The extra features of a connection.
pub fn connection(f: &mut Fields, pc: &PeerConnection) {
    if let (Some(created), Some(c)) = (pc.created, connected_at(pc)) {
        put(f, "setupTime", number(c.time.0 - created.0));
    }
    let changes = selected_pair_changes(&pc.stats);
    f.insert(
        "candidatePairSwitches".into(),
        Value::from(changes.len().saturating_sub(1)),
    );
    f.insert("iceRestarts".into(), Value::from(ice_restarts(pc).len()));
    // The path the connection ended on.
    let Some((t, pair_id, _)) = changes.last() else {
        return;
    };
    let Some(pair) = pc.stats.report(pair_id) else {
        return;
    };
    let candidate = |key: &str| text_at(pair, key, *t).and_then(|id| pc.stats.report(&id));
    if let Some(local) = candidate("localCandidateId") {
        let at = local.timestamps.last().copied().unwrap_or(*t);
        let text = |k: &str| text_at(local, k, at).map(Value::from);
        put(f, "selectedLocalCandidateType", text("candidateType"));
        put(f, "selectedProtocol", text("protocol"));
        put(f, "selectedRelayProtocol", text("relayProtocol"));
        put(f, "selectedTurnUrl", text("url"));
    }
    if let Some(remote) = candidate("remoteCandidateId") {
        let at = remote.timestamps.last().copied().unwrap_or(*t);
        put(
            f,
            "selectedRemoteCandidateType",
            text_at(remote, "candidateType", at).map(Value::from),
        );
    }
}
