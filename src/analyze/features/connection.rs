//! Connection features: lifetime, states, ICE, candidates, signaling, DTLS and the selected
//! candidate pair.

use serde_json::Value;

use super::{Fields, number, put};
use crate::analyze::timeline::{Candidate, event_candidates, first_offer_answer};
use crate::model::{Dump, Event, PeerConnection, Report, SdpType, Timestamp};

/// The connection features of `pc`.
pub fn features(dump: &Dump, pc: &PeerConnection) -> Fields {
    let mut f = Fields::new();
    let ev = &pc.events;
    failures(&mut f, ev);
    put(&mut f, "clockSkew", clock_skew(pc).and_then(number));
    let connected = first_state(ev, "connectionstatechange", "connected");
    f.insert("connected".into(), Value::Bool(connected.is_some()));
    put(
        &mut f,
        "connectionTime",
        state_delay(ev, "connectionstatechange", "connecting"),
    );
    dtls(&mut f, pc);
    let (first, last) = span(pc);
    let closed = ev.last().is_some_and(|e| e.name == "close")
        && pc
            .polls
            .last()
            .is_none_or(|p| ev.last().is_some_and(|e| p.0 <= e.time.0));
    f.insert("closed".into(), Value::Bool(closed));
    if let (Some(a), Some(b)) = (first, last) {
        put(&mut f, "duration", number(b - a));
    }
    f.insert(
        "iceConnected".into(),
        Value::Bool(first_state(ev, "iceconnectionstatechange", "connected").is_some()),
    );
    put(
        &mut f,
        "iceConnectionTime",
        state_delay(ev, "iceconnectionstatechange", "checking"),
    );
    ice_restart(&mut f, ev);
    let ice_lite = pc
        .descriptions
        .iter()
        .filter(|d| d.event.starts_with("setRemoteDescription"))
        .any(|d| d.sdp.lines().any(|l| l.trim_end() == "a=ice-lite"));
    f.insert("usingIceLite".into(), Value::Bool(ice_lite));
    ice_servers(&mut f, pc);
    candidates(&mut f, ev);
    first_pair(&mut f, pc, connected);
    last_pair(&mut f, pc);
    let polls = poll_count(pc);
    let not_stats = ev.iter().filter(|e| e.name != "getStats").count();
    f.insert("numberOfEvents".into(), Value::from(not_stats + polls));
    f.insert("numberOfEventsNotGetStats".into(), Value::from(not_stats));
    negotiations(&mut f, ev);
    description_delay(&mut f, ev, "setLocalDescription");
    description_delay(&mut f, ev, "setRemoteDescription");
    put(&mut f, "signalingDelay", signaling_delay(ev));
    put(&mut f, "startTime", first.and_then(number));
    f.insert(
        "statsTruncated".into(),
        Value::Bool(stats_truncated(dump, pc)),
    );
    f
}

/// First and last time of anything on the connection: events and getStats calls.
fn span(pc: &PeerConnection) -> (Option<f64>, Option<f64>) {
    let times = pc
        .events
        .iter()
        .map(|e| e.time.0)
        .chain(pc.polls.iter().map(|t| t.0))
        .filter(|t| t.is_finite());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for t in times {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    if lo.is_finite() {
        (Some(lo), Some(hi))
    } else {
        match super::super::time_span(pc) {
            Some((a, b)) => (Some(a), Some(b)),
            None => (None, None),
        }
    }
}

/// getStats calls: recorded by line formats; in webrtc-internals, the longest report's polls.
fn poll_count(pc: &PeerConnection) -> usize {
    if !pc.polls.is_empty() {
        return pc.polls.len();
    }
    pc.stats
        .reports
        .iter()
        .map(|r| r.timestamps.len())
        .max()
        .unwrap_or(0)
}

fn first_state<'a>(ev: &'a [Event], name: &str, state: &str) -> Option<&'a Event> {
    ev.iter().find(|e| e.name == name && e.value == state)
}

/// Time from the first `from` state to the next `connected`.
fn state_delay(ev: &[Event], name: &str, from: &str) -> Option<Value> {
    let i = ev.iter().position(|e| e.name == name && e.value == from)?;
    let j = ev[i + 1..]
        .iter()
        .find(|e| e.name == name && e.value == "connected")?;
    number(j.time.0 - ev[i].time.0)
}

