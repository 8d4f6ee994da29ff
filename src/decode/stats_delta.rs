//! getStats delta compression: the rtcstats v3 decoder (FORMATS.md §2.4) and the two legacy
//! dialects (§3.3). Each keeps the decoded report map of one connection and folds deltas into
//! it in place (the reference decoders build a new map each time; the result is the same).

use serde_json::{Map, Value};

use super::stats_builder::StatsBuilder;
use super::tables::{property_name, stats_type};
use super::timefmt::parse_iso8601;

/// Decoded reports of one connection, keyed by report id, in first-appearance order.
#[derive(Default, Debug)]
pub struct ReportState {
    reports: Map<String, Value>,
}

/// What an absent id in a legacy delta means (§3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyDialect {
    /// fippo/rtcstats ≤ 5.x: an absent id is unchanged.
    Fippo,
    /// jitsi/rtcstats: an absent id was removed.
    Jitsi,
}

impl ReportState {
    /// Applies an rtcstats v3 delta (§2.4, `statsDecompression`). Property codes and type codes
    /// are expanded; `"t"` is the collapsed timestamp; `null` removes a report.
    pub fn apply_v3(&mut self, delta: Value) -> Result<(), String> {
        let Value::Object(mut delta) = delta else {
            return Err(format!(
                "getStats value is {}, not an object",
                kind_of(&delta)
            ));
        };
        let collapsed = delta.remove("t").and_then(|t| t.as_f64());
        // Reports that arrive in this delta: they take their own timestamp, or `t`.
        let mut arrived = std::collections::HashSet::with_capacity(delta.len());
        for (id, entry) in delta {
            match entry {
                Value::Null => {
                    self.reports.remove(&id);
                }
                Value::Object(props) => {
                    let decoded = decode_v3_properties(props);
                    let own_timestamp = decoded.contains_key("timestamp");
                    arrived.insert(id.clone());
                    let report = self
                        .reports
                        .entry(id)
                        .or_insert_with(|| Value::Object(Map::new()));
                    let Value::Object(report) = report else {
                        continue;
                    };
                    merge(report, decoded);
                    if !own_timestamp && let Some(t) = collapsed {
                        report.insert("timestamp".into(), t.into());
                    }
                }
                // A scalar where a report belongs: nothing a report could be merged from.
                _ => {}
            }
        }
        // Reports absent from the delta are unchanged, and take the new collapsed timestamp
        // (the "frozen report" quirk of the format: match the reference decoder).
        if let Some(t) = collapsed {
            for (id, report) in &mut self.reports {
                if let Value::Object(r) = report
                    && !arrived.contains(id)
                {
                    r.insert("timestamp".into(), t.into());
                }
            }
        }
        Ok(())
    }

    /// Applies a legacy `getstats` delta (§3.3): ids and names uncompressed, `timestamp: 0`
    /// means the top-level timestamp.
    pub fn apply_legacy(&mut self, delta: Value, dialect: LegacyDialect) -> Result<(), String> {
        let Value::Object(mut delta) = delta else {
            return Err(format!(
                "getstats value is {}, not an object",
                kind_of(&delta)
            ));
        };
        let top = delta.remove("timestamp").and_then(|t| timestamp_of(&t));
        if dialect == LegacyDialect::Jitsi {
            self.reports.retain(|id, _| delta.contains_key(id));
        }
        for (id, entry) in delta {
            let Value::Object(mut props) = entry else {
                if entry.is_null() {
                    self.reports.remove(&id);
                }
                continue;
            };
            let ts = props.get("timestamp").map(timestamp_of);
            match self.reports.get_mut(&id) {
                None => {
                    if matches!(ts, Some(Some(0.0)))
                        && let Some(t) = top
                    {
                        props.insert("timestamp".into(), t.into());
                    }
                    self.reports.insert(id, Value::Object(props));
                }
                Some(Value::Object(report)) => {
                    let previous = report.get("timestamp").cloned();
                    match ts {
                        Some(Some(0.0)) => {
                            if let Some(t) = top {
                                props.insert("timestamp".into(), t.into());
                            }
                        }
                        Some(Some(t)) => {
                            props.insert("timestamp".into(), t.into());
                        }
                        // Missing or falsy: keep the previous report's timestamp.
                        _ => {
                            if let Some(p) = previous {
                                props.insert("timestamp".into(), p);
                            }
                        }
                    }
                    for (k, v) in props {
                        report.insert(k, v);
                    }
                }
                Some(other) => *other = Value::Object(props),
            }
        }
        Ok(())
    }

