//! Track features: one per media track sent or received, from the track's own RTP stats.
//!
//! Tracks come from the API trace (`addTrack`, `addTransceiver`, `replaceTrack` send one;
//! `ontrack` receives one) and are bound to the `outbound-rtp` whose media source carries
//! their id, or the `inbound-rtp` with their `trackIdentifier`. A stats stream belongs to the
//! first track that claims it: a track that replaced another on the same sender has none of
//! its own. Dumps without such events (webrtc-internals) get one track per RTP stream.

use serde_json::Value;

use super::{Fields, number, put};
use crate::model::{PeerConnection, Report, Timestamp};

/// A track as the trace announces it.
struct TrackInfo<'a> {
    kind: String,
    id: String,
    outbound: bool,
    start: f64,
    stats: Option<&'a Report>,
}

/// The track features of `pc`, by start time.
pub fn features(pc: &PeerConnection) -> Vec<Fields> {
    let mut tracks = announced(pc);
    tracks.sort_by(|a, b| a.start.total_cmp(&b.start));
    let mut claimed: Vec<&str> = Vec::new();
    for t in &mut tracks {
        t.stats = rtp_report(pc, t).filter(|r| !claimed.contains(&r.id.as_str()));
        if let Some(r) = t.stats {
            claimed.push(r.id.as_str());
        }
    }
    if tracks.is_empty() {
        tracks = from_stats(pc);
    }
    let streams = crate::analyze::findings::streams(pc);
    tracks
        .iter()
        .map(|t| {
            let mut f = track_features(pc, t);
            if let Some(r) = t.stats {
                let stream = streams.iter().find(|s| std::ptr::eq(s.report, r));
                super::extra::track(&mut f, stream, r, !t.outbound);
            }
            f
        })
        .collect()
}

/// `[kind, id, …]` of a track value.
fn kind_and_id(v: &Value) -> Option<(String, String)> {
    let kind = v.get(0)?.as_str()?;
    let id = v.get(1)?.as_str()?;
    Some((kind.to_owned(), id.to_owned()))
}

fn announced(pc: &PeerConnection) -> Vec<TrackInfo<'_>> {
    let mut out = Vec::new();
    for e in &pc.events {
        let (track, outbound) = match e.name.as_str() {
            "addTrack" => (kind_and_id(&e.value), true),
            "addTransceiver" => (e.value.get(0).and_then(kind_and_id), true),
            "replaceTrack" => (e.value.get(1).and_then(kind_and_id), true),
            "track" => (kind_and_id(&e.value), false),
            _ => continue,
        };
        if let Some((kind, id)) = track {
            out.push(TrackInfo {
                kind,
                id,
                outbound,
                start: e.time.0,
                stats: None,
            });
        }
    }
    out
}

/// The RTP stream of a track: `inbound-rtp.trackIdentifier`, or the media source of an
/// `outbound-rtp` (or its own `trackIdentifier` in older Chrome).
fn rtp_report<'a>(pc: &'a PeerConnection, t: &TrackInfo<'_>) -> Option<&'a Report> {
    let has_id = |r: &Report| {
        r.attribute("trackIdentifier")
            .is_some_and(|a| a.changes.iter().any(|(_, v)| v.as_text() == t.id))
    };
    let wanted = if t.outbound {
        "outbound-rtp"
    } else {
        "inbound-rtp"
    };
    pc.stats
        .reports
        .iter()
        .filter(|r| r.report_type == wanted)
        .find(|r| {
            has_id(r)
                || r.attribute("mediaSourceId").is_some_and(|a| {
                    a.changes
                        .iter()
                        .filter_map(|(_, v)| pc.stats.report(&v.as_text()))
                        .any(has_id)
                })
        })
}

