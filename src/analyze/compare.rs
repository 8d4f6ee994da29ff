//! Two sessions side by side: what each one's call looked like in numbers, and a table of A
//! against B with the worse value marked. Pure: the viewer's compare mode and the command line
//! read the same rows.

use serde::Serialize;

use super::ice::{describe, grid_at};
use super::rates::derived_named;
use super::states::{StateMachine, states_entered};
use crate::model::{PeerConnection, Report, Series, Timestamp};

/// The value at percentile `p` (0–100) of `values`, NaN ignored, by linear interpolation
/// between closest ranks.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let rank = (p / 100.0).clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    Some(v[lo] + (v[hi] - v[lo]) * (rank - lo as f64))
}

/// Per-interval packet loss in percent from cumulative counters: ΔpacketsLost /
/// (ΔpacketsLost + ΔpacketsReceived). Intervals with no packets, or counters that went back
/// (a restart), give no value.
pub fn loss_percent(lost: &[f64], received: &[f64]) -> Vec<f64> {
    lost.windows(2)
        .zip(received.windows(2))
        .filter_map(|(l, r)| {
            let (dl, dr) = (l[1] - l[0], r[1] - r[0]);
            (dr >= 0.0 && dl + dr > 0.0 && dl.is_finite() && dr.is_finite())
                .then(|| 100.0 * dl.max(0.0) / (dl.max(0.0) + dr))
        })
        .collect()
}

/// How two sessions are lined up on one time axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Alignment {
    /// Both start when their connection was created.
    Creation,
    /// Both start when their connection first reached `connected`.
    FirstConnected,
    /// B is shifted by this many milliseconds against creation alignment.
    Manual(f64),
}

/// The time (epoch ms) that becomes zero on the shared axis, for `pc`.
pub fn zero_of(pc: &PeerConnection, alignment: Alignment) -> Option<f64> {
    let created = pc.created.map(|t| t.0);
    match alignment {
        Alignment::Creation | Alignment::Manual(_) => created,
        Alignment::FirstConnected => first_connected(pc).or(created),
    }
}

/// The offset in milliseconds to add to B's times to put them on A's axis.
pub fn alignment_offset(
    a: &PeerConnection,
    b: &PeerConnection,
    alignment: Alignment,
) -> Option<f64> {
    let manual = if let Alignment::Manual(ms) = alignment {
        ms
    } else {
        0.0
    };
    Some(zero_of(a, alignment)? - zero_of(b, alignment)? + manual)
}

fn first_connected(pc: &PeerConnection) -> Option<f64> {
    pc.events
        .iter()
        .find(|e| {
            matches!(
                e.name.as_str(),
                "connectionstatechange" | "iceconnectionstatechange"
            ) && e.value.as_str() == Some("connected")
        })
        .map(|e| e.time.0)
}

/// Median and 95th percentile of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Dist {
    /// Median.
    pub median: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
}

impl Dist {
    fn of(values: &[f64]) -> Dist {
        Dist {
            median: percentile(values, 50.0),
            p95: percentile(values, 95.0),
        }
    }
}

/// One media direction and kind (`outbound video`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Direction {
    /// `outbound audio`, `inbound video`, …
    pub label: String,
    /// bits/s.
    pub bitrate: Dist,
    /// percent.
    pub loss_pct: Dist,
    /// ms.
    pub jitter_ms: Dist,
    /// ms.
    pub rtt_ms: Dist,
    /// frames/s (video).
    pub fps: Dist,
    /// Freezes (inbound video).
    pub freezes: Option<f64>,
    /// Seconds the encoder was limited (outbound video).
    pub quality_limited_s: Option<f64>,
}

/// What one session's connection looked like.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SessionSummary {
    /// First to last event or sample, ms.
    pub duration_ms: Option<f64>,
    /// Connection states entered.
    pub connection_states: Vec<String>,
    /// Creation to first `connected`, ms.
    pub setup_ms: Option<f64>,
    /// Selected candidate pairs over the call (`host udp … <=> srflx udp …`).
    pub selected_pairs: Vec<String>,
    /// Codecs in use (mimeType of the codecs the RTP streams used).
    pub codecs: Vec<String>,
    /// Per direction and kind.
    pub directions: Vec<Direction>,
}

