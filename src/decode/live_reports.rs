//! getStats delta compression on typed state: the rtcstats v3 decoder (FORMATS.md §2.4) and
//! the two legacy dialects (§3.3). Each connection keeps its decoded reports as typed
//! properties and folds deltas into them in place (the reference decoders build a new map
//! each time; the result is the same). Each property remembers where it goes in the model, so
//! emitting a snapshot costs no hashing, and a non-numeric property is only compared when it
//! changed.

use rustc_hash::FxHashMap as HashMap;

use super::stats_builder::{StatsBuilder, parse_js_number};
use super::timefmt::parse_iso8601;
use super::typed::{Entry, Name, Payload, StatsDelta, Val};
use crate::model::StatValue;

/// What an absent id in a legacy delta means (§3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyDialect {
    /// fippo/rtcstats ≤ 5.x: an absent id is unchanged.
    Fippo,
    /// jitsi/rtcstats: an absent id was removed.
    Jitsi,
}

/// Not yet placed in the model.
const UNSET: u32 = u32::MAX;

/// One property of a live report.
#[derive(Debug)]
struct Prop {
    name: Name,
    value: Val,
    /// The value of a numeric string, for legacy reports (whose numbers are strings).
    numeric: Option<f64>,
    /// Set when the value changed since it was last recorded as a change.
    changed: bool,
    series: u32,
    attribute: u32,
    /// Where the members of a nested object go, in the order they were first seen.
    members: Vec<Member>,
}

/// A member of a nested object (`qualityLimitationDurations.cpu`): numeric members become
/// series of their own, others change lists, both named `object.member`.
#[derive(Debug)]
struct Member {
    key: Name,
    series: u32,
    attribute: u32,
}

impl Prop {
    fn set(&mut self, value: Val, merge_nested: bool) {
        match (&mut self.value, value) {
            (Val::Obj(old), Val::Obj(new)) if merge_nested => {
                for (k, v) in new {
                    match old.iter_mut().find(|(ok, _)| *ok == k) {
                        Some((_, ov)) => *ov = v,
                        None => old.push((k, v)),
                    }
                }
            }
            (slot, v) => *slot = v,
        }
        self.numeric = match &self.value {
            Val::Str(s) => parse_js_number(s),
            _ => None,
        };
        self.changed = true;
    }
}

/// One decoded report of a connection.
#[derive(Debug)]
struct LiveReport {
    id: Box<str>,
    report_type: Option<Box<str>>,
    /// The report's timestamp as decoded (`None`: absent or unusable).
    timestamp: Option<f64>,
    props: Vec<Prop>,
    by_name: HashMap<Name, u32>,
    /// Its slot in the connection's [`StatsBuilder`], once emitted.
    slot: Option<usize>,
    /// The [`LiveReports::generation`] of the last delta that named it.
    named_in: u64,
}

impl LiveReport {
    fn new(id: Box<str>) -> Self {
        LiveReport {
            id,
            report_type: None,
            timestamp: None,
            props: Vec::new(),
            by_name: HashMap::default(),
            slot: None,
            named_in: 0,
        }
    }

    /// Sets property `name`; `hint` is where the previous property of the same delta was, so
    /// that reports sent whole, in the same order each time, are matched without hashing.
    fn set(&mut self, name: Name, value: Val, merge_nested: bool, hint: &mut usize) {
        let at = if self.props.get(*hint).is_some_and(|p| p.name == name) {
            Some(*hint)
        } else {
            self.by_name.get(name.as_ref()).map(|&i| i as usize)
        };
        match at {
            Some(i) => {
                self.props[i].set(value, merge_nested);
                *hint = i + 1;
            }
            None => {
                let numeric = match &value {
                    Val::Str(s) => parse_js_number(s),
                    _ => None,
                };
                self.by_name.insert(name.clone(), self.props.len() as u32);
                self.props.push(Prop {
                    name,
                    value,
                    numeric,
                    changed: true,
                    series: UNSET,
                    attribute: UNSET,
                    members: Vec::new(),
                });
                *hint = self.props.len();
            }
        }
    }

