//! Accumulates report snapshots (one per getStats call) into the columnar [`Stats`] model,
//! through slots (report, series, change list) that the caller keeps, so that a sample costs no
//! hashing.

use rustc_hash::FxHashMap as HashMap;

use super::tables::is_standard_type;
use crate::model::{Attribute, Report, ReportId, Series, StatValue, Stats, Timestamp, Values};

/// Builds the stats of one peer connection from successive report snapshots.
#[derive(Default)]
pub struct StatsBuilder {
    reports: Vec<ReportBuilder>,
    index: HashMap<String, usize>,
    strings: super::intern::Strings,
}

struct ReportBuilder {
    report: Report,
    series_index: HashMap<String, usize>,
    attribute_index: HashMap<String, usize>,
    /// Whether the numbers of this report may arrive as strings (legacy `goog` stats).
    numeric_strings: bool,
    sorted: bool,
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
pub fn stat_value(value: &serde_json::Value) -> StatValue {
    use serde_json::Value;
    match value {
        Value::Bool(b) => StatValue::Bool(*b),
        Value::String(s) => StatValue::Text(s.as_str().into()),
        other => StatValue::Json(other.to_string()),
    }
}

impl StatsBuilder {
    /// The slot of report `id`, created (with its type, if known) on first sight. Slots are
    /// what the typed path pushes to, so that a sample costs no hashing.
    pub fn slot(&mut self, id: &str, report_type: Option<&str>) -> usize {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
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

    /// Starts a sample of the report in `slot` at `timestamp`, and returns its index; `None`
    /// when it is the same snapshot again (same timestamp as the previous sample) or the time
    /// is not finite. A type that arrives late is taken.
    pub fn begin(
        &mut self,
        slot: usize,
        report_type: Option<&str>,
        timestamp: f64,
    ) -> Option<usize> {
        if !timestamp.is_finite() {
            return None;
        }
        let rb = &mut self.reports[slot];
        if rb.report.report_type.is_empty()
            && let Some(t) = report_type
        {
            rb.report.report_type = t.to_owned();
            rb.numeric_strings = !is_standard_type(t);
        }
        if let Some(last) = rb.report.timestamps.last() {
            if last.0 == timestamp {
                return None;
            }
            if timestamp < last.0 {
                rb.sorted = false;
            }
        }
        rb.report.timestamps.push(Timestamp(timestamp));
        Some(rb.report.timestamps.len() - 1)
    }

    /// Whether the numbers of the report in `slot` may arrive as strings (legacy stats).
    pub fn numeric_strings(&self, slot: usize) -> bool {
        self.reports[slot].numeric_strings
    }

    /// The index of numeric series `name` of the report in `slot`, created on first use.
    pub fn series_slot(&mut self, slot: usize, name: &str, k: usize) -> u32 {
        self.reports[slot].series_slot(name, k) as u32
    }

    /// Appends value `v` of sample `k` to series `series` of the report in `slot`.
    pub fn push_number_at(&mut self, slot: usize, series: u32, k: usize, v: f64) {
        let series = &mut self.reports[slot].report.series[series as usize];
        let at = k - series.start;
        if series.values.len() < at {
            series.values.resize(at, f64::NAN);
        }
        series.values.push(v);
    }

    /// The index of the change list of `name` in the report in `slot`, created on first use.
    pub fn attribute_slot(&mut self, slot: usize, name: &str) -> u32 {
        self.reports[slot].attribute_slot(name) as u32
    }

    /// Records `value` at `t` in change list `attribute` of the report in `slot`, unless it is
    /// the value already in force.
    pub fn push_change_at(&mut self, slot: usize, attribute: u32, t: f64, value: StatValue) {
        let changes = &mut self.reports[slot].report.attributes[attribute as usize].changes;
        if changes.last().is_none_or(|(_, last)| *last != value) {
            changes.push((Timestamp(t), self.strings.value(value)));
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
    fn series_slot(&mut self, name: &str, k: usize) -> usize {
        match self.series_index.get(name) {
            Some(&i) => i,
            None => {
                self.report.series.push(Series {
                    name: name.to_owned(),
                    start: k,
                    values: Values::new(),
                });
                self.series_index
                    .insert(name.to_owned(), self.report.series.len() - 1);
                self.report.series.len() - 1
            }
        }
    }

    fn attribute_slot(&mut self, name: &str) -> usize {
        match self.attribute_index.get(name) {
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
        }
    }

    fn finish(mut self) -> Report {
        let n = self.report.timestamps.len();
        for s in &mut self.report.series {
            // Pad to the end so every series covers the report's samples from `start`.
            s.values.resize(n - s.start, f64::NAN);
            // Growth left up to half of a column's capacity unused. `push` and `resize` keep
            // a column constant until a value differs, so there is nothing to compact.
            s.values.shrink();
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
        for (slot, v) in full[s.start..].iter_mut().zip(&s.values) {
            *slot = v;
        }
        let permuted: Vec<f64> = order.iter().map(|&i| full[i]).collect();
        let first = permuted.iter().position(|v| !v.is_nan()).unwrap_or(n);
        s.start = first;
        s.values = permuted[first..].to_vec().into();
    }
    for a in &mut report.attributes {
        a.changes.sort_by(|x, y| x.0.0.total_cmp(&y.0.0));
        a.changes.dedup_by(|later, earlier| later.1 == earlier.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One snapshot: numbers and texts by name, as the typed path pushes them.
    fn push(
        b: &mut StatsBuilder,
        id: &str,
        t: f64,
        numbers: &[(&str, f64)],
        texts: &[(&str, &str)],
    ) {
        let slot = b.slot(id, Some("outbound-rtp"));
        let Some(k) = b.begin(slot, None, t) else {
            return;
        };
        for (name, v) in numbers {
            let s = b.series_slot(slot, name, k);
            b.push_number_at(slot, s, k, *v);
        }
        for (name, v) in texts {
            let a = b.attribute_slot(slot, name);
            b.push_change_at(slot, a, t, StatValue::Text((*v).into()));
        }
    }

    #[test]
    fn columns_align_to_report_samples() {
        let mut b = StatsBuilder::default();
        push(
            &mut b,
            "OT",
            1000.0,
            &[("bytesSent", 1.0)],
            &[("kind", "video")],
        );
        push(
            &mut b,
            "OT",
            2000.0,
            &[("bytesSent", 2.0), ("late", 5.0)],
            &[("kind", "video")],
        );
        push(&mut b, "OT", 2000.0, &[("bytesSent", 9.0)], &[]); // same snapshot again
        push(&mut b, "OT", 3000.0, &[("late", 6.0)], &[("kind", "audio")]);
        let stats = b.finish();
        let r = &stats.reports[0];
        assert_eq!(r.timestamps.len(), 3);
        let bytes = r.series("bytesSent").unwrap();
        assert_eq!(bytes.start, 0);
        assert_eq!(bytes.values.len(), 3);
        assert!(bytes.values.get(2).unwrap().is_nan());
        let late = r.series("late").unwrap();
        assert_eq!((late.start, late.values.to_vec()), (1, vec![5.0, 6.0]));
        assert_eq!(
            r.attribute("kind").unwrap().changes,
            vec![
                (Timestamp(1000.0), StatValue::Text("video".into())),
                (Timestamp(3000.0), StatValue::Text("audio".into()))
            ]
        );
    }

    #[test]
    fn legacy_types_take_numeric_strings() {
        let mut b = StatsBuilder::default();
        let legacy = b.slot("ssrc_1_send", Some("ssrc"));
        let standard = b.slot("IT01", Some("inbound-rtp"));
        let untyped = b.slot("X", None);
        assert!(b.numeric_strings(legacy));
        assert!(!b.numeric_strings(standard));
        assert!(!b.numeric_strings(untyped));
        // A type that arrives late is taken.
        b.begin(untyped, Some("VideoBwe"), 1.0);
        assert!(b.numeric_strings(untyped));
        assert_eq!(b.finish().reports[2].report_type, "VideoBwe");
    }

    #[test]
    fn out_of_order_samples_are_sorted() {
        let mut b = StatsBuilder::default();
        for (t, v) in [(3.0, 30.0), (1.0, 10.0), (2.0, 20.0)] {
            push(&mut b, "A", t, &[("x", v)], &[]);
        }
        assert_eq!(b.begin(0, None, f64::NAN), None);
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