fn series_values(report: &Report, name: &str) -> Vec<f64> {
    derived_named(report, name).map_or_else(Vec::new, |s: Series| s.values.into_vec())
}

/// Summarises a connection for comparison.
pub fn summarize_session(pc: &PeerConnection) -> SessionSummary {
    let span = super::time_span(pc);
    let end = span.map_or(Timestamp(f64::NAN), |(_, b)| Timestamp(b));
    let mut codecs: Vec<String> = Vec::new();
    for r in pc
        .stats
        .reports
        .iter()
        .filter(|r| matches!(r.report_type.as_str(), "inbound-rtp" | "outbound-rtp"))
    {
        if let Some(id) = r.last_text("codecId")
            && let Some(codec) = pc.stats.report(&id.as_text())
            && let Some(mime) = codec.last_text("mimeType")
        {
            let m = mime.as_text().into_owned();
            if !codecs.contains(&m) {
                codecs.push(m);
            }
        }
    }
    let mut directions = Vec::new();
    for (rtype, dir) in [("outbound-rtp", "outbound"), ("inbound-rtp", "inbound")] {
        for kind in ["audio", "video"] {
            let reports: Vec<&Report> = pc
                .stats
                .reports
                .iter()
                .filter(|r| r.report_type == rtype && r.kind().unwrap_or_default() == kind)
                .collect();
            if reports.is_empty() {
                continue;
            }
            let mut d = Direction {
                label: format!("{dir} {kind}"),
                ..Direction::default()
            };
            let collect = |f: &dyn Fn(&Report) -> Vec<f64>| {
                reports.iter().flat_map(|r| f(r)).collect::<Vec<f64>>()
            };
            let bits = if dir == "outbound" {
                "[bytesSent_in_bits/s]"
            } else {
                "[bytesReceived_in_bits/s]"
            };
            d.bitrate = Dist::of(&collect(&|r| series_values(r, bits)));
            if kind == "video" {
                d.fps = Dist::of(&collect(&|r| series_values(r, "framesPerSecond")));
            }
            if dir == "inbound" {
                d.loss_pct = Dist::of(&collect(&|r| {
                    loss_percent(
                        &r.dense("packetsLost").unwrap_or_default(),
                        &r.dense("packetsReceived").unwrap_or_default(),
                    )
                }));
                d.jitter_ms = Dist::of(&collect(&|r| {
                    series_values(r, "jitter")
                        .iter()
                        .map(|s| s * 1000.0)
                        .collect()
                }));
                if kind == "video" {
                    d.freezes = reports
                        .iter()
                        .filter_map(|r| {
                            r.series("freezeCount")?
                                .values
                                .iter()
                                .rev()
                                .find(|v| !v.is_nan())
                        })
                        .reduce(|a, b| a + b);
                }
            } else {
                // What the other side reported about this stream.
                let remote: Vec<&Report> = pc
                    .stats
                    .reports
                    .iter()
                    .filter(|r| {
                        r.report_type == "remote-inbound-rtp"
                            && r.kind().unwrap_or_default() == kind
                    })
                    .collect();
                let rcollect = |f: &dyn Fn(&Report) -> Vec<f64>| {
                    remote.iter().flat_map(|r| f(r)).collect::<Vec<f64>>()
                };
                d.loss_pct = Dist::of(&rcollect(&|r| {
                    series_values(r, "fractionLost")
                        .iter()
                        .map(|f| f * 100.0)
                        .collect()
                }));
                d.jitter_ms = Dist::of(&rcollect(&|r| {
                    series_values(r, "jitter")
                        .iter()
                        .map(|s| s * 1000.0)
                        .collect()
                }));
                d.rtt_ms = Dist::of(&rcollect(&|r| {
                    series_values(r, "roundTripTime")
                        .iter()
                        .map(|s| s * 1000.0)
                        .collect()
                }));
                if kind == "video" {
                    d.quality_limited_s = reports
                        .iter()
                        .filter_map(|r| quality_limited_seconds(r))
                        .reduce(|a, b| a + b);
                }
            }
            directions.push(d);
        }
    }
    SessionSummary {
        duration_ms: span.map(|(a, b)| b - a),
        connection_states: states_entered(pc, StateMachine::Connection),
        setup_ms: first_connected(pc).and_then(|c| pc.created.map(|t| c - t.0)),
        selected_pairs: super::ice::selected_pair_changes(&pc.stats)
            .into_iter()
            .map(|(_, _, d)| d)
            .collect(),
        codecs,
        directions,
    }
    .with_grid_fallback(pc, end)
}

