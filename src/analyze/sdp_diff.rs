//! What changed between two session descriptions, section by section: m-sections matched by
//! mid (then by index), and per section the codecs and their parameters, header extensions,
//! direction, SSRCs, simulcast layers and transport attributes; rejected and inactive sections
//! called out. Also the flags a reader looks for across a connection's descriptions (munging,
//! renegotiations, ICE restarts, codec changes) and the negotiated result of an offer/answer.

use serde::Serialize;

use super::sdp::{Codec, MediaSection, Sdp, parse};
pub use super::sdp_change::{SdpChange, Subject};
use crate::model::{Description, PeerConnection, SdpType};

/// How a section changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the second description.
    Added,
    /// Only in the first description.
    Removed,
    /// In both, with differences.
    Changed,
    /// In both, the same.
    Unchanged,
}

/// The differences of one m-section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionDiff {
    /// The section's mid, when it has one.
    pub mid: Option<String>,
    /// `audio`, `video`, `application`.
    pub kind: String,
    /// How it changed.
    pub change: Change,
    /// Each difference.
    pub details: Vec<SdpChange>,
}

/// The semantic difference of two descriptions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SdpDiff {
    /// Per m-section, in the second description's order, then the removed ones.
    pub sections: Vec<SectionDiff>,
    /// Session-level differences (BUNDLE groups, session attributes).
    pub session: Vec<SdpChange>,
    /// Whether the second description is a setLocalDescription that differs from the
    /// offer/answer created just before it.
    pub munged: bool,
}

fn list_diff<T: PartialEq + std::fmt::Display>(
    what: Subject,
    a: &[T],
    b: &[T],
    out: &mut Vec<SdpChange>,
) {
    for x in b.iter().filter(|x| !a.contains(x)) {
        out.push(SdpChange::Added(what.clone(), x.to_string()));
    }
    for x in a.iter().filter(|x| !b.contains(x)) {
        out.push(SdpChange::Removed(what.clone(), x.to_string()));
    }
}

fn value_diff(what: Subject, a: Option<&str>, b: Option<&str>, out: &mut Vec<SdpChange>) {
    match (a, b) {
        (Some(x), Some(y)) if x != y => out.push(SdpChange::Changed(what, x.into(), y.into())),
        (None, Some(y)) => out.push(SdpChange::Added(what, y.into())),
        (Some(x), None) => out.push(SdpChange::Removed(what, x.into())),
        _ => {}
    }
}

fn codec_diff(a: &[Codec], b: &[Codec], out: &mut Vec<SdpChange>) {
    for cb in b {
        match a.iter().find(|ca| ca.identity() == cb.identity()) {
            None => out.push(SdpChange::CodecAdded(cb.label(), cb.payload_type.clone())),
            Some(ca) => {
                if ca.payload_type != cb.payload_type {
                    out.push(SdpChange::CodecPayloadType(
                        cb.label(),
                        ca.payload_type.clone(),
                        cb.payload_type.clone(),
                    ));
                }
                value_diff(
                    Subject::CodecFmtp(cb.label()),
                    ca.fmtp.as_deref(),
                    cb.fmtp.as_deref(),
                    out,
                );
                list_diff(
                    Subject::CodecRtcpFb(cb.label()),
                    &ca.rtcp_fb,
                    &cb.rtcp_fb,
                    out,
                );
            }
        }
    }
    for ca in a
        .iter()
        .filter(|ca| !b.iter().any(|cb| cb.identity() == ca.identity()))
    {
        out.push(SdpChange::CodecRemoved(ca.label(), ca.payload_type.clone()));
    }
    // Same codecs, new preference order.
    let order = |c: &[Codec]| c.iter().map(Codec::identity).collect::<Vec<_>>();
    let (oa, ob) = (order(a), order(b));
    let common_a: Vec<&String> = oa.iter().filter(|x| ob.contains(x)).collect();
    let common_b: Vec<&String> = ob.iter().filter(|x| oa.contains(x)).collect();
    if common_a != common_b {
        out.push(SdpChange::CodecOrder(b.iter().map(Codec::label).collect()));
    }
}