fn from_stats(pc: &PeerConnection) -> Vec<TrackInfo<'_>> {
    pc.stats
        .reports
        .iter()
        .filter(|r| matches!(r.report_type.as_str(), "inbound-rtp" | "outbound-rtp"))
        .filter_map(|r| {
            let outbound = r.report_type == "outbound-rtp";
            let id = r
                .last_text("trackIdentifier")
                .map(|v| v.as_text().into_owned())
                .or_else(|| {
                    let source = r.last_text("mediaSourceId")?.as_text().into_owned();
                    let s = pc.stats.report(&source)?;
                    Some(s.last_text("trackIdentifier")?.as_text().into_owned())
                })
                .unwrap_or_else(|| r.id.to_string());
            Some(TrackInfo {
                kind: r.kind()?,
                id,
                outbound,
                start: r.timestamps.first()?.0,
                stats: Some(r),
            })
        })
        .collect()
}

fn track_features(pc: &PeerConnection, t: &TrackInfo<'_>) -> Fields {
    let mut f = Fields::new();
    let video = t.kind == "video";
    if let Some(r) = t.stats {
        codec(&mut f, pc, r);
    }
    f.insert(
        "direction".into(),
        Value::from(if t.outbound { "outbound" } else { "inbound" }),
    );
    if let (Some(r), false, true) = (t.stats, t.outbound, video) {
        let null = r.attribute("decoderImplementation").is_some_and(|a| {
            a.changes
                .iter()
                .any(|(_, v)| v.as_text() == "NullVideoDecoder")
        });
        f.insert("hasNullVideoDecoder".into(), Value::Bool(null));
    }
    f.insert("kind".into(), Value::from(t.kind.clone()));
    put(&mut f, "startTime", number(t.start));
    if !t.outbound {
        let unmuted = pc.events.iter().find(|e| {
            e.name == "MediaStreamTrack.onunmute" && e.value == t.id.as_str() && e.time.0 >= t.start
        });
        put(
            &mut f,
            "timeToFirstFrame",
            unmuted.and_then(|e| number(e.time.0 - t.start)),
        );
    }
    f.insert("trackIdentifier".into(), Value::from(t.id.clone()));
    let Some(r) = t.stats else {
        f.insert("duration".into(), Value::from(0));
        return f;
    };
    if video {
        resolution(&mut f, r);
    }
    last_stats(&mut f, pc, r, t);
    f
}

fn codec(f: &mut Fields, pc: &PeerConnection, r: &Report) {
    // The first codec the stream referenced.
    let Some(codec) = r.attribute("codecId").and_then(|a| {
        a.changes
            .iter()
            .find_map(|(_, v)| pc.stats.report(&v.as_text()))
    }) else {
        return;
    };
    put(
        f,
        "codecMimeType",
        codec
            .attribute("mimeType")
            .and_then(|a| a.changes.first())
            .map(|(_, v)| Value::from(v.as_text().into_owned())),
    );
    let fmtp = codec
        .attribute("sdpFmtpLine")
        .and_then(|a| a.changes.first())
        .map_or_else(String::new, |(_, v)| v.as_text().into_owned());
    f.insert("codecSdpFmtpLine".into(), Value::from(fmtp));
}

/// Mode, minimum and maximum of the frame size over every sample that has one.
fn resolution(f: &mut Fields, r: &Report) {
    let (Some(w), Some(h)) = (r.dense("frameWidth"), r.dense("frameHeight")) else {
        return;
    };
    let pairs: Vec<(f64, f64)> = w
        .iter()
        .zip(&h)
        .filter(|(w, h)| **w > 0.0 && **h > 0.0)
        .map(|(w, h)| (*w, *h))
        .collect();
    if pairs.is_empty() {
        return;
    }
    let stats = |values: Vec<f64>| {
        // The most frequent value; ties go to the smallest, as JS's integer-keyed objects
        // enumerate keys in ascending order.
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let mut best = (sorted[0], 0usize);
        let mut i = 0;
        while i < sorted.len() {
            let j = sorted[i..].iter().take_while(|v| **v == sorted[i]).count();
            if j > best.1 {
                best = (sorted[i], j);
            }
            i += j;
        }
        (best.0, sorted[0], sorted[sorted.len() - 1])
    };
    let (cw, minw, maxw) = stats(pairs.iter().map(|p| p.0).collect());
    let (ch, minh, maxh) = stats(pairs.iter().map(|p| p.1).collect());
    for (name, v) in [
        ("commonHeight", ch),
        ("commonWidth", cw),
        ("maxHeight", maxh),
        ("maxWidth", maxw),
        ("minHeight", minh),
        ("minWidth", minw),
    ] {
        put(f, name, number(v));
    }
}

