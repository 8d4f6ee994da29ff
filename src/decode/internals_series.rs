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
    /// The JSON-encoded array of samples.
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

/// The series of one report id.
type ReportGroup<'de> = (String, Vec<RawSeries<'de>>);

/// Builds the stats of each connection. `groups` holds `(connection index, series)`; the
/// result has one slot per connection.
pub fn build_stats(
    groups: Vec<(usize, Vec<RawSeries<'_>>)>,
    connections: usize,
) -> Vec<Option<(Stats, Vec<Warning>)>> {
    // Group each connection's series by report, keeping first-appearance order.
    let mut jobs: Vec<(usize, usize, &str, Vec<RawSeries<'_>>)> = Vec::new();
    let mut keyed: Vec<(usize, Vec<ReportGroup<'_>>)> = Vec::new();
    for (pc, series) in groups {
        let mut order: Vec<ReportGroup<'_>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for s in series {
            let Some((id, _)) = split_key(&s.key) else {
                continue;
            };
            let slot = *index.entry(id.to_owned()).or_insert_with(|| {
                order.push((id.to_owned(), Vec::new()));
                order.len() - 1
            });
            order[slot].1.push(s);
        }
        keyed.push((pc, order));
    }
    for (pc, order) in &mut keyed {
        for (slot, (id, series)) in order.iter_mut().enumerate() {
            jobs.push((*pc, slot, id.as_str(), std::mem::take(series)));
        }
    }
    let built: Vec<(usize, usize, Report, Vec<Warning>)> = jobs
        .into_par_iter()
        .map(|(pc, slot, id, series)| {
            let (report, warnings) = build_report(id, series);
            (pc, slot, report, warnings)
        })
        .collect();
    let mut out: Vec<Option<(Stats, Vec<Warning>)>> = (0..connections).map(|_| None).collect();
    for (pc, _slot, report, warnings) in built {
        let entry = out[pc].get_or_insert_with(|| (Stats::default(), Vec::new()));
        entry.0.reports.push(report);
        entry.1.extend(warnings);
    }
    // Connections with no stats get an empty set.
    for slot in &mut out {
        slot.get_or_insert_with(|| (Stats::default(), Vec::new()));
    }
    out
}

/// A parsed `values` array: numbers in place, `NaN` where the sample was not a number, and
/// the non-numeric samples by index.
#[derive(Default, Debug, PartialEq)]
pub struct ParsedValues {
    /// One entry per sample.
    pub numbers: Vec<f64>,
    /// `(index, value)` of samples that were not numbers (`null` excluded).
    pub others: Vec<(usize, Value)>,
}

/// Parses a `values` string. Numbers take a fast path; strings without escapes, booleans and
/// `null` too; anything else goes through serde_json. Stops at the first malformed element.
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
                let v = text[i..end]
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| format!("sample {idx} is not a number: {}", &text[i..end]))?;
                out.numbers.push(v);
                i = end;
            }
            Some(b'n') if b[i..].starts_with(b"null") => {
                out.numbers.push(f64::NAN);
                i += 4;
            }
            Some(b't') if b[i..].starts_with(b"true") => {
                out.numbers.push(f64::NAN);
                out.others.push((idx, Value::Bool(true)));
                i += 4;
            }
            Some(b'f') if b[i..].starts_with(b"false") => {
                out.numbers.push(f64::NAN);
                out.others.push((idx, Value::Bool(false)));
                i += 5;
            }
            Some(b'"')
                if let Some(len) = b[i + 1..].iter().position(|&c| c == b'"' || c == b'\\')
                    && b[i + 1 + len] == b'"' =>
            {
                out.numbers.push(f64::NAN);
                out.others
                    .push((idx, Value::String(text[i + 1..i + 1 + len].to_owned())));
                i += len + 2;
            }
            Some(_) => {
                let mut stream =
                    serde_json::Deserializer::from_str(&text[i..]).into_iter::<Value>();
                match stream.next() {
                    Some(Ok(v)) => {
                        out.numbers.push(f64::NAN);
                        if !v.is_null() {
                            out.others.push((idx, v));
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
fn build_report(id: &str, series: Vec<RawSeries<'_>>) -> (Report, Vec<Warning>) {
    let mut warnings = Vec::new();
    let location = |key: &str| Location::Key(format!("stats/{key}"));
    let report_type = series
        .iter()
        .find_map(|s| s.stats_type.as_deref())
        .map_or_else(|| infer_type(id).to_owned(), str::to_owned);

    let mut parsed: Vec<(&RawSeries<'_>, &str, ParsedValues)> = Vec::with_capacity(series.len());
    for s in &series {
        let Some((_, prop)) = split_key(&s.key) else {
            continue;
        };
        match parse_values(&s.values) {
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
            p.numbers.drain(..excess);
            p.others.retain(|(i, _)| *i >= excess);
            p.others.iter_mut().for_each(|(i, _)| *i -= excess);
        }
        let start = n - p.numbers.len();
        if !p.others.is_empty() {
            let mut changes: Vec<(Timestamp, crate::model::StatValue)> = Vec::new();
            for (i, v) in &p.others {
                let value = stat_value(v);
                if changes.last().is_none_or(|(_, last)| *last != value) {
                    changes.push((report.timestamps[start + i], value));
                }
            }
            report.attributes.push(Attribute {
                name: prop.to_owned(),
                changes,
            });
        }
        if p.numbers.iter().any(|v| !v.is_nan()) {
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
            p.others,
            vec![
                (4, json!(true)),
                (5, json!("VP8")),
                (6, json!("a\"b")),
                (7, json!({"x": 1}))
            ]
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

    fn raw<'a>(key: &'a str, values: &'a str) -> RawSeries<'a> {
        RawSeries {
            key: key.into(),
            stats_type: Some("inbound-rtp".into()),
            start_time: Some("1970-01-01T00:00:01.000Z".into()),
            end_time: Some("1970-01-01T00:00:03.000Z".into()),
            values: values.into(),
        }
    }

    #[test]
    fn alignment_from_the_end() {
        let (r, w) = build_report(
            "IT",
            vec![
                raw("IT-timestamp", "[1000,2000,3000]"),
                raw("IT-bytesReceived", "[10,20,30]"),
                raw("IT-late", "[7]"),
                raw("IT-codec", "[\"VP8\",\"VP8\",\"VP9\"]"),
                raw("IT-type", "[\"inbound-rtp\"]"),
                raw("IT-toolong", "[1,2,3,4]"),
            ],
        );
        assert_eq!(r.report_type, "inbound-rtp");
        assert_eq!(r.timestamps.len(), 3);
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
        let (r, _) = build_report("IT", vec![raw("IT-a", "[1,2,3]"), raw("IT-b", "[5]")]);
        let t: Vec<f64> = r.timestamps.iter().map(|t| t.0).collect();
        assert_eq!(t, vec![1000.0, 2000.0, 3000.0]);
        assert_eq!(r.series("b").unwrap().start, 2);
    }
}
