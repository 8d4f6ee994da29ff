//! What a stats plot shows (FORMATS.md §6.2): which series to plot, which are "boring" and
//! hidden by default, titles like webrtc-internals', units and short meanings; and the
//! decimation that keeps long series cheap to draw.

use crate::model::{Report, Series, StatValue, Timestamp};

/// Samples further apart than this many of their report's poll intervals are not joined by
/// a line: one missed poll is jitter, two in a row are a gap.
pub const GAP_INTERVALS: f64 = 2.5;

/// The gap threshold when a report has too few samples to tell its poll interval.
pub const DEFAULT_GAP_MS: f64 = 5000.0;

/// The median time between consecutive samples of a report, in ms: its poll interval
/// (1 s in Chrome by default, 5 to 10 s in Jitsi). Long reports are sampled at 1,024 evenly
/// spread intervals, which keeps this cheap enough to ask every frame. `None` with fewer than
/// two distinct times.
pub fn poll_interval_ms(timestamps: &[Timestamp]) -> Option<f64> {
    const SAMPLES: usize = 1024;
    let n = timestamps.len().checked_sub(1)?;
    let stride = n.div_ceil(SAMPLES).max(1);
    let mut gaps: Vec<f64> = (0..n)
        .step_by(stride)
        .map(|i| timestamps[i + 1].0 - timestamps[i].0)
        .filter(|d| d.is_finite() && *d > 0.0)
        .collect();
    if gaps.is_empty() {
        return None;
    }
    let mid = gaps.len() / 2;
    let (_, median, _) = gaps.select_nth_unstable_by(mid, f64::total_cmp);
    Some(*median)
}

/// The time (ms) beyond which two samples of a report are not joined:
/// [`GAP_INTERVALS`] of its poll interval, or [`DEFAULT_GAP_MS`] when that is unknown. The
/// viewer, the PNG export and the comparison all break lines by this.
pub fn gap_ms(timestamps: &[Timestamp]) -> f64 {
    poll_interval_ms(timestamps).map_or(DEFAULT_GAP_MS, |i| GAP_INTERVALS * i)
}

/// Report types that get no plots (their numbers are identifiers and priorities).
pub fn skip_report(report_type: &str) -> bool {
    matches!(
        report_type,
        "local-candidate"
            | "remote-candidate"
            | "codec"
            | "certificate"
            | "localcandidate"
            | "remotecandidate"
            | "googCertificate"
    )
}

/// Properties that are numbers but not measurements.
pub fn skip_series(name: &str) -> bool {
    matches!(
        name,
        "timestamp"
            | "protocol"
            | "dataChannelIdentifier"
            | "streamIdentifier"
            | "trackIdentifier"
            | "priority"
            | "port"
            | "ssrc"
            | "rtxSsrc"
            | "fecSsrc"
            | "mid"
            | "rid"
            | "payloadType"
            | "clockRate"
            | "channels"
            | "encodingIndex"
    )
}

/// Whether a series is hidden unless the user asks for everything: cumulative counters,
/// timestamps, and series that never change after their first sample.
pub fn is_boring(series: &Series) -> bool {
    let name = series.name.as_str();
    if name.starts_with('[') {
        return constant(series);
    }
    const NEVER: [&str; 9] = [
        "width",
        "height",
        "frameWidth",
        "frameHeight",
        "framesPerSecond",
        "targetBitrate",
        "nackCount",
        "pliCount",
        "firCount",
    ];
    if NEVER.contains(&name) {
        return false;
    }
    const PREFIXES: [&str; 9] = [
        "total",
        "bytes",
        "packets",
        "headerBytes",
        "retransmitted",
        "jitterBuffer",
        "requests",
        "responses",
        "consentRequests",
    ];
    const NAMES: [&str; 16] = [
        "qpSum",
        "framesSent",
        "framesEncoded",
        "framesDecoded",
        "framesReceived",
        "framesDropped",
        "keyFramesEncoded",
        "keyFramesDecoded",
        "hugeFramesSent",
        "remoteTimestamp",
        "estimatedPlayoutTimestamp",
        "audioLevel",
        "selectedCandidatePairChanges",
        "reportsSent",
        "roundTripTimeMeasurements",
        "framesAssembledFromMultiplePackets",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p))
        || NAMES.contains(&name)
        || (name.starts_with("last") && name.ends_with("Timestamp"))
        || constant(series)
}