fn section_diff(a: &MediaSection, b: &MediaSection) -> Vec<SdpChange> {
    let mut d = Vec::new();
    if a.kind != b.kind {
        d.push(SdpChange::Kind(a.kind.clone(), b.kind.clone()));
    }
    match (a.is_rejected(), b.is_rejected()) {
        (false, true) => d.push(SdpChange::Rejected),
        (true, false) => d.push(SdpChange::Reenabled(b.port)),
        _ => {}
    }
    if a.direction() != b.direction() {
        d.push(SdpChange::Direction(
            a.direction().to_string(),
            b.direction().to_string(),
        ));
    }
    if a.protocol != b.protocol {
        d.push(SdpChange::Protocol(a.protocol.clone(), b.protocol.clone()));
    }
    codec_diff(&a.codecs, &b.codecs, &mut d);
    let ext = |m: &MediaSection| {
        m.extensions
            .iter()
            .map(|(id, uri)| format!("{uri} (id {id})"))
            .collect::<Vec<_>>()
    };
    list_diff(Subject::HeaderExtension, &ext(a), &ext(b), &mut d);
    let ssrcs = |m: &MediaSection| m.ssrcs.iter().map(|(s, _)| *s).collect::<Vec<u32>>();
    list_diff(Subject::Ssrc, &ssrcs(a), &ssrcs(b), &mut d);
    let groups = |m: &MediaSection| {
        m.ssrc_groups
            .iter()
            .map(|(s, ids)| format!("{s} {ids:?}"))
            .collect::<Vec<_>>()
    };
    list_diff(Subject::SsrcGroup, &groups(a), &groups(b), &mut d);
    list_diff(Subject::Msid, &a.msid, &b.msid, &mut d);
    let rids = |m: &MediaSection| {
        m.rids
            .iter()
            .map(|(id, dir, _)| format!("{id} ({dir})"))
            .collect::<Vec<_>>()
    };
    list_diff(Subject::SimulcastLayer, &rids(a), &rids(b), &mut d);
    value_diff(
        Subject::Simulcast,
        a.simulcast.as_deref(),
        b.simulcast.as_deref(),
        &mut d,
    );
    let (ta, tb) = (&a.transport, &b.transport);
    if ta.ice_ufrag.is_some() && tb.ice_ufrag.is_some() && ta.ice_ufrag != tb.ice_ufrag {
        d.push(SdpChange::IceRestart(
            ta.ice_ufrag.clone().unwrap_or_default(),
            tb.ice_ufrag.clone().unwrap_or_default(),
        ));
    } else if ta.ice_pwd != tb.ice_pwd && ta.ice_pwd.is_some() && tb.ice_pwd.is_some() {
        d.push(SdpChange::IcePassword);
    }
    value_diff(
        Subject::IceOptions,
        ta.ice_options.as_deref(),
        tb.ice_options.as_deref(),
        &mut d,
    );
    value_diff(
        Subject::DtlsFingerprint,
        ta.fingerprint.as_deref(),
        tb.fingerprint.as_deref(),
        &mut d,
    );
    value_diff(
        Subject::DtlsSetup,
        ta.setup.as_deref(),
        tb.setup.as_deref(),
        &mut d,
    );
    list_diff(Subject::Bandwidth, &a.bandwidth, &b.bandwidth, &mut d);
    if a.rtcp_mux != b.rtcp_mux {
        d.push(SdpChange::RtcpMux(b.rtcp_mux));
    }
    // Candidates come and go with every gathering; their count says enough.
    if a.candidates.len() != b.candidates.len() {
        d.push(SdpChange::Candidates(
            a.candidates.len(),
            b.candidates.len(),
        ));
    }
    list_diff(Subject::Line, &a.other, &b.other, &mut d);
    d
}

