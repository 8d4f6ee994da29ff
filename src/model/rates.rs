//! Chrome's derived metrics (the StatsRatesCalculator of webrtc-internals, FORMATS.md §6.1),
//! under the same bracketed names: computed for dumps that lack them, and recomputed from the
//! counters for webrtc-internals exports that carry them gappy.
//!
//! They sit in the model because they are part of what a stats dump says: the internals
//! decoder recomputes Chrome's own series with them, and analysis adds the missing ones.

use super::{Report, Series, Stats};

/// How one derived series is computed from two consecutive samples.
#[derive(Debug, Clone, Copy)]
enum Def {
    /// `1000·Δmetric/Δt`: `[metric/s]`.
    Rate(&'static str),
    /// `8·1000·Δmetric/Δt`, rounded: `[metric_in_bits/s]`.
    Bits(&'static str),
    /// `Δmetric/Δdenominator`: `[metric/denominator]`.
    Ratio(&'static str, &'static str),
    /// `1000·Δmetric/Δdenominator`: `[metric/denominator_in_ms]`.
    RatioMs(&'static str, &'static str),
    /// `sqrt(ΔtotalAudioEnergy/ΔtotalSamplesDuration)`: `[Audio_Level_in_RMS]`.
    AudioRms,
    /// The standard deviation of the inter-frame delay over the interval, in ms.
    InterFrameStDev,
    /// `framesReceived − framesDecoded − framesDropped` (current values, not deltas).
    FramesInFlight,
}

impl Def {
    fn name(self) -> String {
        match self {
            Def::Rate(m) => format!("[{m}/s]"),
            Def::Bits(m) => format!("[{m}_in_bits/s]"),
            Def::Ratio(m, d) => format!("[{m}/{d}]"),
            Def::RatioMs(m, d) => format!("[{m}/{d}_in_ms]"),
            Def::AudioRms => "[Audio_Level_in_RMS]".into(),
            Def::InterFrameStDev => "[interFrameDelayStDev_in_ms]".into(),
            Def::FramesInFlight => "[framesReceived-framesDecoded-framesDropped]".into(),
        }
    }
}

use Def::*;

fn defs(report_type: &str) -> &'static [Def] {
    match report_type {
        "data-channel" => &[
            Rate("messagesSent"),
            Rate("messagesReceived"),
            Bits("bytesSent"),
            Bits("bytesReceived"),
        ],
        "media-source" => &[AudioRms],
        "media-playout" => &[Ratio("totalPlayoutDelay", "totalSamplesCount")],
        "outbound-rtp" => &[
            Bits("bytesSent"),
            Bits("headerBytesSent"),
            Bits("retransmittedBytesSent"),
            Rate("packetsSent"),
            Rate("packetsSentWithEct1"),
            Rate("retransmittedPacketsSent"),
            RatioMs("totalPacketSendDelay", "packetsSent"),
            Rate("framesEncoded"),
            Rate("framesSent"),
            Bits("totalEncodedBytesTarget"),
            RatioMs("totalEncodeTime", "framesEncoded"),
            Ratio("qpSum", "framesEncoded"),
        ],
        "inbound-rtp" => &[
            Bits("bytesReceived"),
            Bits("headerBytesReceived"),
            Bits("retransmittedBytesReceived"),
            Bits("fecBytesReceived"),
            Rate("packetsReceived"),
            Rate("packetsReceivedWithEct1"),
            Rate("packetsReceivedWithCe"),
            Rate("packetsReportedAsLost"),
            Rate("packetsReportedAsLostButRecovered"),
            Rate("packetsDiscarded"),
            Rate("retransmittedPacketsReceived"),
            Rate("fecPacketsReceived"),
            Rate("fecPacketsDiscarded"),
            Rate("framesReceived"),
            FramesInFlight,
            Rate("framesDecoded"),
            Rate("keyFramesDecoded"),
            RatioMs("totalDecodeTime", "framesDecoded"),
            RatioMs("totalInterFrameDelay", "framesDecoded"),
            InterFrameStDev,
            Rate("totalSamplesReceived"),
            Rate("concealedSamples"),
            Ratio("concealedSamples", "totalSamplesReceived"),
            Rate("silentConcealedSamples"),
            Rate("insertedSamplesForDeceleration"),
            Rate("removedSamplesForAcceleration"),
            Ratio("qpSum", "framesDecoded"),
            Ratio("totalCorruptionProbability", "corruptionMeasurements"),
            AudioRms,
            RatioMs("jitterBufferDelay", "jitterBufferEmittedCount"),
            RatioMs("jitterBufferTargetDelay", "jitterBufferEmittedCount"),
            RatioMs("jitterBufferMinimumDelay", "jitterBufferEmittedCount"),
            RatioMs("totalProcessingDelay", "jitterBufferEmittedCount"),
            RatioMs("totalAssemblyTime", "framesAssembledFromMultiplePackets"),
        ],
        "remote-inbound-rtp" => &[
            Ratio("totalRoundTripTime", "roundTripTimeMeasurements"),
            Rate("packetsReceivedWithEct1"),
            Rate("packetsReceivedWithCe"),
            Rate("packetsReportedAsLost"),
            Rate("packetsReportedAsLostButRecovered"),
            Rate("packetsWithBleachedEct1Marking"),
        ],
        "remote-outbound-rtp" => &[Ratio("totalRoundTripTime", "roundTripTimeMeasurements")],
        "transport" => &[
            Bits("bytesSent"),
            Bits("bytesReceived"),
            Rate("packetsSent"),
            Rate("packetsReceived"),
            Rate("ccfbMessagesSent"),
            Rate("ccfbMessagesReceived"),
        ],
        "candidate-pair" => &[
            Bits("bytesSent"),
            Bits("bytesReceived"),
            Rate("packetsSent"),
            Rate("packetsReceived"),
            Ratio("totalRoundTripTime", "responsesReceived"),
        ],
        _ => &[],
    }
}

/// Computes one derived series, `None` when its inputs are absent or it never has a value.
// Each step reads sample `k` and `k - 1` of several columns: index loops say that best.
#[allow(clippy::needless_range_loop)]
fn compute(report: &Report, def: Def) -> Option<Series> {
    let t: Vec<f64> = report.timestamps.iter().map(|t| t.0).collect();
    let n = t.len();
    let mut out = vec![f64::NAN; n];
    let delta = |v: &[f64], k: usize| v[k] - v[k - 1];
    // Chrome computes nothing between two reports with the same timestamp (a remote report
    // not refreshed since the last poll), not even a ratio that needs no time.
    let advanced = |k: usize| t[k] > t[k - 1];
    match def {
        Rate(m) | Bits(m) => {
            let v = report.dense(m)?;
            for k in 1..n {
                let dt = t[k] - t[k - 1];
                if dt > 0.0 {
                    let r = 1000.0 * delta(&v, k) / dt;
                    out[k] = if matches!(def, Bits(_)) {
                        (8.0 * r).round()
                    } else {
                        r
                    };
                }
            }
        }
        Ratio(m, d) | RatioMs(m, d) => {
            let (v, w) = (report.dense(m)?, report.dense(d)?);
            for k in 1..n {
                let dd = delta(&w, k);
                if dd > 0.0 && advanced(k) {
                    let r = delta(&v, k) / dd;
                    out[k] = if matches!(def, RatioMs(..)) {
                        1000.0 * r
                    } else {
                        r
                    };
                }
            }
        }
        AudioRms => {
            let (e, d) = (
                report.dense("totalAudioEnergy")?,
                report.dense("totalSamplesDuration")?,
            );
            for k in 1..n {
                let dd = delta(&d, k);
                if dd > 0.0 && advanced(k) {
                    out[k] = (delta(&e, k) / dd).sqrt();
                }
            }
        }
        InterFrameStDev => {
            let sq = report.dense("totalSquaredInterFrameDelay")?;
            let sum = report.dense("totalInterFrameDelay")?;
            let frames = report.dense("framesDecoded")?;
            for k in 1..n {
                let count = delta(&frames, k);
                if count > 0.0 && advanced(k) {
                    let ds = delta(&sum, k);
                    let variance = (delta(&sq, k) - ds * ds / count) / count;
                    if variance >= 0.0 {
                        out[k] = 1000.0 * variance.sqrt();
                    }
                }
            }
        }
        FramesInFlight => {
            let r = report.dense("framesReceived")?;
            let dec = report.dense("framesDecoded")?;
            let drop = report.dense("framesDropped")?;
            for k in 0..n {
                out[k] = r[k] - dec[k] - drop[k];
            }
        }
    }
    for v in &mut out {
        if !v.is_finite() {
            *v = f64::NAN;
        }
    }
    let start = out.iter().position(|v| !v.is_nan())?;
    Some(Series {
        name: def.name(),
        start,
        values: out.split_off(start).into(),
    })
}

/// The derived series of `report` that it does not already have.
pub fn derived_series(report: &Report) -> Vec<Series> {
    defs(&report.report_type)
        .iter()
        .filter(|d| report.series(&d.name()).is_none())
        .filter_map(|d| compute(report, *d))
        .collect()
}

/// The derived series `name` of `report` (its own when it carries it), computing only that
/// one.
pub fn derived_named(report: &Report, name: &str) -> Option<Series> {
    if let Some(own) = report.series(name) {
        return Some(own.clone());
    }
    let def = defs(&report.report_type)
        .iter()
        .find(|d| d.name() == name)?;
    compute(report, *def)
}

/// Recomputes from their counters the derived series a dump already carries, in place.
///
/// webrtc-internals exports carry Chrome's own `[a/b]` ratios and `[x_in_bits/s]` rates. The
/// ratios are written only when `b` changes, so they are gappy and can be placed only by their
/// window (FORMATS.md §4.3); from the counters they are exact, at the exact poll times. A
/// carried series whose counters are absent is kept as Chrome wrote it. Returns how many
/// series were replaced.
pub fn recompute_carried(stats: &mut Stats) -> usize {
    stats
        .reports
        .iter_mut()
        .map(|r| recompute_report(r).len())
        .sum()
}

/// [`recompute_carried`] for one report. Returns the names of the series replaced.
pub fn recompute_report(report: &mut Report) -> Vec<String> {
    let mut replaced = Vec::new();
    for def in defs(&report.report_type) {
        let name = def.name();
        let Some(at) = report.series.iter().position(|s| s.name == name) else {
            continue;
        };
        if let Some(fresh) = compute(report, *def) {
            report.series[at] = fresh;
            replaced.push(name);
        }
    }
    replaced
}

/// Adds the missing derived series to every report. Returns how many were added.
pub fn add_derived(stats: &mut Stats) -> usize {
    let mut added = 0;
    for report in &mut stats.reports {
        let extra = derived_series(report);
        added += extra.len();
        report.series.extend(extra);
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ReportId, Timestamp};

    fn report(kind: &str, series: &[(&str, &[f64])]) -> Report {
        Report {
            id: ReportId::from("R"),
            report_type: kind.into(),
            timestamps: [1000.0, 2000.0, 3000.0, 3000.0].map(Timestamp).to_vec(),
            series: series
                .iter()
                .map(|(n, v)| Series {
                    name: (*n).into(),
                    start: 0,
                    values: v.to_vec().into(),
                })
                .collect(),
            attributes: vec![],
        }
    }

    fn values(r: &Report, name: &str) -> Vec<f64> {
        let s = derived_series(r)
            .into_iter()
            .find(|s| s.name == name)
            .unwrap();
        let mut v = vec![f64::NAN; s.start];
        v.extend(&s.values);
        v
    }

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-9)
    }

    #[test]
    fn rates_bits_and_ratios() {
        let r = report(
            "outbound-rtp",
            &[
                ("bytesSent", &[0.0, 1000.0, 3000.0, 4000.0]),
                ("framesEncoded", &[0.0, 30.0, 60.0, 60.0]),
                ("totalEncodeTime", &[0.0, 0.3, 0.9, 0.9]),
            ],
        );
        // Δt = 0 on the last sample: undefined.
        assert!(same(
            &values(&r, "[bytesSent_in_bits/s]"),
            &[f64::NAN, 8000.0, 16000.0, f64::NAN]
        ));
        assert!(same(
            &values(&r, "[framesEncoded/s]"),
            &[f64::NAN, 30.0, 30.0, f64::NAN]
        ));
        // Δframes = 0: undefined.
        assert!(same(
            &values(&r, "[totalEncodeTime/framesEncoded_in_ms]"),
            &[f64::NAN, 10.0, 20.0, f64::NAN]
        ));
    }

    #[test]
    fn inter_frame_stdev_and_frames_in_flight() {
        // Two intervals of 10 frames: constant 33 ms delays, then alternating 20/40 ms.
        let r = report(
            "inbound-rtp",
            &[
                ("framesDecoded", &[0.0, 10.0, 20.0, 20.0]),
                ("totalInterFrameDelay", &[0.0, 0.33, 0.63, 0.63]),
                (
                    "totalSquaredInterFrameDelay",
                    &[
                        0.0,
                        10.0 * 0.033 * 0.033,
                        10.0 * 0.033 * 0.033 + 5.0 * 0.0004 + 5.0 * 0.0016,
                        0.0,
                    ],
                ),
                ("framesReceived", &[1.0, 12.0, 22.0, 22.0]),
                ("framesDropped", &[0.0, 1.0, 1.0, 1.0]),
            ],
        );
        let sd = values(&r, "[interFrameDelayStDev_in_ms]");
        assert!(sd[1].abs() < 1e-6);
        assert!((sd[2] - 10.0).abs() < 1e-6, "{sd:?}");
        assert!(same(
            &values(&r, "[framesReceived-framesDecoded-framesDropped]"),
            &[1.0, 1.0, 1.0, 1.0]
        ));
    }

    #[test]
    fn audio_level_and_existing_series_are_not_recomputed() {
        let mut r = report(
            "media-source",
            &[
                ("totalAudioEnergy", &[0.0, 0.25, 0.25, 0.5]),
                ("totalSamplesDuration", &[0.0, 1.0, 2.0, 3.0]),
            ],
        );
        // The last report repeats the previous timestamp: nothing, as in Chrome.
        assert!(same(
            &values(&r, "[Audio_Level_in_RMS]"),
            &[f64::NAN, 0.5, 0.0, f64::NAN]
        ));
        r.series.push(Series {
            name: "[Audio_Level_in_RMS]".into(),
            start: 0,
            values: vec![1.0; 4].into(),
        });
        assert!(derived_series(&r).is_empty());
        let mut stats = Stats {
            reports: vec![report("codec", &[("clockRate", &[1.0; 4])])],
        };
        assert_eq!(add_derived(&mut stats), 0);
    }

    /// Chrome's own derived series in the recorded internals export, read from the raw JSON
    /// (the oracle, independent of our decoder): `(connection, report id, name, numeric values
    /// in order)`.
    fn chromes_derived_series() -> Vec<(String, String, String, Vec<f64>)> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/webrtc_internals_dump_v3_loopback_30s.gz"
        );
        let file = std::fs::File::open(path).unwrap();
        let doc: serde_json::Value =
            serde_json::from_reader(flate2::read::GzDecoder::new(file)).unwrap();
        let mut out = Vec::new();
        for (pc_id, pc) in doc["PeerConnections"].as_object().unwrap() {
            for (key, series) in pc["stats"].as_object().unwrap() {
                let Some((id, name)) = crate::decode::split_key(key) else {
                    continue;
                };
                let Some(values) = series["values"].as_str() else {
                    continue;
                };
                let values: Vec<serde_json::Value> = serde_json::from_str(values).unwrap();
                let numbers: Vec<f64> = values
                    .iter()
                    .filter_map(serde_json::Value::as_f64)
                    .collect();
                if name.starts_with('[') && !numbers.is_empty() {
                    out.push((pc_id.clone(), id.to_owned(), name.to_owned(), numbers));
                }
            }
        }
        out
    }

    /// The decoder recomputes Chrome's own derived series from the raw counters: the same
    /// values Chrome wrote, in the same order (rates within 1 bit/s, since Chrome rounds), each
    /// at a poll where its denominator (or the clock) moved.
    #[test]
    fn recomputed_series_carry_chromes_values() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/webrtc_internals_dump_v3_loopback_30s.gz"
        );
        let file = std::fs::File::open(path).unwrap();
        let dump =
            crate::decode::decode_reader(file, &crate::decode::DecodeOptions::default()).unwrap();
        let mut checked = std::collections::BTreeSet::new();
        for (pc, id, name, chrome) in chromes_derived_series() {
            let report = dump
                .peer_connections
                .iter()
                .find(|p| p.id.as_str() == pc)
                .and_then(|p| p.stats.report(&id))
                .unwrap();
            let Some(def) = defs(&report.report_type).iter().find(|d| d.name() == name) else {
                continue;
            };
            let ours: Vec<f64> = report
                .series(&name)
                .unwrap()
                .points(&report.timestamps)
                .map(|p| p.1)
                .collect();
            assert_eq!(ours.len(), chrome.len(), "{id} {name}");
            let tolerance = if matches!(def, Bits(_)) { 1.0 } else { 1e-9 };
            for (a, b) in ours.iter().zip(&chrome) {
                assert!(
                    (a - b).abs() <= tolerance * b.abs().max(1.0),
                    "{id} {name}: {a} vs Chrome {b}"
                );
            }
            if let Ratio(_, d) | RatioMs(_, d) = def {
                let count = report.dense(d).unwrap();
                for (t, _) in report.series(&name).unwrap().points(&report.timestamps) {
                    let k = report.timestamps.iter().position(|x| *x == t).unwrap();
                    assert!(count[k] > count[k - 1], "{id} {name} at {k}");
                }
            }
            checked.insert(name);
        }
        for name in [
            "[bytesSent_in_bits/s]",
            "[bytesReceived_in_bits/s]",
            "[totalRoundTripTime/roundTripTimeMeasurements]",
            "[totalRoundTripTime/responsesReceived]",
        ] {
            assert!(checked.contains(name), "{name} not checked: {checked:?}");
        }
    }
}
