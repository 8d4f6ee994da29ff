//! Client features: the page and browser, getUserMedia, getDisplayMedia, enumerateDevices and
//! the rtcstats upload websocket.

use serde_json::Value;

use super::{Fields, number, put};
use crate::model::{Dump, Format, MediaOutcome, MediaRequestKind};

/// The client features of `dump`.
pub fn features(dump: &Dump) -> Fields {
    let mut f = Fields::new();
    let events = &dump.client_events;
    // The `create` payload (hardwareConcurrency, userAgentData, screen, window, …) as given.
    if let Some(Value::Object(create)) =
        events.iter().find(|e| e.name == "create").map(|e| &e.value)
    {
        f.extend(create.clone());
    }
    let times: Vec<f64> = events
        .iter()
        .map(|e| e.time.0)
        .chain(dump.get_user_media.iter().map(|r| r.time.0))
        .filter(|t| t.is_finite())
        .collect();
    let first = times.iter().copied().fold(f64::INFINITY, f64::min);
    let last = times.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if first.is_finite() {
        put(&mut f, "duration", number(last - first));
    }
    put(
        &mut f,
        "operatingSystem",
        operating_system(dump).map(Value::from),
    );
    if !events.is_empty() {
        let enumerated = events
            .iter()
            .filter(|e| e.name.ends_with("enumerateDevices"))
            .count();
        f.insert("enumerateDevicesCount".into(), Value::from(enumerated));
    }
    media(
        &mut f,
        dump,
        MediaRequestKind::GetDisplayMedia,
        "GetDisplayMedia",
    );
    media(&mut f, dump, MediaRequestKind::GetUserMedia, "GetUserMedia");
    ended_tracks(&mut f, dump);
    if first.is_finite() {
        put(&mut f, "startTime", number(first));
    }
    let ws = events
        .iter()
        .find(|e| e.name == "websocket")
        .and_then(|e| e.value.get("connectionTime"))
        .cloned();
    put(&mut f, "webSocketConnectionTime", ws);
    f
}

/// `calledGetUserMedia`, `…Audio`, `…Video`, `…Combined`, the error and the counts.
fn media(f: &mut Fields, dump: &Dump, kind: MediaRequestKind, name: &str) {
    let requests: Vec<_> = dump
        .get_user_media
        .iter()
        .filter(|r| r.kind == kind)
        .collect();
    // rtcstats reads `constraints.audio !== false`: an absent member counts as asked. In
    // webrtc-internals an absent member means it was not requested.
    let absent_asks = dump.format != Format::WebrtcInternals;
    let asks = |r: &crate::model::MediaRequest, k: &str| match r.constraints.get(k) {
        None => absent_asks,
        Some(v) => *v != Value::Bool(false),
    };
    let called = |pred: &dyn Fn(&crate::model::MediaRequest) -> bool| {
        Value::Bool(requests.iter().any(|r| pred(r)))
    };
    f.insert(format!("called{name}"), called(&|_| true));
    f.insert(format!("called{name}Audio"), called(&|r| asks(r, "audio")));
    if kind == MediaRequestKind::GetUserMedia {
        f.insert(
            format!("called{name}Combined"),
            called(&|r| asks(r, "audio") && asks(r, "video")),
        );
    }
    f.insert(format!("called{name}Video"), called(&|r| asks(r, "video")));
    let failures: Vec<&str> = requests
        .iter()
        .filter_map(|r| match &r.outcome {
            MediaOutcome::Failure { error, .. } => Some(error.as_str()),
            _ => None,
        })
        .collect();
    if kind == MediaRequestKind::GetUserMedia && !failures.is_empty() {
        f.insert("getUserMediaError".into(), Value::from(failures[0]));
    }
    let lower = name[..1].to_lowercase() + &name[1..];
    f.insert(format!("{lower}ErrorCount"), Value::from(failures.len()));
    let successes = requests
        .iter()
        .filter(|r| matches!(r.outcome, MediaOutcome::Success { .. }))
        .count();
    f.insert(format!("{lower}SuccessCount"), Value::from(successes));
}

/// `<kind>Ended` and `<kind>ShortDuration`: getUserMedia tracks that fired `ended`, and those
/// that did so within a second of being obtained (a device that failed right away). Both are
/// left out rather than `false`, as rtcstats does.
fn ended_tracks(f: &mut Fields, dump: &Dump) {
    for e in dump
        .client_events
        .iter()
        .filter(|e| e.name == "MediaStreamTrack.onended")
    {
        let Some(id) = e.value.as_str() else {
            continue;
        };
        let obtained = dump
            .get_user_media
            .iter()
            .filter(|r| r.kind == MediaRequestKind::GetUserMedia)
            .find_map(|r| match &r.outcome {
                MediaOutcome::Success { time, tracks } => {
                    tracks.iter().find(|t| t.id == id).map(|t| (t, *time))
                }
                _ => None,
            });
        if let Some((track, at)) = obtained {
            f.insert(format!("{}Ended", track.kind), Value::Bool(true));
            if e.time.0 - at.0 < 1000.0 {
                f.insert(format!("{}ShortDuration", track.kind), Value::Bool(true));
            }
        }
    }
}

/// The operating system: `userAgentData.platform`, else read from the user agent.
fn operating_system(dump: &Dump) -> Option<String> {
    let create_platform = dump
        .client_events
        .iter()
        .find(|e| e.name == "create")
        .and_then(|e| e.value.pointer("/userAgentData/platform"))
        .and_then(Value::as_str);
    if let Some(p) = create_platform.or(dump.client.platform.as_deref()) {
        return Some(p.to_owned());
    }
    let ua = dump.client.user_agent.as_deref()?;
    const KNOWN: [(&str, &str); 7] = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("Mac OS X", "macOS"),
        ("CrOS", "Chrome OS"),
        ("Linux", "Linux"),
    ];
    KNOWN
        .iter()
        .find(|(needle, _)| ua.contains(needle))
        .map(|(_, os)| (*os).to_owned())
}
