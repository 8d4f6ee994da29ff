//! Accumulates report snapshots (one per getStats call) into the columnar [`Stats`] model.

use rustc_hash::FxHashMap as HashMap;

use serde_json::Value;

use super::tables::is_standard_type;
use crate::model::{Attribute, Report, ReportId, Series, StatValue, Stats, Timestamp};

/// Builds the stats of one peer connection from successive report snapshots.
#[derive(Default)]
pub struct StatsBuilder {
    reports: Vec<ReportBuilder>,
    index: HashMap<String, usize>,
}

struct ReportBuilder {
    report: Report,
    series_index: HashMap<String, usize>,
    attribute_index: HashMap<String, usize>,
    /// Whether the numbers of this report may arrive as strings (legacy `goog` stats).
    numeric_strings: bool,
    sorted: bool,
}

/// How a property value enters the model.
pub enum Sample<'a> {
    /// A number: goes to a numeric series.
    Number(f64),
    /// Anything else: goes to the property's change list.
    Other(&'a Value),
    /// `null` or absent: nothing.
    Missing,
}

/// Classifies a stats property value. Numeric strings count as numbers only in legacy reports,
/// where Chrome sent every value as a string; in standard reports `mid: "0"` stays text.
pub fn classify(value: &Value, numeric_strings: bool) -> Sample<'_> {
    match value {
        Value::Number(n) => n.as_f64().map_or(Sample::Other(value), Sample::Number),
        Value::String(s) if numeric_strings => {
            parse_js_number(s).map_or(Sample::Other(value), Sample::Number)
        }
        Value::Null => Sample::Missing,
        other => Sample::Other(other),
    }
}

/// A finite decimal number written as a string (`"123"`, `"-1.5"`, `"1e3"`). `NaN`, `inf` and
/// friends, which Rust would accept, are refused.
pub fn parse_js_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let first = *t.as_bytes().first()?;
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return None;
    }
    if !t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Converts a non-numeric JSON value into a [`StatValue`].
pub fn stat_value(value: &Value) -> StatValue {
    match value {
        Value::Bool(b) => StatValue::Bool(*b),
        Value::String(s) => StatValue::Text(s.clone()),
        other => StatValue::Json(other.to_string()),
    }
}

impl StatsBuilder {
    /// Appends one snapshot of report `id`. `props` are its properties other than `id`,
    /// `timestamp` and `type` (those are skipped if present). A snapshot whose timestamp equals
    /// the report's previous one is the same snapshot again (formats that carry unchanged
    /// reports forward) and is ignored.
    pub fn push<'v>(
        &mut self,
        id: &str,
        report_type: Option<&str>,
        timestamp: f64,
        props: impl IntoIterator<Item = (&'v str, &'v Value)>,
    ) {
        if !timestamp.is_finite() {
            return;
        }
        let slot = match self.index.get(id) {
            Some(&i) => i,
            None => {
                let report_type = report_type.unwrap_or_default().to_owned();
                self.reports.push(ReportBuilder {
                    numeric_strings: !report_type.is_empty() && !is_standard_type(&report_type),
                    report: Report {
                        id: ReportId::from(id),
                        report_type,
                        timestamps: Vec::new(),
                        series: Vec::new(),
                        attributes: Vec::new(),
                    },
                    series_index: HashMap::default(),
                    attribute_index: HashMap::default(),
                    sorted: true,
                });
                self.index.insert(id.to_owned(), self.reports.len() - 1);
                self.reports.len() - 1
            }
        };
        let rb = &mut self.reports[slot];
        if rb.report.report_type.is_empty()
            && let Some(t) = report_type
        {
            rb.report.report_type = t.to_owned();
            rb.numeric_strings = !is_standard_type(t);
        }
        if let Some(last) = rb.report.timestamps.last() {
            if last.0 == timestamp {
                return;
            }
            if timestamp < last.0 {
                rb.sorted = false;
            }
        }
        rb.report.timestamps.push(Timestamp(timestamp));
        let k = rb.report.timestamps.len() - 1;
        for (name, value) in props {
            if matches!(name, "id" | "timestamp" | "type") {
                continue;
            }
            match classify(value, rb.numeric_strings) {
                Sample::Number(v) => rb.push_number(name, k, v),
                Sample::Other(v) => rb.push_other(name, Timestamp(timestamp), v),
                Sample::Missing => {}
            }
        }
    }

    /// The finished stats, every report sorted by time.
    pub fn finish(self) -> Stats {
        Stats {
            reports: self
                .reports
                .into_iter()
                .map(ReportBuilder::finish)
                .collect(),
        }
    }

    /// Whether nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }
}

impl ReportBuilder {
    fn push_number(&mut self, name: &str, k: usize, v: f64) {
        let i = match self.series_index.get(name) {
            Some(&i) => i,
            None => {
                self.report.series.push(Series {
                    name: name.to_owned(),
                    start: k,
                    values: Vec::new(),
                });
                self.series_index
                    .insert(name.to_owned(), self.report.series.len() - 1);
                self.report.series.len() - 1
            }
        };
        let series = &mut self.report.series[i];
        let at = k - series.start;
        if series.values.len() < at {
            series.values.resize(at, f64::NAN);
        }
        series.values.push(v);
    }

