//! `rtcscope check`'s text: per dump, the findings that concern the whole page (the one that
//! explains the others first), then per connection a line on what it was, its tracks, and its
//! findings. A long finding continues clause by clause on lines of its own, and the second
//! end of a connection that called another on the same page is told in one line.

use std::fmt::Write as _;

use serde_json::Value;

use super::diagnose::origin;
use crate::analyze::features::extract;
use crate::analyze::findings::{Detail, Finding, TrackVerdict, Verdict, verdicts};
use crate::model::Dump;

/// Sentences longer than this continue on lines of their own.
const WRAP: usize = 100;

/// The text of `check` over its results: `(source shown, dump, findings)`.
pub(super) fn human(results: &[(String, Dump, Vec<Finding>)]) -> String {
    let mut out = String::new();
    for (source, dump, found) in results {
        let origin = origin(dump);
        let _ = writeln!(out, "{source}: {}", Verdict::of(found).name());
        if origin.is_finite() && origin < f64::MAX {
            let _ = writeln!(
                out,
                "  (times from the first connection's creation, {})",
                crate::model::Timestamp(origin)
            );
        }
        // `findings` is in reading order already: the one that explains the others first.
        let page = found.iter().filter(|f| f.pc.is_none());
        for f in page {
            row(&mut out, "  ", f, &f.message(origin));
        }
        let features = extract(dump);
        let verdicts = verdicts(dump, found);
        // Connections whose failed attempt was told, with the peer they called.
        let mut told: Vec<(&str, &str)> = Vec::new();
        for c in &features.connections {
            let id = c.id.as_str();
            let Some(v) = verdicts.connections.iter().find(|v| v.pc == id) else {
                continue;
            };
            let _ = writeln!(out, "  {id}: {} ({})", v.verdict.name(), context(dump, c));
            let failed = found.iter().any(|f| {
                f.pc.as_deref() == Some(id) && matches!(f.rule, "connection-failed" | "ice-failed")
            });
            if let Some(line) = tracks_line(&v.tracks, failed) {
                let _ = writeln!(out, "    tracks {line}");
            }
            for f in found.iter().filter(|f| f.pc.as_deref() == Some(id)) {
                let message = match f.peer_in_page() {
                    Some(peer) if told.contains(&(peer, id)) => other_end(f, peer, origin),
                    Some(peer) => {
                        told.push((id, peer));
                        f.message(origin)
                    }
                    None => f.message(origin),
                };
                row(&mut out, "    ", f, &message);
            }
        }
    }
    out
}

/// One finding: severity, rule and sentence. A long sentence is cut at its clauses (`; `,
/// and the first `: `), each continuing under the first.
fn row(out: &mut String, indent: &str, f: &Finding, message: &str) {
    let lead = format!("{indent}{:<8}{:<28}", f.severity.name(), f.rule);
    let lines = clauses(message);
    let pad = " ".repeat(lead.len() + 2);
    for (i, line) in lines.iter().enumerate() {
        let _ = if i == 0 {
            writeln!(out, "{lead}{line}")
        } else {
            writeln!(out, "{pad}{line}")
        };
    }
}

/// A sentence as the lines [`row`] prints: whole when short, else cut after its first `: `
/// (when that comes before the first `; `) and at each `; `.
fn clauses(message: &str) -> Vec<&str> {
    if message.len() <= WRAP {
        return vec![message];
    }
    let mut out = Vec::new();
    let mut parts = message.split("; ");
    if let Some(first) = parts.next() {
        match first.split_once(": ") {
            Some((head, rest)) if !rest.is_empty() => {
                // Keep the colon on the headline: it announces what follows.
                out.push(&first[..head.len() + 1]);
                out.push(rest);
            }
            _ => out.push(first),
        }
    }
    out.extend(parts);
    out
}

