//! The media streams of a connection, with the per-poll measures the rules look at: loss,
//! jitter and round-trip time, wherever each direction reports them.

use crate::analyze::compare::loss_percent;
use crate::model::{PeerConnection, Report};

/// A measure over time: `(epoch ms, value)`, and the series it came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measure {
    /// The points.
    pub points: Vec<(f64, f64)>,
    /// `(report id, stat)` it was read from.
    pub source: Option<(String, String)>,
}

/// One RTP stream of a connection.
#[derive(Debug, Clone)]
pub struct Stream<'a> {
    /// Its `inbound-rtp` or `outbound-rtp` report.
    pub report: &'a Report,
    /// Received (true) or sent.
    pub inbound: bool,
    /// `audio` or `video`.
    pub kind: String,
    /// How findings name it: `inbound video ssrc 123`.
    pub label: String,
    /// The codec's MIME type, when known (`audio/opus`).
    pub codec: Option<String>,
    /// Packet loss per interval, %: from the counters inbound, from the remote's
    /// `fractionLost` outbound.
    pub loss: Measure,
    /// Jitter, ms: our own inbound, the remote's outbound.
    pub jitter: Measure,
    /// Round-trip time, ms (RTCP), from the remote report.
    pub rtt: Measure,
}

/// The RTP streams of `pc` with their measures.
pub fn streams(pc: &PeerConnection) -> Vec<Stream<'_>> {
    let stats = &pc.stats;
    stats
        .reports
        .iter()
        .filter(|r| matches!(r.report_type.as_str(), "inbound-rtp" | "outbound-rtp"))
        .filter_map(|r| {
            let inbound = r.report_type == "inbound-rtp";
            let kind = r.kind()?;
            let ssrc = r
                .series("ssrc")
                .and_then(|s| s.values.iter().rev().find(|v| !v.is_nan()));
            let label = match ssrc {
                Some(s) => format!(
                    "{} {kind} ssrc {s}",
                    if inbound { "inbound" } else { "outbound" }
                ),
                None => format!(
                    "{} {kind} {}",
                    if inbound { "inbound" } else { "outbound" },
                    r.id
                ),
            };
            let codec = r
                .last_text("codecId")
                .and_then(|id| stats.report(&id.as_text()))
                .and_then(|c| c.last_text("mimeType"))
                .map(|m| m.as_text().into_owned());
            // The remote's view of what we send: remote-inbound-rtp with our ssrc.
            let remote = (!inbound)
                .then(|| {
                    stats.reports.iter().find(|x| {
                        x.report_type == "remote-inbound-rtp"
                            && (x
                                .last_text("localId")
                                .is_some_and(|l| l.as_text() == r.id.as_str())
                                || (ssrc.is_some()
                                    && x.series("ssrc").and_then(|s| s.values.last()) == ssrc))
                    })
                })
                .flatten();
            let (loss, jitter, rtt) = if inbound {
                (
                    counters_loss(r),
                    scaled(r, "jitter", 1000.0),
                    Measure::default(),
                )
            } else {
                match remote {
                    Some(x) => (
                        scaled(x, "fractionLost", 100.0),
                        scaled(x, "jitter", 1000.0),
                        scaled(x, "roundTripTime", 1000.0),
                    ),
                    None => Default::default(),
                }
            };
            Some(Stream {
                report: r,
                inbound,
                kind,
                label,
                codec,
                loss,
                jitter,
                rtt,
            })
        })
        .collect()
}

fn scaled(r: &Report, stat: &str, k: f64) -> Measure {
    let Some(s) = r.series(stat) else {
        return Measure::default();
    };
    Measure {
        points: s.points(&r.timestamps).map(|(t, v)| (t.0, v * k)).collect(),
        source: Some((r.id.to_string(), stat.to_owned())),
    }
}

fn counters_loss(r: &Report) -> Measure {
    let (Some(lost), Some(received)) = (r.dense("packetsLost"), r.dense("packetsReceived")) else {
        return Measure::default();
    };
    let points = (1..r.timestamps.len())
        .filter_map(|k| {
            let p = loss_percent(&lost[k - 1..=k], &received[k - 1..=k]);
            p.first().map(|v| (r.timestamps[k].0, *v))
        })
        .collect();
    Measure {
        points,
        source: Some((r.id.to_string(), "packetsLost".to_owned())),
    }
}

/// The longest stretch where the mean over the trailing `window` ms exceeds `limit`: from
/// its first to its last point above `limit`, lasting at least half a window (one bad poll
/// is not a condition). Returns `(start, end, mean of the points in it)`.
pub fn sustained(points: &[(f64, f64)], limit: f64, window: f64) -> Option<(f64, f64, f64)> {
    let mut lo = 0;
    let mut sum = 0.0;
    let above: Vec<bool> = points
        .iter()
        .enumerate()
        .map(|(i, &(t, v))| {
            sum += v;
            while points[lo].0 < t - window {
                sum -= points[lo].1;
                lo += 1;
            }
            sum / (i - lo + 1) as f64 > limit
        })
        .collect();
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < above.len() {
        if !above[i] {
            i += 1;
            continue;
        }
        let run_end = i + above[i..].iter().take_while(|a| **a).count();
        // The run's windows reach back one window before its first point.
        let begin = points.partition_point(|p| p.0 < points[i].0 - window);
        let first = (begin..run_end).find(|&k| points[k].1 > limit);
        let last = (begin..run_end).rev().find(|&k| points[k].1 > limit);
        if let (Some(f), Some(l)) = (first, last)
            && points[l].0 - points[f].0 >= window / 2.0
            && best.is_none_or(|(bf, bl)| points[l].0 - points[f].0 > points[bl].0 - points[bf].0)
        {
            best = Some((f, l));
        }
        i = run_end;
    }
    let (f, l) = best?;
    let slice = &points[f..=l];
    let mean = slice.iter().map(|p| p.1).sum::<f64>() / slice.len() as f64;
    Some((points[f].0, points[l].0, mean))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sustained_finds_the_bad_stretch_only() {
        // 1 s polls: clean, then 10 s of 8 % loss, then clean; one lone spike earlier.
        let mut pts: Vec<(f64, f64)> = (0..60).map(|i| (f64::from(i) * 1000.0, 0.0)).collect();
        pts[5].1 = 50.0;
        for p in &mut pts[20..30] {
            p.1 = 8.0;
        }
        let (s, e, mean) = sustained(&pts, 4.0, 5000.0).unwrap();
        assert_eq!((s, e), (20_000.0, 29_000.0));
        assert!((mean - 8.0).abs() < 1e-9, "{mean}");
        assert!(sustained(&pts, 9.0, 5000.0).is_none());
        assert!(sustained(&[], 1.0, 5000.0).is_none());
    }
}