    fn push_other(&mut self, name: &str, t: Timestamp, v: &Value) {
        let i = match self.attribute_index.get(name) {
            Some(&i) => i,
            None => {
                self.report.attributes.push(Attribute {
                    name: name.to_owned(),
                    changes: Vec::new(),
                });
                self.attribute_index
                    .insert(name.to_owned(), self.report.attributes.len() - 1);
                self.report.attributes.len() - 1
            }
        };
        let changes = &mut self.report.attributes[i].changes;
        // Compare before converting: most samples repeat the previous value.
        if changes.last().is_none_or(|(_, last)| !last.same_as(v)) {
            changes.push((t, stat_value(v)));
        }
    }

    fn finish(mut self) -> Report {
        let n = self.report.timestamps.len();
        for s in &mut self.report.series {
            // Pad to the end so every series covers the report's samples from `start`.
            s.values.resize(n - s.start, f64::NAN);
        }
        if !self.sorted {
            sort_report(&mut self.report);
        }
        self.report
    }
}

/// Sorts a report's samples by time (out-of-order samples come from dumps whose lines are not
/// in time order), permuting every series the same way.
pub fn sort_report(report: &mut Report) {
    let n = report.timestamps.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| report.timestamps[a].0.total_cmp(&report.timestamps[b].0));
    report.timestamps = order.iter().map(|&i| report.timestamps[i]).collect();
    for s in &mut report.series {
        let mut full = vec![f64::NAN; n];
        full[s.start..s.start + s.values.len()].copy_from_slice(&s.values);
        let permuted: Vec<f64> = order.iter().map(|&i| full[i]).collect();
        let first = permuted.iter().position(|v| !v.is_nan()).unwrap_or(n);
        s.start = first;
        s.values = permuted[first..].to_vec();
    }
    for a in &mut report.attributes {
        a.changes.sort_by(|x, y| x.0.0.total_cmp(&y.0.0));
        a.changes.dedup_by(|later, earlier| later.1 == earlier.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props(v: &Value) -> Vec<(&str, &Value)> {
        v.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .collect()
    }

    #[test]
    fn columns_align_to_report_samples() {
        let mut b = StatsBuilder::default();
        let s1 = json!({"bytesSent": 1, "kind": "video", "active": true});
        let s2 = json!({"bytesSent": 2, "kind": "video", "late": 5, "active": false});
        let s3 = json!({"late": 6, "active": false});
        b.push("OT", Some("outbound-rtp"), 1000.0, props(&s1));
        b.push("OT", Some("outbound-rtp"), 2000.0, props(&s2));
        b.push("OT", Some("outbound-rtp"), 2000.0, props(&s2)); // same snapshot again
        b.push("OT", Some("outbound-rtp"), 3000.0, props(&s3));
        let stats = b.finish();
        let r = &stats.reports[0];
        assert_eq!(r.timestamps.len(), 3);
        let bytes = r.series("bytesSent").unwrap();
        assert_eq!(bytes.start, 0);
        assert_eq!(bytes.values.len(), 3);
        assert!(bytes.values[2].is_nan());
        let late = r.series("late").unwrap();
        assert_eq!((late.start, late.values.clone()), (1, vec![5.0, 6.0]));
        assert_eq!(r.attribute("kind").unwrap().changes.len(), 1);
        let active = &r.attribute("active").unwrap().changes;
        assert_eq!(
            active,
            &vec![
                (Timestamp(1000.0), StatValue::Bool(true)),
                (Timestamp(2000.0), StatValue::Bool(false))
            ]
        );
    }

    #[test]
    fn legacy_reports_parse_numeric_strings() {
        let mut b = StatsBuilder::default();
        let legacy = json!({"googRtt": "12", "googCodecName": "VP8", "bad": "NaN"});
        let standard = json!({"mid": "0"});
        b.push("ssrc_1_send", Some("ssrc"), 1.0, props(&legacy));
        b.push("IT01", Some("inbound-rtp"), 1.0, props(&standard));
        let stats = b.finish();
        let r = &stats.reports[0];
        assert_eq!(r.series("googRtt").unwrap().values, vec![12.0]);
        assert!(r.series("googCodecName").is_none());
        assert!(r.series("bad").is_none());
        assert!(stats.reports[1].series("mid").is_none());
        assert!(stats.reports[1].attribute("mid").is_some());
    }

    #[test]
    fn out_of_order_samples_are_sorted() {
        let mut b = StatsBuilder::default();
        for (t, v) in [(3.0, 30), (1.0, 10), (2.0, 20)] {
            let p = json!({"x": v});
            b.push("A", Some("transport"), t, props(&p));
        }
        let stats = b.finish();
        let r = &stats.reports[0];
        let pts: Vec<_> = r.series[0]
            .points(&r.timestamps)
            .map(|(t, v)| (t.0, v))
            .collect();
        assert_eq!(pts, vec![(1.0, 10.0), (2.0, 20.0), (3.0, 30.0)]);
    }

    #[test]
    fn js_numbers() {
        assert_eq!(parse_js_number("42"), Some(42.0));
        assert_eq!(parse_js_number(" -1.5 "), Some(-1.5));
        assert_eq!(parse_js_number("1e3"), Some(1000.0));
        for bad in ["NaN", "inf", "-infinity", "", "12abc", "0x10"] {
            assert_eq!(parse_js_number(bad), None, "{bad}");
        }
    }
}