/// The semantic difference from `a` to `b`.
pub fn diff(a: &Sdp, b: &Sdp) -> SdpDiff {
    let mut session = Vec::new();
    let groups = |s: &Sdp| {
        s.groups
            .iter()
            .map(|(sem, mids)| format!("{sem} {}", mids.join(" ")))
            .collect::<Vec<_>>()
    };
    list_diff(Subject::Group, &groups(a), &groups(b), &mut session);
    let ta = &a.transport;
    let tb = &b.transport;
    if ta.ice_ufrag.is_some() && tb.ice_ufrag.is_some() && ta.ice_ufrag != tb.ice_ufrag {
        session.push(SdpChange::IceRestart(
            ta.ice_ufrag.clone().unwrap_or_default(),
            tb.ice_ufrag.clone().unwrap_or_default(),
        ));
    }
    value_diff(
        Subject::DtlsFingerprint,
        ta.fingerprint.as_deref(),
        tb.fingerprint.as_deref(),
        &mut session,
    );
    list_diff(Subject::Line, &a.other, &b.other, &mut session);

    // Match by mid, then by index for sections without one.
    let mut matched_a = vec![false; a.media.len()];
    let mut sections = Vec::new();
    for (i, mb) in b.media.iter().enumerate() {
        let found = match &mb.mid {
            Some(mid) => a
                .media
                .iter()
                .position(|ma| ma.mid.as_deref() == Some(mid.as_str())),
            None => (i < a.media.len() && a.media[i].mid.is_none()).then_some(i),
        };
        let found = found.filter(|&j| !matched_a[j]);
        match found {
            Some(j) => {
                matched_a[j] = true;
                let details = section_diff(&a.media[j], mb);
                sections.push(SectionDiff {
                    mid: mb.mid.clone(),
                    kind: mb.kind.clone(),
                    change: if details.is_empty() {
                        Change::Unchanged
                    } else {
                        Change::Changed
                    },
                    details,
                });
            }
            None => {
                let mut details = vec![SdpChange::SectionAdded(
                    mb.kind.clone(),
                    mb.direction().to_string(),
                    mb.codec_labels().iter().map(|c| c.to_string()).collect(),
                )];
                if mb.is_rejected() {
                    details.push(SdpChange::Rejected);
                }
                sections.push(SectionDiff {
                    mid: mb.mid.clone(),
                    kind: mb.kind.clone(),
                    change: Change::Added,
                    details,
                });
            }
        }
    }
    for (j, ma) in a.media.iter().enumerate().filter(|(j, _)| !matched_a[*j]) {
        let _ = j;
        sections.push(SectionDiff {
            mid: ma.mid.clone(),
            kind: ma.kind.clone(),
            change: Change::Removed,
            details: vec![SdpChange::SectionRemoved(ma.kind.clone())],
        });
    }
    SdpDiff {
        sections,
        session,
        munged: false,
    }
}

/// For a setLocalDescription, the offer or answer created just before it of the same type;
/// when the two differ, the application changed ("munged") the SDP in between.
pub fn munging_base(pc: &PeerConnection, index: usize) -> Option<usize> {
    let d = pc.descriptions.get(index)?;
    if d.event != "setLocalDescription" || d.sdp.is_empty() {
        return None;
    }
    let created = match d.sdp_type {
        SdpType::Offer => "createOfferOnSuccess",
        SdpType::Answer | SdpType::Pranswer => "createAnswerOnSuccess",
        _ => return None,
    };
    // Only the description created since the previous setLocalDescription counts.
    pc.descriptions[..index]
        .iter()
        .rposition(|x| x.event == created || x.event == "setLocalDescription")
        .filter(|&i| pc.descriptions[i].event == created)
}

/// Whether description `index` is a setLocalDescription that differs from the offer/answer
/// created just before it (line endings and trailing space aside).
pub fn is_munged(pc: &PeerConnection, index: usize) -> bool {
    fn normal(s: &str) -> Vec<&str> {
        s.lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .collect()
    }
    munging_base(pc, index)
        .is_some_and(|b| normal(&pc.descriptions[b].sdp) != normal(&pc.descriptions[index].sdp))
}

/// The semantic diff of descriptions `i` and `j` of `pc`; `munged` tells whether `j` is a
/// munged setLocalDescription.
pub fn diff_descriptions(pc: &PeerConnection, i: usize, j: usize) -> Option<SdpDiff> {
    let (a, b) = (pc.descriptions.get(i)?, pc.descriptions.get(j)?);
    let mut d = diff(&parse(&a.sdp), &parse(&b.sdp));
    d.munged = is_munged(pc, j);
    Some(d)
}

/// The description each one is compared with by default: the previous one of the same side
/// (local: created offers/answers and setLocalDescription; remote: setRemoteDescription).
pub fn previous_same_side(descriptions: &[Description], index: usize) -> Option<usize> {
    let side = |d: &Description| d.event.starts_with("setRemote");
    let me = descriptions.get(index)?;
    descriptions[..index]
        .iter()
        .rposition(|d| side(d) == side(me) && !d.sdp.is_empty())
}