    /// Appends the current snapshot of every report to `stats`. A report without a usable
    /// timestamp is placed at `event_time`; with `use_event_time` every report is (legacy v1
    /// files, whose clients sent no usable report timestamps).
    pub fn emit(&self, stats: &mut StatsBuilder, event_time: f64, use_event_time: bool) {
        for (id, report) in &self.reports {
            let Value::Object(r) = report else { continue };
            let ts = if use_event_time {
                event_time
            } else {
                r.get("timestamp")
                    .and_then(timestamp_of)
                    .filter(|t| *t > 0.0)
                    .unwrap_or(event_time)
            };
            let report_type = r.get("type").and_then(Value::as_str);
            stats.push(id, report_type, ts, r.iter().map(|(k, v)| (k.as_str(), v)));
        }
    }

    /// Number of live reports.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.reports.len()
    }

    /// The decoded report `id`, for tests and diagnostics.
    #[cfg(test)]
    pub fn get(&self, id: &str) -> Option<&Map<String, Value>> {
        self.reports.get(id).and_then(Value::as_object)
    }
}

/// Renames compressed property codes and the compressed `type` value of one v3 report, and
/// marks that the report came in this delta (so that its own timestamp is not overwritten).
fn decode_v3_properties(props: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::with_capacity(props.len() + 1);
    for (k, v) in props {
        let name = property_name(&k);
        if name == "type" {
            let t = stats_type(&v).map_or(v, Value::String);
            out.insert("type".into(), t);
        } else if name == k {
            out.insert(k, v);
        } else {
            out.insert(name.to_owned(), v);
        }
    }
    out
}

