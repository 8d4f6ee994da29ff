//! Columnar statistics: per report, one shared time column and one value column per numeric
//! property.
//!
//! All properties of a report are sampled together (one getStats call yields one report
//! object), so the report owns the time column and each [`Series`] holds only values, aligned
//! to that column from `start` on. A missing sample is `NaN`. This keeps the footprint at about
//! eight bytes per sample, half of what per-series `(time, value)` pairs would need.

use serde::Serialize;

use super::{ReportId, Timestamp, Values};

/// The stats of one peer connection: every report seen, in order of first appearance.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Reports in order of first appearance.
    pub reports: Vec<Report>,
}

/// One stats report (one `id`) over time.
#[derive(Debug, Clone)]
pub struct Report {
    /// The report id as the dump names it.
    pub id: ReportId,
    /// The W3C stats type (`inbound-rtp`, `candidate-pair`, …), or a legacy Chrome type
    /// (`ssrc`, `VideoBwe`, …). Empty when the dump does not say.
    pub report_type: String,
    /// The report's own timestamps, one per sample, in epoch milliseconds, ascending.
    pub timestamps: Vec<Timestamp>,
    /// Numeric properties, in order of first appearance.
    pub series: Vec<Series>,
    /// Non-numeric properties (strings, booleans, objects) as change lists.
    pub attributes: Vec<Attribute>,
}

/// The numeric samples of one property of a report.
#[derive(Debug, Clone)]
pub struct Series {
    /// Property name (`bytesSent`), or a computed metric's bracketed name
    /// (`[bytesSent_in_bits/s]`).
    pub name: String,
    /// Index into the report's `timestamps` of `values[0]`.
    pub start: usize,
    /// One value per report sample from `start` on; `NaN` where the property had no numeric
    /// value in that sample. Stored once while it does not change.
    pub values: Values,
}

/// A non-numeric property of a report, kept as the list of its changes.
#[derive(Debug, Clone)]
pub struct Attribute {
    /// Property name.
    pub name: String,
    /// `(time, value)` each time the value changed, starting with its first value.
    pub changes: Vec<(Timestamp, StatValue)>,
}

/// A non-numeric stat value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StatValue {
    /// `true` / `false` (`active`, `nominated`, …).
    Bool(bool),
    /// A string (`qualityLimitationReason`, `mimeType`, …), shared by every change of the
    /// connection that carries the same text.
    Text(std::sync::Arc<str>),
    /// Anything else (arrays, objects inside a nested object), as compact JSON text. A
    /// nested object such as `qualityLimitationDurations` is not kept whole: each member is a
    /// series or change list of its own, named `object.member` (see [`Report::members`]).
    Json(String),
}

impl StatValue {
    /// The value as display text: strings bare, everything else as JSON.
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            StatValue::Bool(b) => if *b { "true" } else { "false" }.into(),
            StatValue::Text(s) => (**s).into(),
            StatValue::Json(s) => s.as_str().into(),
        }
    }
}

impl Series {
    /// Iterates over the numeric samples as `(time, value)`, skipping missing ones.
    pub fn points<'a>(
        &'a self,
        timestamps: &'a [Timestamp],
    ) -> impl Iterator<Item = (Timestamp, f64)> + 'a {
        let times = timestamps.get(self.start..).unwrap_or(&[]);
        times
            .iter()
            .zip(&self.values)
            .filter(|(_, v)| !v.is_nan())
            .map(|(t, v)| (*t, v))
    }

    /// Number of numeric samples.
    pub fn sample_count(&self) -> usize {
        self.values.iter().filter(|v| !v.is_nan()).count()
    }
}