fn constant(series: &Series) -> bool {
    let mut values = series.values.iter().filter(|v| !v.is_nan()).skip(1);
    match values.next() {
        None => true,
        Some(first) => values.all(|v| v == first),
    }
}

/// A title like webrtc-internals': `outbound-rtp (kind=video, ssrc=123, mid=1, [codec]=VP8 (96))`.
pub fn title(report: &Report) -> String {
    let text = |name: &str| -> Option<String> {
        if let Some(v) = report.last_text(name) {
            return Some(v.as_text().into_owned());
        }
        let s = report.series(name)?;
        s.values
            .iter()
            .rev()
            .find(|v| !v.is_nan())
            .map(|v| format!("{v}"))
    };
    let mut parts = Vec::new();
    for key in [
        "kind",
        "ssrc",
        "rtxSsrc",
        "fecSsrc",
        "mid",
        "rid",
        "encodingIndex",
        "label",
        "[codec]",
        "encoderImplementation",
        "decoderImplementation",
        "trackIdentifier",
    ] {
        if let Some(v) = text(key) {
            parts.push(format!("{key}={v}"));
        }
    }
    let kind = if report.report_type.is_empty() {
        "report"
    } else {
        &report.report_type
    };
    if parts.is_empty() {
        format!("{kind} {}", report.id)
    } else {
        format!("{kind} {} ({})", report.id, parts.join(", "))
    }
}

/// The unit of a stat, for axis labels.
pub fn unit(name: &str) -> &'static str {
    if name.ends_with("_in_bits/s]")
        || matches!(
            name,
            "availableOutgoingBitrate" | "availableIncomingBitrate" | "targetBitrate"
        )
        || name.starts_with("goog") && name.ends_with("Bitrate")
        || name.contains("Bandwidth")
    {
        "bits/s"
    } else if name.ends_with("_in_ms]") || name.ends_with("Ms") {
        "ms"
    } else if name.starts_with('[') && name.ends_with("/s]") {
        "/s"
    } else if matches!(
        name,
        "jitter"
            | "roundTripTime"
            | "currentRoundTripTime"
            | "totalRoundTripTime"
            | "jitterBufferDelay"
            | "totalDecodeTime"
            | "totalEncodeTime"
    ) {
        "s"
    } else if matches!(name, "frameWidth" | "frameHeight" | "width" | "height") {
        "px"
    } else if name == "framesPerSecond" || name == "frames" {
        "fps"
    } else if name.starts_with("bytes")
        || name.starts_with("headerBytes")
        || name.contains("BytesSent")
        || name.contains("BytesReceived")
    {
        "bytes"
    } else if name.starts_with("packets") || name.contains("Packets") {
        "packets"
    } else if name == "audioLevel" || name == "fractionLost" || name == "[Audio_Level_in_RMS]" {
        "0..1"
    } else {
        ""
    }
}