/// The value of a stat in the last sample of the stream (numbers and text alike).
fn last(r: &Report, name: &str, at: Timestamp) -> Option<Value> {
    if let Some(s) = r.series(name) {
        let i = r.timestamps.iter().rposition(|t| *t == at)?;
        let v = s.values.get(i.checked_sub(s.start)?)?;
        return number(v);
    }
    let (t, v) = r.attribute(name)?.changes.last()?;
    (t.0 <= at.0).then(|| match v {
        crate::model::StatValue::Bool(b) => Value::Bool(*b),
        other => Value::from(other.as_text().into_owned()),
    })
}

fn ratio(r: &Report, a: &str, b: &str, at: Timestamp) -> Option<Value> {
    let x = last(r, a, at)?.as_f64()?;
    let y = last(r, b, at)?.as_f64()?;
    number(x / y)
}

fn last_stats(f: &mut Fields, pc: &PeerConnection, r: &Report, t: &TrackInfo<'_>) {
    let Some(&at) = r.timestamps.last() else {
        f.insert("duration".into(), Value::from(0));
        return;
    };
    // From the getStats call that took the last report, as rtcstats measures it.
    let end = super::connection::poll_time(pc, at);
    put(f, "duration", number((end - t.start).floor()));
    let video = t.kind == "video";
    let copy = |f: &mut Fields, names: &[&str]| {
        for n in names {
            put(f, n, last(r, n, at));
        }
    };
    if video {
        let frames = if t.outbound {
            "framesEncoded"
        } else {
            "framesDecoded"
        };
        let keys = if t.outbound {
            "keyFramesEncoded"
        } else {
            "keyFramesDecoded"
        };
        put(f, "frameCount", last(r, frames, at));
        put(f, "keyFrameCount", last(r, keys, at));
        copy(f, &["qpSum"]);
    }
    if video || t.outbound {
        copy(f, &["nackCount"]);
    }
    if video {
        copy(f, &["pliCount", "firCount"]);
    }
    if t.outbound {
        if video {
            outbound_video(f, r, at);
        }
        copy(f, &["packetsSentWithEct1"]);
        // L4S counters of the remote side.
        if let Some(remote) = r
            .last_text("remoteId")
            .and_then(|id| pc.stats.report(&id.as_text()))
            && let Some(&rat) = remote.timestamps.last()
        {
            for n in [
                "packetsReceivedWithEct1",
                "packetsReceivedWithCe",
                "packetsWithBleachedEct1Marking",
            ] {
                put(f, n, last(remote, n, rat));
            }
        }
    } else if video {
        copy(
            f,
            &[
                "freezeCount",
                "totalFreezesDuration",
                "framesDropped",
                "decoderImplementation",
                "powerEfficientDecoder",
            ],
        );
        jitter_buffer(f, r, at);
        copy(
            f,
            &["framesAssembledFromMultiplePackets", "totalAssemblyTime"],
        );
        put(
            f,
            "averageDecodeTime",
            ratio(r, "totalDecodeTime", "framesDecoded", at),
        );
        put(
            f,
            "averageInterFrameDelay",
            ratio(r, "totalInterFrameDelay", "framesDecoded", at),
        );
        averages(f, r, at);
        put(
            f,
            "averageAssemblyTime",
            ratio(
                r,
                "totalAssemblyTime",
                "framesAssembledFromMultiplePackets",
                at,
            ),
        );
    } else {
        jitter_buffer(f, r, at);
        copy(f, &["concealedSamples", "totalSamplesReceived"]);
        put(
            f,
            "concealmentPercentage",
            ratio(r, "concealedSamples", "totalSamplesReceived", at),
        );
        copy(
            f,
            &[
                "insertedSamplesForDeceleration",
                "removedSamplesForAcceleration",
            ],
        );
        put(
            f,
            "decelerationPercentage",
            ratio(
                r,
                "insertedSamplesForDeceleration",
                "totalSamplesReceived",
                at,
            ),
        );
        put(
            f,
            "accelerationPercentage",
            ratio(
                r,
                "removedSamplesForAcceleration",
                "totalSamplesReceived",
                at,
            ),
        );
        averages(f, r, at);
        if let Some(flushes) = r.series("jitterBufferFlushes") {
            put(f, "jitterBufferFlushes", last(r, "jitterBufferFlushes", at));
            let times: Vec<f64> = increments(r, flushes);
            f.insert(
                "hasPeriodicJitterBufferFlushes".into(),
                Value::Bool(periodic(&times)),
            );
        }
    }
}

