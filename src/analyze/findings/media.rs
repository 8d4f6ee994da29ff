//! Media: video quality, audio concealment, the CPU, and media that stopped or never flowed.

use super::metrics::Stream;
use super::{Category, Ctx, Detail, Finding, Metric, Severity};
use crate::analyze::compare::percentile;
use crate::analyze::ice::num_at;
use crate::model::Report;

/// The media rules.
pub(super) fn rules(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    for s in &c.streams {
        if s.kind == "video" {
            if !c.t.video {
                continue;
            }
            if !s.inbound {
                quality_limited(c, s, out);
                encoder_fallback(c, s, out);
                per_frame(
                    c,
                    s,
                    "totalEncodeTime",
                    "framesEncoded",
                    Metric::EncodeTime,
                    c.t.encode_ms,
                    "high-encode-time",
                    out,
                );
            } else {
                counters(c, s, out);
                per_frame(
                    c,
                    s,
                    "totalDecodeTime",
                    "framesDecoded",
                    Metric::DecodeTime,
                    c.t.decode_ms,
                    "high-decode-time",
                    out,
                );
            }
            let warning = Severity::Warning;
            let height = (
                "frameHeight",
                Metric::FrameHeight,
                "resolution-drop",
                warning,
            );
            drop_of(c, s, height, out);
            let fps = (
                "framesPerSecond",
                Metric::FrameRate,
                "framerate-drop",
                warning,
            );
            drop_of(c, s, fps, out);
            if !s.inbound {
                // A cap (setParameters' maxBitrate) or the estimate pulling the encoder down.
                let target = (
                    "targetBitrate",
                    Metric::TargetBitrate,
                    "target-bitrate-drop",
                    Severity::Info,
                );
                drop_of(c, s, target, out);
            }
        } else if s.inbound {
            concealment(c, s, out);
            flushes(c, s, out);
        }
        if s.inbound {
            stopped(c, s, out);
        }
    }
    empty(c, out);
}

fn last_number(r: &Report, name: &str) -> Option<(f64, f64)> {
    let s = r.series(name)?;
    s.points(&r.timestamps).last().map(|(t, v)| (t.0, v))
}

fn span(r: &Report) -> (f64, f64) {
    (
        r.timestamps.first().map_or(f64::NAN, |t| t.0),
        r.timestamps.last().map_or(f64::NAN, |t| t.0),
    )
}

fn quality_limited(c: &Ctx<'_>, s: &Stream<'_>, out: &mut Vec<Finding>) {
    let Some(durations) = s.report.last_members("qualityLimitationDurations") else {
        return;
    };
    let total: f64 = durations.iter().map(|(_, v)| v).sum();
    if total <= 0.0 {
        return;
    }
    for (key, rule, category) in [
        ("bandwidth", "quality-limited-bandwidth", Category::Network),
        ("cpu", "quality-limited-cpu", Category::Cpu),
    ] {
        let spent = durations
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(0.0, |(_, v)| *v);
        let pct = 100.0 * spent / total;
        if pct > c.t.quality_limited_pct {
            // The range: from the first sample limited by this reason to the last.
            let reason = s.report.attribute("qualityLimitationReason");
            let changes = reason.map(|a| a.changes.as_slice()).unwrap_or_default();
            let start = changes
                .iter()
                .find(|(_, v)| v.as_text() == key)
                .map(|(t, _)| t.0);
            let end = changes
                .iter()
                .skip_while(|(t, _)| start.is_none_or(|st| t.0 <= st))
                .find(|(_, v)| v.as_text() != key)
                .map(|(t, _)| t.0)
                .or(s.report.timestamps.last().map(|t| t.0));
            let detail = Detail::Share {
                what: if key == "cpu" {
                    "CPU-limited"
                } else {
                    "bandwidth-limited"
                },
                pct,
                limit_pct: c.t.quality_limited_pct,
            };
            let mut f = c
                .finding(rule, Severity::Warning, category, detail)
                .on(s.label.clone())
                .series(
                    s.report.id.as_str(),
                    &format!("qualityLimitationDurations.{key}"),
                )
                .series(s.report.id.as_str(), "qualityLimitationReason");
            if let (Some(a), Some(b)) = (start, end) {
                f = f.during(a, b);
            }
            out.push(f);
        }
    }
}