fn failures(f: &mut Fields, ev: &[Event]) {
    for (feature, event) in [
        ("addIceCandidateFailure", "addIceCandidateOnFailure"),
        ("setLocalDescriptionFailure", "setLocalDescriptionOnFailure"),
        (
            "setRemoteDescriptionFailure",
            "setRemoteDescriptionOnFailure",
        ),
    ] {
        let value = ev.iter().find(|e| e.name == event).map(|e| e.value.clone());
        put(f, feature, value);
    }
}

/// How far the writer's clock runs ahead of the browser's report timestamps, in whole ms:
/// the first getStats call's time minus the `peer-connection` report's timestamp in it (every
/// call returns one). Large when the page lived through an OS suspend.
pub(crate) fn clock_skew(pc: &PeerConnection) -> Option<f64> {
    let first = pc.polls.first()?;
    if let Some(t) = pc
        .stats
        .reports
        .iter()
        .find(|r| r.report_type == "peer-connection")
        .and_then(|r| r.timestamps.first())
    {
        return Some((first.0 - t.0).round());
    }
    // Without one, the newest report at or before the first call.
    let newest = pc
        .stats
        .reports
        .iter()
        // Each report's timestamps ascend: the newest at or before the call is one search.
        .filter_map(|r| {
            let i = r.timestamps.partition_point(|t| t.0 <= first.0);
            i.checked_sub(1).map(|i| r.timestamps[i].0)
        })
        .fold(f64::NEG_INFINITY, f64::max);
    let skew = first.0 - newest;
    skew.is_finite().then(|| skew.round())
}

/// The value of non-numeric `name` in force at `t`.
fn text_at(r: &Report, name: &str, t: Timestamp) -> Option<String> {
    crate::analyze::ice::text_at(r, name, t)
}

/// The number `name` at `t` (or the last one before).
fn number_at(r: &Report, name: &str, t: Timestamp) -> Option<f64> {
    crate::analyze::ice::num_at(r, name, t)
}

fn dtls(f: &mut Fields, pc: &PeerConnection) {
    for r in pc
        .stats
        .reports
        .iter()
        .filter(|r| r.report_type == "transport")
    {
        let Some((t, version)) = r.attribute("tlsVersion").and_then(|a| a.changes.first()) else {
            continue;
        };
        put(f, "dtlsRole", text_at(r, "dtlsRole", *t).map(Value::from));
        f.insert(
            "dtlsVersion".into(),
            Value::from(version.as_text().into_owned()),
        );
        put(
            f,
            "srtpCipher",
            text_at(r, "srtpCipher", *t).map(Value::from),
        );
        return;
    }
}

fn ice_restart(f: &mut Fields, ev: &[Event]) {
    let restart = ev.iter().position(|e| {
        e.name == "createOffer" && e.value.get("iceRestart") == Some(&Value::Bool(true))
    });
    f.insert("iceRestart".into(), Value::Bool(restart.is_some()));
    let followed = restart.is_some_and(|i| {
        let sdp_type = |e: &Event| {
            e.value
                .get("type")
                .and_then(Value::as_str)
                .map(SdpType::parse)
        };
        ev[i..]
            .iter()
            .position(|e| e.name == "setLocalDescription" && sdp_type(e) == Some(SdpType::Offer))
            .is_some_and(|j| {
                ev[i + j..].iter().any(|e| {
                    e.name == "setRemoteDescription" && sdp_type(e) == Some(SdpType::Answer)
                })
            })
    });
    f.insert(
        "iceRestartFollowedBySetRemoteDescription".into(),
        Value::Bool(followed),
    );
}

