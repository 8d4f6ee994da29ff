//! Every sample at its true time (FORMATS.md §4.3): webrtc-internals series sit inside their
//! own `startTime..endTime`, Chrome's gappy ratios are recomputed where they belong, and lines
//! break only at real gaps.

mod common;

use std::io::Read;

use common::{load, pc, report, shared};
use rtcscope::analyze::plots::{decimate, gap_ms};
use rtcscope::decode::split_key;
use rtcscope::model::{Dump, Report, Timestamp};
use serde_json::Value;

/// Every internals fixture with peer connections.
const INTERNALS: [&str; 2] = [
    "recorded/webrtc_internals_dump_v3_loopback_30s.txt",
    "recorded/webrtc_internals_dump_v3_loopback_30s.gz",
];

/// The raw document, read with serde_json alone: the oracle for the windows.
fn raw_document(rel: &str) -> Value {
    let mut bytes = Vec::new();
    std::fs::File::open(shared(rel))
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut text)
            .unwrap();
        bytes = text;
    }
    serde_json::from_slice(&bytes).unwrap()
}

fn iso_ms(v: &Value) -> f64 {
    let s = v.as_str().unwrap();
    rtcscope::decode::timefmt::parse_iso8601(s).unwrap_or_else(|| panic!("{s}"))
}

/// The decoded report, looked up by connection and id.
fn find<'a>(dump: &'a Dump, pc_id: &str, id: &str) -> Option<&'a Report> {
    dump.peer_connections
        .iter()
        .find(|p| p.id.as_str() == pc_id)?
        .stats
        .report(id)
}

#[test]
fn no_sample_lies_outside_its_series_window_in_any_internals_fixture() {
    for rel in INTERNALS {
        let doc = raw_document(rel);
        let dump = load(&shared(rel));
        let (mut series_checked, mut samples_checked) = (0, 0);
        for (pc_id, pc_doc) in doc["PeerConnections"].as_object().unwrap() {
            for (key, s) in pc_doc["stats"].as_object().unwrap() {
                let Some((id, name)) = split_key(key) else {
                    continue;
                };
                if s.get("startTime").is_none() || matches!(name, "timestamp" | "type") {
                    continue;
                }
                let (from, to) = (iso_ms(&s["startTime"]) - 1.0, iso_ms(&s["endTime"]) + 1.0);
                let r = find(&dump, pc_id, id).unwrap_or_else(|| panic!("{rel}: no report {id}"));
                let mut times: Vec<Timestamp> = Vec::new();
                if let Some(series) = r.series(name) {
                    times.extend(series.points(&r.timestamps).map(|p| p.0));
                }
                if let Some(attr) = r.attribute(name) {
                    times.extend(attr.changes.iter().map(|c| c.0));
                }
                for t in &times {
                    assert!(
                        t.0 >= from && t.0 <= to,
                        "{rel} {pc_id} {key}: sample at {t} outside {}..{}",
                        s["startTime"],
                        s["endTime"]
                    );
                }
                series_checked += 1;
                samples_checked += times.len();
            }
        }
        assert!(series_checked > 1500, "{rel}: {series_checked}");
        assert!(samples_checked > 20_000, "{rel}: {samples_checked}");
    }
}

