//! The ICE candidate grid (FORMATS.md §6.3) at any moment of a call: transports, their
//! candidate pairs, and each pair's local and remote candidates, with the selected pair
//! marked, plus the changes of the selected pair over the call.

use crate::model::{Report, StatValue, Stats, Timestamp};

/// One candidate of a pair.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CandidateRow {
    /// Report id.
    pub id: String,
    /// `true` for the remote side.
    pub remote: bool,
    /// `host`, `srflx`, `prflx`, `relay`.
    pub candidate_type: String,
    /// Address (or the legacy `ip`).
    pub address: String,
    /// Port.
    pub port: Option<f64>,
    /// `udp` / `tcp`.
    pub protocol: String,
    /// Candidate priority.
    pub priority: Option<f64>,
    /// TURN transport to the relay (`udp`, `tcp`, `tls`) for relay candidates.
    pub relay_protocol: Option<String>,
    /// Network type (`wifi`, `ethernet`, …), when the browser says.
    pub network_type: Option<String>,
}

/// One candidate pair.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PairRow {
    /// Report id.
    pub id: String,
    /// `succeeded`, `in-progress`, `failed`, …
    pub state: Option<String>,
    /// Whether it is the transport's selected pair.
    pub selected: bool,
    /// Whether it was nominated.
    pub nominated: Option<bool>,
    /// Pair priority.
    pub priority: Option<f64>,
    /// STUN requests sent, consent requests included.
    pub requests_sent: Option<f64>,
    /// STUN responses received.
    pub responses_received: Option<f64>,
    /// STUN requests received.
    pub requests_received: Option<f64>,
    /// STUN responses sent.
    pub responses_sent: Option<f64>,
    /// Payload bytes sent.
    pub bytes_sent: Option<f64>,
    /// Payload bytes received.
    pub bytes_received: Option<f64>,
    /// Latest STUN round-trip time, seconds.
    pub current_rtt: Option<f64>,
    /// Local candidate.
    pub local: Option<CandidateRow>,
    /// Remote candidate.
    pub remote: Option<CandidateRow>,
}

/// One transport (or, for browsers without transport reports, all pairs).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TransportRow {
    /// Report id, or empty when the browser has no transport report.
    pub id: String,
    /// ICE state, DTLS state.
    pub ice_state: Option<String>,
    /// DTLS state.
    pub dtls_state: Option<String>,
    /// The selected pair's id, or `None` ("(none)").
    pub selected_pair: Option<String>,
    /// Its pairs.
    pub pairs: Vec<PairRow>,
}

/// The last numeric value of `name` at or before `t`.
pub fn num_at(report: &Report, name: &str, t: Timestamp) -> Option<f64> {
    let s = report.series(name)?;
    let times = report.timestamps.get(s.start..)?;
    let n = times.partition_point(|x| x.0 <= t.0).min(s.values.len());
    s.values.iter().take(n).rev().find(|v| !v.is_nan())
}

/// The last non-numeric value of `name` at or before `t`, as text.
pub fn text_at(report: &Report, name: &str, t: Timestamp) -> Option<String> {
    let changes = &report.attribute(name)?.changes;
    let n = changes.partition_point(|(x, _)| x.0 <= t.0);
    changes[..n].last().map(|(_, v)| match v {
        StatValue::Bool(b) => b.to_string(),
        other => other.as_text().into_owned(),
    })
}

fn exists_at(report: &Report, t: Timestamp) -> bool {
    report.timestamps.first().is_some_and(|f| f.0 <= t.0)
}

fn candidate(stats: &Stats, id: Option<String>, t: Timestamp) -> Option<CandidateRow> {
    let id = id?;
    let r = stats.report(&id)?;
    let text = |n: &str| text_at(r, n, t);
    Some(CandidateRow {
        id: id.clone(),
        remote: r.report_type == "remote-candidate" || text("isRemote").as_deref() == Some("true"),
        candidate_type: text("candidateType").unwrap_or_default(),
        address: text("address").or_else(|| text("ip")).unwrap_or_default(),
        port: num_at(r, "port", t),
        protocol: text("protocol").unwrap_or_default(),
        priority: num_at(r, "priority", t),
        relay_protocol: text("relayProtocol"),
        network_type: text("networkType"),
    })
}

