//! The one-sentence English of a finding, rendered from its data.

use super::{Detail, Finding, Metric};

/// Seconds since `origin`, as `+41 s` (one decimal under a minute's precision needs).
fn rel(t: f64, origin: f64) -> String {
    let s = (t - origin) / 1000.0;
    let sign = if s < 0.0 { '-' } else { '+' };
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
        "clock-jump" => "the dump's clock runs backwards (see the warnings)",
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
        Metric::GatheringDelay => "first candidate after gathering started",
    }
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
        Detail::State { machine, state } => format!("the {machine} state became {state}"),
        Detail::NeverConnected { last } => match last {
            Some(s) => format!("the connection never connected (last state {s})"),
            None => "the connection never connected".to_owned(),
        },
        Detail::Dropped { to } => format!("the connection was connected, then {to}"),
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
            let p = protocol
                .as_deref()
                .map(|p| format!(" over {p}"))
                .unwrap_or_default();
            let u = url
                .as_deref()
                .map(|u| format!(" ({u})"))
                .unwrap_or_default();
            format!("media went through a TURN relay{p}{u}")
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
        Detail::Device { label } => match f.rule {
            "duplicated-sdp-lines" => format!("a description repeats the line {label:?}"),
            "encoder-software-fallback" => format!("the encoder fell back to software ({label})"),
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
        Detail::Plain => plain(f.rule).to_owned(),
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