/// The video sender added at +10.6 s and removed at +16.6 s (`removeTrack`, then a
/// renegotiation): its frame stats end with it, not at the end of the dump as they did when
/// aligned to the end of the report.
#[test]
fn the_removed_senders_frame_stats_end_with_it() {
    let dump = load(&shared(INTERNALS[0]));
    let a = pc(&dump, "8-1");
    let removed = a
        .events
        .iter()
        .find(|e| {
            e.name == "transceiverModified"
                && e.value["mid"] == "3"
                && e.value["sender"]["track"].is_null()
        })
        .expect("the removeTrack of mid 3")
        .time;
    // The next negotiation after the removal's own: the remote offer at +24.1 s.
    let next_offer = a
        .events
        .iter()
        .find(|e| e.name == "setRemoteDescription" && e.time.0 > removed.0 + 5000.0)
        .expect("the later remote offer")
        .time;
    let sender = report(a, "OT01V684699334");
    let last = |name: &str| {
        sender
            .series(name)
            .unwrap()
            .points(&sender.timestamps)
            .last()
            .unwrap()
            .0
    };
    let polls_after: Vec<f64> = sender
        .timestamps
        .iter()
        .map(|t| t.0)
        .filter(|t| *t > removed.0)
        .collect();
    // framesPerSecond stops at the first poll after the removal.
    assert_eq!(last("framesPerSecond").0, polls_after[0]);
    // The frame size outlives it by libwebrtc's 5 s stats timeout, never into the next
    // negotiation, and never to the end of the dump (+29 s).
    for name in ["frameHeight", "frameWidth", "framesPerSecond"] {
        let t = last(name);
        assert!(t.0 <= removed.0 + 5000.0, "{name} ends at {t}");
        assert!(t.0 < next_offer.0, "{name} ends at {t}");
        assert!(t.0 < sender.timestamps.last().unwrap().0 - 5000.0, "{name}");
    }
    // The encoder's rates, recomputed from its counters, show the frames stopping there too.
    let fps = sender.series("[framesEncoded/s]").unwrap();
    let last_frames = fps
        .points(&sender.timestamps)
        .filter(|p| p.1 > 0.0)
        .last()
        .unwrap()
        .0;
    assert_eq!(last_frames.0, polls_after[0]);
}

/// Chrome writes `[totalRoundTripTime/roundTripTimeMeasurements]` only when the count moves;
/// recomputed from the counters it puts each RTT peak where `roundTripTime` has it.
#[test]
fn rtt_ratio_and_round_trip_time_peak_together() {
    let dump = load(&shared(INTERNALS[0]));
    let mut checked = 0;
    for p in &dump.peer_connections {
        for r in p
            .stats
            .reports
            .iter()
            .filter(|r| r.report_type == "remote-inbound-rtp")
        {
            let peak = |name: &str| {
                r.series(name)
                    .unwrap()
                    .points(&r.timestamps)
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .unwrap()
                    .0
            };
            let ratio = "[totalRoundTripTime/roundTripTimeMeasurements]";
            assert_eq!(peak("roundTripTime"), peak(ratio), "{} {}", p.id, r.id);
            checked += 1;
        }
    }
    assert!(checked >= 4, "{checked}");
}

/// These Jitsi dumps are polled every 10 s: with a fixed 5 s threshold every sample was a
/// dot; now a line breaks only where polls are really missing.
#[test]
fn jitsi_lines_break_only_at_real_gaps() {
    let mut checked = 0;
    for rel in [
        "public/jitsi/firefox97-standard-stats-sfu",
        "public/jitsi/chrome-standard-pc-failed",
    ] {
        let dump = load(&shared(rel));
        for p in &dump.peer_connections {
            for r in &p.stats.reports {
                let gap = gap_ms(&r.timestamps);
                for s in &r.series {
                    let t: Vec<f64> = s.points(&r.timestamps).map(|p| p.0.0).collect();
                    if t.len() < 5 {
                        continue;
                    }
                    assert!(
                        (20_000.0..=30_000.0).contains(&gap),
                        "{rel} {}: {gap}",
                        r.id
                    );
                    let real_gaps = t.windows(2).filter(|w| w[1] - w[0] > gap).count();
                    let span = (t[0] / 1000.0 - 1.0, t[t.len() - 1] / 1000.0 + 1.0);
                    let segments = decimate(&r.timestamps, s, 0.0, 1000.0, span, 2000, gap);
                    assert_eq!(segments.len(), real_gaps + 1, "{rel} {} {}", r.id, s.name);
                    // The old fixed rule broke at every poll.
                    let fixed = decimate(&r.timestamps, s, 0.0, 1000.0, span, 2000, 5000.0);
                    assert_eq!(fixed.len(), t.len(), "{rel} {} {}", r.id, s.name);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 50, "{checked}");
}