/// The grid as it was at `t`.
pub fn grid_at(stats: &Stats, t: Timestamp) -> Vec<TransportRow> {
    let pairs: Vec<&Report> = stats
        .reports
        .iter()
        .filter(|r| r.report_type == "candidate-pair" && exists_at(r, t))
        .collect();
    if pairs.is_empty() {
        return legacy_grid(stats, t);
    }
    let mut transports: Vec<TransportRow> = stats
        .reports
        .iter()
        .filter(|r| r.report_type == "transport" && exists_at(r, t))
        .map(|r| TransportRow {
            id: r.id.to_string(),
            ice_state: text_at(r, "iceState", t),
            dtls_state: text_at(r, "dtlsState", t),
            selected_pair: text_at(r, "selectedCandidatePairId", t),
            pairs: Vec::new(),
        })
        .collect();
    for p in pairs {
        let text = |n: &str| text_at(p, n, t);
        let num = |n: &str| num_at(p, n, t);
        let transport_id = text("transportId");
        let slot = match transports
            .iter()
            .position(|tr| Some(&tr.id) == transport_id.as_ref())
        {
            Some(i) => i,
            None => match transports.iter().position(|tr| tr.id.is_empty()) {
                Some(i) => i,
                None => {
                    transports.push(TransportRow::default());
                    transports.len() - 1
                }
            },
        };
        let requests = match (num("requestsSent"), num("consentRequestsSent")) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        let row = PairRow {
            id: p.id.to_string(),
            state: text("state"),
            // Firefox marks the pair itself; the others name it on the transport.
            selected: transports[slot].selected_pair.as_deref() == Some(p.id.as_str())
                || text("selected").as_deref() == Some("true"),
            nominated: text("nominated").map(|v| v == "true"),
            priority: num("priority"),
            requests_sent: requests,
            responses_received: num("responsesReceived"),
            requests_received: num("requestsReceived"),
            responses_sent: num("responsesSent"),
            bytes_sent: num("bytesSent"),
            bytes_received: num("bytesReceived"),
            current_rtt: num("currentRoundTripTime"),
            local: candidate(stats, text("localCandidateId"), t),
            remote: candidate(stats, text("remoteCandidateId"), t),
        };
        if row.selected && transports[slot].selected_pair.is_none() {
            transports[slot].selected_pair = Some(row.id.clone());
        }
        transports[slot].pairs.push(row);
    }
    transports
}

/// Legacy Chrome stats: `googCandidatePair` reports (`Conn-…`) carry both candidates.
fn legacy_grid(stats: &Stats, t: Timestamp) -> Vec<TransportRow> {
    let mut row = TransportRow::default();
    for p in stats
        .reports
        .iter()
        .filter(|r| r.report_type == "googCandidatePair" && exists_at(r, t))
    {
        let text = |n: &str| text_at(p, n, t);
        let num = |n: &str| num_at(p, n, t);
        let side = |prefix: &str, remote: bool| {
            let address = text(&format!("goog{prefix}Address")).unwrap_or_default();
            let (address, port) = match address.rsplit_once(':') {
                Some((a, port)) => (a.trim_matches(['[', ']']).to_owned(), port.parse().ok()),
                None => (address, None),
            };
            CandidateRow {
                id: String::new(),
                remote,
                candidate_type: text(&format!("goog{prefix}CandidateType")).unwrap_or_default(),
                address,
                port,
                protocol: text("googTransportType").unwrap_or_default(),
                priority: None,
                relay_protocol: None,
                network_type: None,
            }
        };
        let active = text("googActiveConnection").as_deref() == Some("true")
            || num("googActiveConnection") == Some(1.0);
        if active {
            row.selected_pair = Some(p.id.to_string());
        }
        row.pairs.push(PairRow {
            id: p.id.to_string(),
            state: None,
            selected: active,
            nominated: None,
            priority: None,
            requests_sent: num("requestsSent"),
            responses_received: num("responsesReceived"),
            requests_received: num("requestsReceived"),
            responses_sent: num("responsesSent"),
            bytes_sent: num("bytesSent"),
            bytes_received: num("bytesReceived"),
            current_rtt: num("googRtt").map(|ms| ms / 1000.0),
            local: Some(side("Local", false)),
            remote: Some(side("Remote", true)),
        });
    }
    if row.pairs.is_empty() {
        Vec::new()
    } else {
        vec![row]
    }
}

/// `host udp 192.0.2.2:43190`.
pub fn describe(c: &CandidateRow) -> String {
    let address = if c.address.contains(':') {
        format!("[{}]", c.address)
    } else {
        c.address.clone()
    };
    let port = c.port.map(|p| format!(":{p}")).unwrap_or_default();
    let relay = c
        .relay_protocol
        .as_deref()
        .map(|r| format!(" via {r}"))
        .unwrap_or_default();
    format!("{} {}{relay} {address}{port}", c.candidate_type, c.protocol)
}

