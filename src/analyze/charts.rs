//! The default charts of a connection, as data: what `export --png` draws, one chart per
//! question a reader asks first (how much was sent and received, was there loss, jitter or
//! delay, how smooth and sharp was the video, what did the network allow).

use super::compare::loss_percent;
use super::plots::gap_ms;
use super::rates::derived_named;
use crate::model::{PeerConnection, Report};

/// One line of a chart: `(time ms since the connection was created, value)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Legend text.
    pub label: String,
    /// Points in time order.
    pub points: Vec<(f64, f64)>,
    /// Points further apart than this (ms) are not joined: see [`super::plots::gap_ms`].
    pub gap_ms: f64,
    /// The report the line was read from (so a finding's evidence can highlight it).
    pub report: String,
}

/// One chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File-name part (`video_bitrate`).
    pub name: &'static str,
    /// Title.
    pub title: String,
    /// Unit of the y axis.
    pub unit: &'static str,
    /// Its lines (possibly none: the chart then says so).
    pub lines: Vec<Line>,
}

/// The names of the default charts, in order.
pub const DEFAULT_CHARTS: [&str; 8] = [
    "video_bitrate",
    "audio_bitrate",
    "packet_loss",
    "jitter",
    "round_trip_time",
    "frames_per_second",
    "resolution",
    "available_outgoing_bitrate",
];

fn label(r: &Report, prefix: &str) -> String {
    let ssrc = r
        .series("ssrc")
        .and_then(|s| s.values.iter().rev().find(|v| !v.is_nan()));
    match ssrc {
        Some(s) => format!("{prefix} ssrc {s}"),
        None => format!("{prefix} {}", r.id),
    }
}

/// `(time, value)` of a series of the report (its own, or a derived rate it lacks), scaled.
fn points(r: &Report, name: &str, origin: f64, scale: f64) -> Vec<(f64, f64)> {
    let series = derived_named(r, name);
    series.map_or_else(Vec::new, |s| {
        s.points(&r.timestamps)
            .map(|(t, v)| (t.0 - origin, v * scale))
            .collect()
    })
}