impl SessionSummary {
    /// Dumps without pair-change history still have a selected pair at the end.
    fn with_grid_fallback(mut self, pc: &PeerConnection, end: Timestamp) -> Self {
        if self.selected_pairs.is_empty() && end.is_valid() {
            for t in grid_at(&pc.stats, end) {
                if let Some(p) = t.pairs.iter().find(|p| p.selected) {
                    let side = |c: &Option<super::ice::CandidateRow>| {
                        c.as_ref().map_or_else(|| "?".to_owned(), describe)
                    };
                    self.selected_pairs
                        .push(format!("{} <=> {}", side(&p.local), side(&p.remote)));
                }
            }
        }
        self
    }
}

/// Seconds spent limited (any reason but `none`), from a report's
/// `qualityLimitationDurations`.
fn quality_limited_seconds(r: &Report) -> Option<f64> {
    let durations = r.last_members("qualityLimitationDurations")?;
    Some(
        durations
            .iter()
            .filter(|(k, _)| *k != "none")
            .map(|(_, v)| v)
            .sum(),
    )
}

/// What identifies a report across two dumps (ids differ between them): its type, kind,
/// mid, rid and SSRC.
pub fn report_key(report: &Report) -> String {
    let text = |n: &str| report.last_text(n).map(|v| v.as_text().into_owned());
    let num = |n: &str| {
        report
            .series(n)
            .and_then(|s| s.values.iter().rev().find(|v| !v.is_nan()))
            .map(|v| format!("{v}"))
    };
    let parts: Vec<String> = [
        ("kind", text("kind")),
        ("mid", text("mid").or_else(|| num("mid"))),
        ("rid", text("rid")),
        ("ssrc", num("ssrc")),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
    .collect();
    format!("{} {}", report.report_type, parts.join(" "))
}

/// Reports of A and B matched by [`report_key`], then, among the rest of the same type and
/// kind, in order (SSRCs differ between two calls): `(index in A, index in B)`.
pub fn match_reports(a: &PeerConnection, b: &PeerConnection) -> Vec<(usize, usize)> {
    let plotted = |r: &Report| {
        matches!(
            r.report_type.as_str(),
            "inbound-rtp"
                | "outbound-rtp"
                | "remote-inbound-rtp"
                | "remote-outbound-rtp"
                | "candidate-pair"
                | "transport"
                | "media-source"
                | "data-channel"
        )
    };
    let mut used_b = vec![false; b.stats.reports.len()];
    let mut pairs = Vec::new();
    let mut unmatched_a = Vec::new();
    for (i, ra) in a
        .stats
        .reports
        .iter()
        .enumerate()
        .filter(|(_, r)| plotted(r))
    {
        let key = report_key(ra);
        match b
            .stats
            .reports
            .iter()
            .enumerate()
            .position(|(j, rb)| !used_b[j] && report_key(rb) == key)
        {
            Some(j) => {
                used_b[j] = true;
                pairs.push((i, j));
            }
            None => unmatched_a.push(i),
        }
    }
    let loose = |r: &Report| format!("{} {}", r.report_type, r.kind().unwrap_or_default());
    for i in unmatched_a {
        let key = loose(&a.stats.reports[i]);
        if let Some(j) = (0..b.stats.reports.len()).find(|&j| {
            !used_b[j] && plotted(&b.stats.reports[j]) && loose(&b.stats.reports[j]) == key
        }) {
            used_b[j] = true;
            pairs.push((i, j));
        }
    }
    pairs.sort_unstable();
    pairs
}

/// Which side a row's worse value is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Side {
    /// Session A.
    A,
    /// Session B.
    B,
}

