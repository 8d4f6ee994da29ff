//! The `sdp` command's outputs: the list of a connection's descriptions and a diff, as the
//! documented JSON layouts or as text.

use std::fmt::Write as _;

use serde::Serialize;

use crate::analyze::sdp::parse;
use crate::analyze::sdp_diff::{Change, SdpDiff, flags};
use crate::model::PeerConnection;

/// One description in the list.
#[derive(Debug, Serialize)]
pub struct Listed {
    /// Index in the connection's descriptions.
    pub index: usize,
    /// The carrying event.
    pub event: String,
    /// `offer`, `answer`, `pranswer`, `rollback`.
    #[serde(rename = "type")]
    pub sdp_type: String,
    /// Epoch milliseconds.
    pub time_ms: f64,
    /// Its m-sections.
    pub sections: Vec<ListedSection>,
}

/// One m-section in the list.
#[derive(Debug, Serialize)]
pub struct ListedSection {
    /// The mid.
    pub mid: Option<String>,
    /// Media kind.
    pub kind: String,
    /// Port (0 = rejected).
    pub port: u32,
    /// Direction.
    pub direction: String,
    /// Codecs, `VP8/90000` style, in preference order.
    pub codecs: Vec<String>,
}

/// Every description of `pc`, in event order.
pub fn list(pc: &PeerConnection) -> Vec<Listed> {
    pc.descriptions
        .iter()
        .enumerate()
        .map(|(index, d)| Listed {
            index,
            event: d.event.clone(),
            sdp_type: d.sdp_type.as_str().to_owned(),
            time_ms: d.time.0,
            sections: parse(&d.sdp)
                .media
                .iter()
                .map(|m| ListedSection {
                    mid: m.mid.clone(),
                    kind: m.kind.clone(),
                    port: m.port,
                    direction: m.direction().to_owned(),
                    codecs: m.codec_labels(),
                })
                .collect(),
        })
        .collect()
}

/// The list as text, with the flags (munging, renegotiation, ICE restart, codec change).
pub fn human_list(pc: &PeerConnection, list: &[Listed]) -> String {
    let origin = pc.created.map_or(f64::NAN, |t| t.0);
    let flags = flags(pc);
    let mut o = String::new();
    for l in list {
        let _ = writeln!(
            o,
            "[{}] {:+9.3} s  {:<30} {}",
            l.index,
            (l.time_ms - origin) / 1000.0,
            l.event,
            l.sdp_type
        );
        for s in &l.sections {
            let _ = writeln!(
                o,
                "      mid {:<4} {:<12} port {:<5} {:<9} {}",
                s.mid.as_deref().unwrap_or("-"),
                s.kind,
                s.port,
                s.direction,
                s.codecs.join(", ")
            );
        }
        for f in flags.iter().filter(|f| f.index == l.index) {
            let _ = writeln!(o, "      ! {}: {}", f.kind, f.text);
        }
    }
    o
}

/// A diff as text.
pub fn human_diff(pc: &PeerConnection, i: usize, j: usize, d: &SdpDiff) -> String {
    let name = |k: usize| {
        pc.descriptions.get(k).map_or_else(String::new, |x| {
            format!("[{k}] {} {}", x.event, x.sdp_type.as_str())
        })
    };
    let mut o = format!(
        "{} -> {}{}\n",
        name(i),
        name(j),
        if d.munged { "  (munged)" } else { "" }
    );
    for s in &d.session {
        let _ = writeln!(o, "  session: {s}");
    }
    for s in &d.sections {
        let change = match s.change {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
        };
        let _ = writeln!(
            o,
            "  mid {} ({}): {change}",
            s.mid.as_deref().unwrap_or("-"),
            s.kind
        );
        for detail in &s.details {
            let _ = writeln!(o, "    {detail}");
        }
    }
    o
}