fn outbound_video(f: &mut Fields, r: &Report, at: Timestamp) {
    if let Some(durations) = r.last_members("qualityLimitationDurations") {
        let total: f64 = durations.iter().map(|(_, v)| v).sum();
        let of = |key: &str| {
            durations
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(0.0, |(_, v)| *v)
        };
        for (name, key) in [
            ("bandwidthQualityLimitationPercentage", "bandwidth"),
            ("cpuQualityLimitationPercentage", "cpu"),
            ("otherQualityLimitationPercentage", "other"),
        ] {
            put(f, name, number(of(key) / total));
        }
    }
    put(
        f,
        "qualityLimitationResolutionChanges",
        last(r, "qualityLimitationResolutionChanges", at),
    );
    put(
        f,
        "averageEncodeTime",
        ratio(r, "totalEncodeTime", "framesEncoded", at),
    );
    for n in [
        "rid",
        "encodingIndex",
        "encoderImplementation",
        "powerEfficientEncoder",
    ] {
        put(f, n, last(r, n, at));
    }
    // The per-plane sums only mean something next to their count.
    let measurements = last(r, "psnrMeasurements", at);
    if measurements.is_some() {
        for (name, plane) in [("psnrSumY", "y"), ("psnrSumU", "u"), ("psnrSumV", "v")] {
            put(f, name, last(r, &format!("psnrSum.{plane}"), at));
        }
    }
    put(f, "psnrMeasurements", measurements);
}

fn jitter_buffer(f: &mut Fields, r: &Report, at: Timestamp) {
    for n in [
        "jitterBufferDelay",
        "jitterBufferMinimumDelay",
        "jitterBufferTargetDelay",
        "jitterBufferEmittedCount",
        "totalProcessingDelay",
    ] {
        put(f, n, last(r, n, at));
    }
}

fn averages(f: &mut Fields, r: &Report, at: Timestamp) {
    put(
        f,
        "averageJitterBufferDelay",
        ratio(r, "jitterBufferDelay", "jitterBufferEmittedCount", at),
    );
    put(
        f,
        "averageProcessingDelay",
        ratio(r, "totalProcessingDelay", "jitterBufferEmittedCount", at),
    );
}

/// The times at which a counter went up.
fn increments(r: &Report, s: &crate::model::Series) -> Vec<f64> {
    let pts: Vec<(Timestamp, f64)> = s.points(&r.timestamps).collect();
    pts.windows(2)
        .filter(|w| w[1].1 > w[0].1)
        .map(|w| w[1].0.0)
        .collect()
}

/// At least three increments, spaced regularly about four seconds apart (NetEq's periodic
/// flush pathology): every spacing within 3–5 s.
fn periodic(times: &[f64]) -> bool {
    times.len() >= 3
        && times
            .windows(2)
            .all(|w| (3000.0..=5000.0).contains(&(w[1] - w[0])))
}
