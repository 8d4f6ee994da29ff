//! Connectivity: did the peers connect, how long it took, and over which path.

use serde_json::Value;

use super::{Category, Ctx, Detail, Finding, Severity};
use crate::analyze::ice::{selected_pair_changes, text_at};
use crate::analyze::states::{connected_at, ice_restarts};
use crate::analyze::timeline::{event_candidate, event_candidates};
use crate::model::Event;

/// The connectivity rules.
pub(super) fn rules(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    setup(c, out);
    path(c, out);
    gathering(c, out);
    configuration(c, out);
}

fn first_event<'a>(c: &'a Ctx<'_>, name: &str, value: &str) -> Option<&'a Event> {
    c.pc.events
        .iter()
        .find(|e| e.name == name && e.value == value)
}

fn setup(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    let (Some(created), Some(connected)) = (c.pc.created, connected_at(c.pc)) else {
        return;
    };
    let ms = connected.time.0 - created.0;
    if ms > c.t.slow_setup_ms {
        let detail = Detail::Took {
            what: "setup (creation to connected)",
            ms,
            limit_ms: c.t.slow_setup_ms,
        };
        out.push(
            c.finding(
                "slow-setup",
                Severity::Warning,
                Category::Connectivity,
                detail,
            )
            .during(created.0, connected.time.0)
            .event(connected),
        );
    }
    let restarts = ice_restarts(c.pc);
    if let Some(first) = restarts.first() {
        let detail = Detail::Count {
            what: "ICE restart",
            count: restarts.len(),
        };
        out.push(
            c.finding(
                "ice-restart",
                Severity::Info,
                Category::Connectivity,
                detail,
            )
            .at(first.time.0)
            .event(first),
        );
    }
}

fn path(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    let changes = selected_pair_changes(&c.pc.stats);
    if changes.len() > 1 {
        let detail = Detail::Count {
            what: "selected candidate pair change",
            count: changes.len() - 1,
        };
        let mut f = c
            .finding(
                "candidate-pair-switch",
                Severity::Info,
                Category::Connectivity,
                detail,
            )
            .at(changes[1].0.0);
        if let Some(t) =
            c.pc.stats
                .reports
                .iter()
                .find(|r| r.report_type == "transport")
        {
            f = f.series(t.id.as_str(), "selectedCandidatePairId");
        }
        out.push(f);
    }
    let mut relays = Vec::new();
    let mut vpn = None;
    for (t, pair_id, _) in &changes {
        let Some(pair) = c.pc.stats.report(pair_id) else {
            continue;
        };
        let Some(local) =
            text_at(pair, "localCandidateId", *t).and_then(|id| c.pc.stats.report(&id))
        else {
            continue;
        };
        let at = local.timestamps.last().copied().unwrap_or(*t);
        if text_at(local, "candidateType", at).as_deref() == Some("relay") {
            relays.push((
                t.0,
                local,
                text_at(local, "relayProtocol", at),
                text_at(local, "url", at),
            ));
        }
        if text_at(local, "networkType", at).as_deref() == Some("vpn") {
            vpn.get_or_insert((t.0, local.id.to_string()));
        }
    }
    if let Some((t, local, protocol, url)) = relays.into_iter().next() {
        let (rule, severity) = match protocol.as_deref() {
            Some("tcp") => ("relay-over-tcp", Severity::Warning),
            Some("tls") => ("relay-over-tls", Severity::Warning),
            _ => ("relay-used", Severity::Info),
        };
        let detail = Detail::Relay { protocol, url };
        out.push(
            c.finding(rule, severity, Category::Connectivity, detail.clone())
                .at(t)
                .series(local.id.as_str(), "candidateType"),
        );
        if rule != "relay-used" {
            out.push(
                c.finding("relay-used", Severity::Info, Category::Connectivity, detail)
                    .at(t)
                    .series(local.id.as_str(), "candidateType"),
            );
        }
    }
    if let Some((t, id)) = vpn {
        out.push(
            c.finding(
                "vpn-used",
                Severity::Info,
                Category::Connectivity,
                Detail::Plain,
            )
            .at(t)
            .series(&id, "networkType"),
        );
    }
}

/// Time from the start of gathering to the first server-reflexive and relay candidate.
fn gathering(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(start) = first_event(c, "icegatheringstatechange", "gathering") else {
        return;
    };
    for (typ, rule, what) in [
        (
            "srflx",
            "high-stun-delay",
            "first server-reflexive candidate after gathering started",
        ),
        (
            "relay",
            "high-turn-delay",
            "first relay candidate after gathering started",
        ),
    ] {
        let first = c.pc.events.iter().find(|e| {
            e.name == "icecandidate" && event_candidate(e).is_some_and(|c| c.kind == typ)
        });
        if let Some(e) = first {
            let ms = e.time.0 - start.time.0;
            if ms > c.t.gathering_delay_ms {
                let detail = Detail::Took {
                    what,
                    ms,
                    limit_ms: c.t.gathering_delay_ms,
                };
                out.push(
                    c.finding(rule, Severity::Warning, Category::Connectivity, detail)
                        .during(start.time.0, e.time.0)
                        .event(e),
                );
            }
        }
    }
    for e in
        c.pc.events
            .iter()
            .filter(|e| e.name == "icecandidateerror")
            .take(1)
    {
        let error = e
            .value
            .get("errorText")
            .or_else(|| e.value.get("errorCode"))
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .unwrap_or_default();
        let url = e
            .value
            .get("url")
            .and_then(Value::as_str)
            .unwrap_or("a TURN server");
        let detail = Detail::Failed {
            call: url.to_owned(),
            error,
        };
        out.push(
            c.finding(
                "turn-unreachable",
                Severity::Warning,
                Category::Connectivity,
                detail,
            )
            .at(e.time.0)
            .event(e),
        );
    }
}

/// Whether an `RTCConfiguration` names a TURN server (`turn:` or `turns:`).
pub(super) fn turn_configured(config: &Value) -> bool {
    config
        .get("iceServers")
        .and_then(Value::as_array)
        .is_some_and(|servers| {
            servers.iter().any(|s| {
                let urls = s.get("urls").or_else(|| s.get("url"));
                let has = |u: &str| u.starts_with("turn:") || u.starts_with("turns:");
                match urls {
                    Some(Value::String(u)) => has(u),
                    Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).any(has),
                    _ => false,
                }
            })
        })
}

fn configuration(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(config) = c.pc.configuration.as_ref() else {
        return;
    };
    let policy_relay = config
        .get("iceTransportPolicy")
        .is_some_and(|p| p == "relay");
    if policy_relay {
        out.push(c.finding(
            "relay-only-policy",
            Severity::Info,
            Category::Connectivity,
            Detail::Plain,
        ));
    }
    if config
        .get("iceCandidatePoolSize")
        .and_then(Value::as_f64)
        .is_some_and(|n| n > 0.0)
    {
        out.push(c.finding(
            "ice-warmup",
            Severity::Info,
            Category::Connectivity,
            Detail::Plain,
        ));
    }
    let turn_configured = turn_configured(config);
    let gathered_relay = event_candidates(&c.pc.events, "icecandidate").any(|c| c.kind == "relay");
    let gathered_any = c.pc.events.iter().any(|e| e.name == "icecandidate");
    if turn_configured && gathered_any && !gathered_relay && !policy_relay {
        out.push(c.finding(
            "turn-configured-no-relay",
            Severity::Warning,
            Category::Connectivity,
            Detail::Plain,
        ));
    }
}
