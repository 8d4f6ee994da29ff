//! One difference between two session descriptions, as data. The sentence ("codec VP9 (pt
//! 98) added") is its `Display`; flags, findings and the compare view match on the variants.

use std::fmt;

use serde::{Serialize, Serializer};

/// What a list or value difference is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A codec's `a=fmtp` parameters (the codec's label).
    CodecFmtp(String),
    /// A codec's `a=rtcp-fb` lines (the codec's label).
    CodecRtcpFb(String),
    /// `a=extmap`.
    HeaderExtension,
    /// `a=ssrc`.
    Ssrc,
    /// `a=ssrc-group`.
    SsrcGroup,
    /// `a=msid`.
    Msid,
    /// `a=rid`.
    SimulcastLayer,
    /// `a=simulcast`.
    Simulcast,
    /// `a=ice-options`.
    IceOptions,
    /// `a=fingerprint`.
    DtlsFingerprint,
    /// `a=setup`.
    DtlsSetup,
    /// `b=`.
    Bandwidth,
    /// `a=group` (session level).
    Group,
    /// Any other line.
    Line,
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::CodecFmtp(c) => write!(f, "codec {c} fmtp"),
            Subject::CodecRtcpFb(c) => write!(f, "codec {c} rtcp-fb"),
            Subject::HeaderExtension => f.write_str("header extension"),
            Subject::Ssrc => f.write_str("SSRC"),
            Subject::SsrcGroup => f.write_str("SSRC group"),
            Subject::Msid => f.write_str("msid"),
            Subject::SimulcastLayer => f.write_str("simulcast layer"),
            Subject::Simulcast => f.write_str("simulcast"),
            Subject::IceOptions => f.write_str("ICE options"),
            Subject::DtlsFingerprint => f.write_str("DTLS fingerprint"),
            Subject::DtlsSetup => f.write_str("DTLS setup"),
            Subject::Bandwidth => f.write_str("bandwidth"),
            Subject::Group => f.write_str("group"),
            Subject::Line => f.write_str("line"),
        }
    }
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SdpChange {
    /// An item appeared in a list (`SSRC 1234 added`).
    Added(Subject, String),
    /// An item left a list.
    Removed(Subject, String),
    /// A value changed (`DTLS setup actpass -> active`).
    Changed(Subject, String, String),
    /// A codec appeared: label and payload type.
    CodecAdded(String, String),
    /// A codec left: label and payload type.
    CodecRemoved(String, String),
    /// A codec kept its name but changed payload type.
    CodecPayloadType(String, String, String),
    /// The same codecs in a new preference order (the new order).
    CodecOrder(Vec<String>),
    /// The media kind changed.
    Kind(String, String),
    /// The section was rejected (port 0).
    Rejected,
    /// A rejected section came back on this port.
    Reenabled(u32),
    /// The direction changed.
    Direction(String, String),
    /// The transport protocol changed.
    Protocol(String, String),
    /// New ICE credentials: an ICE restart (old and new ufrag).
    IceRestart(String, String),
    /// Only the ICE password changed.
    IcePassword,
    /// `a=rtcp-mux` added (true) or removed.
    RtcpMux(bool),
    /// The number of candidates changed.
    Candidates(usize, usize),
    /// A new section: kind, direction, codecs.
    SectionAdded(String, String, Vec<String>),
    /// A section is gone: its kind.
    SectionRemoved(String),
}

impl SdpChange {
    /// Whether this differs between any two sessions by nature (ICE credentials and
    /// candidates, fingerprints, SSRCs, stream ids), so that comparing two calls ignores it.
    pub fn is_per_session(&self) -> bool {
        match self {
            SdpChange::IceRestart(..) | SdpChange::IcePassword | SdpChange::Candidates(..) => true,
            SdpChange::Added(s, _) | SdpChange::Removed(s, _) | SdpChange::Changed(s, ..) => {
                matches!(
                    s,
                    Subject::IceOptions
                        | Subject::DtlsFingerprint
                        | Subject::Ssrc
                        | Subject::SsrcGroup
                        | Subject::Msid
                )
            }
            _ => false,
        }
    }
}

impl fmt::Display for SdpChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SdpChange::Added(s, x) => write!(f, "{s} {x} added"),
            SdpChange::Removed(s, x) => write!(f, "{s} {x} removed"),
            SdpChange::Changed(s, a, b) => write!(f, "{s} {a} -> {b}"),
            SdpChange::CodecAdded(c, pt) => write!(f, "codec {c} (pt {pt}) added"),
            SdpChange::CodecRemoved(c, pt) => write!(f, "codec {c} (pt {pt}) removed"),
            SdpChange::CodecPayloadType(c, a, b) => write!(f, "codec {c} payload type {a} -> {b}"),
            SdpChange::CodecOrder(order) => {
                write!(f, "codec preference order changed: {}", order.join(", "))
            }
            SdpChange::Kind(a, b) => write!(f, "media kind {a} -> {b}"),
            SdpChange::Rejected => f.write_str("rejected (port 0)"),
            SdpChange::Reenabled(port) => write!(f, "re-enabled (port {port})"),
            SdpChange::Direction(a, b) => {
                let note = if b == "inactive" { " (inactive)" } else { "" };
                write!(f, "direction {a} -> {b}{note}")
            }
            SdpChange::Protocol(a, b) => write!(f, "protocol {a} -> {b}"),
            SdpChange::IceRestart(a, b) => write!(f, "ICE restart: ufrag {a} -> {b}"),
            SdpChange::IcePassword => f.write_str("ICE password changed"),
            SdpChange::RtcpMux(added) => {
                write!(f, "rtcp-mux {}", if *added { "added" } else { "removed" })
            }
            SdpChange::Candidates(a, b) => write!(f, "candidates {a} -> {b}"),
            SdpChange::SectionAdded(kind, dir, codecs) => {
                write!(f, "{kind} section added ({dir}, {})", codecs.join(", "))
            }
            SdpChange::SectionRemoved(kind) => write!(f, "{kind} section removed"),
        }
    }
}

/// JSON carries the sentence, as `sdp --json` always has.
impl Serialize for SdpChange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences() {
        let c = SdpChange::CodecAdded("VP9".into(), "98".into());
        assert_eq!(c.to_string(), "codec VP9 (pt 98) added");
        assert_eq!(serde_json::to_value(&c).unwrap(), "codec VP9 (pt 98) added");
        let d = SdpChange::Changed(
            Subject::CodecFmtp("opus".into()),
            "a=1".into(),
            "a=2".into(),
        );
        assert_eq!(d.to_string(), "codec opus fmtp a=1 -> a=2");
        assert!(SdpChange::Added(Subject::Ssrc, "1".into()).is_per_session());
        assert!(!SdpChange::Rejected.is_per_session());
    }
}
