//! What ICE tried on a connection that failed without ever connecting: its candidates on
//! both sides, the connectivity checks of its pairs and their answers, whether a TURN server
//! could have relayed, and whether the other end is a connection of the same page.

use serde::Serialize;

use crate::analyze::ice::{CandidateRow, grid_at};
use crate::analyze::timeline::{Candidate, event_candidates};
use crate::model::{Dump, PeerConnection, Timestamp};

/// The evidence of a failed ICE attempt, as of the failure.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct IceAttempt {
    /// How long ICE had been checking, ms.
    pub checking_ms: Option<f64>,
    /// The local candidates gathered, by `type protocol`.
    pub local: Vec<(String, usize)>,
    /// The remote candidates added (from the events; their kinds may be unknown).
    pub remote_added: usize,
    /// The remote candidates the stats show, by `type protocol`.
    pub remote: Vec<(String, usize)>,
    /// Candidate pairs in the last stats at or before the failure.
    pub pairs: usize,
    /// Connectivity checks (STUN binding requests) sent over those pairs.
    pub requests_sent: Option<f64>,
    /// Responses to them.
    pub responses_received: Option<f64>,
    /// Checks that arrived from the other end.
    pub requests_received: Option<f64>,
    /// Whether the configuration named a TURN server.
    pub turn_configured: bool,
    /// Another connection of this dump that gathered this one's remote candidate: both ends
    /// of the call are in this page.
    pub peer: Option<String>,
}

/// The attempt of `pc`, which failed at `t` (epoch ms) after checking for `checking_ms`.
pub(super) fn attempt(
    dump: &Dump,
    pc: &PeerConnection,
    t: f64,
    checking_ms: Option<f64>,
    turn_configured: bool,
) -> IceAttempt {
    let grid = grid_at(&pc.stats, Timestamp(t));
    let pairs: Vec<_> = grid.iter().flat_map(|tr| &tr.pairs).collect();
    let sum = |f: fn(&crate::analyze::ice::PairRow) -> Option<f64>| {
        pairs.iter().filter_map(|p| f(p)).reduce(|a, b| a + b)
    };
    let mut remotes: Vec<&CandidateRow> = pairs.iter().filter_map(|p| p.remote.as_ref()).collect();
    remotes.sort_by(|a, b| a.id.cmp(&b.id));
    remotes.dedup_by(|a, b| a.id == b.id);
    IceAttempt {
        checking_ms,
        local: tally(event_candidates(&pc.events, "icecandidate")),
        remote_added: pc
            .events
            .iter()
            .filter(|e| e.name == "addIceCandidate" && !e.value.is_null())
            .count(),
        remote: tally(remotes.iter().map(|r| Candidate {
            protocol: r.protocol.clone(),
            address: r.address.clone(),
            port: String::new(),
            kind: r.candidate_type.clone(),
            tcp_type: None,
        })),
        pairs: pairs.len(),
        requests_sent: sum(|p| p.requests_sent),
        responses_received: sum(|p| p.responses_received),
        requests_received: sum(|p| p.requests_received),
        turn_configured,
        peer: peer_in_page(dump, pc, &remotes),
    }
}

/// Candidates counted by `type protocol`, in first-seen order.
fn tally(candidates: impl Iterator<Item = Candidate>) -> Vec<(String, usize)> {
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for c in candidates {
        let key = format!("{} {}", c.kind, c.protocol.to_ascii_lowercase());
        match kinds.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => kinds.push((key, 1)),
        }
    }
    kinds
}

/// The other connection of the dump that gathered one of `remotes` (same address, port and
/// protocol): a call between two connections of one page, such as a pre-call test.
fn peer_in_page(dump: &Dump, pc: &PeerConnection, remotes: &[&CandidateRow]) -> Option<String> {
    let port = |r: &CandidateRow| r.port.map(|p| p.to_string());
    dump.peer_connections
        .iter()
        .filter(|other| other.id != pc.id)
        .find(|other| {
            event_candidates(&other.events, "icecandidate").any(|c| {
                remotes.iter().any(|r| {
                    !r.address.is_empty()
                        && r.address == c.address
                        && port(r).as_deref() == Some(c.port.as_str())
                        && r.protocol.eq_ignore_ascii_case(&c.protocol)
                })
            })
        })
        .map(|other| other.id.to_string())
}