/// The failure of the second end of a call between two connections of one page, whose first
/// end was told already: only when, and what it sent.
fn other_end(f: &Finding, peer: &str, origin: f64) -> String {
    let at = f
        .start_ms
        .map(|t| format!(" at {}", crate::analyze::findings::relative(t, origin)))
        .unwrap_or_default();
    let sent = match &f.detail {
        Detail::ConnectionFailed {
            attempt: Some(a), ..
        } => match (a.requests_sent, a.responses_received.unwrap_or(0.0)) {
            (Some(s), 0.0) => format!(" ({s:.0} checks sent, none answered)"),
            (Some(s), r) => format!(" ({s:.0} checks sent, {r:.0} answered)"),
            _ => String::new(),
        },
        _ => String::new(),
    };
    format!(
        "the connection failed{at} without ever connecting, as the other end of {peer} above{sent}"
    )
}

/// At most this many tracks are named on a connection's tracks line.
const NAMED: usize = 4;

/// The tracks line: the ones that need a look by name, how many carried media without a
/// problem, and the ones that never carried any (their quality was never measured).
fn tracks_line(tracks: &[TrackVerdict], failed: bool) -> Option<String> {
    let unwell: Vec<String> = tracks
        .iter()
        .filter(|t| t.verdict != Verdict::Good)
        .map(|t| format!("{} {}", t.track, t.verdict.name()))
        .collect();
    let silent: Vec<&str> = tracks
        .iter()
        .filter(|t| t.verdict == Verdict::Good && !t.media)
        .map(|t| t.track.as_str())
        .collect();
    let good = tracks.len() - unwell.len() - silent.len();
    // "with media" only where some tracks had none.
    let w = if silent.is_empty() { "" } else { " with media" };
    let mut parts = Vec::new();
    if unwell.len() > NAMED {
        // An SFU call can have dozens: name the first few, count the rest.
        parts.push(format!(
            "{} need a look: {}, and {} more",
            unwell.len(),
            unwell[..NAMED].join(", "),
            unwell.len() - NAMED
        ));
    } else if !unwell.is_empty() {
        parts.push(unwell.join(", "));
    }
    match (unwell.is_empty(), good) {
        (_, 0) => {}
        // "good" would read as "fine" on a call that failed: say what was measured.
        (true, n) if failed => parts.push(format!(
            "{n}{w}, none with quality problems before the failure"
        )),
        (true, n) => parts.push(format!("all {n}{w} good")),
        (false, n) => parts.push(format!("the other {n}{w} good")),
    }
    match silent.len() {
        0 => {}
        1 => parts.push(format!("1 never carried media ({})", silent[0])),
        n => parts.push(format!("{n} never carried media ({})", by_kind(&silent))),
    }
    (!parts.is_empty()).then(|| format!("({}): {}", tracks.len(), parts.join("; ")))
}