/// What a common stat means, for tooltips.
pub fn meaning(name: &str) -> Option<&'static str> {
    Some(match name {
        "[bytesSent_in_bits/s]" => "Payload bitrate sent (from bytesSent)",
        "[bytesReceived_in_bits/s]" => "Payload bitrate received (from bytesReceived)",
        "[packetsLost/s]" | "[packetsReportedAsLost/s]" => "Packets lost per second",
        "[framesDecoded/s]" => "Frames decoded per second",
        "[framesEncoded/s]" => "Frames encoded per second",
        "[totalDecodeTime/framesDecoded_in_ms]" => "Average decode time per frame",
        "[totalEncodeTime/framesEncoded_in_ms]" => "Average encode time per frame",
        "[jitterBufferDelay/jitterBufferEmittedCount_in_ms]" => {
            "Average time a sample or frame spent in the jitter buffer"
        }
        "[interFrameDelayStDev_in_ms]" => {
            "Standard deviation of the time between decoded frames (smoothness)"
        }
        "[totalRoundTripTime/responsesReceived]" => {
            "Average STUN round-trip time on this candidate pair (s)"
        }
        "[totalRoundTripTime/roundTripTimeMeasurements]" => "Average RTCP round-trip time (s)",
        "[concealedSamples/totalSamplesReceived]" => "Fraction of audio concealed (lost or late)",
        "jitter" => "Packet arrival jitter (s)",
        "packetsLost" => "Cumulative packets lost (may go down with duplicates)",
        "roundTripTime" => "Latest RTCP round-trip time (s)",
        "currentRoundTripTime" => "Latest STUN round-trip time on this pair (s)",
        "availableOutgoingBitrate" => "Bandwidth estimate for sending (bits/s)",
        "availableIncomingBitrate" => "Bandwidth estimate for receiving (bits/s)",
        "framesPerSecond" => "Frames per second over the last second",
        "frameWidth" | "frameHeight" => "Resolution of the last frame",
        "qualityLimitationReason" => "Why the encoder lowered resolution or frame rate",
        "freezeCount" => "Video freezes (frames delayed noticeably)",
        "pliCount" | "firCount" => "Key frame requests",
        "nackCount" => "Retransmission requests",
        "targetBitrate" => "Encoder target bitrate (bits/s)",
        "audioLevel" => "Audio level of the last samples (0..1)",
        "fractionLost" => "Fraction of packets lost in the last RTCP interval",
        _ => return None,
    })
}

/// A short axis label with an SI suffix: `1.5M`, `200k`, `12`, `0.25`, `3e-4`.
pub fn si(v: f64) -> String {
    let a = v.abs();
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    };
    if a >= 1e9 {
        format!("{}G", trim(format!("{:.2}", v / 1e9)))
    } else if a >= 1e6 {
        format!("{}M", trim(format!("{:.2}", v / 1e6)))
    } else if a >= 1e4 {
        format!("{}k", trim(format!("{:.1}", v / 1e3)))
    } else if a >= 1.0 || a == 0.0 {
        trim(format!("{v:.2}"))
    } else if a >= 1e-3 {
        trim(format!("{v:.4}"))
    } else {
        format!("{v:.0e}")
    }
}

/// Non-numeric properties drawn as bands behind a report's plots, with the value that is not
/// worth a band.
pub const BAND_PROPERTIES: [(&str, Option<&str>); 5] = [
    ("qualityLimitationReason", Some("none")),
    ("active", Some("true")),
    ("encoderImplementation", None),
    ("decoderImplementation", None),
    ("scalabilityMode", None),
];

/// Spans `(from, to, value)` of a report's categorical property, for bands. For properties
/// with a uninteresting value (`none`, `true`), only the other spans are returned.
pub fn bands(
    report: &Report,
    name: &str,
    quiet: Option<&str>,
    end: Timestamp,
) -> Vec<(Timestamp, Timestamp, String)> {
    let Some(attr) = report.attribute(name) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, (t, v)) in attr.changes.iter().enumerate() {
        let until = attr.changes.get(i + 1).map_or(end, |(t, _)| *t);
        let text = match v {
            StatValue::Bool(b) => b.to_string(),
            other => other.as_text().into_owned(),
        };
        if Some(text.as_str()) != quiet {
            out.push((*t, until, text));
        }
    }
    out
}

/// How a stat is drawn: the factor its values are multiplied by and the unit they are then
/// in. Jitter and round-trip times are seconds in getStats but read in milliseconds.
pub fn display(name: &str) -> (f64, &'static str) {
    match name {
        "jitter" | "roundTripTime" | "currentRoundTripTime" => (1000.0, "ms"),
        _ => (1.0, unit(name)),
    }
}