fn encoder_fallback(c: &Ctx<'_>, s: &Stream<'_>, out: &mut Vec<Finding>) {
    let Some(a) = s.report.attribute("encoderImplementation") else {
        return;
    };
    let software = |name: &str| {
        let n = name.to_ascii_lowercase();
        n.contains("fallback")
            || n.contains("libvpx")
            || n.contains("openh264")
            || n.contains("libaom")
    };
    let hardware_before = a.changes.iter().position(|(_, v)| !software(&v.as_text()));
    let fallback =
        hardware_before.and_then(|i| a.changes[i..].iter().find(|(_, v)| software(&v.as_text())));
    if let Some((t, v)) = fallback {
        let detail = Detail::Encoder {
            implementation: v.as_text().into_owned(),
        };
        out.push(
            c.finding(
                "encoder-software-fallback",
                Severity::Warning,
                Category::Cpu,
                detail,
            )
            .on(s.label.clone())
            .at(t.0)
            .series(s.report.id.as_str(), "encoderImplementation"),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn per_frame(
    c: &Ctx<'_>,
    s: &Stream<'_>,
    total: &str,
    frames: &str,
    metric: Metric,
    limit: f64,
    rule: &'static str,
    out: &mut Vec<Finding>,
) {
    let (Some((t, sum)), Some((_, n))) =
        (last_number(s.report, total), last_number(s.report, frames))
    else {
        return;
    };
    if n <= 0.0 {
        return;
    }
    let ms = 1000.0 * sum / n;
    if ms > limit {
        let detail = Detail::Average {
            metric,
            value: ms,
            limit,
        };
        let (a, _) = span(s.report);
        out.push(
            c.finding(rule, Severity::Warning, Category::Cpu, detail)
                .on(s.label.clone())
                .during(a, t)
                .series(s.report.id.as_str(), total),
        );
    }
}

fn counters(c: &Ctx<'_>, s: &Stream<'_>, out: &mut Vec<Finding>) {
    let (a, b) = span(s.report);
    if let Some((_, freezes)) = last_number(s.report, "freezeCount")
        && freezes >= c.t.freezes
    {
        let detail = Detail::Count {
            what: "freeze",
            count: freezes as usize,
        };
        out.push(
            c.finding("video-freezes", Severity::Warning, Category::Video, detail)
                .on(s.label.clone())
                .during(a, b)
                .series(s.report.id.as_str(), "freezeCount"),
        );
    }
    if let Some((_, paused)) = last_number(s.report, "totalPausesDuration")
        && paused * 1000.0 > c.t.paused_ms
    {
        let detail = Detail::Took {
            what: "video paused",
            ms: paused * 1000.0,
            limit_ms: c.t.paused_ms,
        };
        out.push(
            c.finding("video-paused", Severity::Warning, Category::Video, detail)
                .on(s.label.clone())
                .during(a, b)
                .series(s.report.id.as_str(), "totalPausesDuration"),
        );
    }
}

/// A stat falling below `drop_ratio` of its median, for at least `sustained_ms`, while the
/// stream goes on.
fn drop_of(
    c: &Ctx<'_>,
    s: &Stream<'_>,
    (stat, metric, rule, severity): (&str, Metric, &'static str, Severity),
    out: &mut Vec<Finding>,
) {
    let Some(series) = s.report.series(stat) else {
        return;
    };
    let pts: Vec<(f64, f64)> = series
        .points(&s.report.timestamps)
        .map(|(t, v)| (t.0, v))
        .collect();
    let values: Vec<f64> = pts.iter().map(|p| p.1).collect();
    let (Some(median), Some(top)) = (percentile(&values, 50.0), percentile(&values, 100.0)) else {
        return;
    };
    // Heights and bitrate targets fall from their best; frame rates from their usual.
    let from_top = matches!(metric, Metric::FrameHeight | Metric::TargetBitrate);
    let reference = if from_top { top } else { median };
    if reference <= 0.0 {
        return;
    }
    let Some(k) = pts
        .iter()
        .position(|p| p.1 > 0.0 && p.1 < c.t.drop_ratio * reference)
    else {
        return;
    };
    let run = pts[k..]
        .iter()
        .take_while(|p| p.1 < c.t.drop_ratio * reference)
        .count();
    let end = pts[k + run - 1].0;
    // The last samples of a stream that is ending are not a drop.
    let ends_there = k + run == pts.len();
    if end - pts[k].0 < c.t.sustained_ms || (ends_there && metric == Metric::FrameRate) {
        return;
    }
    let before = pts[..k]
        .iter()
        .map(|p| p.1)
        .fold(reference, |a, b| if from_top { a.max(b) } else { a });
    // A target settles where it was capped: say where it ended up.
    let to = if metric == Metric::TargetBitrate {
        pts[k + run - 1].1
    } else {
        pts[k].1
    };
    let detail = Detail::Fell {
        metric,
        from: before,
        to,
    };
    let category = if metric == Metric::TargetBitrate {
        Category::Network
    } else {
        Category::Video
    };
    out.push(
        c.finding(rule, severity, category, detail)
            .on(s.label.clone())
            .during(pts[k].0, end)
            .series(s.report.id.as_str(), stat),
    );
}

fn concealment(c: &Ctx<'_>, s: &Stream<'_>, out: &mut Vec<Finding>) {
    let (Some((t, concealed)), Some((_, total))) = (
        last_number(s.report, "concealedSamples"),
        last_number(s.report, "totalSamplesReceived"),
    ) else {
        return;
    };
    if total <= 0.0 {
        return;
    }
    let pct = 100.0 * concealed / total;
    if pct > c.t.concealment_pct {
        let detail = Detail::Average {
            metric: Metric::Concealment,
            value: pct,
            limit: c.t.concealment_pct,
        };
        let (a, _) = span(s.report);
        out.push(
            c.finding(
                "audio-concealment",
                Severity::Warning,
                Category::Audio,
                detail,
            )
            .on(s.label.clone())
            .during(a, t)
            .series(s.report.id.as_str(), "concealedSamples"),
        );
    }
}

/// `jitterBufferFlushes` going up every 3–5 s, at least three times: NetEq's periodic flush.
fn flushes(c: &Ctx<'_>, s: &Stream<'_>, out: &mut Vec<Finding>) {
    let Some(series) = s.report.series("jitterBufferFlushes") else {
        return;
    };
    let pts: Vec<(f64, f64)> = series
        .points(&s.report.timestamps)
        .map(|(t, v)| (t.0, v))
        .collect();
    let ups: Vec<f64> = pts
        .windows(2)
        .filter(|w| w[1].1 > w[0].1)
        .map(|w| w[1].0)
        .collect();
    let periodic = ups.len() >= 3
        && ups
            .windows(2)
            .all(|w| (3000.0..=5000.0).contains(&(w[1] - w[0])));
    if periodic {
        let detail = Detail::Count {
            what: "jitter buffer flush",
            count: ups.len(),
        };
        out.push(
            c.finding(
                "periodic-jitter-buffer-flushes",
                Severity::Warning,
                Category::Audio,
                detail,
            )
            .on(s.label.clone())
            .during(ups[0], ups[ups.len() - 1])
            .series(s.report.id.as_str(), "jitterBufferFlushes"),
        );
    }
}

/// Received media that stops for good while the connection stays up, with no renegotiation
/// near the stop that would explain it (a removed track).
fn stopped(c: &Ctx<'_>, s: &Stream<'_>, out: &mut Vec<Finding>) {
    let r = s.report;
    let Some(bytes) = r.dense("bytesReceived") else {
        return;
    };
    let Some(last_growth) = (1..bytes.len()).rev().find(|&k| bytes[k] > bytes[k - 1]) else {
        return;
    };
    let (Some(stop), Some(end)) = (r.timestamps.get(last_growth), r.timestamps.last()) else {
        return;
    };
    if end.0 - stop.0 < 2.0 * c.t.sustained_ms {
        return;
    }
    let near = |t: f64| (t - stop.0).abs() < 3000.0;
    let explained = c.pc.events.iter().any(|e| {
        near(e.time.0)
            && matches!(
                e.name.as_str(),
                "setRemoteDescription"
                    | "setLocalDescription"
                    | "removeTrack"
                    | "close"
                    | "MediaStreamTrack.onmute"
            )
    });
    let closed_or_down = c.pc.events.iter().any(|e| {
        e.time.0 <= end.0
            && e.time.0 >= stop.0 - 3000.0
            && (e.name == "close"
                || (e.name == "connectionstatechange" && e.value != "connected")
                || (e.name == "iceconnectionstatechange"
                    && !(e.value == "connected" || e.value == "completed")))
    });
    if explained || closed_or_down {
        return;
    }
    let detail = Detail::Took {
        what: "no media received",
        ms: end.0 - stop.0,
        limit_ms: 2.0 * c.t.sustained_ms,
    };
    out.push(
        c.finding(
            "media-stopped",
            Severity::Warning,
            if s.kind == "video" {
                Category::Video
            } else {
                Category::Audio
            },
            detail,
        )
        .on(s.label.clone())
        .during(stop.0, end.0)
        .series(r.id.as_str(), "bytesReceived"),
    );
}

/// Connected, but nothing beyond ICE ever flowed.
fn empty(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    let connected =
        c.pc.events
            .iter()
            .any(|e| e.name == "connectionstatechange" && e.value == "connected");
    if !connected {
        return;
    }
    let max_of = |stat: &str| -> f64 {
        c.pc.stats
            .reports
            .iter()
            .filter(|r| {
                matches!(
                    r.report_type.as_str(),
                    "transport" | "candidate-pair" | "data-channel"
                )
            })
            .filter_map(|r| {
                let t = *r.timestamps.last()?;
                num_at(r, stat, t)
            })
            .fold(0.0, f64::max)
    };
    let any_stats =
        c.pc.stats
            .reports
            .iter()
            .any(|r| r.report_type == "transport" || r.report_type == "candidate-pair");
    let rtp = c.streams.iter().any(|s| {
        let n = if s.inbound {
            "packetsReceived"
        } else {
            "packetsSent"
        };
        last_number(s.report, n).is_some_and(|(_, v)| v > 0.0)
    });
    let messages = max_of("messagesSent") + max_of("messagesReceived");
    // A few kB is DTLS and STUN, not media.
    if any_stats
        && !rtp
        && messages == 0.0
        && max_of("bytesReceived") < 10_000.0
        && max_of("bytesSent") < 10_000.0
    {
        out.push(c.finding(
            "empty-connection",
            Severity::Warning,
            Category::Connectivity,
            Detail::Plain,
        ));
    }
}
