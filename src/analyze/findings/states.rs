//! How a connection ended, said once: failed (and whether it had connected, and what ICE
//! was doing then), dropped and recovered, or never connected; and connections of one client
//! that failed together.

use super::connectivity::turn_configured;
use super::ice_attempt::attempt;
use super::{Category, Ctx, Detail, Finding, Severity, StaleStamp};
use crate::analyze::states::{StateChange, StateMachine, state_history};
use crate::model::EventKind;

/// Connections whose failures lie this close together failed of one cause.
const TOGETHER_MS: f64 = 1000.0;

fn is_up(s: &StateChange) -> bool {
    s.state == "connected" || s.state == "completed"
}

/// The state `h` was in at `t` (its last entry at or before it, 1 ms of slack).
fn state_at(h: &[StateChange], t: f64) -> Option<&StateChange> {
    h.iter().take_while(|s| s.time.0 <= t + 1.0).last()
}

/// The connection's end-state rules, one finding each: `connection-failed`, `ice-failed`
/// (ICE failed but the connection state did not say so), `connection-dropped`
/// (disconnected, not followed by a failure) and `never-connected` (neither connected nor
/// failed).
pub(super) fn rules(c: &Ctx<'_>, out: &mut Vec<Finding>) {
    let conn = state_history(c.pc, StateMachine::Connection);
    let ice = state_history(c.pc, StateMachine::IceConnection);
    // Browsers without connectionState (old Chrome, Firefox before 113) only have ICE.
    let main = if conn.is_empty() { &ice } else { &conn };
    // The connection's failure, else ICE's (a browser whose connection state lags).
    let conn_failed = conn.iter().find(|s| s.state == "failed");
    let ice_failed = ice.iter().find(|s| s.state == "failed");
    let connected = main.iter().find(|s| is_up(s));
    match (conn_failed, ice_failed, connected) {
        (Some(f), _, _) => out.push(failure(c, &conn, &ice, f, "connection-failed")),
        (None, Some(f), _) => out.push(failure(c, &ice, &ice, f, "ice-failed")),
        (None, None, Some(up)) => {
            if let Some(down) = main
                .iter()
                .find(|s| s.time.0 > up.time.0 && s.state == "disconnected")
            {
                let back = main.iter().find(|s| s.time.0 > down.time.0 && is_up(s));
                let detail = Detail::Dropped {
                    to: "disconnected".into(),
                    recovered_after_ms: back.map(|b| b.time.0 - down.time.0),
                };
                let end = back.map_or_else(
                    || c.pc.events.last().map_or(down.time.0, |e| e.time.0),
                    |b| b.time.0,
                );
                out.push(
                    c.finding(
                        "connection-dropped",
                        Severity::Warning,
                        Category::Connectivity,
                        detail,
                    )
                    .during(down.time.0, end),
                );
            }
        }
        (None, None, None) => {
            // A connection that never even negotiated is a probe, not a failed call.
            let negotiated = c.pc.events.iter().any(|e| e.name == "setRemoteDescription");
            if negotiated {
                let detail = Detail::NeverConnected {
                    last: main.last().map(|s| s.state.clone()),
                };
                let mut f = c.finding(
                    "never-connected",
                    Severity::Error,
                    Category::Connectivity,
                    detail,
                );
                if let Some(s) = main.last() {
                    f = f.at(s.time.0);
                }
                out.push(f);
            }
        }
    }
}

/// The one finding of a failure (`rule`), on the state history `main` that failed, with
/// how long it had been connected and what ICE was doing.
fn failure(
    c: &Ctx<'_>,
    main: &[StateChange],
    ice: &[StateChange],
    failed: &StateChange,
    rule: &'static str,
) -> Finding {
    let (t, stale_stamp) = when_failed(c, failed);
    let up = main.iter().find(|s| is_up(s) && s.time.0 <= t);
    let ice_then = state_at(ice, t);
    let checking = ice.iter().find(|s| s.state == "checking" && s.time.0 <= t);
    let detail = Detail::ConnectionFailed {
        connected_for_ms: up.map(|u| t - u.time.0),
        ice_state: ice_then.map(|s| s.state.clone()),
        ice_changed_ms: ice_then.filter(|s| !is_up(s)).map(|s| s.time.0),
        media_until_ms: up.and_then(|_| last_growth(c, |at| at <= t + 1.0)),
        media_after_ms: up.and_then(|_| last_growth(c, |at| at > t + 1.0)),
        attempt: up.is_none().then(|| {
            let turn = c.pc.configuration.as_ref().is_some_and(turn_configured);
            attempt(c.dump, c.pc, t, checking.map(|s| t - s.time.0), turn)
        }),
        stale_stamp,
    };
    let mut f = c
        .finding(rule, Severity::Error, Category::Connectivity, detail)
        .at(t);
    for e in
        c.pc.events
            .iter()
            .filter(|e| e.kind() == EventKind::StateChange && e.time.0 <= t + 1.0)
    {
        if matches!(
            e.name.as_str(),
            "connectionstatechange" | "iceconnectionstatechange"
        ) {
            f = f.event(e);
        }
    }
    f
}

