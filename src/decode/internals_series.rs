//! webrtc-internals `stats` series (FORMATS.md §4.3) into columnar reports: key splitting,
//! parsing of the string-encoded `values` arrays, and placing each series in time by its own
//! window ([`super::internals_clock`]).

use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;

use super::internals_clock::{Placement, Window, place, synthetic_clock};
use super::internals_values::{ParsedValues, parse_values, values_text};
use super::stats_builder::stat_value;
use super::timefmt::parse_iso8601;
use crate::model::{
    Attribute, Location, Report, ReportId, Series, Stats, Timestamp, Warning, rates,
};

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
pub fn build_report_set(pc: &str, series: Vec<RawSeries<'_>>) -> (Stats, Vec<Warning>, EndAligned) {
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
    let built: Vec<(Report, Vec<Warning>, EndAligned)> = groups
        .into_par_iter()
        .map(|(id, series)| build_report(pc, id, series))
        .collect();
    let mut stats = Stats::default();
    let mut warnings = Vec::new();
    let mut end_aligned = EndAligned::default();
    for (report, w, e) in built {
        stats.reports.push(report);
        warnings.extend(w);
        end_aligned.merge(e);
    }
    (stats, warnings, end_aligned)
}

/// How the series of one connection were placed in time: the series whose window holds more
/// report timestamps than values, aligned to the end of their window. They are summed over the
/// dump into one warning.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct EndAligned {
    /// How many series.
    pub count: usize,
    /// The key path of the first one.
    pub example: Option<String>,
}

impl EndAligned {
    /// Adds another connection's (or report's) count.
    pub fn merge(&mut self, other: EndAligned) {
        self.count += other.count;
        if self.example.is_none() {
            self.example = other.example;
        }
    }

    /// The dump-level warning, when any series was end-aligned.
    pub fn warning(&self) -> Option<Warning> {
        let example = self.example.as_ref()?;
        Some(Warning {
            message: format!(
                "{} series have fewer values than report timestamps in their own window (a stat Chrome writes only in some reports, such as the roundTripTime of remote-outbound-rtp, or the 1000-point ring buffer); their times are a best guess, aligned to the end of their window",
                self.count
            ),
            location: Location::Key(example.clone()),
        })
    }
}

