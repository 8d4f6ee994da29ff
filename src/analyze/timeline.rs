//! The API-call timeline of a peer connection: calls paired with their results, event
//! categories for filtering, and one-line summaries of payloads (FORMATS.md §6.4).

use serde_json::Value;

use crate::model::{Event, EventKind, PeerConnection};

/// What kind of entry an event is, for the timeline's toggles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// API calls and their results (`createOffer`, `setLocalDescriptionOnSuccess`, …).
    Call,
    /// State changes (signaling, ICE, connection, gathering, DTLS).
    State,
    /// ICE candidates (gathered or added) and candidate errors.
    Candidate,
    /// Tracks, transceivers, streams and data channels.
    Media,
    /// getStats calls listed on the timeline.
    Stats,
    /// Everything else.
    Other,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: [Category; 6] = [
        Category::Call,
        Category::State,
        Category::Candidate,
        Category::Media,
        Category::Stats,
        Category::Other,
    ];

    /// A short label.
    pub fn label(self) -> &'static str {
        match self {
            Category::Call => "API calls",
            Category::State => "States",
            Category::Candidate => "Candidates",
            Category::Media => "Tracks & channels",
            Category::Stats => "getStats",
            Category::Other => "Other",
        }
    }
}

/// The category of an event name.
pub fn category(name: &str) -> Category {
    match EventKind::of(name) {
        EventKind::StateChange => return Category::State,
        EventKind::Candidate => return Category::Candidate,
        EventKind::GetStats => return Category::Stats,
        EventKind::Other => {}
    }
    let lower = name.to_ascii_lowercase();
    if [
        "track",
        "transceiver",
        "stream",
        "datachannel",
        "mediastreamtrack",
        "replacetrack",
        "setparameters",
    ]
    .iter()
    .any(|k| lower.contains(k))
    {
        return Category::Media;
    }
    if is_result(name).is_some() || is_call(name) {
        return Category::Call;
    }
    Category::Other
}

/// The call name of a result event (`createOfferOnSuccess` → `createOffer`), and whether it
/// is a failure.
pub fn is_result(name: &str) -> Option<(&str, bool)> {
    if let Some(call) = name.strip_suffix("OnSuccess") {
        return Some((call, false));
    }
    if let Some(call) = name.strip_suffix("OnFailure") {
        return Some((call, true));
    }
    name.strip_suffix("Failed").map(|call| (call, true))
}

fn is_call(name: &str) -> bool {
    matches!(
        name,
        "createOffer"
            | "createAnswer"
            | "setLocalDescription"
            | "setRemoteDescription"
            | "addIceCandidate"
            | "restartIce"
            | "setConfiguration"
            | "close"
            | "create"
            | "constraints"
            | "createDataChannel"
            | "addTrack"
            | "removeTrack"
            | "addTransceiver"
            | "setCodecPreferences"
            | "setHeaderExtensionsToNegotiate"
    )
}

/// For each event, the index of its partner: a call's result, or a result's call.
/// Pairs by correlation id when both carry one, else with the first unanswered call of the
/// same name before the result (legacy dumps and webrtc-internals have no ids).
pub fn pair_calls(events: &[Event]) -> Vec<Option<usize>> {
    let mut partner = vec![None; events.len()];
    for (i, e) in events.iter().enumerate() {
        let Some((call, _)) = is_result(&e.name) else {
            continue;
        };
        let by_id = e.correlation.as_ref().and_then(|id| {
            (0..i).rev().find(|&j| {
                partner[j].is_none()
                    && events[j].name == call
                    && events[j].correlation.as_ref() == Some(id)
            })
        });
        let found = by_id.or_else(|| {
            (0..i).find(|&j| {
                partner[j].is_none()
                    && events[j].name == call
                    && (e.correlation.is_none() || events[j].correlation.is_none())
            })
        });
        if let Some(j) = found {
            partner[j] = Some(i);
            partner[i] = Some(j);
        }
    }
    partner
}

/// Whether an event should stand out as bad: a failure, or a `failed` state.
pub fn is_bad(e: &Event) -> bool {
    e.is_failure() || (category(&e.name) == Category::State && e.value.as_str() == Some("failed"))
}