/// When the connection failed, epoch ms: the failure event's stamp, unless the event was
/// written late (after lines stamped later, see [`crate::model::LateLine`]) and received
/// media kept growing after its stamp. A failed connection carries no media, so then the
/// stamp is stale, and the failure lies after the line it was written after.
fn when_failed(c: &Ctx<'_>, failed: &StateChange) -> (f64, Option<StaleStamp>) {
    let stamped = failed.time.0;
    let late = c
        .dump
        .integrity
        .clock
        .as_ref()
        .and_then(|k| k.late_line(c.pc.id.as_str(), failed.time));
    let Some(late) = late else {
        return (stamped, None);
    };
    let Some(media) = last_growth(c, |at| at > stamped + 1.0) else {
        return (stamped, None);
    };
    let t = late.written_after.0.max(media);
    let last_sample =
        c.pc.stats
            .reports
            .iter()
            .filter_map(|r| r.timestamps.last())
            .map(|ts| ts.0)
            .fold(f64::NEG_INFINITY, f64::max);
    let stale = StaleStamp {
        stamped_ms: stamped,
        line: late.line,
        ends_recording: last_sample <= t + 1.0,
    };
    (t, Some(stale))
}

/// The last poll whose time passes `window` at which any received stream's bytes had grown.
fn last_growth(c: &Ctx<'_>, window: impl Fn(f64) -> bool) -> Option<f64> {
    c.streams
        .iter()
        .filter(|s| s.inbound)
        .filter_map(|s| {
            let r = s.report;
            let bytes = r.dense("bytesReceived")?;
            (1..bytes.len())
                .rev()
                .find(|&k| window(r.timestamps[k].0) && bytes[k] > bytes[k - 1])
                .map(|k| r.timestamps[k].0)
        })
        .fold(None, |acc: Option<f64>, x| {
            Some(acc.map_or(x, |a| a.max(x)))
        })
}

/// `connections-failed-together`: two or more connections of the dump that failed within
/// a second of each other failed of one cause on this client. The two ends of a call
/// between two connections of this page count as one fault, so they alone are not a group.
pub(super) fn together(found: &[Finding]) -> Option<Finding> {
    let mut failures: Vec<Failure<'_>> = found
        .iter()
        .filter(|f| matches!(f.rule, "connection-failed" | "ice-failed"))
        .filter_map(|f| {
            Some(Failure {
                at: f.start_ms?,
                pc: f.pc.as_deref()?,
                peer: f.peer_in_page(),
            })
        })
        .collect();
    failures.sort_by(|a, b| a.at.total_cmp(&b.at));
    // The group with the most faults whose spread stays under TOGETHER_MS.
    let mut best: Option<(&[Failure<'_>], usize)> = None;
    for i in 0..failures.len() {
        let j = failures[i..].partition_point(|f| f.at - failures[i].at <= TOGETHER_MS) + i;
        let group = &failures[i..j];
        let n = faults(group);
        if n >= 2 && best.is_none_or(|(_, m)| n > m) {
            best = Some((group, n));
        }
    }
    let (group, faults) = best?;
    let (start, end) = (group[0].at, group[group.len() - 1].at);
    Some(Finding {
        rule: "connections-failed-together",
        severity: Severity::Warning,
        category: Category::Connectivity,
        pc: None,
        track: None,
        start_ms: Some(start),
        end_ms: Some(end),
        detail: Detail::Together {
            pcs: group.iter().map(|f| f.pc.to_owned()).collect(),
            faults,
            spread_ms: end - start,
        },
        evidence: Vec::new(),
    })
}

/// One failure, for grouping.
struct Failure<'a> {
    at: f64,
    pc: &'a str,
    /// The connection of this page at the other end, when it had one.
    peer: Option<&'a str>,
}

/// Separate faults among `group`: a failure whose peer failed before it in the group is the
/// other end of that one.
fn faults(group: &[Failure<'_>]) -> usize {
    group
        .iter()
        .enumerate()
        .filter(|(k, f)| {
            !f.peer
                .is_some_and(|p| group[..*k].iter().any(|g| g.pc == p))
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure<'a>(pc: &'a str, peer: Option<&'a str>) -> Failure<'a> {
        Failure { at: 0.0, pc, peer }
    }

    #[test]
    fn the_two_ends_of_one_call_are_one_fault() {
        let pair = [failure("PC_1", Some("PC_2")), failure("PC_2", Some("PC_1"))];
        assert_eq!(faults(&pair), 1);
        let three = [
            failure("PC_0", None),
            failure("PC_1", Some("PC_2")),
            failure("PC_2", Some("PC_1")),
        ];
        assert_eq!(faults(&three), 2);
        // A peer outside the group does not merge anything.
        let apart = [failure("PC_1", Some("PC_9")), failure("PC_2", None)];
        assert_eq!(faults(&apart), 2);
    }
}