/// One row of the comparison table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// What is compared.
    pub label: String,
    /// A's value, as text.
    pub a: String,
    /// B's value, as text.
    pub b: String,
    /// B − A, for numbers.
    pub delta: Option<f64>,
    /// B − A with its unit (`+12.5 ms`), empty for text rows.
    pub delta_text: String,
    /// The worse side, where worse is defined.
    pub worse: Option<Side>,
}

fn number_row(
    label: &str,
    unit: &str,
    a: Option<f64>,
    b: Option<f64>,
    higher_is_worse: Option<bool>,
) -> Row {
    let text = |v: Option<f64>| {
        v.map_or_else(
            || "-".to_owned(),
            |v| format!("{} {unit}", super::plots::si(v)).trim().to_owned(),
        )
    };
    let delta = a.zip(b).map(|(a, b)| b - a);
    // Only a gap that matters makes a side worse: more than 5 % apart *and* more than what
    // a user could notice in that unit (0.125 vs 0.27 ms of jitter is the same call).
    let worse = match (a, b, higher_is_worse) {
        (Some(a), Some(b), Some(h))
            if (b - a).abs() > 0.05 * a.abs().max(b.abs())
                && (b - a).abs() >= min_difference(label, unit) =>
        {
            Some(if (b > a) == h { Side::B } else { Side::A })
        }
        _ => None,
    };
    let delta_text = delta.map_or_else(String::new, |d| {
        let sign = if d > 0.0 { "+" } else { "" };
        format!("{sign}{} {unit}", super::plots::si(d))
            .trim()
            .to_owned()
    });
    Row {
        label: label.to_owned(),
        a: text(a),
        b: text(b),
        delta,
        delta_text,
        worse,
    }
}

/// The smallest difference that matters in `unit` (for the metric `label`).
fn min_difference(label: &str, unit: &str) -> f64 {
    match unit {
        "ms" if label.contains("setup") => 100.0,
        "ms" if label.contains("round-trip") => 20.0,
        "ms" => 5.0,
        "%" => 0.5,
        "bits/s" => 50_000.0,
        "fps" => 2.0,
        "s" => 1.0,
        _ => 1.0,
    }
}

fn text_row(label: &str, a: &[String], b: &[String]) -> Row {
    Row {
        label: label.to_owned(),
        a: a.join(" -> "),
        b: b.join(" -> "),
        delta: None,
        delta_text: String::new(),
        worse: None,
    }
}

