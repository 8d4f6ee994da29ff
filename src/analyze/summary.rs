//! The summary `rtcscope inspect` prints: one pure function of the dump, serialisable as the
//! documented JSON layout.

use serde::Serialize;

use super::findings::{Finding, Severity, Thresholds, Verdict, connection_verdict, findings};
use super::states::{StateMachine, states_entered};
use crate::model::{Dump, MediaOutcome, PeerConnection, Warning};

/// Summary of a dump.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// The source as the user named it.
    pub source: String,
    /// Format name.
    pub format: &'static str,
    /// The outermost compression (`none` when uncompressed).
    pub compression: &'static str,
    /// Every compression layer, outermost first.
    pub compression_layers: Vec<&'static str>,
    /// The User-Agent string, if the dump has one.
    pub user_agent: Option<String>,
    /// Client details beyond the User-Agent.
    pub client: ClientSummary,
    /// getUserMedia / getDisplayMedia counts.
    pub get_user_media: MediaSummary,
    /// Real peer connections, in order of creation.
    pub peer_connections: Vec<PcSummary>,
    /// For Jitsi component dumps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<ComponentInfo>,
    /// The verdict on the whole dump under the default thresholds (`good`, `degraded`,
    /// `bad`): see `rtcscope check`.
    pub verdict: &'static str,
    /// What was skipped or repaired.
    pub warnings: Vec<Warning>,
}

/// Client details.
#[derive(Debug, Serialize)]
pub struct ClientSummary {
    /// Browser brands (`Chromium 156`).
    pub brands: Vec<String>,
    /// Platform (`Linux`).
    pub platform: Option<String>,
    /// Page URL.
    pub url: Option<String>,
}

/// getUserMedia counts.
#[derive(Debug, Serialize)]
pub struct MediaSummary {
    /// Calls made.
    pub requests: usize,
    /// Calls that failed.
    pub failures: usize,
}

/// One peer connection.
#[derive(Debug, Serialize)]
pub struct PcSummary {
    /// Connection id.
    pub id: String,
    /// Page URL.
    pub url: Option<String>,
    /// Creation time, epoch ms.
    pub created_ms: Option<f64>,
    /// Events on the timeline.
    pub events: usize,
    /// Session descriptions carried by events.
    pub descriptions: usize,
    /// Connection states entered, in order.
    pub connection_states: Vec<String>,
    /// ICE connection states entered, in order.
    pub ice_connection_states: Vec<String>,
    /// Signaling states entered, in order.
    pub signaling_states: Vec<String>,
    /// ICE gathering states entered, in order.
    pub ice_gathering_states: Vec<String>,
    /// Stats counts.
    pub stats: StatsSummary,
    /// The connection's verdict under the default thresholds.
    pub verdict: &'static str,
    /// Its findings by severity.
    pub findings: FindingCounts,
}

/// How many findings of each severity.
#[derive(Debug, Default, Serialize)]
pub struct FindingCounts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
}

/// Stats counts of one peer connection.
#[derive(Debug, Serialize)]
pub struct StatsSummary {
    /// Reports (stats ids).
    pub reports: usize,
    /// Numeric series.
    pub series: usize,
    /// Numeric samples.
    pub samples: usize,
    /// First sample time, epoch ms.
    pub first_ms: Option<f64>,
    /// Last sample time, epoch ms.
    pub last_ms: Option<f64>,
}

/// Jitsi component dump details.
#[derive(Debug, Serialize)]
pub struct ComponentInfo {
    /// Component (`JIGASI`, `JVB`, …).
    pub application: Option<String>,
    /// statsSessionId values.
    pub session_ids: Vec<String>,
    /// Entry counts per type.
    pub entries: std::collections::BTreeMap<String, usize>,
}

/// Summarises `dump`, read from `source`.
pub fn summarize(source: &str, dump: &Dump) -> Summary {
    let findings = findings(dump, &Thresholds::default());
    Summary {
        source: source.to_owned(),
        format: dump.format.name(),
        compression: dump.compression.first().map_or("none", |c| c.name()),
        compression_layers: dump.compression.iter().map(|c| c.name()).collect(),
        user_agent: dump.client.user_agent.clone(),
        client: ClientSummary {
            brands: dump.client.brands.clone(),
            platform: dump.client.platform.clone(),
            url: dump.client.url.clone(),
        },
        get_user_media: MediaSummary {
            requests: dump.get_user_media.len(),
            failures: dump
                .get_user_media
                .iter()
                .filter(|r| matches!(r.outcome, MediaOutcome::Failure { .. }))
                .count(),
        },
        peer_connections: dump
            .peer_connections
            .iter()
            .map(|pc| pc_summary(pc, &findings))
            .collect(),
        component: dump.component.as_ref().map(|c| ComponentInfo {
            application: c.application.clone(),
            session_ids: c.session_ids.clone(),
            entries: c.entries_by_type.iter().cloned().collect(),
        }),
        verdict: Verdict::of(&findings).name(),
        warnings: dump.warnings.clone(),
    }
}

fn pc_summary(pc: &PeerConnection, findings: &[Finding]) -> PcSummary {
    let range = pc.stats.time_range();
    let mut counts = FindingCounts::default();
    for f in findings
        .iter()
        .filter(|f| f.pc.as_deref() == Some(pc.id.as_str()))
    {
        match f.severity {
            Severity::Error => counts.error += 1,
            Severity::Warning => counts.warning += 1,
            Severity::Info => counts.info += 1,
        }
    }
    PcSummary {
        id: pc.id.to_string(),
        url: pc.url.clone(),
        created_ms: pc.created.map(|t| t.0),
        events: pc.events.len(),
        descriptions: pc.descriptions.len(),
        connection_states: states_entered(pc, StateMachine::Connection),
        ice_connection_states: states_entered(pc, StateMachine::IceConnection),
        signaling_states: states_entered(pc, StateMachine::Signaling),
        ice_gathering_states: states_entered(pc, StateMachine::IceGathering),
        stats: StatsSummary {
            reports: pc.stats.reports.len(),
            series: pc.stats.series_count(),
            samples: pc.stats.sample_count(),
            first_ms: range.map(|r| r.0.0),
            last_ms: range.map(|r| r.1.0),
        },
        verdict: connection_verdict(findings, pc.id.as_str()).name(),
        findings: counts,
    }
}
