//! webrtc-internals `stats` series (FORMATS.md §4.3) into columnar reports: key splitting,
//! parsing of the string-encoded `values` arrays, and time alignment from the end against the
//! `<id>-timestamp` series (or, before M117, a synthetic clock).

use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;
use serde_json::Value;

use super::stats_builder::stat_value;
use super::timefmt::parse_iso8601;
use crate::model::{Attribute, Location, Report, ReportId, Series, Stats, Timestamp, Warning};

/// One `stats` entry as found in the document.
pub struct RawSeries<'de> {
    /// `"<statsId>-<property>"`.
    pub key: Cow<'de, str>,
    /// `statsType`, absent in very old dumps.
    pub stats_type: Option<Cow<'de, str>>,
    /// `startTime` (ISO-8601).
    pub start_time: Option<Cow<'de, str>>,
    /// `endTime` (ISO-8601).
    pub end_time: Option<Cow<'de, str>>,
    /// The `values` member as raw JSON: normally a string holding the JSON array of samples
    /// (escaped); a plain array is accepted too.
    pub values: Cow<'de, str>,
}

/// Splits a series key into report id and property (§4.3): a key with `[` names a computed
/// metric, `'[' + text after the last '['`, and the id is what precedes it minus the `-`;
/// otherwise split on the last `-` (ids contain dashes, property names do not).
pub fn split_key(key: &str) -> Option<(&str, &str)> {
    if let Some(i) = key.rfind('[') {
        let id = key[..i].strip_suffix('-').unwrap_or(&key[..i]);
        return Some((id, &key[i..]));
    }
    let i = key.rfind('-')?;
    Some((&key[..i], &key[i + 1..]))
}

/// Builds the reports of one connection from its series, one report per rayon task.
pub fn build_report_set(pc: &str, series: Vec<RawSeries<'_>>) -> (Stats, Vec<Warning>) {
    // Group by report id, keeping first-appearance order.
    let mut groups: Vec<(&str, Vec<&RawSeries<'_>>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for s in &series {
        let Some((id, _)) = split_key(&s.key) else {
            continue;
        };
        let slot = *index.entry(id).or_insert_with(|| {
            groups.push((id, Vec::new()));
            groups.len() - 1
        });
        groups[slot].1.push(s);
    }
    let built: Vec<(Report, Vec<Warning>)> = groups
        .into_par_iter()
        .map(|(id, series)| build_report(pc, id, series))
        .collect();
    let mut stats = Stats::default();
    let mut warnings = Vec::new();
    for (report, w) in built {
        stats.reports.push(report);
        warnings.extend(w);
    }
    (stats, warnings)
}

/// A parsed `values` array: numbers in place, `NaN` where the sample was not a number, and
/// the non-numeric samples as a change list.
#[derive(Default, Debug, PartialEq)]
pub struct ParsedValues {
    /// One entry per sample.
    pub numbers: Vec<f64>,
    /// `(index, value)` where a non-numeric sample differs from the previous non-numeric one
    /// (`null` samples are neither).
    pub changes: Vec<(usize, Value)>,
}

impl ParsedValues {
    fn push_other(&mut self, idx: usize, v: Value) {
        self.numbers.push(f64::NAN);
        if self.changes.last().is_none_or(|(_, last)| *last != v) {
            self.changes.push((idx, v));
        }
    }

    fn push_text(&mut self, idx: usize, text: &str) {
        self.numbers.push(f64::NAN);
        let same = matches!(self.changes.last(), Some((_, Value::String(last))) if last == text);
        if !same {
            self.changes.push((idx, Value::String(text.to_owned())));
        }
    }

    /// Drops the oldest `n` samples, keeping the value in force at the new first sample.
    fn drop_front(&mut self, n: usize) {
        self.numbers.drain(..n);
        let in_force = self.changes.iter().rposition(|(i, _)| *i < n);
        let keep_from = in_force.unwrap_or(0);
        let mut changes: Vec<(usize, Value)> = self.changes.drain(keep_from..).collect();
        for (i, _) in &mut changes {
            *i = i.saturating_sub(n);
        }
        // Two changes may now sit at index 0: the one in force wins only if none starts there.
        if changes.len() > 1 && changes[1].0 == 0 {
            changes.remove(0);
        }
        self.changes = changes;
    }
}

/// The array text of a raw `values` member: the content of the JSON string (borrowed when it
/// has no escapes), or a bare array as is.
pub fn values_text(raw: &str) -> Result<Cow<'_, str>, String> {
    let t = raw.trim();
    if t.starts_with('[') {
        return Ok(Cow::Borrowed(t));
    }
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        let inner = &t[1..t.len() - 1];
        if !inner.contains('\\') {
            return Ok(Cow::Borrowed(inner));
        }
        return serde_json::from_str::<String>(t)
            .map(Cow::Owned)
            .map_err(|e| format!("values is not a valid string: {e}"));
    }
    Err("values is neither a string nor an array".into())
}