/// Folds `delta` into `base`: nested objects shallow-merge, arrays and scalars replace.
fn merge(base: &mut Map<String, Value>, delta: Map<String, Value>) {
    for (k, v) in delta {
        match (base.get_mut(&k), v) {
            (Some(Value::Object(old)), Value::Object(new)) => {
                for (nk, nv) in new {
                    old.insert(nk, nv);
                }
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// A report timestamp: a number, a numeric string, or an ISO date string (old clients).
pub fn timestamp_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|t| t.is_finite())
            .or_else(|| parse_iso8601(s)),
        Value::Bool(false) | Value::Null => Some(0.0),
        _ => None,
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The worked example of FORMATS.md §2.4, produced by the reference encoder.
    #[test]
    fn v3_worked_example() {
        let mut s = ReportState::default();
        s.apply_v3(json!({
            "0": {"11": "video", "12": "1", "80": 100, "96": {"none": 1, "cpu": 0}, "type": 2},
            "1": {"4": 96, "6": "video/VP8", "type": 14},
            "2": {"15": 0, "74": "0", "type": 3, "t": 900},
            "t": 1000.5
        }))
        .unwrap();
        let r0 = s.get("0").unwrap();
        assert_eq!(r0["type"], "outbound-rtp");
        assert_eq!(r0["kind"], "video");
        assert_eq!(r0["codecId"], "1");
        assert_eq!(r0["bytesSent"], 100);
        assert_eq!(r0["timestamp"], 1000.5);
        assert_eq!(s.get("1").unwrap()["type"], "codec");
        assert_eq!(s.get("1").unwrap()["mimeType"], "video/VP8");
        // Report 2 keeps its own (RTCP) timestamp.
        assert_eq!(s.get("2").unwrap()["timestamp"], 900);
        assert_eq!(s.get("2").unwrap()["localId"], "0");

        s.apply_v3(json!({"0": {"80": 300, "96": {"none": 2}}, "t": 2000.5}))
            .unwrap();
        let r0 = s.get("0").unwrap();
        assert_eq!(r0["bytesSent"], 300);
        // Nested objects merge one level deep.
        assert_eq!(
            r0["qualityLimitationDurations"],
            json!({"none": 2, "cpu": 0})
        );
        // Unchanged reports are re-stamped with the new collapsed timestamp, the frozen
        // remote report included.
        assert_eq!(s.get("1").unwrap()["timestamp"], 2000.5);
        assert_eq!(s.get("2").unwrap()["timestamp"], 2000.5);

        s.apply_v3(json!({"2": null, "t": 3000.5})).unwrap();
        assert!(s.get("2").is_none());
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn v3_edge_cases() {
        let mut s = ReportState::default();
        // A first delta with no base and no "t": reports keep no timestamp.
        s.apply_v3(json!({"0": {"type": 5, "80": 1}})).unwrap();
        assert!(s.get("0").unwrap().get("timestamp").is_none());
        // Arrays replace rather than merge; unknown names and type values stay.
        s.apply_v3(json!({"0": {"list": [1, 2], "cpuState": 4}, "t": 5}))
            .unwrap();
        s.apply_v3(json!({"0": {"list": [3]}, "1": {"type": "compute-pressure"}, "t": 6}))
            .unwrap();
        assert_eq!(s.get("0").unwrap()["list"], json!([3]));
        assert_eq!(s.get("0").unwrap()["cpuState"], 4);
        assert_eq!(s.get("1").unwrap()["type"], "compute-pressure");
        assert_eq!(s.get("1").unwrap()["timestamp"], 6.0);
        // An id absent from a delta is unchanged, not removed.
        s.apply_v3(json!({"t": 7})).unwrap();
        assert_eq!(s.len(), 2);
        // A value that is not an object is refused without touching the state.
        assert!(s.apply_v3(json!([1, 2])).is_err());
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn v3_full_reports_as_chrome_writes_them() {
        // Chrome's rtcstats download: original ids, names uncompressed, own timestamps.
        let mut s = ReportState::default();
        s.apply_v3(json!({"OT01": {"id": "OT01", "type": "outbound-rtp", "timestamp": 10.5, "bytesSent": 5}}))
            .unwrap();
        s.apply_v3(json!({"CP1": {"id": "CP1", "type": "candidate-pair", "timestamp": 11.5}}))
            .unwrap();
        assert_eq!(s.get("OT01").unwrap()["timestamp"], 10.5);
        assert_eq!(s.get("OT01").unwrap()["type"], "outbound-rtp");
        let mut stats = StatsBuilder::default();
        s.emit(&mut stats, 99.0, false);
        let stats = stats.finish();
        assert_eq!(stats.reports[0].timestamps[0].0, 10.5);
        assert_eq!(
            stats.reports[0].series("bytesSent").unwrap().values,
            vec![5.0]
        );
        assert!(stats.reports[0].series("id").is_none());
    }

    #[test]
    fn legacy_fippo_dialect_keeps_absent_ids() {
        let mut s = ReportState::default();
        s.apply_legacy(
            json!({"ssrc_1_send": {"timestamp": 0, "type": "ssrc", "bytesSent": "10"},
                   "bweforvideo": {"timestamp": 900, "type": "VideoBwe"}, "timestamp": 1000}),
            LegacyDialect::Fippo,
        )
        .unwrap();
        assert_eq!(s.get("ssrc_1_send").unwrap()["timestamp"], 1000.0);
        assert_eq!(s.get("bweforvideo").unwrap()["timestamp"], 900);
        s.apply_legacy(
            json!({"ssrc_1_send": {"timestamp": 0, "bytesSent": "20"}, "timestamp": 2000}),
            LegacyDialect::Fippo,
        )
        .unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s.get("ssrc_1_send").unwrap()["bytesSent"], "20");
        assert_eq!(s.get("ssrc_1_send").unwrap()["type"], "ssrc");
        assert_eq!(s.get("ssrc_1_send").unwrap()["timestamp"], 2000.0);
        // A known id without a timestamp keeps its previous one.
        s.apply_legacy(
            json!({"bweforvideo": {"x": "1"}, "timestamp": 3000}),
            LegacyDialect::Fippo,
        )
        .unwrap();
        assert_eq!(s.get("bweforvideo").unwrap()["timestamp"], 900);
    }

    #[test]
    fn legacy_jitsi_dialect_removes_absent_ids() {
        let mut s = ReportState::default();
        s.apply_legacy(
            json!({"A": {"timestamp": 0, "type": "transport"}, "B": {"timestamp": 0}, "timestamp": 1}),
            LegacyDialect::Jitsi,
        )
        .unwrap();
        s.apply_legacy(
            json!({"A": {"timestamp": 0}, "timestamp": 2}),
            LegacyDialect::Jitsi,
        )
        .unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s.get("A").unwrap()["timestamp"], 2.0);
    }

    #[test]
    fn legacy_iso_timestamps() {
        let mut s = ReportState::default();
        s.apply_legacy(
            json!({"A": {"timestamp": "1970-01-01T00:00:01.000Z", "type": "transport", "x": 1}}),
            LegacyDialect::Fippo,
        )
        .unwrap();
        let mut stats = StatsBuilder::default();
        s.emit(&mut stats, 5.0, false);
        assert_eq!(stats.finish().reports[0].timestamps[0].0, 1000.0);
    }
}