fn ice_servers(f: &mut Fields, pc: &PeerConnection) {
    let Some(servers) = pc
        .configuration
        .as_ref()
        .and_then(|c| c.get("iceServers"))
        .and_then(Value::as_array)
    else {
        return;
    };
    f.insert("configuredIceServers".into(), Value::from(servers.len()));
    let relay = pc
        .configuration
        .as_ref()
        .and_then(|c| c.get("iceTransportPolicy"))
        .is_some_and(|p| p == "relay");
    f.insert("configuredIceTransportPolicy".into(), Value::Bool(relay));
    for server in servers {
        let urls: Vec<&str> = match server.get("urls").or_else(|| server.get("url")) {
            Some(Value::String(u)) => vec![u.as_str()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => continue,
        };
        for url in urls {
            let flag = if url.starts_with("stun:") {
                Some("configuredIceServersStun")
            } else if url.starts_with("turns:") {
                Some("configuredIceServersTurns")
            } else if url.starts_with("turn:") && url.ends_with("?transport=udp") {
                Some("configuredIceServersTurnUdp")
            } else if url.starts_with("turn:") && url.ends_with("?transport=tcp") {
                Some("configuredIceServersTurnTcp")
            } else {
                None
            };
            if let Some(flag) = flag {
                f.insert(flag.into(), Value::Bool(true));
            }
        }
    }
}

fn candidates(f: &mut Fields, ev: &[Event]) {
    let added: Vec<Candidate> = event_candidates(ev, "addIceCandidate").collect();
    let gathered: Vec<Candidate> = event_candidates(ev, "icecandidate").collect();
    let connectable_tcp = added
        .iter()
        .any(|c| c.protocol == "tcp" && matches!(c.tcp_type.as_deref(), Some("passive" | "so")));
    f.insert(
        "addedConnectableIceTcpCandidate".into(),
        Value::Bool(connectable_tcp),
    );
    for (prefix, list) in [("added", &added), ("gathered", &gathered)] {
        let any = |pred: &dyn Fn(&Candidate) -> bool| Value::Bool(list.iter().any(pred));
        f.insert(format!("{prefix}HostCandidate"), any(&|c| c.kind == "host"));
        f.insert(
            format!("{prefix}MdnsCandidate"),
            any(&|c| c.kind == "host" && c.address.ends_with(".local")),
        );
        if prefix == "added" {
            let null = ev
                .iter()
                .any(|e| e.name == "addIceCandidate" && e.value.is_null());
            f.insert("addedNullCandidate".into(), Value::Bool(null));
        }
        f.insert(
            format!("{prefix}SrflxCandidate"),
            any(&|c| c.kind == "srflx"),
        );
        f.insert(
            format!("{prefix}TurnCandidate"),
            any(&|c| c.kind == "relay"),
        );
    }
}

/// The selected pair of the transport sample at `t` (or the first one after it), with that
/// sample's time.
fn selected_pair_from(pc: &PeerConnection, t: f64) -> Option<(&Report, Timestamp)> {
    for transport in pc
        .stats
        .reports
        .iter()
        .filter(|r| r.report_type == "transport")
    {
        for sample in transport.timestamps.iter().filter(|s| s.0 >= t) {
            let Some(id) = text_at(transport, "selectedCandidatePairId", *sample) else {
                continue;
            };
            if let Some(pair) = pc.stats.report(&id) {
                return Some((pair, *sample));
            }
        }
    }
    None
}

fn first_pair(f: &mut Fields, pc: &PeerConnection, connected: Option<&Event>) {
    let Some(connected) = connected else { return };
    // The writer's clock runs a few ms ahead of the report timestamps.
    let Some((pair, at)) = selected_pair_from(pc, connected.time.0 - 50.0) else {
        return;
    };
    let candidate = |key: &str| text_at(pair, key, at).and_then(|id| pc.stats.report(&id));
    if let Some(local) = candidate("localCandidateId") {
        let text = |k: &str| text_at(local, k, at).map(Value::from);
        put(
            f,
            "firstCandidatePairLocalAddress",
            text("address").or_else(|| text("ip")),
        );
        put(f, "firstCandidatePairLocalNetworkType", text("networkType"));
        put(f, "firstCandidatePairLocalProtocol", text("protocol"));
        put(
            f,
            "firstCandidatePairLocalRelayProtocol",
            text("relayProtocol"),
        );
        put(f, "firstCandidatePairLocalRelayUrl", text("url"));
        put(f, "firstCandidatePairLocalType", text("candidateType"));
        let pref = number_at(local, "priority", at).map(|p| ((p as u64) >> 24) as f64);
        put(
            f,
            "firstCandidatePairLocalTypePreference",
            pref.and_then(number),
        );
    }
    if let Some(remote) = candidate("remoteCandidateId") {
        let text = |k: &str| text_at(remote, k, at).map(Value::from);
        put(
            f,
            "firstCandidatePairRemoteAddress",
            text("address").or_else(|| text("ip")),
        );
        put(f, "firstCandidatePairRemoteType", text("candidateType"));
    }
}

/// Averages over the connection's lifetime from the pair selected at the end.
fn last_pair(f: &mut Fields, pc: &PeerConnection) {
    let last_transport = pc
        .stats
        .reports
        .iter()
        .filter(|r| r.report_type == "transport")
        .filter_map(|r| Some((r, *r.timestamps.last()?)))
        .max_by(|a, b| a.1.0.total_cmp(&b.1.0));
    let Some((transport, at)) = last_transport else {
        return;
    };
    let Some(pair) =
        text_at(transport, "selectedCandidatePairId", at).and_then(|id| pc.stats.report(&id))
    else {
        return;
    };
    let Some(end) = pair.timestamps.last().copied() else {
        return;
    };
    if let (Some(total), Some(responses)) = (
        number_at(pair, "totalRoundTripTime", end),
        number_at(pair, "responsesReceived", end),
    ) {
        put(f, "averageStunRoundTripTime", number(total / responses));
    }
    // rtcstats' figures are the transport's bytes over the getStats call times.
    let (Some(sent), Some(received)) = (
        transport.dense("bytesSent"),
        transport.dense("bytesReceived"),
    ) else {
        return;
    };
    let n = transport.timestamps.len();
    let first = (0..n).find(|&k| sent[k] > 0.0 && received[k] > 0.0);
    let last = (0..n).rev().find(|&k| !sent[k].is_nan());
    if let (Some(a), Some(b)) = (first, last)
        && b > a
    {
        let time = |k: usize| poll_time(pc, transport.timestamps[k]);
        let dt = time(b) - time(a);
        put(
            f,
            "averageOutboundBitrate",
            number((sent[b] - sent[a]) * 8000.0 / dt),
        );
        put(
            f,
            "averageInboundBitrate",
            number((received[b] - received[a]) * 8000.0 / dt),
        );
    }
}

/// The time of the getStats call that took a report stamped `t`: the first call at or after
/// it (within a second); `t` itself when the format records no calls.
pub(super) fn poll_time(pc: &PeerConnection, t: Timestamp) -> f64 {
    let i = pc.polls.partition_point(|p| p.0 < t.0);
    pc.polls
        .get(i)
        .map(|p| p.0)
        .filter(|p| p - t.0 < 1000.0)
        .unwrap_or(t.0)
}

/// Completed offer/answer exchanges (answers applied on either side), and whether an offer
/// was left unanswered at the end.
fn negotiations(f: &mut Fields, ev: &[Event]) {
    let mut count = 0;
    let mut pending = false;
    for e in ev {
        if !matches!(
            e.name.as_str(),
            "setLocalDescription" | "setRemoteDescription"
        ) {
            continue;
        }
        match e.value.get("type").and_then(Value::as_str) {
            Some("offer") => pending = true,
            Some("answer") => {
                count += 1;
                pending = false;
            }
            Some("rollback") => pending = false,
            _ => {}
        }
    }
    f.insert("numberOfNegotiations".into(), Value::from(count));
    f.insert("pendingNegotiationAtEnd".into(), Value::Bool(pending));
}

/// `<call>Delay` (the first call to its `OnSuccess`, paired by correlation id) and
/// `<call>Role`.
fn description_delay(f: &mut Fields, ev: &[Event], call: &str) {
    let Some(i) = ev.iter().position(|e| e.name == call) else {
        return;
    };
    let success = format!("{call}OnSuccess");
    let Some(done) = ev[i + 1..]
        .iter()
        .find(|e| e.name == success && e.correlation == ev[i].correlation)
    else {
        return;
    };
    put(
        f,
        &format!("{call}Delay"),
        number(done.time.0 - ev[i].time.0),
    );
    put(f, &format!("{call}Role"), ev[i].value.get("type").cloned());
}

/// The first offer/answer round trip: local offer applied to the remote answer applied.
fn signaling_delay(ev: &[Event]) -> Option<Value> {
    let (offer, answer) = first_offer_answer(ev)?;
    number(answer.time.0 - offer.time.0)
}

/// Whether the stats stop while the connection goes on: the last getStats call is more than
/// three poll intervals before the connection's last other event (a writer that stopped
/// recording stats, or a cut file).
pub(crate) fn stats_truncated(dump: &Dump, pc: &PeerConnection) -> bool {
    let cut = dump.integrity.cut_at.is_some();
    let Some(last_poll) = pc.polls.last() else {
        return cut;
    };
    let interval = crate::analyze::plots::poll_interval_ms(&pc.polls).unwrap_or(1000.0);
    let last_event = pc
        .events
        .iter()
        .filter(|e| e.name != "close" && e.name != "getStats")
        .map(|e| e.time.0)
        .fold(f64::NEG_INFINITY, f64::max);
    cut || last_event - last_poll.0 > 3.0 * interval
}
