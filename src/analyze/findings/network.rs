//! Network: loss, jitter, round-trip time and the bandwidth estimate.

use super::metrics::{Measure, Stream, sustained};
use super::{Category, Ctx, Detail, Finding, Metric, Severity};
use crate::analyze::compare::percentile;

/// The network rules.
pub(super) fn rules(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    for s in &c.streams {
        if s.kind == "video" && !c.t.video {
            continue;
        }
        let loss_limit = loss_limit(c, s);
        check(
            c,
            s,
            &s.loss,
            Metric::PacketLoss,
            loss_limit,
            "high-packet-loss",
            out,
        );
        check(
            c,
            s,
            &s.jitter,
            Metric::Jitter,
            c.t.jitter_ms,
            "high-jitter",
            out,
        );
        check(
            c,
            s,
            &s.rtt,
            Metric::RoundTripTime,
            c.t.rtt_ms,
            "high-rtt",
            out,
        );
        invalid_loss(c, s, out);
    }
    pair_rtt(c, out);
    bandwidth_collapse(c, out);
}

/// Opus hides a few % of loss, G.711 almost none; video thresholds are the preset's.
fn loss_limit(c: &Ctx<'_>, s: &Stream<'_>) -> f64 {
    if s.kind == "video" {
        return c.t.loss_video_pct;
    }
    match s.codec.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("audio/pcmu" | "audio/pcma") => c.t.loss_g711_pct,
        _ => c.t.loss_opus_pct,
    }
}

fn check(
    c: &Ctx<'_>,
    s: &Stream<'_>,
    m: &Measure,
    metric: Metric,
    limit: f64,
    rule: &'static str,
    out: &mut Vec<Finding>,
) {
    let Some((start, end, mean)) = sustained(&m.points, limit, c.t.sustained_ms) else {
        return;
    };
    let detail = Detail::Average {
        metric,
        value: mean,
        limit,
    };
    let mut f = c
        .finding(rule, Severity::Warning, Category::Network, detail)
        .on(s.label.clone())
        .during(start, end);
    if let Some((report, stat)) = &m.source {
        f = f.series(report, stat);
    }
    out.push(f);
}

fn invalid_loss(c: &Ctx<'_>, s: &Stream<'_>, out: &mut Vec<Finding>) {
    let Some(series) = s.report.series("packetsLost") else {
        return;
    };
    if let Some((t, v)) = series
        .points(&s.report.timestamps)
        .find(|(_, v)| *v < c.t.invalid_loss)
    {
        let detail = Detail::Impossible {
            stat: "packetsLost",
            value: v,
        };
        out.push(
            c.finding(
                "invalid-packet-loss",
                Severity::Warning,
                Category::DataQuality,
                detail,
            )
            .on(s.label.clone())
            .at(t.0)
            .series(s.report.id.as_str(), "packetsLost"),
        );
    }
}

/// STUN round-trip time on the candidate pairs, when no RTCP RTT says it already.
fn pair_rtt(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    if out.iter().any(|f| f.rule == "high-rtt") {
        return;
    }
    for r in
        c.pc.stats
            .reports
            .iter()
            .filter(|r| r.report_type == "candidate-pair")
    {
        let Some(s) = r.series("currentRoundTripTime") else {
            continue;
        };
        let points: Vec<(f64, f64)> = s
            .points(&r.timestamps)
            .map(|(t, v)| (t.0, v * 1000.0))
            .collect();
        if let Some((start, end, mean)) = sustained(&points, c.t.rtt_ms, c.t.sustained_ms) {
            let detail = Detail::Average {
                metric: Metric::RoundTripTime,
                value: mean,
                limit: c.t.rtt_ms,
            };
            out.push(
                c.finding("high-rtt", Severity::Warning, Category::Network, detail)
                    .on(format!("candidate pair {}", r.id))
                    .during(start, end)
                    .series(r.id.as_str(), "currentRoundTripTime"),
            );
            return;
        }
    }
}

/// The available outgoing bitrate falling below `collapse_ratio` of its median so far, for
/// at least `sustained_ms`.
fn bandwidth_collapse(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    for r in
        c.pc.stats
            .reports
            .iter()
            .filter(|r| r.report_type == "candidate-pair")
    {
        let Some(s) = r.series("availableOutgoingBitrate") else {
            continue;
        };
        let pts: Vec<(f64, f64)> = s.points(&r.timestamps).map(|(t, v)| (t.0, v)).collect();
        // The reference is the median of the preceding 30 s (at most 64 samples), so the
        // scan stays linear in the length of the call.
        let median_before = |k: usize| {
            let from = pts[..k]
                .partition_point(|p| p.0 < pts[k].0 - 30_000.0)
                .max(k.saturating_sub(64));
            let window: Vec<f64> = pts[from..k].iter().map(|p| p.1).collect();
            percentile(&window, 50.0)
        };
        let mut k = 3;
        while k < pts.len() {
            let Some(median) = median_before(k) else {
                break;
            };
            if pts[k].1 >= c.t.collapse_ratio * median || median <= 0.0 {
                k += 1;
                continue;
            }
            let run = pts[k..]
                .iter()
                .take_while(|p| p.1 < c.t.collapse_ratio * median)
                .count();
            let end = pts[k + run - 1].0;
            if end - pts[k].0 >= c.t.sustained_ms {
                let low = pts[k..k + run]
                    .iter()
                    .map(|p| p.1)
                    .fold(f64::INFINITY, f64::min);
                let detail = Detail::Fell {
                    metric: Metric::AvailableBitrate,
                    from: median,
                    to: low,
                };
                out.push(
                    c.finding(
                        "bandwidth-collapse",
                        Severity::Warning,
                        Category::Network,
                        detail,
                    )
                    .on(format!("candidate pair {}", r.id))
                    .during(pts[k].0, end)
                    .series(r.id.as_str(), "availableOutgoingBitrate"),
                );
                return;
            }
            k += run;
        }
    }
}
