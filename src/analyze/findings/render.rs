//! The one-sentence English of a finding, rendered from its data.

use super::{Detail, Finding, IceAttempt, Metric};

/// Seconds since `origin`, as `+41 s` (one decimal under a minute's precision needs).
pub fn rel(t: f64, origin: f64) -> String {
    let s = (t - origin) / 1000.0;
    // What rounds to zero is +0.0, not -0.0.
    let sign = if s <= -0.05 { '-' } else { '+' };
    if s.abs() < 100.0 {
        format!("{sign}{:.1} s", s.abs())
    } else {
        format!("{sign}{:.0} s", s.abs())
    }
}

/// The sentence of a rule that carries no numbers.
fn plain(rule: &str) -> &'static str {
    match rule {
        "vpn-used" => "the selected path goes through a VPN interface",
        "relay-only-policy" => "iceTransportPolicy is relay: only TURN candidates are used",
        "ice-warmup" => "ICE candidates are gathered before negotiation (iceCandidatePoolSize > 0)",
        "turn-configured-no-relay" => {
            "TURN servers are configured but no relay candidate was gathered"
        }
        "empty-connection" => "the connection connected, but no media or data flowed",
        "sdp-munged" => "the application changed a description between creating and applying it",
        "stats-truncated" => "the stats stop while the connection goes on",
        _ => "see the evidence",
    }
}

/// `250 kbit/s`, `1.7 Mbit/s`.
fn bits(v: f64) -> String {
    let s = crate::analyze::plots::si(v);
    match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => format!("{} {c}bit/s", &s[..i]),
        _ => format!("{s} bit/s"),
    }
}

fn value(metric: Metric, v: f64) -> String {
    let unit = metric.unit();
    match metric {
        Metric::AvailableBitrate | Metric::TargetBitrate => bits(v),
        Metric::FrameHeight => format!("{v:.0} {unit}"),
        Metric::PacketLoss | Metric::Concealment => format!("{v:.1} {unit}"),
        _ => format!("{v:.1} {unit}"),
    }
}

fn metric_name(m: Metric) -> &'static str {
    match m {
        Metric::PacketLoss => "packet loss",
        Metric::Jitter => "jitter",
        Metric::RoundTripTime => "round-trip time",
        Metric::FrameHeight => "frame height",
        Metric::FrameRate => "frame rate",
        Metric::AvailableBitrate => "available outgoing bitrate",
        Metric::TargetBitrate => "target bitrate",
        Metric::DecodeTime => "decode time per frame",
        Metric::EncodeTime => "encode time per frame",
        Metric::Concealment => "concealed audio",
    }
}

/// A failure, in the words an engineer needs: how long it had been up, what ICE was doing,
/// and so where to look.
fn failure(f: &Finding, origin: f64) -> String {
    let Detail::ConnectionFailed {
        connected_for_ms,
        ice_state,
        ice_changed_ms,
        media_until_ms,
        media_after_ms,
        attempt,
        stale_stamp,
    } = &f.detail
    else {
        return String::new();
    };
    let at = f
        .start_ms
        .map(|t| format!(" at {}", rel(t, origin)))
        .unwrap_or_default();
    let what = if f.rule == "ice-failed" {
        "ICE"
    } else {
        "the connection"
    };
    match (connected_for_ms, stale_stamp) {
        (Some(up), Some(stale)) => stale_failure(
            f,
            *up,
            media_until_ms.unwrap_or(stale.stamped_ms),
            stale,
            origin,
        ),
        (Some(up), None) => {
            let ice_up = matches!(ice_state.as_deref(), Some("connected" | "completed"));
            if let Some(after) = media_after_ms
                && ice_up
                && f.rule != "ice-failed"
            {
                // ICE stayed up and the stats contradict the state: say so before any
                // advice about the path.
                return format!(
                    "{what} failed{at}, {:.1} s after connecting; yet media kept arriving until {} and ICE never reported leaving connected, so the media path held: suspect the DTLS transport or a state event recorded late, not the network",
                    up / 1000.0,
                    rel(*after, origin)
                );
            }
            let media = media_until_ms
                .map(|t| format!(" (media last seen arriving at {})", rel(t, origin)))
                .unwrap_or_default();
            let after = format!(
                "{what} failed{at}, {:.1} s after connecting{media}",
                up / 1000.0
            );
            match (ice_state.as_deref(), ice_changed_ms) {
                (Some("connected" | "completed"), _) if f.rule != "ice-failed" => format!(
                    "{after}; ICE never reported leaving connected, so look at DTLS and the remote peer (a restarted server, a closed session) before the network path"
                ),
                (Some(state), Some(t)) if f.rule != "ice-failed" => format!(
                    "{after}; ICE went {state} at {} first: the network path was lost",
                    rel(*t, origin)
                ),
                _ => after,
            }
        }
        (None, _) => {
            let attempt = attempt.clone().unwrap_or_default();
            format!(
                "{what} failed{at} without ever connecting: {}",
                never_connected(&attempt)
            )
        }
    }
}