/// Whether an event is a good milestone: `connected` / `completed`.
pub fn is_good(e: &Event) -> bool {
    category(&e.name) == Category::State
        && matches!(e.value.as_str(), Some("connected" | "completed"))
}

/// A one-line summary of an event's payload: SDP type and m-sections, candidate type,
/// protocol and address, states as they are, other values as compact JSON.
pub fn summarize(e: &Event, pc: &PeerConnection) -> String {
    if let Some(d) = e.description.and_then(|i| pc.descriptions.get(i)) {
        let kinds: Vec<&str> = d
            .sdp
            .lines()
            .filter_map(|l| l.strip_prefix("m="))
            .map(|m| m.split(' ').next().unwrap_or(""))
            .collect();
        return if kinds.is_empty() {
            d.sdp_type.as_str().to_owned()
        } else {
            format!(
                "{}: {} m-section{} ({})",
                d.sdp_type.as_str(),
                kinds.len(),
                if kinds.len() == 1 { "" } else { "s" },
                kinds.join(", ")
            )
        };
    }
    let candidate = match &e.value {
        Value::Object(o) => o.get("candidate").and_then(Value::as_str),
        Value::String(s) if s.starts_with("candidate:") => Some(s.as_str()),
        _ => None,
    };
    if let Some(c) = candidate {
        return Candidate::parse(c).map_or_else(|| c.to_owned(), |c| c.summary());
    }
    if e.value.is_null() && matches!(e.name.as_str(), "icecandidate") {
        return "end of candidates".into();
    }
    match &e.value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => {
            let mut s = other.to_string();
            if s.len() > 160 {
                let cut = (0..=157)
                    .rev()
                    .find(|&i| s.is_char_boundary(i))
                    .unwrap_or(0);
                s.truncate(cut);
                s.push_str("...");
            }
            s
        }
    }
}

/// The fields of an ICE candidate line that matter when reading a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// `udp` / `tcp`.
    pub protocol: String,
    /// The address (IP or mDNS name).
    pub address: String,
    /// The port.
    pub port: String,
    /// `host`, `srflx`, `prflx`, `relay`.
    pub kind: String,
    /// `tcptype` for TCP candidates.
    pub tcp_type: Option<String>,
}

impl Candidate {
    /// Parses `candidate:<foundation> <component> <protocol> <priority> <address> <port> typ
    /// <type> …`.
    pub fn parse(line: &str) -> Option<Candidate> {
        let body = line.trim().strip_prefix("a=").unwrap_or(line.trim());
        let body = body.strip_prefix("candidate:")?;
        let parts: Vec<&str> = body.split_whitespace().collect();
        let kind = parts
            .iter()
            .position(|p| *p == "typ")
            .and_then(|i| parts.get(i + 1))?;
        let tcp_type = parts
            .iter()
            .position(|p| *p == "tcptype")
            .and_then(|i| parts.get(i + 1));
        Some(Candidate {
            protocol: parts.get(2)?.to_ascii_lowercase(),
            address: (*parts.get(4)?).to_owned(),
            port: (*parts.get(5)?).to_owned(),
            kind: (*kind).to_owned(),
            tcp_type: tcp_type.map(|t| (*t).to_owned()),
        })
    }

    /// `host udp 192.168.1.2:54321`.
    pub fn summary(&self) -> String {
        let address = if self.address.contains(':') {
            format!("[{}]:{}", self.address, self.port)
        } else {
            format!("{}:{}", self.address, self.port)
        };
        match &self.tcp_type {
            Some(t) => format!("{} {} ({t}) {address}", self.kind, self.protocol),
            None => format!("{} {} {address}", self.kind, self.protocol),
        }
    }
}

/// The first offer/answer round trip: the first local offer applied, and the first remote
/// answer applied after it.
pub fn first_offer_answer(events: &[Event]) -> Option<(&Event, &Event)> {
    let is = |e: &Event, name: &str, t: &str| {
        e.name == name && e.value.get("type").and_then(Value::as_str) == Some(t)
    };
    let i = events
        .iter()
        .position(|e| is(e, "setLocalDescription", "offer"))?;
    let answer = events[i + 1..]
        .iter()
        .find(|e| is(e, "setRemoteDescription", "answer"))?;
    Some((&events[i], answer))
}