/// The comparison table of A and B.
pub fn compare(a: &SessionSummary, b: &SessionSummary) -> Vec<Row> {
    let mut rows = vec![
        number_row(
            "duration",
            "s",
            a.duration_ms.map(|d| d / 1000.0),
            b.duration_ms.map(|d| d / 1000.0),
            None,
        ),
        text_row(
            "connection states",
            &a.connection_states,
            &b.connection_states,
        ),
        number_row(
            "setup time (to connected)",
            "ms",
            a.setup_ms,
            b.setup_ms,
            Some(true),
        ),
        text_row(
            "selected candidate pairs",
            &a.selected_pairs,
            &b.selected_pairs,
        ),
        text_row("codecs", &a.codecs, &b.codecs),
    ];
    let labels: Vec<&String> = a
        .directions
        .iter()
        .chain(&b.directions)
        .map(|d| &d.label)
        .collect();
    let mut seen: Vec<&String> = Vec::new();
    for label in labels {
        if seen.contains(&label) {
            continue;
        }
        seen.push(label);
        let da = a
            .directions
            .iter()
            .find(|d| &d.label == label)
            .cloned()
            .unwrap_or_default();
        let db = b
            .directions
            .iter()
            .find(|d| &d.label == label)
            .cloned()
            .unwrap_or_default();
        let pair = |name: &str, unit: &str, x: Dist, y: Dist, hw: bool, rows: &mut Vec<Row>| {
            if x == Dist::default() && y == Dist::default() {
                return;
            }
            rows.push(number_row(
                &format!("{label} {name} median"),
                unit,
                x.median,
                y.median,
                Some(hw),
            ));
            rows.push(number_row(
                &format!("{label} {name} p95"),
                unit,
                x.p95,
                y.p95,
                Some(hw),
            ));
        };
        pair(
            "bitrate", "bits/s", da.bitrate, db.bitrate, false, &mut rows,
        );
        pair(
            "packet loss",
            "%",
            da.loss_pct,
            db.loss_pct,
            true,
            &mut rows,
        );
        pair("jitter", "ms", da.jitter_ms, db.jitter_ms, true, &mut rows);
        pair(
            "round-trip time",
            "ms",
            da.rtt_ms,
            db.rtt_ms,
            true,
            &mut rows,
        );
        pair("frames per second", "fps", da.fps, db.fps, false, &mut rows);
        if da.freezes.is_some() || db.freezes.is_some() {
            rows.push(number_row(
                &format!("{label} freezes"),
                "",
                da.freezes,
                db.freezes,
                Some(true),
            ));
        }
        if da.quality_limited_s.is_some() || db.quality_limited_s.is_some() {
            rows.push(number_row(
                &format!("{label} quality-limited time"),
                "s",
                da.quality_limited_s,
                db.quality_limited_s,
                Some(true),
            ));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_match_across_two_calls() {
        let load = |p: &str| {
            crate::load::load(&format!("{}/{p}", env!("CARGO_MANIFEST_DIR")), None).unwrap()
        };
        let a = load("fixtures/webrtc_internals_dump_v3_loopback_30s.gz");
        let b = load("fixtures/rtcstats-v3_loopback_30s.jsonl.br");
        let (pa, pb) = (&a.peer_connections[0], &b.peer_connections[0]);
        let pairs = match_reports(pa, pb);
        // Every RTP stream of the internals dump finds its counterpart in the other recording
        // (a separate session: different ids and SSRCs, the same scenario).
        for t in ["outbound-rtp", "inbound-rtp"] {
            let in_a = pa
                .stats
                .reports
                .iter()
                .filter(|r| r.report_type == t)
                .count();
            let matched = pairs
                .iter()
                .filter(|(i, _)| pa.stats.reports[*i].report_type == t)
                .count();
            assert_eq!(matched, in_a, "{t}");
        }
        for (i, j) in &pairs {
            let (ra, rb) = (&pa.stats.reports[*i], &pb.stats.reports[*j]);
            assert_eq!(ra.report_type, rb.report_type);
            assert_eq!(ra.kind().unwrap_or_default(), rb.kind().unwrap_or_default());
        }
    }

    #[test]
    fn percentiles() {
        let v = [5.0, 1.0, 3.0, 2.0, 4.0, f64::NAN];
        assert_eq!(percentile(&v, 50.0), Some(3.0));
        assert_eq!(percentile(&v, 0.0), Some(1.0));
        assert_eq!(percentile(&v, 100.0), Some(5.0));
        assert!((percentile(&v, 95.0).unwrap() - 4.8).abs() < 1e-9);
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn loss_from_counters() {
        // 10 lost of 100 in the first interval, none in the second, a counter reset in the
        // third (no value), no packets in the fourth (no value).
        let lost = [0.0, 10.0, 10.0, 0.0, 0.0];
        let received = [0.0, 90.0, 190.0, 5.0, 5.0];
        assert_eq!(loss_percent(&lost, &received), vec![10.0, 0.0]);
    }

    fn pc(created: f64, connected_at: f64) -> PeerConnection {
        let ev = |t: f64, v: &str| crate::model::Event {
            time: Timestamp(t),
            name: "connectionstatechange".into(),
            value: serde_json::json!(v),
            extras: vec![],
            correlation: None,
            description: None,
        };
        PeerConnection {
            id: "PC_0".into(),
            url: None,
            created: Some(Timestamp(created)),
            configuration: None,
            constraints: None,
            events: vec![
                ev(created + 10.0, "connecting"),
                ev(connected_at, "connected"),
            ],
            descriptions: vec![],
            stats: Default::default(),
            polls: Vec::new(),
        }
    }

    #[test]
    fn alignment_offsets() {
        let a = pc(1000.0, 1500.0);
        let b = pc(5000.0, 5800.0);
        assert_eq!(alignment_offset(&a, &b, Alignment::Creation), Some(-4000.0));
        assert_eq!(
            alignment_offset(&a, &b, Alignment::FirstConnected),
            Some(-4300.0)
        );
        assert_eq!(
            alignment_offset(&a, &b, Alignment::Manual(250.0)),
            Some(-3750.0)
        );
    }

    #[test]
    fn table_marks_the_worse_side() {
        let mut a = SessionSummary {
            setup_ms: Some(300.0),
            ..SessionSummary::default()
        };
        let mut b = SessionSummary {
            setup_ms: Some(900.0),
            ..SessionSummary::default()
        };
        a.directions.push(Direction {
            label: "inbound video".into(),
            loss_pct: Dist {
                median: Some(0.5),
                p95: Some(2.0),
            },
            fps: Dist {
                median: Some(30.0),
                p95: Some(30.0),
            },
            ..Direction::default()
        });
        b.directions.push(Direction {
            label: "inbound video".into(),
            loss_pct: Dist {
                median: Some(3.0),
                p95: Some(1.0),
            },
            fps: Dist {
                median: Some(15.0),
                p95: Some(30.0),
            },
            ..Direction::default()
        });
        let rows = compare(&a, &b);
        let row = |l: &str| rows.iter().find(|r| r.label == l).unwrap();
        assert_eq!(row("setup time (to connected)").worse, Some(Side::B));
        assert_eq!(row("setup time (to connected)").delta, Some(600.0));
        assert_eq!(row("inbound video packet loss median").worse, Some(Side::B));
        assert_eq!(row("inbound video packet loss p95").worse, Some(Side::A));
        assert_eq!(
            row("inbound video frames per second median").worse,
            Some(Side::B)
        );
        assert_eq!(row("inbound video frames per second p95").worse, None);
        // Within 5 % is not worse.
        let near = compare(
            &SessionSummary {
                setup_ms: Some(98.0),
                ..SessionSummary::default()
            },
            &SessionSummary {
                setup_ms: Some(100.0),
                ..SessionSummary::default()
            },
        );
        assert_eq!(
            near.iter()
                .find(|r| r.label == "setup time (to connected)")
                .unwrap()
                .worse,
            None
        );
        assert_eq!(row("setup time (to connected)").delta_text, "+600 ms");
        // Far apart relatively but not in absolute terms: 0.125 vs 0.27 ms of jitter.
        let jitter = |ms: f64| {
            let mut s = SessionSummary::default();
            s.directions.push(Direction {
                label: "inbound audio".into(),
                jitter_ms: Dist {
                    median: Some(ms),
                    p95: Some(ms * 40.0),
                },
                ..Direction::default()
            });
            s
        };
        let rows = compare(&jitter(0.125), &jitter(0.27));
        let row = |l: &str| rows.iter().find(|r| r.label == l).unwrap();
        assert_eq!(row("inbound audio jitter median").worse, None);
        // 5 ms against 10.8 ms at p95 is.
        assert_eq!(row("inbound audio jitter p95").worse, Some(Side::B));
    }

    #[test]
    fn summary_of_the_recorded_call() {
        let dump = crate::load::load(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/webrtc_internals_dump_v3_loopback_30s.gz"
            ),
            None,
        )
        .unwrap();
        let s = summarize_session(&dump.peer_connections[0]);
        assert_eq!(s.connection_states, vec!["connecting", "connected"]);
        assert!(s.setup_ms.unwrap() > 0.0 && s.setup_ms.unwrap() < 1000.0);
        assert_eq!(s.selected_pairs.len(), 2);
        assert!(
            s.codecs.iter().any(|c| c == "video/VP8") && s.codecs.iter().any(|c| c == "audio/opus")
        );
        let out_video = s
            .directions
            .iter()
            .find(|d| d.label == "outbound video")
            .unwrap();
        // Peer A asks for 640x480@30, but the fake camera of headless Chromium delivered 19-20
        // frames per second (framesPerSecond in the dump).
        assert_eq!(out_video.fps.median, Some(19.0));
        assert_eq!(out_video.fps.p95, Some(20.0));
        assert!(out_video.bitrate.median.unwrap() > 50_000.0);
        let in_video = s
            .directions
            .iter()
            .find(|d| d.label == "inbound video")
            .unwrap();
        // Peer B sends 320x240@15.
        assert_eq!(in_video.fps.median, Some(15.0));
        assert_eq!(in_video.loss_pct.median, Some(0.0));
    }
}
