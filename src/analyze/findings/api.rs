//! API calls and signaling on a connection; media devices and the dump's own quality on the
//! client.

use std::collections::HashSet;

use super::{Category, Ctx, Detail, Finding, Severity};
use crate::analyze::sdp_diff::{diff_descriptions, is_munged, munging_base};
use crate::analyze::timeline::first_offer_answer;

/// The per-connection API, signaling and data-quality rules.
pub(super) fn rules(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    failures(c, out);
    caps(c, out);
    signaling(c, out);
    descriptions(c, out);
    data_quality(c, out);
}

fn failures(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (event, rule, severity) in [
        (
            "setLocalDescriptionOnFailure",
            "set-description-failed",
            Severity::Error,
        ),
        (
            "setRemoteDescriptionOnFailure",
            "set-description-failed",
            Severity::Error,
        ),
        (
            "addIceCandidateOnFailure",
            "add-ice-candidate-failed",
            Severity::Warning,
        ),
        (
            "addIceCandidateFailed",
            "add-ice-candidate-failed",
            Severity::Warning,
        ),
    ] {
        if let Some(e) = c.pc.events.iter().find(|e| e.name == event) {
            let error = e
                .value
                .as_str()
                .map_or_else(|| e.value.to_string(), str::to_owned);
            let detail = Detail::Failed {
                call: event
                    .trim_end_matches("OnFailure")
                    .trim_end_matches("Failed")
                    .to_owned(),
                error,
            };
            out.push(
                c.finding(rule, severity, Category::Api, detail)
                    .at(e.time.0)
                    .event(e),
            );
        }
    }
}

/// `setParameters` with an encoding's `maxBitrate`: the application capped a sender.
fn caps(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    for e in c.pc.events.iter().filter(|e| e.name == "setParameters") {
        // rtcstats-js writes `[parameters, …]`; accept the bare object too.
        let params = e.value.get(0).unwrap_or(&e.value);
        let cap = params
            .get("encodings")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|enc| enc.get("maxBitrate").and_then(serde_json::Value::as_f64))
            .fold(None, |acc: Option<f64>, v| {
                Some(acc.map_or(v, |a| a.max(v)))
            });
        if let Some(bits_per_s) = cap {
            out.push(
                c.finding(
                    "bitrate-capped",
                    Severity::Info,
                    Category::Api,
                    Detail::Cap { bits_per_s },
                )
                .at(e.time.0)
                .event(e),
            );
        }
    }
}

fn signaling(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some((offer, answer)) = first_offer_answer(&c.pc.events) else {
        return;
    };
    let ms = answer.time.0 - offer.time.0;
    if ms > c.t.signaling_ms {
        let detail = Detail::Took {
            what: "signaling (local offer to remote answer)",
            ms,
            limit_ms: c.t.signaling_ms,
        };
        out.push(
            c.finding(
                "high-signaling-time",
                Severity::Warning,
                Category::Signaling,
                detail,
            )
            .during(offer.time.0, answer.time.0)
            .event(offer)
            .event(answer),
        );
    }
}

fn descriptions(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    let pc = c.pc;
    if let Some(i) = (0..pc.descriptions.len()).find(|&i| is_munged(pc, i)) {
        let d = &pc.descriptions[i];
        // What the application changed, as the diff's typed changes.
        let changes = munging_base(pc, i)
            .and_then(|b| diff_descriptions(pc, b, i))
            .map(|diff| {
                diff.session
                    .into_iter()
                    .chain(diff.sections.into_iter().flat_map(|s| s.details))
                    .collect()
            })
            .unwrap_or_default();
        let detail = Detail::Munged {
            sdp_type: d.sdp_type.as_str().to_owned(),
            changes,
        };
        let mut f = c
            .finding("sdp-munged", Severity::Info, Category::Signaling, detail)
            .at(d.time.0);
        if let Some(e) = pc.events.get(d.event_index) {
            f = f.event(e);
        }
        out.push(f);
    }
    // The same line twice in one section: a broken munge or a buggy SDP writer.
    for d in &pc.descriptions {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut duplicate = None;
        for line in d.sdp.lines().map(str::trim_end) {
            if line.starts_with("m=") {
                seen.clear();
            }
            if line.is_empty() || line.starts_with("a=ssrc-group") {
                continue;
            }
            if !seen.insert(line) {
                duplicate = Some(line);
                break;
            }
        }
        if let Some(line) = duplicate {
            let detail = Detail::RepeatedLine {
                line: line.to_owned(),
            };
            let mut f = c
                .finding(
                    "duplicated-sdp-lines",
                    Severity::Warning,
                    Category::Signaling,
                    detail,
                )
                .at(d.time.0);
            if let Some(e) = pc.events.get(d.event_index) {
                f = f.event(e);
            }
            out.push(f);
            break;
        }
    }
}

fn data_quality(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    let (truncated, skew) = crate::analyze::features::data_quality(c.dump, c.pc);
    if truncated {
        let f = c.finding(
            "stats-truncated",
            Severity::Warning,
            Category::DataQuality,
            Detail::Plain,
        );
        let f = match c.pc.polls.last() {
            Some(t) => f.at(t.0),
            None => f,
        };
        out.push(f);
    }
    if let Some(skew) = skew
        && skew.abs() > c.t.clock_skew_ms
    {
        let detail = Detail::Took {
            what: "clock skew between the page and the browser's stats",
            ms: skew,
            limit_ms: c.t.clock_skew_ms,
        };
        out.push(c.finding(
            "clock-skew",
            Severity::Warning,
            Category::DataQuality,
            detail,
        ));
    }
}