/// A failure whose event was stamped long before it was written while media went on: placed
/// where it was written, with why its own stamp is not believed, and where to look.
fn stale_failure(
    f: &Finding,
    up_ms: f64,
    media_until_ms: f64,
    stale: &super::StaleStamp,
    origin: f64,
) -> String {
    let Some(t) = f.start_ms else {
        return String::new();
    };
    let when = if stale.ends_recording {
        format!("at the end of the recording, after {}", rel(t, origin))
    } else {
        format!("after {}", rel(t, origin))
    };
    let what = if f.rule == "ice-failed" {
        "ICE"
    } else {
        "the connection"
    };
    let ice = match &f.detail {
        Detail::ConnectionFailed {
            ice_state: Some(s), ..
        } if f.rule != "ice-failed" && matches!(s.as_str(), "connected" | "completed") => {
            "; ICE never reported leaving connected, so look at DTLS and the remote peer (a restarted server, a closed session) before the network path"
        }
        _ => "",
    };
    format!(
        "{what} failed {when}, {:.1} s after connecting: its failed event is stamped {}, but line {} was written after lines of {} and media kept arriving until {}, so the stamp is stale{ice}",
        up_ms / 1000.0,
        rel(stale.stamped_ms, origin),
        stale.line,
        rel(t, origin),
        rel(media_until_ms, origin),
    )
}

/// `n thing` or `n things`.
fn count(n: usize, thing: &str) -> String {
    format!("{n} {thing}{}", if n == 1 { "" } else { "s" })
}

fn kinds(list: &[(String, usize)]) -> String {
    let parts: Vec<String> = list.iter().map(|(k, n)| format!("{n} {k}")).collect();
    parts.join(", ")
}

/// What ICE tried and what answered, then where that points.
fn never_connected(a: &IceAttempt) -> String {
    let local = if a.local.is_empty() {
        "no local candidates".to_owned()
    } else {
        format!("local candidates {}", kinds(&a.local))
    };
    let remote_n = a.remote_added.max(a.remote.iter().map(|(_, n)| n).sum());
    let remote = match (remote_n, a.remote.is_empty()) {
        (0, _) => "no remote candidate".to_owned(),
        (n, true) => count(n, "remote candidate"),
        (1, false) => format!("1 remote candidate ({})", a.remote[0].0),
        (n, false) => format!("{} ({})", count(n, "remote candidate"), kinds(&a.remote)),
    };
    let mut out = match a.checking_ms {
        Some(ms) => format!(
            "ICE checked for {:.1} s with {local} and {remote}",
            ms / 1000.0
        ),
        None => format!("ICE had {local} and {remote}"),
    };
    let answered = a.responses_received.unwrap_or(0.0) + a.requests_received.unwrap_or(0.0);
    match a.requests_sent {
        Some(sent) if sent > 0.0 && answered == 0.0 => out.push_str(&format!(
            "; {} sent {sent:.0} connectivity checks, none was answered and none came from the other end: it was unreachable",
            count(a.pairs, "pair")
        )),
        Some(sent) if sent > 0.0 => out.push_str(&format!(
            "; {} sent {sent:.0} checks and got {:.0} responses, yet no pair succeeded",
            count(a.pairs, "pair"),
            a.responses_received.unwrap_or(0.0)
        )),
        _ if remote_n == 0 => {
            out.push_str(": the remote end never sent a candidate (look at signalling)")
        }
        _ => out.push_str(", and found no working pair"),
    }
    if remote_n > 0 && !a.turn_configured {
        out.push_str("; no TURN server was configured to relay");
    }
    if let Some(peer) = &a.peer {
        out.push_str(&format!("; the other end is {peer} of this same page"));
        if a.remote.iter().all(|(k, _)| k.starts_with("srflx")) {
            out.push_str(
                ", reachable only at the NAT's public address, which needs the NAT to loop traffic back to itself (hairpinning)",
            );
        }
    }
    out
}

/// What a getUserMedia error name means for the user.
fn media_error_meaning(error: &str) -> Option<&'static str> {
    let name = error.split([':', ' ']).next().unwrap_or(error);
    Some(match name {
        "NotReadableError" | "TrackStartError" => {
            "the device is in use by another application or could not be started"
        }
        "NotAllowedError" | "PermissionDeniedError" => "permission was denied",
        "NotFoundError" | "DevicesNotFoundError" => "no such device is connected",
        "OverconstrainedError" | "ConstraintNotSatisfiedError" => {
            "no device can satisfy the constraints"
        }
        "AbortError" => "the request was aborted",
        "SecurityError" => "media is disabled on this page",
        _ => return None,
    })
}