impl Report {
    /// The numeric series called `name`, if any.
    pub fn series(&self, name: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.name == name)
    }

    /// The change list of the non-numeric property `name`, if any.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Series `name` as one value per report sample (`NaN` where it has none), for
    /// computations that pair samples by index.
    pub fn dense(&self, name: &str) -> Option<Vec<f64>> {
        let s = self.series(name)?;
        let mut out = vec![f64::NAN; self.timestamps.len()];
        for (i, v) in s.values.iter().enumerate() {
            if let Some(slot) = out.get_mut(s.start + i) {
                *slot = v;
            }
        }
        Some(out)
    }

    /// The media kind (`audio`, `video`) of an RTP report: `kind`, or the older `mediaType`.
    pub fn kind(&self) -> Option<String> {
        self.last_text("kind")
            .or_else(|| self.last_text("mediaType"))
            .map(|v| v.as_text().into_owned())
    }

    /// The last value of the non-numeric property `name`, if any.
    pub fn last_text(&self, name: &str) -> Option<&StatValue> {
        self.attribute(name)?.changes.last().map(|(_, v)| v)
    }

    /// The numeric members of the nested object `name` (`qualityLimitationDurations`), each
    /// with its series: every decoder stores member `cpu` as series
    /// `qualityLimitationDurations.cpu`.
    pub fn members<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a str, &'a Series)> {
        self.series.iter().filter_map(move |s| {
            let member = s.name.strip_prefix(name)?.strip_prefix('.')?;
            (!member.contains('.')).then_some((member, s))
        })
    }

    /// The last value of each numeric member of the nested object `name`, in order of
    /// appearance; `None` when the report has no such object.
    pub fn last_members<'a>(&'a self, name: &'a str) -> Option<Vec<(&'a str, f64)>> {
        let members: Vec<(&str, f64)> = self
            .members(name)
            .filter_map(|(m, s)| Some((m, s.values.iter().rev().find(|v| !v.is_nan())?)))
            .collect();
        (!members.is_empty()).then_some(members)
    }
}

impl Stats {
    /// The report with id `id`, if any.
    pub fn report(&self, id: &str) -> Option<&Report> {
        self.reports.iter().find(|r| r.id.as_str() == id)
    }

    /// Number of numeric series over all reports.
    pub fn series_count(&self) -> usize {
        self.reports.iter().map(|r| r.series.len()).sum()
    }

    /// Number of numeric samples over all series.
    pub fn sample_count(&self) -> usize {
        self.reports
            .iter()
            .flat_map(|r| &r.series)
            .map(Series::sample_count)
            .sum()
    }

    /// First and last time at which any numeric sample was taken.
    pub fn time_range(&self) -> Option<(Timestamp, Timestamp)> {
        let mut range: Option<(f64, f64)> = None;
        for report in &self.reports {
            for series in &report.series {
                let times = report.timestamps.get(series.start..).unwrap_or(&[]);
                let mut present = times
                    .iter()
                    .zip(&series.values)
                    .filter(|(_, v)| !v.is_nan());
                let Some((first, _)) = present.next() else {
                    continue;
                };
                let last = present.next_back().map_or(first, |(t, _)| t);
                let (lo, hi) = range.get_or_insert((first.0, last.0));
                *lo = lo.min(first.0);
                *hi = hi.max(last.0);
            }
        }
        range.map(|(a, b)| (Timestamp(a), Timestamp(b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            id: ReportId::from("OT01"),
            report_type: "outbound-rtp".into(),
            timestamps: vec![Timestamp(1000.0), Timestamp(2000.0), Timestamp(3000.0)],
            series: vec![
                Series {
                    name: "bytesSent".into(),
                    start: 0,
                    values: vec![10.0, f64::NAN, 30.0].into(),
                },
                Series {
                    name: "late".into(),
                    start: 2,
                    values: vec![7.0].into(),
                },
            ],
            attributes: vec![],
        }
    }

    #[test]
    fn points_skip_missing_samples_and_honour_start() {
        let r = report();
        let pts: Vec<_> = r.series[0].points(&r.timestamps).collect();
        assert_eq!(
            pts,
            vec![(Timestamp(1000.0), 10.0), (Timestamp(3000.0), 30.0)]
        );
        let pts: Vec<_> = r.series[1].points(&r.timestamps).collect();
        assert_eq!(pts, vec![(Timestamp(3000.0), 7.0)]);
    }

    #[test]
    fn counts_and_range() {
        let stats = Stats {
            reports: vec![report()],
        };
        assert_eq!(stats.series_count(), 2);
        assert_eq!(stats.sample_count(), 3);
        assert_eq!(
            stats.time_range(),
            Some((Timestamp(1000.0), Timestamp(3000.0)))
        );
    }
}