    /// Takes a report's properties: `id` is implied, `type` and `timestamp` are kept apart.
    /// Returns the timestamp that arrived, if one did (`Some(None)`: present but unusable).
    fn absorb(&mut self, props: Vec<(Name, Val)>, merge_nested: bool) -> Option<Option<f64>> {
        let mut own_timestamp = None;
        let mut hint = 0;
        for (name, value) in props {
            match name.as_ref() {
                "id" => {}
                "timestamp" => own_timestamp = Some(timestamp_of(&value)),
                "type" => {
                    self.report_type = match value {
                        Val::Str(s) => Some(s),
                        _ => None,
                    }
                }
                _ => self.set(name, value, merge_nested, &mut hint),
            }
        }
        own_timestamp
    }

    /// Appends this report's current snapshot at `ts` to `stats`.
    fn emit(&mut self, stats: &mut StatsBuilder, ts: f64) {
        let slot = *self
            .slot
            .get_or_insert_with(|| stats.slot(&self.id, self.report_type.as_deref()));
        let Some(k) = stats.begin(slot, self.report_type.as_deref(), ts) else {
            return;
        };
        let numeric_strings = stats.numeric_strings(slot);
        for p in &mut self.props {
            if matches!(p.value, Val::Obj(_)) {
                p.emit_members(stats, slot, k, ts, numeric_strings);
                continue;
            }
            let number = match &p.value {
                Val::Num(v) => Some(*v),
                Val::Str(_) if numeric_strings => p.numeric,
                _ => None,
            };
            if let Some(v) = number {
                if p.series == UNSET {
                    p.series = stats.series_slot(slot, &p.name, k);
                }
                stats.push_number_at(slot, p.series, k, v);
                continue;
            }
            if matches!(p.value, Val::Null) || !p.changed {
                continue;
            }
            if p.attribute == UNSET {
                p.attribute = stats.attribute_slot(slot, &p.name);
            }
            stats.push_change_at(slot, p.attribute, ts, stat_value(&p.value));
            p.changed = false;
        }
    }
}

impl Prop {
    /// Appends sample `k` (at `ts`) of a nested object's members. A member that is itself an
    /// object (no stat has one) is kept as JSON text.
    fn emit_members(
        &mut self,
        stats: &mut StatsBuilder,
        slot: usize,
        k: usize,
        ts: f64,
        numeric_strings: bool,
    ) {
        let Prop {
            name,
            value: Val::Obj(entries),
            changed,
            members,
            ..
        } = self
        else {
            return;
        };
        for (i, (key, v)) in entries.iter().enumerate() {
            // Merged deltas keep members in place, so the i-th is nearly always the same.
            let j = match members.get(i) {
                Some(m) if m.key == *key => i,
                _ => members
                    .iter()
                    .position(|m| m.key == *key)
                    .unwrap_or_else(|| {
                        members.push(Member {
                            key: key.clone(),
                            series: UNSET,
                            attribute: UNSET,
                        });
                        members.len() - 1
                    }),
            };
            let m = &mut members[j];
            let number = match v {
                Val::Num(x) => Some(*x),
                Val::Str(s) if numeric_strings => parse_js_number(s),
                _ => None,
            };
            if let Some(x) = number {
                if m.series == UNSET {
                    m.series = stats.series_slot(slot, &format!("{name}.{key}"), k);
                }
                stats.push_number_at(slot, m.series, k, x);
            } else if *changed && !matches!(v, Val::Null) {
                if m.attribute == UNSET {
                    m.attribute = stats.attribute_slot(slot, &format!("{name}.{key}"));
                }
                stats.push_change_at(slot, m.attribute, ts, stat_value(v));
            }
        }
        *changed = false;
    }
}

/// Converts a non-numeric value into a [`StatValue`].
fn stat_value(value: &Val) -> StatValue {
    match value {
        Val::Bool(b) => StatValue::Bool(*b),
        Val::Str(s) => StatValue::Text((**s).into()),
        other => StatValue::Json(other.to_json()),
    }
}

/// A report timestamp: a number, a numeric string, or an ISO date string (old clients);
/// `false` and `null` are 0.
pub fn timestamp_of(v: &Val) -> Option<f64> {
    match v {
        Val::Num(n) => Some(*n),
        Val::Str(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|t| t.is_finite())
            .or_else(|| parse_iso8601(s)),
        Val::Bool(false) | Val::Null => Some(0.0),
        _ => None,
    }
}

/// [`timestamp_of`] for a value still in JSON (event times, metadata).
pub fn timestamp_of_json(v: &serde_json::Value) -> Option<f64> {
    use serde_json::Value;
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => timestamp_of(&Val::Str(s.as_str().into())),
        Value::Bool(false) | Value::Null => Some(0.0),
        _ => None,
    }
}