fn media_failure(f: &Finding, origin: f64) -> String {
    let Detail::MediaFailed {
        call,
        asked,
        error,
        obtained_later,
        retry_after_ms,
    } = &f.detail
    else {
        return String::new();
    };
    let what = if asked.is_empty() {
        String::new()
    } else {
        format!(" for {}", asked.join(" and "))
    };
    let meaning = media_error_meaning(error)
        .map(|m| format!(" ({m})"))
        .unwrap_or_default();
    let lost: Vec<&String> = asked
        .iter()
        .filter(|k| !obtained_later.contains(k))
        .collect();
    let after = match retry_after_ms {
        Some(ms) if !obtained_later.is_empty() => {
            let got = format!(
                "a later request obtained {} {:.1} s after",
                obtained_later.join(" and "),
                ms / 1000.0
            );
            if lost.is_empty() {
                format!("; {got}")
            } else {
                let lost: Vec<&str> = lost.iter().map(|s| s.as_str()).collect();
                format!("; {got}, so the user went on without {}", lost.join(" or "))
            }
        }
        _ => "; no later request succeeded".to_owned(),
    };
    let at = f
        .start_ms
        .map(|t| format!(" at {}", rel(t, origin)))
        .unwrap_or_default();
    format!("{call}{what} failed{at}: {error}{meaning}{after}")
}