/// Track labels (`inbound audio ssrc 1`) counted by direction and kind:
/// `3 inbound audio, 1 inbound video`, in order of first appearance.
fn by_kind(labels: &[&str]) -> String {
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for label in labels {
        // The direction and kind are the first two words.
        let end = label
            .match_indices(' ')
            .nth(1)
            .map_or(label.len(), |(i, _)| i);
        let kind = &label[..end];
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    let parts: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    parts.join(", ")
}

/// One line on what a connection was: how long it lived, whether and how it connected, and
/// what it carried.
fn context(dump: &Dump, c: &crate::analyze::features::ConnectionFeatures) -> String {
    let field = |k: &str| c.fields.get(k);
    let text = |k: &str| field(k).and_then(Value::as_str);
    let mut parts = Vec::new();
    if let Some(ms) = field("duration").and_then(Value::as_f64) {
        parts.push(format!("{:.1} s recorded", ms / 1000.0));
    }
    let connected = field("connected").and_then(Value::as_bool).unwrap_or(false)
        || field("iceConnected")
            .and_then(Value::as_bool)
            .unwrap_or(false);
    if connected {
        let mut s = match field("setupTime").and_then(Value::as_f64) {
            Some(ms) => format!("connected after {:.1} s", ms / 1000.0),
            None => "connected".to_owned(),
        };
        if let Some(local) = text("selectedLocalCandidateType") {
            let protocol = text("selectedRelayProtocol")
                .or(text("selectedProtocol"))
                .map(|p| format!(" ({p})"))
                .unwrap_or_default();
            let remote = text("selectedRemoteCandidateType").unwrap_or("?");
            let _ = write!(s, " over {local}{protocol} to {remote}");
        }
        parts.push(s);
    } else {
        parts.push("never connected".to_owned());
    }
    let sent = c
        .tracks
        .iter()
        .filter(|t| t["direction"] == "outbound")
        .count();
    let received = c.tracks.len() - sent;
    let channels = dump
        .peer_connections
        .iter()
        .find(|p| p.id.as_str() == c.id)
        .map_or(0, |p| {
            p.events
                .iter()
                .filter(|e| e.name == "createDataChannel" || e.name == "datachannel")
                .count()
        });
    let tracks = |n: usize| match n {
        0 => "none".to_owned(),
        1 => "1 track".to_owned(),
        n => format!("{n} tracks"),
    };
    let mut media = if sent + received == 0 {
        "no media".to_owned()
    } else {
        format!("sent {}, received {}", tracks(sent), tracks(received))
    };
    if channels > 0 {
        let _ = write!(
            media,
            ", {channels} data channel{}",
            if channels == 1 { "" } else { "s" }
        );
    }
    parts.push(media);
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::findings::Counts;

    fn track(label: &str, verdict: Verdict, media: bool) -> TrackVerdict {
        TrackVerdict {
            track: label.to_owned(),
            verdict,
            counts: Counts::default(),
            media,
        }
    }

    #[test]
    fn long_sentences_are_cut_at_their_clauses() {
        assert_eq!(
            clauses("short: stays whole; on one line"),
            ["short: stays whole; on one line"]
        );
        let long = format!(
            "it failed at +1 s: {}; no TURN server; the other end is PC_2",
            "x".repeat(90)
        );
        let lines = clauses(&long);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], "it failed at +1 s:");
        assert_eq!(lines[1], "x".repeat(90));
        assert_eq!(lines[3], "the other end is PC_2");
        // A colon after the first clause is part of its clause.
        let late = format!("{}; then: this", "y".repeat(120));
        assert_eq!(clauses(&late), ["y".repeat(120).as_str(), "then: this"]);
    }

    #[test]
    fn tracks_without_media_are_not_called_good() {
        let tracks = [
            track("inbound audio ssrc 1", Verdict::Good, false),
            track("inbound audio ssrc 2", Verdict::Good, false),
            track("inbound video ssrc 3", Verdict::Good, false),
            track("inbound video ssrc 4", Verdict::Good, true),
            track("outbound audio ssrc 5", Verdict::Good, true),
        ];
        assert_eq!(
            tracks_line(&tracks, true).as_deref(),
            Some(
                "(5): 2 with media, none with quality problems before the failure; 3 never carried media (2 inbound audio, 1 inbound video)"
            )
        );
        assert_eq!(
            tracks_line(&tracks[3..], false).as_deref(),
            Some("(2): all 2 good")
        );
        let mixed = [
            track("outbound video ssrc 9", Verdict::Degraded, true),
            track("inbound audio ssrc 1", Verdict::Good, true),
            track("inbound audio ssrc 2", Verdict::Good, false),
        ];
        assert_eq!(
            tracks_line(&mixed, false).as_deref(),
            Some(
                "(3): outbound video ssrc 9 degraded; the other 1 with media good; 1 never carried media (inbound audio ssrc 2)"
            )
        );
        assert_eq!(tracks_line(&[], false), None);
    }

    #[test]
    fn an_sfu_call_names_a_few_tracks_and_counts_the_rest() {
        let labels: Vec<String> = (0..40).map(|i| format!("inbound video ssrc {i}")).collect();
        let mut tracks: Vec<TrackVerdict> = labels
            .iter()
            .map(|l| track(l, Verdict::Degraded, true))
            .collect();
        tracks.push(track("outbound audio ssrc 99", Verdict::Good, true));
        assert_eq!(
            tracks_line(&tracks, false).as_deref(),
            Some(
                "(41): 40 need a look: inbound video ssrc 0 degraded, inbound video ssrc 1 degraded, inbound video ssrc 2 degraded, inbound video ssrc 3 degraded, and 36 more; the other 1 good"
            )
        );
    }
}