/// Powers of ten that are exact in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Parses a JSON number token. Plain decimals whose digits fit in 53 bits take Clinger's fast
/// path (an exact integer divided by an exact power of ten is correctly rounded); anything
/// else (exponents, long mantissas) goes to the standard library's parser.
pub fn parse_number(token: &str) -> Option<f64> {
    let b = token.as_bytes();
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0usize;
    let mut frac: Option<usize> = None;
    let mut ok = !digits.is_empty();
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                count += 1;
                if let Some(f) = frac.as_mut() {
                    *f += 1;
                }
            }
            b'.' if frac.is_none() => frac = Some(0),
            _ => {
                ok = false;
                break;
            }
        }
    }
    let scale = frac.unwrap_or(0);
    if ok && count > 0 && count <= 15 && scale < POW10.len() && frac != Some(0) {
        let v = mantissa as f64 / POW10[scale];
        return Some(if neg { -v } else { v });
    }
    token.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses the array text of a `values` member. Numbers take a fast path; strings without
/// escapes, booleans and `null` too; anything else goes through serde_json. Stops at the
/// first malformed element.
pub fn parse_values(text: &str) -> Result<ParsedValues, String> {
    let b = text.as_bytes();
    let mut out = ParsedValues::default();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return Err("values is not a JSON array".into());
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        return Ok(out);
    }
    loop {
        let idx = out.numbers.len();
        match b.get(i) {
            None => return Err(format!("values array ends early after {idx} samples")),
            Some(c) if c.is_ascii_digit() || *c == b'-' => {
                let end = i + b[i..]
                    .iter()
                    .position(|c| matches!(c, b',' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                    .unwrap_or(b.len() - i);
                let v = parse_number(&text[i..end])
                    .ok_or_else(|| format!("sample {idx} is not a number: {}", &text[i..end]))?;
                out.numbers.push(v);
                i = end;
            }
            Some(b'n') if b[i..].starts_with(b"null") => {
                out.numbers.push(f64::NAN);
                i += 4;
            }
            Some(b't') if b[i..].starts_with(b"true") => {
                out.push_other(idx, Value::Bool(true));
                i += 4;
            }
            Some(b'f') if b[i..].starts_with(b"false") => {
                out.push_other(idx, Value::Bool(false));
                i += 5;
            }
            Some(b'"')
                if let Some(len) = b[i + 1..].iter().position(|&c| c == b'"' || c == b'\\')
                    && b[i + 1 + len] == b'"' =>
            {
                out.push_text(idx, &text[i + 1..i + 1 + len]);
                i += len + 2;
            }
            Some(_) => {
                let mut stream =
                    serde_json::Deserializer::from_str(&text[i..]).into_iter::<Value>();
                match stream.next() {
                    Some(Ok(v)) => {
                        if v.is_null() {
                            out.numbers.push(f64::NAN);
                        } else {
                            out.push_other(idx, v);
                        }
                        i += stream.byte_offset();
                    }
                    _ => return Err(format!("sample {idx} is not valid JSON")),
                }
            }
        }
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') => return Ok(out),
            _ => {
                return Err(format!(
                    "values array is malformed after {} samples",
                    out.numbers.len()
                ));
            }
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Builds one report from its series.
fn build_report(pc: &str, id: &str, series: Vec<&RawSeries<'_>>) -> (Report, Vec<Warning>) {
    let mut warnings = Vec::new();
    let location = |key: &str| Location::Key(format!("PeerConnections/{pc}/stats/{key}"));
    let report_type = series
        .iter()
        .find_map(|s| s.stats_type.as_deref())
        .map_or_else(|| infer_type(id).to_owned(), str::to_owned);

    let mut parsed: Vec<(&RawSeries<'_>, &str, ParsedValues)> = Vec::with_capacity(series.len());

    for s in series {
        let Some((_, prop)) = split_key(&s.key) else {
            continue;
        };
        match values_text(&s.values).and_then(|t| parse_values(&t)) {
            Ok(p) => parsed.push((s, prop, p)),
            Err(e) => warnings.push(Warning {
                message: format!("{e}; series skipped"),
                location: location(&s.key),
            }),
        }
    }

    // Report timestamps: the `-timestamp` series (M117+), else a synthetic clock.
    let timestamps: Vec<Timestamp> = match parsed.iter().position(|(_, p, _)| *p == "timestamp") {
        Some(i) => {
            let (_, _, p) = parsed.swap_remove(i);
            p.numbers.into_iter().map(Timestamp).collect()
        }
        None => synthetic_clock(&parsed),
    };
    let n = timestamps.len();
    let mut report = Report {
        id: ReportId::from(id),
        report_type,
        timestamps,
        series: Vec::new(),
        attributes: Vec::new(),
    };
    for (raw, prop, mut p) in parsed {
        if matches!(prop, "type" | "id") {
            continue;
        }
        // Align from the end: both are ring buffers and a property can appear late.
        if p.numbers.len() > n {
            let excess = p.numbers.len() - n;
            warnings.push(Warning {
                message: format!(
                    "series has {excess} more samples than the report has timestamps; the oldest were dropped"
                ),
                location: location(&raw.key),
            });
            p.drop_front(excess);
        }
        let start = n - p.numbers.len();
        if !p.changes.is_empty() {
            let changes = p
                .changes
                .iter()
                .map(|(i, v)| (report.timestamps[start + i], stat_value(v)))
                .collect();
            report.attributes.push(Attribute {
                name: prop.to_owned(),
                changes,
            });
        }
        if p.numbers.iter().any(|v| !v.is_nan()) {
            p.numbers.shrink_to_fit();
            report.series.push(Series {
                name: prop.to_owned(),
                start,
                values: p.numbers,
            });
        }
    }
    if report.timestamps.windows(2).any(|w| w[1].0 < w[0].0) {
        super::stats_builder::sort_report(&mut report);
    }
    (report, warnings)
}

/// Before M117 there is no timestamp series: take the longest series' `startTime`/`endTime`
/// and spread its samples evenly between them (1 s apart when that is not possible), which
/// also honours a changed `?statsInterval=`.
fn synthetic_clock(parsed: &[(&RawSeries<'_>, &str, ParsedValues)]) -> Vec<Timestamp> {
    let Some((raw, _, p)) = parsed.iter().max_by_key(|(_, _, p)| p.numbers.len()) else {
        return Vec::new();
    };
    let n = p.numbers.len();
    let start = raw.start_time.as_deref().and_then(parse_iso8601);
    let end = raw.end_time.as_deref().and_then(parse_iso8601);
    let (end, interval) = match (start, end) {
        (Some(s), Some(e)) if n > 1 && e > s => (e, (e - s) / (n - 1) as f64),
        (_, Some(e)) => (e, 1000.0),
        (Some(s), None) => (s + 1000.0 * (n.saturating_sub(1)) as f64, 1000.0),
        (None, None) => (0.0, 1000.0),
    };
    (0..n)
        .map(|i| Timestamp(end - (n - 1 - i) as f64 * interval))
        .collect()
}

/// Very old dumps have no `statsType`: infer it from the id prefix, as FDI does.
fn infer_type(id: &str) -> &'static str {
    const PREFIXES: &[(&str, &str)] = &[
        ("RTCInboundRTP", "inbound-rtp"),
        ("RTCOutboundRTP", "outbound-rtp"),
        ("RTCRemoteInboundRtp", "remote-inbound-rtp"),
        ("RTCRemoteOutboundRTP", "remote-outbound-rtp"),
        ("RTCIceCandidatePair", "candidate-pair"),
        ("RTCIceCandidate", "local-candidate"),
        ("RTCTransport", "transport"),
        ("RTCCodec", "codec"),
        ("RTCMediaStreamTrack", "track"),
        ("RTCMediaStream", "stream"),
        ("RTCPeerConnection", "peer-connection"),
        ("RTCDataChannel", "data-channel"),
        ("RTCCertificate", "certificate"),
        ("RTCAudioSource", "media-source"),
        ("RTCVideoSource", "media-source"),
        ("ssrc_", "ssrc"),
        ("Conn-", "googCandidatePair"),
        ("bweforvideo", "VideoBwe"),
        ("googTrack", "googTrack"),
        ("Cand-", "localcandidate"),
        ("Channel-", "googComponent"),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| id.starts_with(p))
        .map_or("", |(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_splitting() {
        assert_eq!(
            split_key("OT01V123-bytesSent"),
            Some(("OT01V123", "bytesSent"))
        );
        assert_eq!(
            split_key("Conn-audio-1-0-googRtt"),
            Some(("Conn-audio-1-0", "googRtt"))
        );
        assert_eq!(
            split_key("IT01V123-[bytesReceived_in_bits/s]"),
            Some(("IT01V123", "[bytesReceived_in_bits/s]"))
        );
        assert_eq!(
            split_key("IT01V-[framesReceived-framesDecoded-framesDropped]"),
            Some(("IT01V", "[framesReceived-framesDecoded-framesDropped]"))
        );
        assert_eq!(split_key("nodash"), None);
    }

    #[test]
    fn values_parsing() {
        let p = parse_values("[1, 2.5,-3e2 ,null,true,\"VP8\",\"a\\\"b\",{\"x\":1}]").unwrap();
        assert_eq!(p.numbers.len(), 8);
        assert_eq!(&p.numbers[..3], &[1.0, 2.5, -300.0]);
        assert!(p.numbers[3..].iter().all(|v| v.is_nan()));
        assert_eq!(
            p.changes,
            vec![
                (4, json!(true)),
                (5, json!("VP8")),
                (6, json!("a\"b")),
                (7, json!({"x": 1}))
            ]
        );
        // Only changes are kept.
        let p = parse_values("[\"a\",\"a\",null,\"a\",\"b\",true,true]").unwrap();
        assert_eq!(
            p.changes,
            vec![(0, json!("a")), (4, json!("b")), (5, json!(true))]
        );
        assert_eq!(parse_values("[]").unwrap(), ParsedValues::default());
        assert_eq!(parse_values(" [ 1 ] ").unwrap().numbers, vec![1.0]);
        assert_eq!(
            parse_values("[1795564009465.647]").unwrap().numbers,
            vec![1_795_564_009_465.647]
        );
        for bad in ["", "1", "[1,", "[1 2]", "[-inf]", "[1,]", "[\"x]", "[tru]"] {
            assert!(parse_values(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn number_fast_path_is_exact() {
        for t in [
            "0",
            "-0",
            "1",
            "2312",
            "1795564009465.647",
            "0.1",
            "-3.25",
            "123456789012345",
            "0.000001",
            "9007199254740993",
            "1e5",
            "2.5E-3",
            "12345678901234567890",
            "1.0",
        ] {
            assert_eq!(parse_number(t), t.parse::<f64>().ok(), "{t}");
        }
        assert_eq!(parse_number("-"), None);
        assert_eq!(parse_number("1.2.3"), None);
        assert_eq!(parse_number("1."), "1.".parse::<f64>().ok());
    }

    #[test]
    fn values_member_shapes() {
        assert_eq!(values_text("\"[1,2]\"").unwrap(), "[1,2]");
        assert_eq!(values_text("\"[\\\"a\\\"]\"").unwrap(), "[\"a\"]");
        assert_eq!(values_text("[1]").unwrap(), "[1]");
        assert!(values_text("5").is_err());
    }

    #[test]
    fn dropping_old_samples_keeps_the_value_in_force() {
        let mut p = parse_values("[\"a\",\"a\",\"b\",\"b\"]").unwrap();
        p.drop_front(3);
        assert_eq!(p.changes, vec![(0, json!("b"))]);
        let mut p = parse_values("[\"a\",\"a\",\"b\",\"c\"]").unwrap();
        p.drop_front(1);
        assert_eq!(
            p.changes,
            vec![(0, json!("a")), (1, json!("b")), (2, json!("c"))]
        );
        let mut p = parse_values("[\"a\",\"b\",\"c\"]").unwrap();
        p.drop_front(1);
        assert_eq!(p.changes, vec![(0, json!("b")), (1, json!("c"))]);
    }

    fn raw<'a>(key: &'a str, values: &'a str) -> RawSeries<'a> {
        RawSeries {
            key: key.into(),
            stats_type: Some("inbound-rtp".into()),
            start_time: Some("1970-01-01T00:00:01.000Z".into()),
            end_time: Some("1970-01-01T00:00:03.000Z".into()),
            values: serde_json::to_string(values).unwrap().into(),
        }
    }

    #[test]
    fn alignment_from_the_end() {
        let series = [
            raw("IT-timestamp", "[1000,2000,3000]"),
            raw("IT-bytesReceived", "[10,20,30]"),
            raw("IT-late", "[7]"),
            raw("IT-codec", "[\"VP8\",\"VP8\",\"VP9\"]"),
            raw("IT-type", "[\"inbound-rtp\"]"),
            raw("IT-toolong", "[1,2,3,4]"),
        ];
        let (r, w) = build_report("1-1", "IT", series.iter().collect());
        assert_eq!(r.report_type, "inbound-rtp");
        assert_eq!(r.timestamps.len(), 3, "{w:?}");
        let late = r.series("late").unwrap();
        assert_eq!((late.start, late.values.clone()), (2, vec![7.0]));
        let codec = r.attribute("codec").unwrap();
        assert_eq!(codec.changes.len(), 2);
        assert_eq!(codec.changes[1].0, Timestamp(3000.0));
        assert!(r.series("type").is_none() && r.attribute("type").is_none());
        assert_eq!(r.series("toolong").unwrap().values, vec![2.0, 3.0, 4.0]);
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn synthetic_clock_before_m117() {
        let series = [raw("IT-a", "[1,2,3]"), raw("IT-b", "[5]")];
        let (r, _) = build_report("1-1", "IT", series.iter().collect());
        let t: Vec<f64> = r.timestamps.iter().map(|t| t.0).collect();
        assert_eq!(t, vec![1000.0, 2000.0, 3000.0]);
        assert_eq!(r.series("b").unwrap().start, 2);
    }
}