/// The warning for a getStats line (`method` as the format spells it) whose value is not a
/// report object.
pub fn not_stats_message(method: &str, payload: Option<&Payload>) -> String {
    let kind = payload.map_or("null", Payload::kind);
    format!("{method} value is {kind}, not an object; skipped")
}

/// Decoded reports of one connection, in first-appearance order.
#[derive(Default, Debug)]
pub struct LiveReports {
    /// Report slots; `None` where a report was removed.
    reports: Vec<Option<LiveReport>>,
    index: HashMap<Box<str>, usize>,
    /// Counts deltas, to mark the reports a delta names without a set of ids per line.
    generation: u64,
}

impl LiveReports {
    fn get_or_insert(&mut self, id: Box<str>) -> &mut LiveReport {
        let i = match self.index.get(&id) {
            Some(&i) => i,
            None => {
                self.index.insert(id.clone(), self.reports.len());
                self.reports.push(None);
                self.reports.len() - 1
            }
        };
        // An indexed slot is always live; filling an empty one keeps this total.
        self.reports[i].get_or_insert_with(|| LiveReport::new(id))
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut LiveReport> {
        let i = *self.index.get(id)?;
        self.reports[i].as_mut()
    }

    fn remove(&mut self, id: &str) {
        if let Some(i) = self.index.remove(id) {
            self.reports[i] = None;
        }
        // Connections that churn through report ids: drop the holes now and then.
        if self.reports.len() > 64 && self.index.len() < self.reports.len() / 2 {
            self.reports.retain(Option::is_some);
            for (i, r) in self.reports.iter().enumerate() {
                if let Some(r) = r {
                    self.index.insert(r.id.clone(), i);
                }
            }
        }
    }

    fn live(&mut self) -> impl Iterator<Item = &mut LiveReport> {
        self.reports.iter_mut().flatten()
    }

    /// Applies an rtcstats v3 delta (§2.4, `statsDecompression`): property and type codes are
    /// already expanded; the time key `t` is the collapsed timestamp; `null` removes a report.
    pub fn apply_v3(&mut self, delta: StatsDelta) {
        let collapsed = match delta.time {
            Some(Val::Num(t)) => Some(t),
            _ => None,
        };
        // Reports that arrive in this delta take their own timestamp, or `t`; the others are
        // unchanged and take `t` too (the "frozen report" quirk: match the reference decoder).
        self.generation += 1;
        let generation = self.generation;
        for (id, entry) in delta.reports {
            match entry {
                Entry::Removed => self.remove(&id),
                Entry::Report(props) => {
                    let report = self.get_or_insert(id);
                    report.named_in = generation;
                    match report.absorb(props, true) {
                        Some(own) => report.timestamp = own,
                        None => {
                            if collapsed.is_some() {
                                report.timestamp = collapsed;
                            }
                        }
                    }
                }
                // A scalar where a report belongs: nothing a report could be merged from.
                Entry::Scalar => {}
            }
        }
        if collapsed.is_some() {
            for r in self.live() {
                if r.named_in != generation {
                    r.timestamp = collapsed;
                }
            }
        }
    }

    /// Applies a legacy `getstats` delta (§3.3): ids and names uncompressed, `timestamp: 0`
    /// means the top-level timestamp.
    pub fn apply_legacy(&mut self, delta: StatsDelta, dialect: LegacyDialect) {
        let top = delta.time.as_ref().and_then(timestamp_of);
        self.generation += 1;
        let generation = self.generation;
        for (id, entry) in delta.reports {
            let props = match entry {
                Entry::Report(props) => props,
                Entry::Removed => {
                    self.remove(&id);
                    continue;
                }
                // Named, so not absent (Jitsi), though nothing can be merged from it.
                Entry::Scalar => {
                    if let Some(r) = self.get_mut(&id) {
                        r.named_in = generation;
                    }
                    continue;
                }
            };
            let report = self.get_or_insert(id);
            report.named_in = generation;
            let previous = report.timestamp;
            report.timestamp = match report.absorb(props, false) {
                // 0 (or `false`, `null`) is the top-level time.
                Some(Some(0.0)) => top.or(Some(0.0)),
                Some(Some(t)) => Some(t),
                // Missing or unusable: the previous timestamp stays.
                Some(None) | None => previous,
            };
        }
        if dialect == LegacyDialect::Jitsi {
            let gone: Vec<Box<str>> = self
                .live()
                .filter(|r| r.named_in != generation)
                .map(|r| r.id.clone())
                .collect();
            for id in gone {
                self.remove(&id);
            }
        }
    }

    /// Appends the current snapshot of every report to `stats`. A report without a usable
    /// timestamp is placed at `event_time`; with `use_event_time` every report is (legacy v1
    /// files, whose clients sent no usable report timestamps).
    pub fn emit(&mut self, stats: &mut StatsBuilder, event_time: f64, use_event_time: bool) {
        for r in self.live() {
            let ts = if use_event_time {
                event_time
            } else {
                r.timestamp.filter(|t| *t > 0.0).unwrap_or(event_time)
            };
            r.emit(stats, ts);
        }
    }

    /// Number of live reports.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// The value of property `name` of report `id`, for tests.
    #[cfg(test)]
    fn value(&self, id: &str, name: &str) -> Option<&Val> {
        let r = self.reports[*self.index.get(id)?].as_ref()?;
        match name {
            "timestamp" => None,
            _ => r.props.iter().find(|p| p.name == name).map(|p| &p.value),
        }
    }

    #[cfg(test)]
    fn timestamp(&self, id: &str) -> Option<f64> {
        self.reports[*self.index.get(id)?].as_ref()?.timestamp
    }

    #[cfg(test)]
    fn report_type(&self, id: &str) -> Option<&str> {
        self.reports[*self.index.get(id)?]
            .as_ref()?
            .report_type
            .as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::super::typed::{Dialect, Payload, parse_event_line};
    use super::*;

    fn delta(json: &str, dialect: Dialect) -> StatsDelta {
        let line = parse_event_line(
            format!("[\"g\",\"P\",{json},1]").as_bytes(),
            dialect,
            |_| true,
        )
        .unwrap();
        match line.payload {
            Some(Payload::Stats(d)) => d,
            other => panic!("{other:?}"),
        }
    }

    fn v3(s: &mut LiveReports, json: &str) {
        s.apply_v3(delta(json, Dialect::V3));
    }

    fn legacy(s: &mut LiveReports, json: &str, d: LegacyDialect) {
        s.apply_legacy(delta(json, Dialect::Legacy), d);
    }

    /// The stats of one emit of `s` at `time`.
    fn emitted(s: &mut LiveReports, time: f64) -> crate::model::Stats {
        let mut stats = StatsBuilder::default();
        s.emit(&mut stats, time, false);
        stats.finish()
    }

    fn num(v: f64) -> Option<&'static Val> {
        Some(Box::leak(Box::new(Val::Num(v))))
    }

    /// The worked example of FORMATS.md §2.4, produced by the reference encoder.
    #[test]
    fn nested_objects_become_member_series() {
        let mut s = LiveReports::default();
        let mut stats = StatsBuilder::default();
        v3(
            &mut s,
            r#"{"0": {"80": 100, "96": {"none": 1, "cpu": 0, "note": "x"}, "type": 2}, "t": 1000}"#,
        );
        s.emit(&mut stats, 1000.0, false);
        // A delta that names one member merges into the others.
        v3(&mut s, r#"{"0": {"96": {"none": 2}}, "t": 2000}"#);
        s.emit(&mut stats, 2000.0, false);
        v3(
            &mut s,
            r#"{"0": {"96": {"cpu": 0.5, "note": "y"}}, "t": 3000}"#,
        );
        s.emit(&mut stats, 3000.0, false);
        let stats = stats.finish();
        let r = &stats.reports[0];
        let name = "qualityLimitationDurations";
        assert!(r.attribute(name).is_none(), "no JSON text per change");
        let none = &r.series(&format!("{name}.none")).unwrap().values;
        assert_eq!(*none, vec![1.0, 2.0, 2.0]);
        let cpu = &r.series(&format!("{name}.cpu")).unwrap().values;
        assert_eq!(*cpu, vec![0.0, 0.0, 0.5]);
        let note = r.attribute(&format!("{name}.note")).unwrap();
        let changes: Vec<String> = note
            .changes
            .iter()
            .map(|(_, v)| v.as_text().into())
            .collect();
        assert_eq!(changes, ["x", "y"]);
        assert_eq!(r.last_members(name).unwrap(), [("none", 2.0), ("cpu", 0.5)]);
    }

    #[test]
    fn v3_worked_example() {
        let mut s = LiveReports::default();
        v3(
            &mut s,
            r#"{"0": {"11": "video", "12": "1", "80": 100, "96": {"none": 1, "cpu": 0}, "type": 2},
                "1": {"4": 96, "6": "video/VP8", "type": 14},
                "2": {"15": 0, "74": "0", "type": 3, "t": 900},
                "t": 1000.5}"#,
        );
        assert_eq!(s.report_type("0"), Some("outbound-rtp"));
        assert_eq!(s.value("0", "kind"), Some(&Val::Str("video".into())));
        assert_eq!(s.value("0", "codecId"), Some(&Val::Str("1".into())));
        assert_eq!(s.value("0", "bytesSent"), num(100.0));
        assert_eq!(s.timestamp("0"), Some(1000.5));
        assert_eq!(s.report_type("1"), Some("codec"));
        assert_eq!(
            s.value("1", "mimeType"),
            Some(&Val::Str("video/VP8".into()))
        );
        // Report 2 keeps its own (RTCP) timestamp.
        assert_eq!(s.timestamp("2"), Some(900.0));
        assert_eq!(s.value("2", "localId"), Some(&Val::Str("0".into())));

        v3(
            &mut s,
            r#"{"0": {"80": 300, "96": {"none": 2}}, "t": 2000.5}"#,
        );
        assert_eq!(s.value("0", "bytesSent"), num(300.0));
        // Nested objects merge one level deep.
        assert_eq!(
            s.value("0", "qualityLimitationDurations")
                .unwrap()
                .to_json(),
            r#"{"none":2,"cpu":0}"#
        );
        // Unchanged reports are re-stamped with the new collapsed timestamp, the frozen
        // remote report included.
        assert_eq!(s.timestamp("1"), Some(2000.5));
        assert_eq!(s.timestamp("2"), Some(2000.5));

        v3(&mut s, r#"{"2": null, "t": 3000.5}"#);
        assert!(s.timestamp("2").is_none());
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn v3_edge_cases() {
        let mut s = LiveReports::default();
        // A first delta with no base and no "t": reports keep no timestamp.
        v3(&mut s, r#"{"0": {"type": 5, "80": 1}}"#);
        assert!(s.timestamp("0").is_none());
        // Arrays replace rather than merge; unknown names and type values stay.
        v3(&mut s, r#"{"0": {"list": [1, 2], "cpuState": 4}, "t": 5}"#);
        v3(
            &mut s,
            r#"{"0": {"list": [3]}, "1": {"type": "compute-pressure"}, "t": 6}"#,
        );
        assert_eq!(s.value("0", "list"), Some(&Val::Array("[3]".into())));
        assert_eq!(s.value("0", "cpuState"), num(4.0));
        assert_eq!(s.report_type("1"), Some("compute-pressure"));
        assert_eq!(s.timestamp("1"), Some(6.0));
        // An id absent from a delta is unchanged, not removed.
        v3(&mut s, r#"{"t": 7}"#);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn v3_full_reports_as_chrome_writes_them() {
        // Chrome's rtcstats download: original ids, names uncompressed, own timestamps.
        let mut s = LiveReports::default();
        v3(
            &mut s,
            r#"{"OT01": {"id": "OT01", "type": "outbound-rtp", "timestamp": 10.5, "bytesSent": 5}}"#,
        );
        v3(
            &mut s,
            r#"{"CP1": {"id": "CP1", "type": "candidate-pair", "timestamp": 11.5}}"#,
        );
        assert_eq!(s.timestamp("OT01"), Some(10.5));
        assert_eq!(s.report_type("OT01"), Some("outbound-rtp"));
        let stats = emitted(&mut s, 99.0);
        assert_eq!(stats.reports[0].timestamps[0].0, 10.5);
        assert_eq!(
            stats.reports[0].series("bytesSent").unwrap().values,
            vec![5.0]
        );
        assert!(stats.reports[0].series("id").is_none());
    }

    #[test]
    fn emit_records_numbers_every_sample_and_changes_once() {
        let mut s = LiveReports::default();
        let mut stats = StatsBuilder::default();
        v3(
            &mut s,
            r#"{"A": {"type": 2, "80": 1, "95": "none", "100": true}, "t": 1000}"#,
        );
        s.emit(&mut stats, 1000.0, false);
        v3(&mut s, r#"{"A": {"80": 2}, "t": 2000}"#);
        s.emit(&mut stats, 2000.0, false);
        // The same snapshot again (same timestamp) is not a sample; the change it carries is
        // recorded with the next one.
        v3(&mut s, r#"{"A": {"95": "cpu", "t": 2000}}"#);
        s.emit(&mut stats, 2500.0, false);
        v3(&mut s, r#"{"A": {"80": 4}, "t": 3000}"#);
        s.emit(&mut stats, 3000.0, false);
        let stats = stats.finish();
        let r = &stats.reports[0];
        assert_eq!(r.timestamps.len(), 3);
        assert_eq!(r.series("bytesSent").unwrap().values, vec![1.0, 2.0, 4.0]);
        let reason: Vec<_> = r
            .attribute("qualityLimitationReason")
            .unwrap()
            .changes
            .iter()
            .map(|(t, v)| (t.0, v.as_text().into_owned()))
            .collect();
        assert_eq!(
            reason,
            vec![(1000.0, "none".to_owned()), (3000.0, "cpu".to_owned())]
        );
        assert_eq!(r.attribute("active").unwrap().changes.len(), 1);
    }

    #[test]
    fn legacy_fippo_dialect_keeps_absent_ids() {
        let mut s = LiveReports::default();
        let f = LegacyDialect::Fippo;
        legacy(
            &mut s,
            r#"{"ssrc_1_send": {"timestamp": 0, "type": "ssrc", "bytesSent": "10"},
                "bweforvideo": {"timestamp": 900, "type": "VideoBwe"}, "timestamp": 1000}"#,
            f,
        );
        assert_eq!(s.timestamp("ssrc_1_send"), Some(1000.0));
        assert_eq!(s.timestamp("bweforvideo"), Some(900.0));
        legacy(
            &mut s,
            r#"{"ssrc_1_send": {"timestamp": 0, "bytesSent": "20"}, "timestamp": 2000}"#,
            f,
        );
        assert_eq!(s.len(), 2);
        assert_eq!(
            s.value("ssrc_1_send", "bytesSent"),
            Some(&Val::Str("20".into()))
        );
        assert_eq!(s.report_type("ssrc_1_send"), Some("ssrc"));
        assert_eq!(s.timestamp("ssrc_1_send"), Some(2000.0));
        // A known id without a timestamp keeps its previous one.
        legacy(
            &mut s,
            r#"{"bweforvideo": {"x": "1"}, "timestamp": 3000}"#,
            f,
        );
        assert_eq!(s.timestamp("bweforvideo"), Some(900.0));
        // Legacy numbers are strings: they still make numeric series.
        let stats = emitted(&mut s, 5.0);
        assert_eq!(
            stats.reports[0].series("bytesSent").unwrap().values,
            vec![20.0]
        );
    }

    #[test]
    fn legacy_jitsi_dialect_removes_absent_ids() {
        let mut s = LiveReports::default();
        let j = LegacyDialect::Jitsi;
        legacy(
            &mut s,
            r#"{"A": {"timestamp": 0, "type": "transport"}, "B": {"timestamp": 0}, "timestamp": 1}"#,
            j,
        );
        legacy(&mut s, r#"{"A": {"timestamp": 0}, "timestamp": 2}"#, j);
        assert_eq!(s.len(), 1);
        assert_eq!(s.timestamp("A"), Some(2.0));
    }

    #[test]
    fn legacy_iso_timestamps() {
        let mut s = LiveReports::default();
        legacy(
            &mut s,
            r#"{"A": {"timestamp": "1970-01-01T00:00:01.000Z", "type": "transport", "x": 1}}"#,
            LegacyDialect::Fippo,
        );
        assert_eq!(emitted(&mut s, 5.0).reports[0].timestamps[0].0, 1000.0);
    }

    #[test]
    fn churned_ids_are_compacted() {
        let mut s = LiveReports::default();
        for i in 0..500 {
            v3(
                &mut s,
                &format!(
                    r#"{{"r{i}": {{"80": {i}}}, "r{}": null, "t": {i}}}"#,
                    i.max(1) - 1
                ),
            );
        }
        assert_eq!(s.len(), 1);
        assert!(s.reports.len() <= 130, "{}", s.reports.len());
        assert_eq!(s.value("r499", "bytesSent"), num(499.0));
    }
}
