//! `rtcscope features` and `rtcscope check`: the diagnosis layer on the command line.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::{Failure, RemoteArgs, load, shown};
use crate::analyze::features::{Features, extract};
use crate::analyze::findings::{
    ConnectionVerdict, Evidence, Finding, Preset, Severity, Thresholds, Verdict, findings, verdicts,
};
use crate::model::Dump;

/// What `check` was asked.
pub struct CheckArgs {
    /// The sources.
    pub sources: Vec<String>,
    /// JSON output.
    pub json: bool,
    /// Where to write the JUnit report.
    pub junit: Option<std::path::PathBuf>,
    /// The lowest severity that fails the run.
    pub fail_on: Severity,
    /// A TOML file of thresholds.
    pub rules: Option<String>,
    /// The preset the thresholds start from.
    pub preset: Preset,
}

/// `rtcscope features SOURCE [--json]`.
pub fn features(source: &str, json: bool, remote: &RemoteArgs) -> Result<String, Failure> {
    let dump = load(source, remote).map_err(Failure::Input)?;
    let f = extract(&dump);
    if json {
        return super::to_json(&f.to_json());
    }
    Ok(features_text(&f))
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() != 0.0 => format!("{x:.6}").trim_end_matches('0').to_owned(),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

fn features_text(f: &Features) -> String {
    let mut out = String::from("client\n");
    let row = |out: &mut String, indent: &str, k: &str, v: &Value| {
        let _ = writeln!(out, "{indent}{k:<44} {}", text_of(v));
    };
    for (k, v) in &f.client {
        row(&mut out, "  ", k, v);
    }
    for c in &f.connections {
        let _ = writeln!(out, "\npeer connection {}", c.id);
        for (k, v) in &c.fields {
            row(&mut out, "  ", k, v);
        }
        for (i, t) in c.tracks.iter().enumerate() {
            let name = |k: &str| t.get(k).map(text_of).unwrap_or_default();
            let _ = writeln!(
                out,
                "\n  track {i}: {} {} {}",
                name("direction"),
                name("kind"),
                name("trackIdentifier")
            );
            for (k, v) in t {
                row(&mut out, "    ", k, v);
            }
        }
    }
    out
}

/// One finding as `check --json` prints it.
#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    severity: Severity,
    category: crate::analyze::findings::Category,
    pc: Option<&'a str>,
    track: Option<&'a str>,
    start_ms: Option<f64>,
    end_ms: Option<f64>,
    message: String,
    /// What the rule measured, for machines (the message is rendered from it).
    detail: &'a crate::analyze::findings::Detail,
    evidence: &'a [Evidence],
}

/// One source's result.
#[derive(Serialize)]
struct Checked<'a> {
    source: String,
    verdict: Verdict,
    findings: Vec<JsonFinding<'a>>,
    /// Each connection's verdict and counts, with its tracks'.
    connections: Vec<ConnectionVerdict>,
}

/// The one time every finding of a dump is measured from (`f64::MAX` for an empty dump).
pub(super) fn origin(dump: &Dump) -> f64 {
    crate::analyze::analysis::origin(dump).unwrap_or(f64::MAX)
}

/// `rtcscope check`: the findings of each source; `Ok(true)` when one is at or above
/// `--fail-on`.
pub fn check(args: CheckArgs, remote: &RemoteArgs) -> Result<(String, bool), Failure> {
    let mut thresholds = Thresholds::preset(args.preset);
    if let Some(path) = &args.rules {
        thresholds =
            Thresholds::from_file(&thresholds, path).map_err(|e| Failure::Usage(e.to_string()))?;
    }
    let mut results: Vec<(String, Dump, Vec<Finding>)> = Vec::new();
    let mut unreadable = Vec::new();
    for source in &args.sources {
        match load(source, remote) {
            Ok(dump) => {
                let found = findings(&dump, &thresholds);
                results.push((shown(source), dump, found));
            }
            Err(e) => unreadable.push(e),
        }
    }
    let failed = results
        .iter()
        .any(|(_, _, f)| f.iter().any(|x| x.severity >= args.fail_on));
    if let Some(path) = &args.junit {
        let xml = junit(&results, args.fail_on);
        std::fs::write(path, xml)
            .map_err(|e| Failure::Output(format!("cannot write {}: {e}", path.display())))?;
    }
    let text = if args.json {
        let checked: Vec<Checked<'_>> = results
            .iter()
            .map(|(source, dump, found)| Checked {
                source: source.clone(),
                verdict: Verdict::of(found),
                connections: verdicts(dump, found).connections,
                findings: found
                    .iter()
                    .map(|f| JsonFinding {
                        rule: f.rule,
                        severity: f.severity,
                        category: f.category,
                        pc: f.pc.as_deref(),
                        track: f.track.as_deref(),
                        start_ms: f.start_ms,
                        end_ms: f.end_ms,
                        message: f.message(origin(dump)),
                        detail: &f.detail,
                        evidence: &f.evidence,
                    })
                    .collect(),
            })
            .collect();
        match checked.as_slice() {
            [one] => super::to_json(one)?,
            many => super::to_json(&many)?,
        }
    } else {
        super::check_text::human(&results)
    };
    if !unreadable.is_empty() {
        // Print what could be checked, then fail as an unreadable input does.
        super::print(&text)?;
        return Err(Failure::Input(unreadable.join("\n")));
    }
    Ok((text, failed))
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A JUnit XML report: one test suite per source, one test case per connection, a failure
/// for each finding at or above `fail_on`.
fn junit(results: &[(String, Dump, Vec<Finding>)], fail_on: Severity) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rtcscope check\">\n",
    );
    for (source, dump, found) in results {
        let failing = |pc: Option<&str>| -> Vec<&Finding> {
            found
                .iter()
                .filter(|f| f.pc.as_deref() == pc && f.severity >= fail_on)
                .collect()
        };
        let mut cases: Vec<(String, Vec<&Finding>)> = vec![("client".into(), failing(None))];
        for pc in &dump.peer_connections {
            cases.push((pc.id.to_string(), failing(Some(pc.id.as_str()))));
        }
        let failures: usize = cases.iter().filter(|(_, f)| !f.is_empty()).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">",
            xml_escape(source),
            cases.len()
        );
        for (name, fails) in cases {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(source),
                xml_escape(&name)
            );
            if fails.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            for f in fails {
                let _ = writeln!(
                    out,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    f.rule,
                    xml_escape(&f.message(origin(dump))),
                    xml_escape(&format!(
                        "{} {} ({:?})",
                        f.severity.name(),
                        f.rule,
                        f.category
                    ))
                );
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