/// The candidate an event carries (`{candidate: "candidate:…", …}`), parsed.
pub fn event_candidate(e: &Event) -> Option<Candidate> {
    Candidate::parse(e.value.get("candidate")?.as_str()?)
}

/// The candidates carried by the events called `name` (`icecandidate` for gathered ones,
/// `addIceCandidate` for remote ones), parsed; events without a readable line are skipped.
pub fn event_candidates<'a>(
    events: &'a [Event],
    name: &'a str,
) -> impl Iterator<Item = Candidate> + 'a {
    events
        .iter()
        .filter(move |e| e.name == name)
        .filter_map(event_candidate)
}

/// A configuration with secrets removed: TURN `credential`s, and anything named like a
/// password or secret, are replaced by `"(hidden)"`. Producers already strip credentials;
/// this keeps the viewer safe with dumps that did not.
pub fn redact_secrets(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let lower = k.to_ascii_lowercase();
                    if ["credential", "password", "secret", "token"]
                        .iter()
                        .any(|s| lower.contains(s))
                    {
                        (k.clone(), Value::String("(hidden)".into()))
                    } else {
                        (k.clone(), redact_secrets(v))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact_secrets).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Timestamp;
    use serde_json::json;

    fn ev(name: &str, corr: Option<&str>) -> Event {
        Event {
            time: Timestamp(0.0),
            name: name.into(),
            value: Value::Null,
            extras: vec![],
            correlation: corr.map(str::to_owned),
            description: None,
        }
    }

    #[test]
    fn pairs_by_correlation_then_order() {
        let events = vec![
            ev("createOffer", Some("2-0")),
            ev("createOffer", Some("2-1")),
            ev("createOfferOnSuccess", Some("2-1")),
            ev("createOfferOnFailure", Some("2-0")),
            ev("setLocalDescription", None),
            ev("addIceCandidate", None),
            ev("setLocalDescriptionOnSuccess", None),
            ev("addIceCandidateFailed", None),
        ];
        let p = pair_calls(&events);
        assert_eq!(p[1], Some(2));
        assert_eq!(p[0], Some(3));
        assert_eq!(p[4], Some(6));
        assert_eq!(p[5], Some(7));
        assert_eq!(p[6], Some(4));
    }

    #[test]
    fn categories() {
        assert_eq!(category("signalingstatechange"), Category::State);
        assert_eq!(category("icecandidate"), Category::Candidate);
        assert_eq!(category("addIceCandidateOnSuccess"), Category::Candidate);
        assert_eq!(category("createOfferOnSuccess"), Category::Call);
        assert_eq!(category("transceiverAdded"), Category::Media);
        assert_eq!(category("track"), Category::Media);
        assert_eq!(category("getStats"), Category::Stats);
        assert_eq!(category("e2eRtt"), Category::Other);
    }

    #[test]
    fn candidate_summaries() {
        let c = Candidate::parse(
            "candidate:1 1 UDP 2122260223 192.168.1.2 54321 typ host generation 0",
        )
        .unwrap();
        assert_eq!(c.summary(), "host udp 192.168.1.2:54321");
        let c = Candidate::parse("a=candidate:2 1 tcp 1 ::1 9 typ relay tcptype passive").unwrap();
        assert_eq!(c.summary(), "relay tcp (passive) [::1]:9");
        assert!(Candidate::parse("garbage").is_none());
        let mut e = ev("icecandidate", None);
        e.value = json!({"candidate": "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr 0.0.0.0 rport 0", "sdpMid": "0"});
        let pc = PeerConnection {
            id: "PC_0".into(),
            url: None,
            created: None,
            configuration: None,
            constraints: None,
            events: vec![],
            descriptions: vec![],
            stats: Default::default(),
            polls: Vec::new(),
        };
        assert_eq!(summarize(&e, &pc), "srflx udp 10.0.0.1:5000");
    }

    #[test]
    fn secrets_are_hidden() {
        let cfg = json!({"iceServers": [{"urls": "turn:x", "username": "u", "credential": "p"}], "certificates": []});
        let r = redact_secrets(&cfg);
        assert_eq!(r["iceServers"][0]["credential"], "(hidden)");
        assert_eq!(r["iceServers"][0]["username"], "u");
    }
}
