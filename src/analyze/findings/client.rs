//! Client-level rules: media requests and what came of them, the devices in use, and the
//! dump's own clock.

use serde_json::Value;

use super::{Category, Detail, Finding, Severity, Thresholds};
use crate::model::{Dump, MediaOutcome, MediaRequest, MediaRequestKind};

/// What a request asked for: `audio`, `video`, the members present and not `false`, as the
/// browser reads them. (rtcstats' `calledGetUserMediaAudio` counts an absent member as asked;
/// the features keep that for compatibility, but it is not what the call requested.)
fn asked(r: &MediaRequest) -> Vec<String> {
    ["audio", "video"]
        .into_iter()
        .filter(|k| {
            r.constraints
                .get(k)
                .is_some_and(|v| *v != Value::Bool(false))
        })
        .map(str::to_owned)
        .collect()
}

/// The finding of failed request `index`: what it asked, the error, and what later requests
/// of the same API obtained (a retry with less). Severity follows what the user ended up
/// without: nothing lost is info, some kinds lost a warning, everything lost an error.
fn media_failure(dump: &Dump, index: usize, r: &MediaRequest, at: f64, error: &str) -> Finding {
    let call = match r.kind {
        MediaRequestKind::GetUserMedia => "getUserMedia",
        MediaRequestKind::GetDisplayMedia => "getDisplayMedia",
    };
    let rule = match r.kind {
        MediaRequestKind::GetUserMedia => "get-user-media-failed",
        MediaRequestKind::GetDisplayMedia => "get-display-media-failed",
    };
    let asked = asked(r);
    let mut obtained: Vec<String> = Vec::new();
    let mut retry_after_ms = None;
    for later in dump.get_user_media[index + 1..]
        .iter()
        .filter(|l| l.kind == r.kind)
    {
        if let MediaOutcome::Success { tracks, time } = &later.outcome {
            retry_after_ms.get_or_insert(time.0 - at);
            for t in tracks {
                if !obtained.contains(&t.kind) {
                    obtained.push(t.kind.clone());
                }
            }
        }
    }
    let lost = asked.iter().filter(|k| !obtained.contains(k)).count();
    let severity = if r.kind == MediaRequestKind::GetDisplayMedia && error.contains("NotAllowed") {
        // Cancelling a screen-share picker is the user's choice, not a failure.
        Severity::Info
    } else if lost == 0 && !asked.is_empty() {
        Severity::Info
    } else if lost < asked.len() {
        Severity::Warning
    } else {
        Severity::Error
    };
    let detail = Detail::MediaFailed {
        call: call.to_owned(),
        asked,
        error: error.to_owned(),
        obtained_later: obtained,
        retry_after_ms,
    };
    Finding {
        rule,
        severity,
        category: Category::Devices,
        pc: None,
        track: None,
        start_ms: Some(r.time.0),
        end_ms: Some(at),
        detail,
        evidence: Vec::new(),
    }
}

/// The client-level rules: media requests, devices, the dump's clock.
pub(super) fn rules(dump: &Dump, _t: &Thresholds) -> Vec<Finding> {
    let mut out = Vec::new();
    let base =
        |rule: &'static str, severity: Severity, category: Category, detail: Detail| Finding {
            rule,
            severity,
            category,
            pc: None,
            track: None,
            start_ms: None,
            end_ms: None,
            detail,
            evidence: Vec::new(),
        };
    for (i, r) in dump.get_user_media.iter().enumerate() {
        if let MediaOutcome::Failure { time, error } = &r.outcome {
            out.push(media_failure(dump, i, r, time.0, error));
        }
    }
    let mut labels: Vec<(&str, f64)> = Vec::new();
    for r in &dump.get_user_media {
        if let MediaOutcome::Success { tracks, time } = &r.outcome {
            for t in tracks {
                if !labels.iter().any(|(l, _)| *l == t.label) {
                    labels.push((t.label.as_str(), time.0));
                }
            }
        }
    }
    for (rule, needles) in [
        ("usb-device", &["usb"][..]),
        (
            "bluetooth-device",
            &["bluetooth", "airpods", "hands-free", "headset (bt", "(bt)"][..],
        ),
        (
            "virtual-device",
            &[
                "virtual",
                "obs ",
                "snap camera",
                "manycam",
                "vb-audio",
                "blackhole",
                "fake",
                "cable output",
            ][..],
        ),
    ] {
        if let Some((label, t)) = labels
            .iter()
            .find(|(l, _)| needles.iter().any(|n| l.to_ascii_lowercase().contains(n)))
        {
            let severity = if rule == "bluetooth-device" {
                Severity::Warning
            } else {
                Severity::Info
            };
            let detail = Detail::Device {
                label: (*label).to_owned(),
            };
            out.push(base(rule, severity, Category::Devices, detail).at(*t));
        }
    }
    if let Some(c) = &dump.integrity.clock {
        // Lines out of order leave every time right; a clock that jumped does not.
        let severity = if c.reordered == c.count {
            Severity::Info
        } else {
            Severity::Warning
        };
        let detail = Detail::Clock {
            count: c.count,
            reordered: c.reordered,
            largest_ms: c.largest_ms,
            first_line: c.first_line,
        };
        out.push(base("clock-jump", severity, Category::DataQuality, detail));
    }
    out
}