/// A parsed series of a report: the raw entry, its property name and its values.
type Parsed<'a, 'de> = (&'a RawSeries<'de>, &'a str, ParsedValues);

/// Where a series' values go: the number dropped from the front (they have no time of their
/// own), then the report timestamp index of each kept value.
struct Slots {
    dropped: usize,
    at: Vec<usize>,
}

/// What placing a report's series found, besides the slots.
#[derive(Default)]
struct PlacementNotes {
    warnings: Vec<Warning>,
    /// Series placed at the end of their window: (name, key path).
    guessed: Vec<(String, String)>,
}

/// Builds one report from its series.
fn build_report(
    pc: &str,
    id: &str,
    series: Vec<&RawSeries<'_>>,
) -> (Report, Vec<Warning>, EndAligned) {
    let key_path = |key: &str| format!("PeerConnections/{pc}/stats/{key}");
    let report_type = series
        .iter()
        .find_map(|s| s.stats_type.as_deref())
        .map_or_else(|| infer_type(id).to_owned(), str::to_owned);
    let mut notes = PlacementNotes::default();
    let mut parsed: Vec<Parsed<'_, '_>> = Vec::with_capacity(series.len());
    for s in series {
        let Some((_, prop)) = split_key(&s.key) else {
            continue;
        };
        match values_text(&s.values).and_then(|t| parse_values(&t)) {
            Ok(p) => parsed.push((s, prop, p)),
            Err(e) => notes.warnings.push(Warning {
                message: format!("{e}; series skipped"),
                location: Location::Key(key_path(&s.key)),
            }),
        }
    }
    // `remove`, not `swap_remove`: the series keep their order of appearance.
    let clock = parsed
        .iter()
        .position(|(_, p, _)| *p == "timestamp")
        .map(|i| parsed.remove(i));
    parsed.retain(|(_, prop, _)| !matches!(*prop, "type" | "id"));

    let (timestamps, slots) = match clock {
        // M117+: every poll time, and each series mapped onto those inside its window.
        Some((_, _, p)) => {
            let times: Vec<Timestamp> = p.numbers.into_iter().map(Timestamp).collect();
            let slots = parsed
                .iter()
                .map(|s| slots_on_clock(&times, s, &key_path, &mut notes))
                .collect();
            (times, slots)
        }
        // Before M117: each series spread over its own window.
        None => {
            let windows: Vec<(Window, usize)> = parsed
                .iter()
                .map(|(raw, _, p)| (window(raw), p.numbers.len()))
                .collect();
            let (clock, slots) = synthetic_clock(&windows);
            let slots = slots
                .into_iter()
                .map(|at| Some(Slots { dropped: 0, at }))
                .collect();
            (clock, slots)
        }
    };

    let mut report = Report {
        id: ReportId::from(id),
        report_type,
        timestamps,
        series: Vec::new(),
        attributes: Vec::new(),
    };
    for ((_, prop, mut p), slots) in parsed.into_iter().zip::<Vec<Option<Slots>>>(slots) {
        let Some(slots) = slots else { continue };
        if slots.dropped > 0 {
            p.drop_front(slots.dropped);
        }
        push_placed(&mut report, prop, p, &slots.at);
    }
    if report.timestamps.windows(2).any(|w| w[1].0 < w[0].0) {
        super::stats_builder::sort_report(&mut report);
    }
    // Chrome's ratios and rates, exact from their counters: a gappy one placed at the end of
    // its window is then no longer a guess.
    let recomputed = rates::recompute_report(&mut report);
    let mut end_aligned = EndAligned::default();
    for (name, key) in notes.guessed {
        if !recomputed.contains(&name) {
            end_aligned.count += 1;
            end_aligned.example.get_or_insert(key);
        }
    }
    (report, notes.warnings, end_aligned)
}

/// The slots of one series on a report's `-timestamp` clock, by the series' own window;
/// `None` when it cannot be placed.
fn slots_on_clock(
    times: &[Timestamp],
    (raw, prop, p): &Parsed<'_, '_>,
    key_path: &dyn Fn(&str) -> String,
    notes: &mut PlacementNotes,
) -> Option<Slots> {
    let len = p.numbers.len();
    let warn = |notes: &mut PlacementNotes, message: String| {
        notes.warnings.push(Warning {
            message,
            location: Location::Key(key_path(&raw.key)),
        });
    };
    let (first, dropped) = match place(times, window(raw), len) {
        Placement::Exact { first } => (first, 0),
        Placement::EndOfWindow { first, .. } => {
            notes.guessed.push(((*prop).to_owned(), key_path(&raw.key)));
            (first, 0)
        }
        Placement::Truncated { first, dropped } | Placement::NoWindow { first, dropped } => {
            if dropped > 0 {
                warn(
                    notes,
                    format!(
                        "series has {dropped} more values than its window has report timestamps; the oldest were dropped"
                    ),
                );
            }
            (first, dropped)
        }
        Placement::Outside => {
            warn(
                notes,
                "no report timestamp lies in this series' startTime..endTime; series skipped"
                    .into(),
            );
            return None;
        }
    };
    Some(Slots {
        dropped,
        at: (first..first + len - dropped).collect(),
    })
}

/// The window of a raw series.
fn window(raw: &RawSeries<'_>) -> Window {
    Window {
        start: raw.start_time.as_deref().and_then(parse_iso8601),
        end: raw.end_time.as_deref().and_then(parse_iso8601),
    }
}

/// Adds a series' values and changes to `report`, value `i` at timestamp `slots[i]`.
fn push_placed(report: &mut Report, prop: &str, mut p: ParsedValues, slots: &[usize]) {
    for (key, member) in std::mem::take(&mut p.members) {
        push_placed(report, &format!("{prop}.{key}"), member, slots);
    }
    let n = report.timestamps.len();
    if !p.changes.is_empty() {
        // A property's values flip between a few strings (`relay`, `host`): one copy each.
        let mut strings = super::intern::Strings::default();
        let changes = p
            .changes
            .iter()
            .filter_map(|(i, v)| {
                let t = report.timestamps.get(*slots.get(*i)?)?;
                Some((*t, strings.value(stat_value(v))))
            })
            .collect();
        report.attributes.push(Attribute {
            name: prop.to_owned(),
            changes,
        });
    }
    if !p.numbers.iter().any(|v| !v.is_nan()) {
        return;
    }
    let (Some(&first), Some(&last)) = (slots.first(), slots.last()) else {
        return;
    };
    if first >= n || last >= n || last < first {
        return;
    }
    let contiguous = last - first + 1 == slots.len();
    let values = if contiguous {
        let mut v = p.numbers;
        v.truncate(slots.len());
        v.shrink_to_fit();
        v
    } else {
        let mut v = vec![f64::NAN; last - first + 1];
        for (value, slot) in p.numbers.iter().zip(slots) {
            if let Some(x) = v.get_mut(slot - first) {
                *x = *value;
            }
        }
        v
    };
    report.series.push(Series {
        name: prop.to_owned(),
        start: first,
        values: values.into(),
    });
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

    fn iso(ms: f64) -> String {
        Timestamp(ms).to_iso8601()
    }

    /// A series as Chrome writes it: its own window, and the values as a JSON string.
    fn raw(key: &str, window: (f64, f64), values: &str) -> RawSeries<'static> {
        RawSeries {
            key: key.to_owned().into(),
            stats_type: Some("inbound-rtp".into()),
            start_time: Some(iso(window.0).into()),
            end_time: Some(iso(window.1).into()),
            values: serde_json::to_string(values).unwrap().into(),
        }
    }

    fn at(r: &Report, name: &str) -> Vec<(f64, f64)> {
        r.series(name)
            .unwrap()
            .points(&r.timestamps)
            .map(|(t, v)| (t.0, v))
            .collect()
    }

    /// A report polled five times, 1 s apart, from t = 1 s, with fractional timestamps.
    const T: &str = "[1000.25,2000.5,3000.75,4000.125,5000.5]";

    #[test]
    fn series_sit_in_their_own_windows() {
        let series = [
            raw("IT-timestamp", (1000.0, 5000.0), T),
            raw("IT-bytesReceived", (1000.0, 5000.0), "[10,20,30,40,50]"),
            // Appeared at the third poll.
            raw("IT-late", (3000.0, 5000.0), "[7,8,9]"),
            // Stopped after the second poll: it must not be dragged to the end.
            raw("IT-early", (1000.0, 2000.0), "[1,2]"),
            raw("IT-codec", (1000.0, 3000.0), "[\"VP8\",\"VP8\",\"VP9\"]"),
            raw("IT-type", (1000.0, 5000.0), "[\"inbound-rtp\"]"),
        ];
        let (r, w, e) = build_report("1-1", "IT", series.iter().collect());
        assert!(w.is_empty() && e.count == 0, "{w:?} {e:?}");
        assert_eq!(r.report_type, "inbound-rtp");
        assert_eq!(r.timestamps.len(), 5);
        assert_eq!(
            at(&r, "late"),
            vec![(3000.75, 7.0), (4000.125, 8.0), (5000.5, 9.0)]
        );
        assert_eq!(at(&r, "early"), vec![(1000.25, 1.0), (2000.5, 2.0)]);
        let codec = r.attribute("codec").unwrap();
        assert_eq!(
            codec
                .changes
                .iter()
                .map(|(t, v)| (t.0, v.as_text().into_owned()))
                .collect::<Vec<_>>(),
            vec![(1000.25, "VP8".into()), (3000.75, "VP9".into())]
        );
        assert!(r.series("type").is_none() && r.attribute("type").is_none());
        // The timestamp series is the clock, not a stat.
        assert!(r.series("timestamp").is_none());
    }

    #[test]
    fn a_gap_inside_the_window_aligns_to_its_end_and_is_counted() {
        let series = [
            raw("IT-timestamp", (1000.0, 5000.0), T),
            // A ratio written only when its denominator changed: 2 values over 4 polls.
            raw("IT-[a/b]", (1000.0, 4000.0), "[0.5,0.25]"),
        ];
        let (r, w, e) = build_report("1-1", "IT", series.iter().collect());
        assert!(w.is_empty());
        assert_eq!(e.count, 1);
        assert_eq!(
            e.example.as_deref(),
            Some("PeerConnections/1-1/stats/IT-[a/b]")
        );
        // Never past its own end (4 s), unlike an alignment to the report's end (5 s).
        assert_eq!(at(&r, "[a/b]"), vec![(3000.75, 0.5), (4000.125, 0.25)]);
    }

    #[test]
    fn too_many_values_drop_the_oldest_and_unplaceable_series_are_skipped() {
        let series = [
            raw("IT-timestamp", (1000.0, 5000.0), T),
            raw("IT-toolong", (0.0, 2000.0), "[1,2,3,4]"),
            raw("IT-nowhere", (9000.0, 9500.0), "[1]"),
        ];
        let (r, w, _) = build_report("1-1", "IT", series.iter().collect());
        assert_eq!(at(&r, "toolong"), vec![(1000.25, 3.0), (2000.5, 4.0)]);
        assert!(r.series("nowhere").is_none());
        assert_eq!(w.len(), 2, "{w:?}");
    }

    #[test]
    fn before_m117_each_series_is_spread_over_its_own_window() {
        let series = [
            raw("IT-a", (1000.0, 5000.0), "[1,2,3,4,5]"),
            raw("IT-late", (4000.0, 5000.0), "[8,9]"),
            raw("IT-early", (1000.0, 2000.0), "[6,7]"),
        ];
        let (r, w, _) = build_report("1-1", "IT", series.iter().collect());
        assert!(w.is_empty());
        let t: Vec<f64> = r.timestamps.iter().map(|t| t.0).collect();
        assert_eq!(t, vec![1000.0, 2000.0, 3000.0, 4000.0, 5000.0]);
        assert_eq!(at(&r, "late"), vec![(4000.0, 8.0), (5000.0, 9.0)]);
        assert_eq!(at(&r, "early"), vec![(1000.0, 6.0), (2000.0, 7.0)]);
    }

    #[test]
    fn end_aligned_counts_merge_into_one_warning() {
        let mut total = EndAligned::default();
        assert!(total.warning().is_none());
        total.merge(EndAligned {
            count: 2,
            example: Some("PeerConnections/1/stats/X-[a/b]".into()),
        });
        total.merge(EndAligned {
            count: 3,
            example: Some("other".into()),
        });
        let w = total.warning().unwrap();
        assert!(w.message.starts_with("5 series"), "{}", w.message);
        assert_eq!(
            w.location.to_string(),
            "key PeerConnections/1/stats/X-[a/b]"
        );
    }
}