/// A value as hover text shows it, with its unit: `24.2k bits/s`, `12.5 ms`.
pub fn value_text(v: f64, unit: &str) -> String {
    let n = if v.abs() >= 1e4 {
        si(v)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else {
        si(v)
    };
    if unit.is_empty() {
        n
    } else {
        format!("{n} {unit}")
    }
}

/// What a search word stands for: itself (lower case), plus the stat names people mean by
/// it ("bitrate" finds `[bytesSent_in_bits/s]`, "loss" finds `packetsLost`).
pub fn search_terms(word: &str) -> Vec<String> {
    let w = word.trim().to_lowercase();
    let extra: &[&str] = match w.as_str() {
        "bitrate" | "bandwidth" | "bps" => &["_in_bits/s", "bitrate"],
        "loss" | "lost" | "packet loss" => &["lost", "loss"],
        "rtt" | "delay" | "latency" => &["roundtriptime", "rtt"],
        "fps" | "framerate" | "frame rate" => &["framespersecond"],
        "resolution" | "height" | "width" => &["frameheight", "framewidth"],
        "freeze" | "freezes" => &["freeze"],
        "cpu" | "quality" => &["qualitylimitation"],
        _ => &[],
    };
    std::iter::once(w)
        .chain(extra.iter().map(|s| (*s).to_owned()))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether `text` contains any of `terms` (as [`search_terms`] gives them), case-insensitive.
pub fn matches(text: &str, terms: &[String]) -> bool {
    let t = text.to_lowercase();
    terms.iter().any(|x| t.contains(x.as_str()))
}

/// Points of a series for drawing between `x_min` and `x_max` (in the caller's x units,
/// `x = (t − origin)/scale`) on `columns` pixel columns: segments split where samples are
/// more than `gap` ms apart (see [`gap_ms`]), and within each segment the minimum and the
/// maximum of each column in time order, plus the segment's own first and last points. That
/// keeps every column's vertical extent (spikes included) at two points per pixel, which is
/// what the line covers on screen; a line joining columns moves by less than a pixel.
pub fn decimate(
    timestamps: &[Timestamp],
    series: &Series,
    origin: f64,
    scale: f64,
    x_range: (f64, f64),
    columns: usize,
    gap: f64,
) -> Vec<Vec<[f64; 2]>> {
    let times = timestamps.get(series.start..).unwrap_or(&[]);
    let (x_min, x_max) = x_range;
    let columns = columns.max(1);
    let col_w = (x_max - x_min) / columns as f64;
    // Only the visible part, plus one point either side so lines reach the edges.
    let first = times
        .partition_point(|t| (t.0 - origin) / scale < x_min)
        .saturating_sub(1);
    let last = (times.partition_point(|t| (t.0 - origin) / scale <= x_max) + 1)
        .min(series.values.len())
        .min(times.len());
    let end = last.max(first);
    let visible = times[first..end]
        .iter()
        .zip(series.values.iter().skip(first))
        .map(|(t, v)| (t.0, v));
    decimate_visible(visible, origin, scale, (x_min, col_w), gap)
}

/// [`decimate`] for points already in memory: `(ms since the origin, value)` in time order,
/// drawn with `x = ms / scale`.
pub fn decimate_points(
    points: &[(f64, f64)],
    scale: f64,
    x_range: (f64, f64),
    columns: usize,
    gap: f64,
) -> Vec<Vec<[f64; 2]>> {
    let (x_min, x_max) = x_range;
    let col_w = (x_max - x_min) / columns.max(1) as f64;
    let first = points
        .partition_point(|p| p.0 / scale < x_min)
        .saturating_sub(1);
    let last = (points.partition_point(|p| p.0 / scale <= x_max) + 1).min(points.len());
    let visible = points[first..last.max(first)].iter().copied();
    decimate_visible(visible, 0.0, scale, (x_min, col_w), gap)
}

/// The shared core: split at gaps, keep min/max per pixel column and each segment's ends.
fn decimate_visible(
    visible: impl Iterator<Item = (f64, f64)>,
    origin: f64,
    scale: f64,
    (x_min, col_w): (f64, f64),
    gap: f64,
) -> Vec<Vec<[f64; 2]>> {
    let mut segments: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut current: Vec<[f64; 2]> = Vec::new();
    let mut bucket: Option<Column> = None;
    let mut prev_t = f64::NAN;
    for (t, v) in visible {
        if v.is_nan() {
            continue;
        }
        if !prev_t.is_nan() && t - prev_t > gap {
            if let Some(b) = bucket.take() {
                b.flush(&mut current, true);
            }
            if !current.is_empty() {
                segments.push(std::mem::take(&mut current));
            }
        }
        prev_t = t;
        let p = [(t - origin) / scale, v];
        let col = if col_w > 0.0 {
            ((p[0] - x_min) / col_w).floor() as i64
        } else {
            0
        };
        match &mut bucket {
            Some(b) if b.col == col => b.add(p),
            _ => {
                if let Some(b) = bucket.take() {
                    b.flush(&mut current, false);
                }
                bucket = Some(Column {
                    starts_segment: current.is_empty(),
                    col,
                    first: p,
                    min: p,
                    max: p,
                    last: p,
                });
            }
        }
    }
    if let Some(b) = bucket {
        b.flush(&mut current, true);
    }
    if !current.is_empty() {
        segments.push(current);
    }
    segments
}

/// The points of one pixel column that decimation keeps.
struct Column {
    /// The first column of a segment keeps its first point, so the line starts where the
    /// data does.
    starts_segment: bool,
    col: i64,
    first: [f64; 2],
    min: [f64; 2],
    max: [f64; 2],
    last: [f64; 2],
}

impl Column {
    fn add(&mut self, p: [f64; 2]) {
        if p[1] < self.min[1] {
            self.min = p;
        }
        if p[1] > self.max[1] {
            self.max = p;
        }
        self.last = p;
    }

    /// Appends the kept points in x order, without repeating one: min and max, and the
    /// first or last point when the column starts or `ends_segment`.
    fn flush(self, out: &mut Vec<[f64; 2]>, ends_segment: bool) {
        let (lo, hi) = if self.min[0] <= self.max[0] {
            (self.min, self.max)
        } else {
            (self.max, self.min)
        };
        let first = self.starts_segment.then_some(self.first);
        let last = ends_segment.then_some(self.last);
        for p in [first, Some(lo), Some(hi), last].into_iter().flatten() {
            if out.last() != Some(&p) {
                out.push(p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(name: &str, values: &[f64]) -> Series {
        Series {
            name: name.into(),
            start: 0,
            values: values.to_vec().into(),
        }
    }

    #[test]
    fn boring_series() {
        assert!(is_boring(&series("bytesSent", &[1.0, 2.0])));
        assert!(is_boring(&series("totalDecodeTime", &[1.0, 2.0])));
        assert!(is_boring(&series(
            "lastPacketReceivedTimestamp",
            &[1.0, 2.0]
        )));
        assert!(!is_boring(&series("frameWidth", &[640.0, 640.0])));
        assert!(!is_boring(&series("jitter", &[0.01, 0.02, 0.03])));
        // Constant after the first sample.
        assert!(is_boring(&series("jitter", &[0.5, 0.01, 0.01])));
        assert!(!is_boring(&series(
            "[bytesSent_in_bits/s]",
            &[1.0, 2.0, 3.0]
        )));
        assert!(is_boring(&series(
            "[bytesSent_in_bits/s]",
            &[f64::NAN, 0.0, 0.0]
        )));
    }

    #[test]
    fn si_labels() {
        assert_eq!(si(1_500_000.0), "1.5M");
        assert_eq!(si(200_000.0), "200k");
        assert_eq!(si(12.0), "12");
        assert_eq!(si(0.25), "0.25");
        assert_eq!(si(0.0003), "3e-4");
        assert_eq!(si(0.0), "0");
        assert_eq!(si(-2_000_000_000.0), "-2G");
    }

    #[test]
    fn units_and_meanings() {
        assert_eq!(unit("[bytesSent_in_bits/s]"), "bits/s");
        assert_eq!(unit("[totalDecodeTime/framesDecoded_in_ms]"), "ms");
        assert_eq!(unit("[framesDecoded/s]"), "/s");
        assert_eq!(unit("jitter"), "s");
        assert_eq!(unit("frameHeight"), "px");
        assert_eq!(unit("packetsLost"), "packets");
        assert!(meaning("jitter").is_some());
    }

    fn ts(v: &[f64]) -> Vec<Timestamp> {
        v.iter().map(|t| Timestamp(*t)).collect()
    }

    #[test]
    fn the_gap_threshold_follows_the_poll_interval() {
        // Chrome's 1 s polls, with jitter and one missed poll.
        let chrome = ts(&[0.0, 1010.0, 1990.0, 3000.0, 5000.0, 6005.0]);
        assert_eq!(poll_interval_ms(&chrome), Some(1010.0));
        assert_eq!(gap_ms(&chrome), 2525.0);
        // Jitsi polls every 10 s: 10 s apart is a line, not dots.
        let jitsi = ts(&[0.0, 10_000.0, 20_000.0, 30_000.0]);
        assert_eq!(gap_ms(&jitsi), 25_000.0);
        let segs = decimate(
            &jitsi,
            &series("x", &[1.0, 2.0, 3.0, 4.0]),
            0.0,
            1000.0,
            (0.0, 30.0),
            100,
            gap_ms(&jitsi),
        );
        assert_eq!(segs.len(), 1);
        // Too few samples to tell: the default.
        assert_eq!(gap_ms(&ts(&[5.0])), DEFAULT_GAP_MS);
        assert_eq!(gap_ms(&ts(&[5.0, 5.0])), DEFAULT_GAP_MS);
        // A long report is sampled, and still finds its interval.
        let long: Vec<f64> = (0..100_000).map(|i| f64::from(i) * 500.0).collect();
        assert_eq!(poll_interval_ms(&ts(&long)), Some(500.0));
    }

    #[test]
    fn points_in_memory_decimate_like_a_series() {
        // 10 s of 10 ms samples with a 3 s hole, one point every 10 ms.
        let times: Vec<f64> = (0..1000)
            .map(|i| f64::from(i) * 10.0)
            .filter(|t| !(4000.0..7000.0).contains(t))
            .collect();
        let values: Vec<f64> = times.iter().map(|t| (t / 300.0).sin()).collect();
        let a = decimate(
            &ts(&times),
            &series("x", &values),
            0.0,
            1000.0,
            (1.0, 9.0),
            40,
            500.0,
        );
        let points: Vec<(f64, f64)> = times.iter().copied().zip(values).collect();
        let b = decimate_points(&points, 1000.0, (1.0, 9.0), 40, 500.0);
        assert_eq!(a, b);
        assert_eq!(b.len(), 2, "the hole breaks the line");
        // Two points per column, plus each segment's two ends.
        assert!(b.iter().map(Vec::len).sum::<usize>() <= 2 * 42 + 4);
    }

    #[test]
    fn jitter_and_rtt_are_drawn_in_ms() {
        assert_eq!(display("jitter"), (1000.0, "ms"));
        assert_eq!(display("currentRoundTripTime"), (1000.0, "ms"));
        assert_eq!(display("totalRoundTripTime"), (1.0, "s"));
        assert_eq!(display("[bytesSent_in_bits/s]"), (1.0, "bits/s"));
        assert_eq!(value_text(24_200.0, "bits/s"), "24.2k bits/s");
        assert_eq!(value_text(12.5, "ms"), "12.5 ms");
        assert_eq!(value_text(720.0, "px"), "720 px");
    }

    #[test]
    fn search_understands_synonyms() {
        let bitrate = search_terms("bitrate");
        assert!(matches("[bytesSent_in_bits/s]", &bitrate));
        assert!(matches("targetBitrate", &bitrate));
        assert!(!matches("packetsLost", &bitrate));
        let loss = search_terms("loss");
        assert!(matches("packetsLost", &loss));
        assert!(matches("fractionLost", &loss));
        assert!(!matches("jitter", &loss));
        assert!(matches("roundTripTime", &search_terms("rtt")));
        assert!(matches("framesPerSecond", &search_terms("fps")));
        assert!(matches("frameHeight", &search_terms("resolution")));
        // Other words are plain substrings, case-insensitive.
        assert!(matches("jitterBufferDelay", &search_terms("JITTER")));
    }

    #[test]
    fn inner_columns_keep_their_extremes_in_two_points() {
        // Three columns of 100 samples; the middle one spikes both ways.
        let t: Vec<f64> = (0..300).map(f64::from).collect();
        let mut v: Vec<f64> = (0..300).map(|i| f64::from(i % 5)).collect();
        v[120] = 50.0;
        v[180] = -50.0;
        let segs = decimate(&ts(&t), &series("x", &v), 0.0, 1.0, (0.0, 300.0), 3, 5000.0);
        assert_eq!(segs.len(), 1);
        let pts = &segs[0];
        // The segment's ends, exact, and two points per column.
        assert_eq!(pts.first(), Some(&[0.0, 0.0]));
        assert_eq!(pts.last(), Some(&[299.0, 4.0]));
        assert!(pts.len() <= 2 * 3 + 2, "{pts:?}");
        let middle: Vec<[f64; 2]> = pts
            .iter()
            .filter(|p| (100.0..200.0).contains(&p[0]))
            .copied()
            .collect();
        assert_eq!(middle, [[120.0, 50.0], [180.0, -50.0]]);
        assert!(pts.windows(2).all(|w| w[0][0] < w[1][0]), "in time order");
    }

    #[test]
    fn decimation_keeps_extremes_and_breaks_gaps() {
        // 1000 samples 1 ms apart in one column: first, min, max and last survive (the
        // column is the whole segment).
        let t: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let mut v: Vec<f64> = (0..1000).map(|i| (i % 7) as f64).collect();
        v[500] = 100.0;
        v[600] = -100.0;
        let segs = decimate(
            &ts(&t),
            &series("x", &v),
            0.0,
            1.0,
            (0.0, 1000.0),
            1,
            5000.0,
        );
        assert_eq!(segs.len(), 1);
        let ys: Vec<f64> = segs[0].iter().map(|p| p[1]).collect();
        assert!(ys.contains(&100.0) && ys.contains(&-100.0));
        assert!(segs[0].len() <= 4);
        // A gap of more than `gap` splits the line.
        let segs = decimate(
            &ts(&[0.0, 1000.0, 9000.0, 10000.0]),
            &series("x", &[1.0, 2.0, 3.0, 4.0]),
            0.0,
            1000.0,
            (0.0, 10.0),
            100,
            2500.0,
        );
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[1][0], [9.0, 3.0]);
        // Missing samples are skipped, and only the visible range (plus one point each side)
        // is returned.
        let segs = decimate(
            &ts(&[0.0, 1000.0, 2000.0, 3000.0, 4000.0]),
            &series("x", &[1.0, f64::NAN, 3.0, 4.0, 5.0]),
            0.0,
            1000.0,
            (2.5, 3.5),
            100,
            2500.0,
        );
        let xs: Vec<f64> = segs.iter().flatten().map(|p| p[0]).collect();
        assert_eq!(xs, vec![2.0, 3.0, 4.0]);
    }

    #[test]
    fn bands_skip_the_quiet_value() {
        use crate::model::{Attribute, ReportId};
        let r = Report {
            id: ReportId::from("OT"),
            report_type: "outbound-rtp".into(),
            timestamps: vec![],
            series: vec![],
            attributes: vec![Attribute {
                name: "qualityLimitationReason".into(),
                changes: vec![
                    (Timestamp(0.0), StatValue::Text("none".into())),
                    (Timestamp(10.0), StatValue::Text("bandwidth".into())),
                    (Timestamp(20.0), StatValue::Text("none".into())),
                ],
            }],
        };
        let b = bands(&r, "qualityLimitationReason", Some("none"), Timestamp(30.0));
        assert_eq!(
            b,
            vec![(Timestamp(10.0), Timestamp(20.0), "bandwidth".to_owned())]
        );
    }
}