/// The default charts of `pc`, in [`DEFAULT_CHARTS`] order.
pub fn default_charts(pc: &PeerConnection) -> Vec<Chart> {
    let origin = crate::analyze::origin(pc);
    let reports = |t: &'static str| pc.stats.reports.iter().filter(move |r| r.report_type == t);
    let mut charts = Vec::new();
    for (name, media) in [("video_bitrate", "video"), ("audio_bitrate", "audio")] {
        let mut lines = Vec::new();
        for r in reports("outbound-rtp").filter(|r| r.kind().unwrap_or_default() == media) {
            lines.push(Line {
                label: label(r, "sent"),
                points: points(r, "[bytesSent_in_bits/s]", origin, 1.0),
                gap_ms: gap_ms(&r.timestamps),
                report: r.id.to_string(),
            });
        }
        for r in reports("inbound-rtp").filter(|r| r.kind().unwrap_or_default() == media) {
            lines.push(Line {
                label: label(r, "received"),
                points: points(r, "[bytesReceived_in_bits/s]", origin, 1.0),
                gap_ms: gap_ms(&r.timestamps),
                report: r.id.to_string(),
            });
        }
        charts.push(Chart {
            name,
            title: format!("{media} bitrate"),
            unit: "bits/s",
            lines,
        });
    }
    let mut loss = Vec::new();
    for r in reports("inbound-rtp") {
        // Per-interval loss from the counters, placed at the end of each interval.
        let lost = r.series("packetsLost");
        let received = r.series("packetsReceived");
        if let (Some(_), Some(_)) = (lost, received) {
            let (l, rc) = (
                r.dense("packetsLost").unwrap_or_default(),
                r.dense("packetsReceived").unwrap_or_default(),
            );
            let mut pts = Vec::new();
            for k in 1..r.timestamps.len() {
                if let Some(p) = loss_percent(&l[k - 1..=k], &rc[k - 1..=k]).first() {
                    pts.push((r.timestamps[k].0 - origin, *p));
                }
            }
            loss.push(Line {
                label: format!("{} {}", label(r, "received"), r.kind().unwrap_or_default()),
                points: pts,
                gap_ms: gap_ms(&r.timestamps),
                report: r.id.to_string(),
            });
        }
    }
    for r in reports("remote-inbound-rtp") {
        loss.push(Line {
            label: format!(
                "{} {} (remote report)",
                label(r, "sent"),
                r.kind().unwrap_or_default()
            ),
            points: points(r, "fractionLost", origin, 100.0),
            gap_ms: gap_ms(&r.timestamps),
            report: r.id.to_string(),
        });
    }
    charts.push(Chart {
        name: "packet_loss",
        title: "packet loss".into(),
        unit: "%",
        lines: loss,
    });
    let mut jitter = Vec::new();
    for r in reports("inbound-rtp") {
        jitter.push(Line {
            label: format!("{} {}", label(r, "received"), r.kind().unwrap_or_default()),
            points: points(r, "jitter", origin, 1000.0),
            gap_ms: gap_ms(&r.timestamps),
            report: r.id.to_string(),
        });
    }
    for r in reports("remote-inbound-rtp") {
        jitter.push(Line {
            label: format!(
                "{} {} (remote report)",
                label(r, "sent"),
                r.kind().unwrap_or_default()
            ),
            points: points(r, "jitter", origin, 1000.0),
            gap_ms: gap_ms(&r.timestamps),
            report: r.id.to_string(),
        });
    }
    charts.push(Chart {
        name: "jitter",
        title: "jitter".into(),
        unit: "ms",
        lines: jitter,
    });
    let mut rtt = Vec::new();
    for r in reports("remote-inbound-rtp") {
        rtt.push(Line {
            label: format!("RTCP {} {}", label(r, "sent"), r.kind().unwrap_or_default()),
            points: points(r, "roundTripTime", origin, 1000.0),
            gap_ms: gap_ms(&r.timestamps),
            report: r.id.to_string(),
        });
    }
    for r in reports("candidate-pair") {
        let p = points(r, "currentRoundTripTime", origin, 1000.0);
        if !p.is_empty() {
            rtt.push(Line {
                label: format!("STUN pair {}", r.id),
                points: p,
                gap_ms: gap_ms(&r.timestamps),
                report: r.id.to_string(),
            });
        }
    }
    charts.push(Chart {
        name: "round_trip_time",
        title: "round-trip time".into(),
        unit: "ms",
        lines: rtt,
    });
    let mut fps = Vec::new();
    let mut res = Vec::new();
    for (t, prefix) in [("outbound-rtp", "sent"), ("inbound-rtp", "received")] {
        for r in reports(t).filter(|r| r.kind().unwrap_or_default() == "video") {
            fps.push(Line {
                label: label(r, prefix),
                points: points(r, "framesPerSecond", origin, 1.0),
                gap_ms: gap_ms(&r.timestamps),
                report: r.id.to_string(),
            });
            res.push(Line {
                label: format!("{} height", label(r, prefix)),
                points: points(r, "frameHeight", origin, 1.0),
                gap_ms: gap_ms(&r.timestamps),
                report: r.id.to_string(),
            });
        }
    }
    charts.push(Chart {
        name: "frames_per_second",
        title: "video frame rate".into(),
        unit: "fps",
        lines: fps,
    });
    charts.push(Chart {
        name: "resolution",
        title: "video resolution (frame height)".into(),
        unit: "px",
        lines: res,
    });
    let mut bwe = Vec::new();
    for r in reports("candidate-pair") {
        let p = points(r, "availableOutgoingBitrate", origin, 1.0);
        if !p.is_empty() {
            bwe.push(Line {
                label: format!("pair {}", r.id),
                points: p,
                gap_ms: gap_ms(&r.timestamps),
                report: r.id.to_string(),
            });
        }
    }
    charts.push(Chart {
        name: "available_outgoing_bitrate",
        title: "available outgoing bitrate (bandwidth estimate)".into(),
        unit: "bits/s",
        lines: bwe,
    });
    for c in &mut charts {
        c.lines.retain(|l| !l.points.is_empty());
    }
    charts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_chart_of_the_recorded_call_has_data() {
        let dump = crate::load::load(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/rtcstats-v3_loopback_30s.jsonl.br"
            ),
            None,
        )
        .unwrap();
        let charts = default_charts(&dump.peer_connections[0]);
        let names: Vec<&str> = charts.iter().map(|c| c.name).collect();
        assert_eq!(names, DEFAULT_CHARTS);
        for c in &charts {
            assert!(!c.lines.is_empty(), "{} has no line", c.name);
        }
        // Received video is 320x240.
        let res = charts.iter().find(|c| c.name == "resolution").unwrap();
        let received = res
            .lines
            .iter()
            .find(|l| l.label.starts_with("received"))
            .unwrap();
        assert_eq!(received.points.last().unwrap().1, 240.0);
    }
}