/// A notable fact about a description.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    /// Index into the connection's descriptions.
    pub index: usize,
    /// `munged`, `renegotiation`, `ice-restart`, `codec-change`.
    pub kind: &'static str,
    /// What exactly.
    pub text: String,
}

/// Munging, renegotiations, ICE restarts and codec changes over a connection's descriptions.
pub fn flags(pc: &PeerConnection) -> Vec<Flag> {
    let mut out = Vec::new();
    let mut offers_seen = 0;
    for (i, d) in pc.descriptions.iter().enumerate() {
        if is_munged(pc, i)
            && let Some(b) = munging_base(pc, i)
        {
            let diff = diff(&parse(&pc.descriptions[b].sdp), &parse(&d.sdp));
            let what: Vec<String> = diff
                .session
                .iter()
                .chain(diff.sections.iter().flat_map(|s| s.details.iter()))
                .map(ToString::to_string)
                .collect();
            out.push(Flag {
                index: i,
                kind: "munged",
                text: if what.is_empty() {
                    "text differs (order or whitespace)".into()
                } else {
                    what.join("; ")
                },
            });
        }
        if d.sdp_type == SdpType::Offer
            && matches!(
                d.event.as_str(),
                "setLocalDescription"
                    | "setRemoteDescription"
                    | "setLocalDescriptionOnSuccess"
                    | "setRemoteDescriptionOnSuccess"
            )
        {
            offers_seen += 1;
            if offers_seen > 1 {
                out.push(Flag {
                    index: i,
                    kind: "renegotiation",
                    text: format!("offer #{offers_seen} ({})", d.event),
                });
            }
        }
        // An answer naturally lists fewer codecs than an offer: flags compare like with like.
        let previous = pc.descriptions[..i].iter().rposition(|x| {
            x.event.starts_with("setRemote") == d.event.starts_with("setRemote")
                && x.sdp_type == d.sdp_type
                && !x.sdp.is_empty()
        });
        if let Some(p) = previous {
            let diff = diff(&parse(&pc.descriptions[p].sdp), &parse(&d.sdp));
            let all = diff
                .session
                .iter()
                .chain(diff.sections.iter().flat_map(|s| s.details.iter()));
            let mut restart = false;
            let mut codecs = Vec::new();
            for detail in all {
                match detail {
                    SdpChange::IceRestart(..) => restart = true,
                    SdpChange::CodecAdded(..) | SdpChange::CodecRemoved(..) => {
                        codecs.push(detail.to_string());
                    }
                    SdpChange::Added(Subject::CodecFmtp(_) | Subject::CodecRtcpFb(_), _)
                    | SdpChange::Removed(Subject::CodecFmtp(_) | Subject::CodecRtcpFb(_), _) => {
                        codecs.push(detail.to_string());
                    }
                    _ => {}
                }
            }
            if restart {
                out.push(Flag {
                    index: i,
                    kind: "ice-restart",
                    text: "ICE credentials changed".into(),
                });
            }
            if !codecs.is_empty() {
                out.push(Flag {
                    index: i,
                    kind: "codec-change",
                    text: codecs.join("; "),
                });
            }
        }
    }
    out
}

/// What an offer and its answer agreed on for one m-section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Negotiated {
    /// The mid.
    pub mid: Option<String>,
    /// Media kind.
    pub kind: String,
    /// Codecs both sides support, in the answer's order (rtx/red/fec included).
    pub codecs: Vec<String>,
    /// Direction in the offer (the offerer's view).
    pub offered_direction: String,
    /// Direction in the answer (the answerer's view).
    pub answered_direction: String,
    /// Rejected by the answer.
    pub rejected: bool,
}