/// The sentence for `f`, times relative to `origin` (epoch ms).
pub fn message(f: &Finding, origin: f64) -> String {
    let on = f
        .track
        .as_deref()
        .map(|t| format!(" on {t}"))
        .unwrap_or_default();
    let range = match (f.start_ms, f.end_ms) {
        (Some(a), Some(b)) if (b - a).abs() >= 1.0 => {
            format!(" from {} to {}", rel(a, origin), rel(b, origin))
        }
        (Some(a), _) => format!(" at {}", rel(a, origin)),
        _ => String::new(),
    };
    let body = match &f.detail {
        Detail::ConnectionFailed { .. } => failure(f, origin),
        Detail::MediaFailed { .. } => media_failure(f, origin),
        Detail::Together {
            pcs,
            faults,
            spread_ms,
        } => format!(
            "{} connections ({}) failed {}{}: one cause on this client, such as a network change, the machine sleeping or the page closing them, rather than {} separate faults",
            pcs.len(),
            pcs.join(", "),
            if *spread_ms < 1.0 {
                "at the same moment".to_owned()
            } else {
                format!("within {spread_ms:.0} ms of each other")
            },
            f.start_ms
                .map(|t| format!(" at {}", rel(t, origin)))
                .unwrap_or_default(),
            faults
        ),
        Detail::NeverConnected { last } => match last {
            Some(s) => format!("the connection never connected (last state {s})"),
            None => "the connection never connected".to_owned(),
        },
        Detail::Dropped {
            to,
            recovered_after_ms,
        } => match recovered_after_ms {
            Some(ms) => format!(
                "the connection went {to} and recovered after {:.1} s",
                ms / 1000.0
            ),
            None => format!("the connection went {to} and never recovered"),
        },
        Detail::Took { what, ms, limit_ms } => {
            format!(
                "{what}: {:.1} s (limit {:.1} s)",
                ms / 1000.0,
                limit_ms / 1000.0
            )
        }
        Detail::Count { what, count } => {
            format!("{count} {what}{}", if *count == 1 { "" } else { "s" })
        }
        Detail::Relay { protocol, url } => {
            let u = url
                .as_deref()
                .map(|u| format!(" ({u})"))
                .unwrap_or_default();
            match (f.rule, protocol.as_deref()) {
                ("relay-over-tcp" | "relay-over-tls", Some(p)) => format!(
                    "the TURN leg runs over {}{u}: lost packets are resent in order, so loss becomes delay",
                    if p == "tls" { "TLS (TCP)" } else { "TCP" }
                ),
                (_, Some(p)) => format!("media went through a TURN relay, {p} to the server{u}"),
                _ => format!("media went through a TURN relay{u}"),
            }
        }
        Detail::Average {
            metric,
            value: v,
            limit,
        } => format!(
            "{}{on} averaged {} (limit {})",
            metric_name(*metric),
            value(*metric, *v),
            value(*metric, *limit)
        ),
        Detail::Fell { metric, from, to } => format!(
            "{}{on} fell from {} to {}",
            metric_name(*metric),
            value(*metric, *from),
            value(*metric, *to)
        ),
        Detail::Share {
            what,
            pct,
            limit_pct,
        } => {
            format!("{what}{on} {pct:.1} % of the time (limit {limit_pct:.0} %)")
        }
        Detail::Failed { call, error } => format!("{call} failed: {error}"),
        Detail::Cap { bits_per_s } => {
            format!("setParameters capped a sender at {}", bits(*bits_per_s))
        }
        Detail::RepeatedLine { line } => format!("a description repeats the line {line:?}"),
        Detail::Encoder { implementation } => {
            format!("the encoder fell back to software ({implementation})")
        }
        Detail::Device { label } => match f.rule {
            "usb-device" => format!("a USB device is in use: {label}"),
            "bluetooth-device" => format!("a Bluetooth device is in use: {label}"),
            _ => format!("a virtual device is in use: {label}"),
        },
        Detail::Impossible { stat, value } => {
            format!("{stat}{on} reads {value:.0}, which cannot be")
        }
        Detail::Munged { sdp_type, changes } => {
            let what: Vec<String> = changes.iter().take(3).map(ToString::to_string).collect();
            let more = changes.len().saturating_sub(3);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            if what.is_empty() {
                format!(
                    "the application changed the {sdp_type} between creating and applying it (order or whitespace)"
                )
            } else {
                format!(
                    "the application changed the {sdp_type} between creating and applying it: {}{tail}",
                    what.join("; ")
                )
            }
        }
        Detail::Clock {
            count,
            reordered,
            largest_ms,
            first_line,
        } => {
            let back = format!(
                "up to {:.1} s, first at line {first_line}",
                largest_ms / 1000.0
            );
            if reordered == count {
                let lines = if *count == 1 {
                    "1 line is".to_owned()
                } else {
                    format!("{count} lines are")
                };
                format!(
                    "{lines} stamped out of order ({back}); the times themselves hold, events are sorted by time"
                )
            } else {
                format!(
                    "the writer's clock ran backwards {count} time{} ({back}); times around the jump cannot be trusted",
                    if *count == 1 { "" } else { "s" }
                )
            }
        }
        Detail::Plain => plain(f.rule).to_owned(),
    };
    // These sentences place themselves in time.
    let range = if matches!(
        f.detail,
        Detail::ConnectionFailed { .. } | Detail::Together { .. } | Detail::MediaFailed { .. }
    ) {
        String::new()
    } else {
        range
    };
    // Metrics already name their track.
    let on = if matches!(
        f.detail,
        Detail::Average { .. }
            | Detail::Fell { .. }
            | Detail::Share { .. }
            | Detail::Impossible { .. }
    ) {
        String::new()
    } else {
        on
    };
    format!("{body}{on}{range}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt() -> IceAttempt {
        IceAttempt {
            checking_ms: Some(10_000.0),
            local: vec![("host udp".into(), 2)],
            remote_added: 1,
            remote: vec![("host udp".into(), 1)],
            pairs: 2,
            requests_sent: Some(40.0),
            responses_received: Some(0.0),
            requests_received: Some(0.0),
            turn_configured: true,
            peer: None,
        }
    }

    #[test]
    fn a_silent_remote_is_unreachable() {
        assert_eq!(
            never_connected(&attempt()),
            "ICE checked for 10.0 s with local candidates 2 host udp and 1 remote candidate (host udp); 2 pairs sent 40 connectivity checks, none was answered and none came from the other end: it was unreachable"
        );
    }

    #[test]
    fn answered_checks_are_not_unreachable() {
        let a = IceAttempt {
            responses_received: Some(3.0),
            ..attempt()
        };
        assert!(
            never_connected(&a)
                .ends_with("2 pairs sent 40 checks and got 3 responses, yet no pair succeeded")
        );
    }

    #[test]
    fn no_remote_candidate_points_at_signalling() {
        let a = IceAttempt {
            remote_added: 0,
            remote: Vec::new(),
            pairs: 0,
            requests_sent: None,
            turn_configured: false,
            ..attempt()
        };
        // Without a remote candidate a missing TURN server is beside the point.
        assert_eq!(
            never_connected(&a),
            "ICE checked for 10.0 s with local candidates 2 host udp and no remote candidate: the remote end never sent a candidate (look at signalling)"
        );
    }

    #[test]
    fn hairpinning_only_for_public_addresses() {
        let host = IceAttempt {
            peer: Some("PC_2".into()),
            ..attempt()
        };
        let text = never_connected(&host);
        assert!(
            text.ends_with("the other end is PC_2 of this same page"),
            "{text}"
        );
        let srflx = IceAttempt {
            remote: vec![("srflx udp".into(), 1)],
            ..host
        };
        assert!(never_connected(&srflx).contains("(hairpinning)"));
    }
}
