//! Every numeric stat sample as tidy CSV: `pc,report_id,report_type,stat,timestamp_ms,value`,
//! one row per sample, grouped by series, in time order.

use std::io::{self, Write};

use crate::model::{Dump, Report};

/// The header row.
pub const HEADER: [&str; 6] = [
    "pc",
    "report_id",
    "report_type",
    "stat",
    "timestamp_ms",
    "value",
];

/// Writes every numeric sample of `dump` to `out`. Returns the number of rows written.
pub fn write_samples<W: Write>(dump: &Dump, out: W) -> io::Result<u64> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    let mut rows = 0u64;
    for pc in &dump.peer_connections {
        for report in &pc.stats.reports {
            rows += report_rows(&mut w, pc.id.as_str(), report, None)?;
        }
    }
    w.flush()?;
    Ok(rows)
}

/// Writes the samples of one report, or of one of its series, in the same layout (header
/// included): what the viewer saves from a plot. Returns the number of rows.
pub fn write_report<W: Write>(
    pc: &str,
    report: &Report,
    series: Option<&str>,
    out: W,
) -> io::Result<u64> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    let rows = report_rows(&mut w, pc, report, series)?;
    w.flush()?;
    Ok(rows)
}

fn report_rows<W: Write>(
    w: &mut csv::Writer<W>,
    pc: &str,
    report: &Report,
    only: Option<&str>,
) -> io::Result<u64> {
    let mut rows = 0u64;
    let mut time = String::new();
    let mut value = String::new();
    for series in report
        .series
        .iter()
        .filter(|s| only.is_none_or(|n| s.name == n))
    {
        for (t, v) in series.points(&report.timestamps) {
            time.clear();
            value.clear();
            format_number(&mut time, t.0);
            format_number(&mut value, v);
            w.write_record([
                pc,
                report.id.as_str(),
                report.report_type.as_str(),
                series.name.as_str(),
                time.as_str(),
                value.as_str(),
            ])?;
            rows += 1;
        }
    }
    Ok(rows)
}

/// Rust's `Display` for `f64` is the shortest text that reads back to the same value, without
/// a trailing `.0` on integers (`1000`, `0.25`, `1795564009465.647`).
fn format_number(out: &mut String, v: f64) {
    use std::fmt::Write as _;
    let _ = write!(out, "{v}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        PeerConnection, PeerConnectionId, Report, ReportId, Series, Stats, Timestamp,
    };

    #[test]
    fn one_report_or_one_series() {
        let report = Report {
            id: ReportId::from("OT"),
            report_type: "outbound-rtp".into(),
            timestamps: vec![Timestamp(1000.0), Timestamp(2000.0)],
            series: vec![
                Series {
                    name: "a".into(),
                    start: 0,
                    values: vec![1.0, 2.0].into(),
                },
                Series {
                    name: "b".into(),
                    start: 1,
                    values: vec![3.0].into(),
                },
            ],
            attributes: vec![],
        };
        let mut out = Vec::new();
        assert_eq!(write_report("PC_0", &report, None, &mut out).unwrap(), 3);
        let mut out = Vec::new();
        assert_eq!(
            write_report("PC_0", &report, Some("b"), &mut out).unwrap(),
            1
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "pc,report_id,report_type,stat,timestamp_ms,value\nPC_0,OT,outbound-rtp,b,2000,3\n"
        );
    }

    #[test]
    fn rows_in_series_then_time_order() {
        let pc = PeerConnection {
            id: PeerConnectionId::from("PC,0"),
            url: None,
            created: None,
            configuration: None,
            constraints: None,
            events: vec![],
            descriptions: vec![],
            polls: vec![],
            stats: Stats {
                reports: vec![Report {
                    id: ReportId::from("OT"),
                    report_type: "outbound-rtp".into(),
                    timestamps: vec![Timestamp(1000.0), Timestamp(2000.5)],
                    series: vec![
                        Series {
                            name: "bytesSent".into(),
                            start: 0,
                            values: vec![1.0, f64::NAN].into(),
                        },
                        Series {
                            name: "[bytesSent_in_bits/s]".into(),
                            start: 1,
                            values: vec![0.25].into(),
                        },
                    ],
                    attributes: vec![],
                }],
            },
        };
        let dump = Dump {
            peer_connections: vec![pc],
            ..Dump::default()
        };
        let mut out = Vec::new();
        assert_eq!(write_samples(&dump, &mut out).unwrap(), 2);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "pc,report_id,report_type,stat,timestamp_ms,value\n\
             \"PC,0\",OT,outbound-rtp,bytesSent,1000,1\n\
             \"PC,0\",OT,outbound-rtp,[bytesSent_in_bits/s],2000.5,0.25\n"
        );
    }
}