/// The negotiated result of `offer` and `answer`, per m-section of the offer.
pub fn negotiated(offer: &Sdp, answer: &Sdp) -> Vec<Negotiated> {
    offer
        .media
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let a = match &o.mid {
                Some(mid) => answer
                    .media
                    .iter()
                    .find(|m| m.mid.as_deref() == Some(mid.as_str())),
                None => answer.media.get(i),
            };
            let codecs = a.map_or_else(Vec::new, |a| {
                a.codecs
                    .iter()
                    .filter(|c| o.codecs.iter().any(|oc| oc.identity() == c.identity()))
                    .map(Codec::label)
                    .collect()
            });
            Negotiated {
                mid: o.mid.clone(),
                kind: o.kind.clone(),
                codecs,
                offered_direction: o.direction().to_owned(),
                answered_direction: a.map_or("(no answer)", |a| a.direction()).to_owned(),
                rejected: a.is_none_or(MediaSection::is_rejected),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=mid:0\r\na=ice-ufrag:u1\r\na=ice-pwd:p1\r\na=setup:actpass\r\na=sendrecv\r\n\
a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10\r\na=rtpmap:0 PCMU/8000\r\na=ssrc:1 cname:c\r\n\
m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=ice-ufrag:u1\r\na=ice-pwd:p1\r\na=setup:actpass\r\na=sendrecv\r\n\
a=extmap:3 urn:3gpp:video-orientation\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\n";

    fn d(a: &str, b: &str) -> SdpDiff {
        diff(&parse(a), &parse(b))
    }

    #[test]
    fn the_default_comparison_stays_on_one_side() {
        use crate::model::{Description, SdpType, Timestamp};
        let desc = |event: &str, t: SdpType| Description {
            event_index: 0,
            event: event.to_owned(),
            time: Timestamp(0.0),
            sdp_type: t,
            sdp: BASE.to_owned(),
        };
        // The answerer's view: remote offer, local answer, a re-offer and its answer.
        let all = [
            desc("setRemoteDescription", SdpType::Offer),
            desc("createAnswerOnSuccess", SdpType::Answer),
            desc("setLocalDescription", SdpType::Answer),
            desc("setRemoteDescription", SdpType::Offer),
            desc("createAnswerOnSuccess", SdpType::Answer),
        ];
        // The first of each side has nothing before it on its side.
        assert_eq!(previous_same_side(&all, 0), None);
        assert_eq!(previous_same_side(&all, 1), None);
        // The local answer is compared with the local one before it, never the remote offer.
        assert_eq!(previous_same_side(&all, 4), Some(2));
        assert_eq!(previous_same_side(&all, 3), Some(0));
    }

    fn all(d: &SdpDiff) -> Vec<String> {
        d.session
            .iter()
            .chain(d.sections.iter().flat_map(|s| s.details.iter()))
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn identical_descriptions_are_unchanged() {
        let x = d(BASE, BASE);
        assert!(x.sections.iter().all(|s| s.change == Change::Unchanged));
        assert!(all(&x).is_empty());
    }

    #[test]
    fn codec_added_removed_and_parameters() {
        let b = BASE
            .replace("111 0\r\n", "111\r\n")
            .replace("a=rtpmap:0 PCMU/8000\r\n", "")
            .replace(
                "a=fmtp:111 minptime=10",
                "a=fmtp:111 minptime=10;useinbandfec=1",
            )
            .replace(
                "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n",
                "m=video 9 UDP/TLS/RTP/SAVPF 96 98\r\n",
            )
            .replace(
                "a=rtcp-fb:96 nack\r\n",
                "a=rtcp-fb:96 nack\r\na=rtpmap:98 VP9/90000\r\n",
            );
        let x = d(BASE, &b);
        let details = all(&x);
        assert!(
            details.contains(&"codec PCMU/8000 (pt 0) removed".to_owned()),
            "{details:?}"
        );
        assert!(
            details.contains(
                &"codec opus/48000/2 fmtp minptime=10 -> minptime=10;useinbandfec=1".to_owned()
            ),
            "{details:?}"
        );
        assert!(
            details.contains(&"codec VP9/90000 (pt 98) added".to_owned()),
            "{details:?}"
        );
        assert_eq!(x.sections[0].change, Change::Changed);
    }

    #[test]
    fn direction_rejection_and_sections() {
        let b = BASE
            .replace(
                "a=mid:1\r\na=ice-ufrag:u1\r\na=ice-pwd:p1\r\na=setup:actpass\r\na=sendrecv",
                "a=mid:1\r\na=ice-ufrag:u1\r\na=ice-pwd:p1\r\na=setup:actpass\r\na=inactive",
            )
            .replace("m=audio 9 ", "m=audio 0 ")
            + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2\r\n";
        let x = d(BASE, &b);
        // Typed, and read as before.
        assert!(x.sections[0].details.contains(&SdpChange::Rejected));
        assert!(
            x.sections[1]
                .details
                .contains(&SdpChange::Direction("sendrecv".into(), "inactive".into()))
        );
        assert_eq!(
            x.sections[1].details[0].to_string(),
            "direction sendrecv -> inactive (inactive)"
        );
        assert_eq!(x.sections[2].change, Change::Added);
        assert_eq!(x.sections[2].mid.as_deref(), Some("2"));
        let back = d(&b, BASE);
        assert_eq!(back.sections.last().unwrap().change, Change::Removed);
    }

    #[test]
    fn simulcast_ice_restart_bundle_and_extensions() {
        let b = BASE
            .replace("a=ice-ufrag:u1", "a=ice-ufrag:u2")
            .replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 1")
            .replace(
                "a=extmap:3 urn:3gpp:video-orientation\r\n",
                "a=rid:h send\r\na=rid:l send\r\na=simulcast:send h;l\r\n",
            );
        let details = all(&d(BASE, &b));
        assert!(
            details.iter().any(|x| x == "ICE restart: ufrag u1 -> u2"),
            "{details:?}"
        );
        assert!(
            details.contains(&"group BUNDLE 1 added".to_owned())
                && details.contains(&"group BUNDLE 0 1 removed".to_owned())
        );
        assert!(details.contains(&"simulcast layer h (send) added".to_owned()));
        assert!(details.contains(&"simulcast send h;l added".to_owned()));
        assert!(
            details
                .contains(&"header extension urn:3gpp:video-orientation (id 3) removed".to_owned())
        );
    }

    fn pc_with(descs: &[(&str, SdpType, &str)]) -> PeerConnection {
        PeerConnection {
            id: "PC_0".into(),
            url: None,
            created: None,
            configuration: None,
            constraints: None,
            events: vec![],
            descriptions: descs
                .iter()
                .enumerate()
                .map(|(i, (event, t, sdp))| Description {
                    event_index: i,
                    event: (*event).into(),
                    time: crate::model::Timestamp(i as f64),
                    sdp_type: t.clone(),
                    sdp: (*sdp).into(),
                })
                .collect(),
            stats: Default::default(),
            polls: Vec::new(),
        }
    }

    #[test]
    fn munging_is_detected_with_what_changed() {
        let munged = BASE.replace("a=fmtp:111 minptime=10", "a=fmtp:111 minptime=10;stereo=1");
        let pc = pc_with(&[
            ("createOfferOnSuccess", SdpType::Offer, BASE),
            ("setLocalDescription", SdpType::Offer, &munged),
            ("setRemoteDescription", SdpType::Answer, BASE),
            ("createOfferOnSuccess", SdpType::Offer, BASE),
            ("setLocalDescription", SdpType::Offer, BASE),
        ]);
        assert!(is_munged(&pc, 1));
        assert!(!is_munged(&pc, 4));
        assert!(diff_descriptions(&pc, 0, 1).unwrap().munged);
        let f = flags(&pc);
        let m = f.iter().find(|f| f.kind == "munged").unwrap();
        assert_eq!(m.index, 1);
        assert!(m.text.contains("stereo=1"), "{}", m.text);
        assert!(f.iter().any(|f| f.kind == "renegotiation" && f.index == 4));
    }

    #[test]
    fn negotiated_codecs_and_directions() {
        let answer = BASE
            .replace("111 0\r\n", "111\r\n")
            .replace("a=rtpmap:0 PCMU/8000\r\n", "")
            .replace(
                "a=mid:1\r\na=ice-ufrag:u1\r\na=ice-pwd:p1\r\na=setup:actpass\r\na=sendrecv",
                "a=mid:1\r\na=ice-ufrag:u1\r\na=ice-pwd:p1\r\na=setup:active\r\na=recvonly",
            );
        let n = negotiated(&parse(BASE), &parse(&answer));
        assert_eq!(n[0].codecs, vec!["opus/48000/2"]);
        assert_eq!(
            (
                n[1].offered_direction.as_str(),
                n[1].answered_direction.as_str()
            ),
            ("sendrecv", "recvonly")
        );
        assert!(!n[0].rejected);
    }
}
