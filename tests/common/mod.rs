//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod call;
#[cfg(feature = "gui")]
pub mod ui;

use std::fs::File;
use std::path::{Path, PathBuf};

use rtcscope::decode::{DecodeOptions, decode_reader};
use rtcscope::model::{Dump, PeerConnection, Report, StatValue, Timestamp};

/// `../shared/fixtures/<rel>`.
pub fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(rel)
}

/// `fixtures/<rel>` in this repository.
pub fn bundled(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

pub fn load(path: &Path) -> Dump {
    let f = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    decode_reader(f, &DecodeOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn pc<'a>(dump: &'a Dump, id: &str) -> &'a PeerConnection {
    dump.peer_connections
        .iter()
        .find(|p| p.id.as_str() == id)
        .unwrap_or_else(|| panic!("no peer connection {id}"))
}

pub fn report<'a>(pc: &'a PeerConnection, id: &str) -> &'a Report {
    pc.stats
        .report(id)
        .unwrap_or_else(|| panic!("{}: no report {id}", pc.id))
}

/// The numeric samples of `series` in `report`, as `(epoch ms, value)`.
pub fn points(report: &Report, series: &str) -> Vec<(f64, f64)> {
    report
        .series(series)
        .unwrap_or_else(|| panic!("{}: no series {series}", report.id))
        .points(&report.timestamps)
        .map(|(t, v)| (t.0, v))
        .collect()
}

pub fn ids(dump: &Dump) -> Vec<&str> {
    dump.peer_connections
        .iter()
        .map(|p| p.id.as_str())
        .collect()
}

pub fn states(pc: &PeerConnection, event: &str) -> Vec<String> {
    rtcscope::analyze::states::states_entered(
        pc,
        match event {
            "connection" => rtcscope::analyze::states::StateMachine::Connection,
            "ice" => rtcscope::analyze::states::StateMachine::IceConnection,
            "signaling" => rtcscope::analyze::states::StateMachine::Signaling,
            _ => rtcscope::analyze::states::StateMachine::IceGathering,
        },
    )
}

pub fn last_text(report: &Report, name: &str) -> Option<StatValue> {
    report.last_text(name).cloned()
}

pub fn ts(t: f64) -> Timestamp {
    Timestamp(t)
}