/// Each time the selected pair changed: when, and `local <=> remote`.
pub fn selected_pair_changes(stats: &Stats) -> Vec<(Timestamp, String, String)> {
    let mut out: Vec<(Timestamp, String, String)> = Vec::new();
    let mut times: Vec<Timestamp> = stats
        .reports
        .iter()
        .filter(|r| r.report_type == "transport")
        .filter_map(|r| r.attribute("selectedCandidatePairId"))
        .flat_map(|a| a.changes.iter().map(|(t, _)| *t))
        .chain(
            stats
                .reports
                .iter()
                .filter(|r| {
                    matches!(
                        r.report_type.as_str(),
                        "candidate-pair" | "googCandidatePair"
                    )
                })
                .filter_map(|r| {
                    r.attribute("selected")
                        .or_else(|| r.attribute("googActiveConnection"))
                })
                .flat_map(|a| a.changes.iter().map(|(t, _)| *t)),
        )
        .collect();
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    times.dedup();
    for t in times {
        for transport in grid_at(stats, t) {
            let Some(pair) = transport.pairs.iter().find(|p| p.selected) else {
                continue;
            };
            if out.last().is_some_and(|(_, id, _)| *id == pair.id) {
                continue;
            }
            let side =
                |c: &Option<CandidateRow>| c.as_ref().map_or_else(|| "?".to_owned(), describe);
            out.push((
                t,
                pair.id.clone(),
                format!("{} <=> {}", side(&pair.local), side(&pair.remote)),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(rel: &str) -> crate::model::Dump {
        crate::load::load(&format!("{}/{rel}", env!("CARGO_MANIFEST_DIR")), None).unwrap()
    }

    #[test]
    fn grid_of_the_recorded_call() {
        let dump = load("fixtures/webrtc_internals_dump_v3_loopback_30s.gz");
        let pc = &dump.peer_connections[0];
        let end = pc.stats.time_range().unwrap().1;
        let grid = grid_at(&pc.stats, end);
        assert_eq!(grid.len(), 1, "one bundled transport");
        let t = &grid[0];
        assert_eq!(t.dtls_state.as_deref(), Some("connected"));
        let selected: Vec<&PairRow> = t.pairs.iter().filter(|p| p.selected).collect();
        assert_eq!(selected.len(), 1);
        let s = selected[0];
        assert_eq!(Some(&s.id), t.selected_pair.as_ref());
        assert_eq!(s.state.as_deref(), Some("succeeded"));
        let local = s.local.as_ref().unwrap();
        assert_eq!(
            (
                local.candidate_type.as_str(),
                local.protocol.as_str(),
                local.remote
            ),
            ("host", "udp", false)
        );
        assert!(s.remote.as_ref().unwrap().remote);
        // The pair selected after the restart carried the last seconds of media.
        assert!(s.bytes_sent.unwrap() > 10_000.0);
        // The ICE restart at 88 % of the 30 s call moved the selected pair, at +26 s.
        let changes = selected_pair_changes(&pc.stats);
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert_ne!(changes[0].1, changes[1].1);
        assert_eq!(changes[1].1, s.id);
        let at = (changes[1].0.0 - pc.created.unwrap().0) / 1000.0;
        assert!((25.0..28.0).contains(&at), "{at}");
        assert!(changes[0].2.starts_with("host udp ") && changes[0].2.contains(" <=> "));
        // Before the first sample there is nothing.
        assert!(grid_at(&pc.stats, Timestamp(0.0)).is_empty());
    }

    #[test]
    fn legacy_and_firefox_shapes() {
        let legacy = load("../shared/fixtures/public/jitsi/google-legacy-stats-p2p");
        let pc = &legacy.peer_connections[0];
        let grid = grid_at(&pc.stats, pc.stats.time_range().unwrap().1);
        let active: Vec<_> = grid[0].pairs.iter().filter(|p| p.selected).collect();
        assert_eq!(active.len(), 1);
        assert!(!active[0].local.as_ref().unwrap().address.is_empty());

        let ff = load("../shared/fixtures/public/jitsi/firefox-standard-stats-sfu");
        let pc = &ff.peer_connections[0];
        let grid = grid_at(&pc.stats, pc.stats.time_range().unwrap().1);
        assert!(grid.iter().flat_map(|t| &t.pairs).any(|p| p.selected));
    }
}
