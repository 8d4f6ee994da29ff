//! State lanes: the states a peer connection entered, over time.

use crate::model::{PeerConnection, Timestamp};

/// The state machines of a peer connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateMachine {
    /// `signalingState`.
    Signaling,
    /// `iceGatheringState`.
    IceGathering,
    /// `iceConnectionState`.
    IceConnection,
    /// `connectionState`.
    Connection,
    /// DTLS transport state (Jitsi's `ondtlsstatechange`).
    Dtls,
}

impl StateMachine {
    /// The normalised name of the event that reports this state.
    pub fn event_name(self) -> &'static str {
        match self {
            StateMachine::Signaling => "signalingstatechange",
            StateMachine::IceGathering => "icegatheringstatechange",
            StateMachine::IceConnection => "iceconnectionstatechange",
            StateMachine::Connection => "connectionstatechange",
            StateMachine::Dtls => "dtlsstatechange",
        }
    }
}

/// One entry into a state.
#[derive(Debug, Clone, PartialEq)]
pub struct StateChange {
    /// When the state was entered.
    pub time: Timestamp,
    /// The spec name of the state (`connected`).
    pub state: String,
}

/// The states `pc` entered on `machine`, in order. A repeated report of the state it is
/// already in is not an entry, so consecutive duplicates are dropped.
pub fn state_history(pc: &PeerConnection, machine: StateMachine) -> Vec<StateChange> {
    let mut out: Vec<StateChange> = Vec::new();
    for e in pc.events.iter().filter(|e| e.name == machine.event_name()) {
        let Some(state) = e.value.as_str() else {
            continue;
        };
        if out.last().is_some_and(|last| last.state == state) {
            continue;
        }
        out.push(StateChange {
            time: e.time,
            state: state.to_owned(),
        });
    }
    out
}

/// [`state_history`], and for DTLS, when the dump has no DTLS events (only Jitsi's client
/// sends them), the `dtlsState` of the transport stats instead.
pub fn state_lane(pc: &PeerConnection, machine: StateMachine) -> Vec<StateChange> {
    let from_events = state_history(pc, machine);
    if machine != StateMachine::Dtls || !from_events.is_empty() {
        return from_events;
    }
    let Some(transport) = pc
        .stats
        .reports
        .iter()
        .find(|r| r.report_type == "transport" && r.attribute("dtlsState").is_some())
    else {
        return Vec::new();
    };
    let mut out: Vec<StateChange> = Vec::new();
    for (time, value) in &transport
        .attribute("dtlsState")
        .map(|a| a.changes.clone())
        .unwrap_or_default()
    {
        let state = value.as_text().into_owned();
        if out.last().is_none_or(|l| l.state != state) {
            out.push(StateChange { time: *time, state });
        }
    }
    out
}

/// Just the state names of [`state_history`].
pub fn states_entered(pc: &PeerConnection, machine: StateMachine) -> Vec<String> {
    state_history(pc, machine)
        .into_iter()
        .map(|c| c.state)
        .collect()
}

/// When the connection came up: the first `connected` connection state, else (browsers
/// without one) the first `connected` ICE state. Setup time is measured to it.
pub fn connected_at(pc: &PeerConnection) -> Option<&crate::model::Event> {
    let first = |name: &str| {
        pc.events
            .iter()
            .find(|e| e.name == name && e.value == "connected")
    };
    first("connectionstatechange").or_else(|| first("iceconnectionstatechange"))
}

/// The ICE restarts the application asked for: `createOffer({iceRestart: true})` and
/// `restartIce()`.
pub fn ice_restarts(pc: &PeerConnection) -> Vec<&crate::model::Event> {
    pc.events
        .iter()
        .filter(|e| {
            (e.name == "createOffer"
                && e.value.get("iceRestart") == Some(&serde_json::Value::Bool(true)))
                || e.name == "restartIce"
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, PeerConnectionId};
    use serde_json::json;

    #[test]
    fn consecutive_duplicates_are_one_entry() {
        let ev = |t: f64, name: &str, v: &str| Event {
            time: Timestamp(t),
            name: name.into(),
            value: json!(v),
            extras: vec![],
            correlation: None,
            description: None,
        };
        let pc = PeerConnection {
            id: PeerConnectionId::from("PC_0"),
            url: None,
            created: None,
            configuration: None,
            constraints: None,
            events: vec![
                ev(1.0, "connectionstatechange", "connecting"),
                ev(2.0, "connectionstatechange", "connected"),
                ev(3.0, "connectionstatechange", "connected"),
                ev(4.0, "iceconnectionstatechange", "checking"),
                ev(5.0, "connectionstatechange", "failed"),
            ],
            descriptions: vec![],
            stats: Default::default(),
            polls: Vec::new(),
        };
        assert_eq!(
            states_entered(&pc, StateMachine::Connection),
            vec!["connecting", "connected", "failed"]
        );
        assert_eq!(
            state_history(&pc, StateMachine::Connection)[2].time,
            Timestamp(5.0)
        );
    }

    #[test]
    fn dtls_lane_falls_back_to_transport_stats() {
        let dump = crate::load::load(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/webrtc_internals_dump_v3_loopback_30s.gz"
            ),
            None,
        )
        .unwrap();
        let pc = &dump.peer_connections[0];
        assert!(state_history(pc, StateMachine::Dtls).is_empty());
        let lane = state_lane(pc, StateMachine::Dtls);
        assert_eq!(lane.last().map(|c| c.state.as_str()), Some("connected"));
    }
}
