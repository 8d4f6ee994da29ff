//! A session description parsed into what a WebRTC engineer reads in it: session-level
//! groups and transport attributes, and per m-section the codecs (rtpmap, fmtp, rtcp-fb),
//! header extensions, direction, mid, msid, SSRCs and their groups, rids and simulcast, ICE
//! and DTLS attributes, candidates and bandwidth. Lines it does not interpret are kept in
//! order, never dropped; malformed lines become warnings.

/// A parsed description.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sdp {
    /// `o=` line.
    pub origin: Option<String>,
    /// `a=group:` lines: semantics (`BUNDLE`, `LS`) and mids.
    pub groups: Vec<(String, Vec<String>)>,
    /// Session-level transport attributes (usually per section in browsers).
    pub transport: Transport,
    /// `b=` lines at session level.
    pub bandwidth: Vec<String>,
    /// The m-sections, in order.
    pub media: Vec<MediaSection>,
    /// Session-level lines not interpreted above, as written.
    pub other: Vec<String>,
    /// What could not be parsed, with the line number (1-based).
    pub warnings: Vec<String>,
}

/// ICE and DTLS attributes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transport {
    /// `a=ice-ufrag`.
    pub ice_ufrag: Option<String>,
    /// `a=ice-pwd`.
    pub ice_pwd: Option<String>,
    /// `a=ice-options`.
    pub ice_options: Option<String>,
    /// `a=fingerprint`: algorithm and value.
    pub fingerprint: Option<String>,
    /// `a=setup`: `actpass`, `active`, `passive`.
    pub setup: Option<String>,
}

/// A codec of an m-section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Codec {
    /// Payload type.
    pub payload_type: String,
    /// Encoding name (`VP8`, `opus`, `rtx`).
    pub name: String,
    /// Clock rate.
    pub clock_rate: Option<u32>,
    /// Channels (audio).
    pub channels: Option<u32>,
    /// `a=fmtp` parameters.
    pub fmtp: Option<String>,
    /// `a=rtcp-fb` values.
    pub rtcp_fb: Vec<String>,
}

impl Codec {
    /// `VP8/90000`, `opus/48000/2`.
    pub fn label(&self) -> String {
        let mut s = self.name.clone();
        if let Some(c) = self.clock_rate {
            s.push_str(&format!("/{c}"));
        }
        if let Some(ch) = self.channels {
            s.push_str(&format!("/{ch}"));
        }
        s
    }

    /// What identifies a codec across descriptions (payload types may be renumbered), with
    /// the fmtp that tells H.264 profiles or VP9 profiles apart.
    pub fn identity(&self) -> String {
        let distinguishing: Vec<&str> = self
            .fmtp
            .as_deref()
            .unwrap_or("")
            .split(';')
            .map(str::trim)
            .filter(|p| {
                p.starts_with("profile-level-id")
                    || p.starts_with("profile-id")
                    || p.starts_with("packetization-mode")
                    || p.starts_with("apt=")
            })
            .collect();
        let base = self.label().to_ascii_lowercase();
        if distinguishing.is_empty() {
            base
        } else {
            format!("{base} ({})", distinguishing.join(";"))
        }
    }
}

/// One m-section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MediaSection {
    /// `audio`, `video`, `application`.
    pub kind: String,
    /// Port; 0 means rejected.
    pub port: u32,
    /// Transport protocol (`UDP/TLS/RTP/SAVPF`).
    pub protocol: String,
    /// Formats of the m-line, in preference order.
    pub formats: Vec<String>,
    /// `a=mid`.
    pub mid: Option<String>,
    /// `sendrecv`, `sendonly`, `recvonly`, `inactive` (absent means sendrecv).
    pub direction: Option<String>,
    /// Codecs in m-line order.
    pub codecs: Vec<Codec>,
    /// Header extensions: id (with direction), URI.
    pub extensions: Vec<(String, String)>,
    /// `a=msid` values.
    pub msid: Vec<String>,
    /// SSRCs in order of appearance, with their attributes (`cname:…`, `msid:…`).
    pub ssrcs: Vec<(u32, Vec<String>)>,
    /// `a=ssrc-group`: semantics and SSRCs.
    pub ssrc_groups: Vec<(String, Vec<u32>)>,
    /// `a=rid`: id, direction, parameters.
    pub rids: Vec<(String, String, String)>,
    /// `a=simulcast`.
    pub simulcast: Option<String>,
    /// ICE and DTLS attributes of this section.
    pub transport: Transport,
    /// `a=candidate` lines.
    pub candidates: Vec<String>,
    /// `b=` lines.
    pub bandwidth: Vec<String>,
    /// `a=rtcp-mux` present.
    pub rtcp_mux: bool,
    /// Lines not interpreted above, as written (`c=`, `a=rtcp`, `a=sctp-port`, …).
    pub other: Vec<String>,
}

impl MediaSection {
    /// The effective direction (`sendrecv` when not stated).
    pub fn direction(&self) -> &str {
        self.direction.as_deref().unwrap_or("sendrecv")
    }

    /// Whether the section was rejected (port 0) and is not bundled-only.
    pub fn is_rejected(&self) -> bool {
        self.port == 0 && !self.other.iter().any(|l| l == "a=bundle-only")
    }

    /// Codec labels in preference order, retransmission and FEC helpers included.
    pub fn codec_labels(&self) -> Vec<String> {
        self.codecs.iter().map(Codec::label).collect()
    }
}

fn transport_attr(t: &mut Transport, name: &str, value: &str) -> bool {
    let slot = match name {
        "ice-ufrag" => &mut t.ice_ufrag,
        "ice-pwd" => &mut t.ice_pwd,
        "ice-options" => &mut t.ice_options,
        "fingerprint" => &mut t.fingerprint,
        "setup" => &mut t.setup,
        _ => return false,
    };
    *slot = Some(value.to_owned());
    true
}

/// Parses `text`. Never fails: what cannot be read is kept as a line and reported.
pub fn parse(text: &str) -> Sdp {
    let mut sdp = Sdp::default();
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.trim_end_matches('\r').trim_end();
        if line.is_empty() {
            continue;
        }
        let bytes = line.as_bytes();
        if bytes.len() < 2 || bytes[1] != b'=' {
            sdp.warnings
                .push(format!("line {}: not a `x=value` line: {line:?}", i + 1));
            push_other(&mut sdp, line);
            continue;
        }
        let (kind, value) = (bytes[0], &line[2..]);
        match kind {
            b'm' => {
                let mut parts = value.split_whitespace();
                let media_kind = parts.next().unwrap_or("").to_owned();
                let port_text = parts.next().unwrap_or("");
                let port = port_text.split('/').next().and_then(|p| p.parse().ok());
                if port.is_none() {
                    sdp.warnings.push(format!(
                        "line {}: m-line port {port_text:?} is not a number",
                        i + 1
                    ));
                }
                let protocol = parts.next().unwrap_or("").to_owned();
                let formats: Vec<String> = parts.map(str::to_owned).collect();
                let codecs = formats
                    .iter()
                    .map(|f| Codec {
                        payload_type: f.clone(),
                        ..Codec::default()
                    })
                    .collect();
                sdp.media.push(MediaSection {
                    kind: media_kind,
                    port: port.unwrap_or(0),
                    protocol,
                    formats,
                    codecs,
                    ..MediaSection::default()
                });
            }
            b'o' if sdp.media.is_empty() => sdp.origin = Some(value.to_owned()),
            b'b' => match sdp.media.last_mut() {
                Some(m) => m.bandwidth.push(value.to_owned()),
                None => sdp.bandwidth.push(value.to_owned()),
            },
            b'a' => attribute(&mut sdp, value, line, i + 1),
            _ => push_other(&mut sdp, line),
        }
    }
    // Codecs the m-line lists but no rtpmap names keep their payload type as the name
    // (static payload types such as 0 = PCMU are named by the RTP/AVP profile).
    for m in &mut sdp.media {
        for c in &mut m.codecs {
            if c.name.is_empty() {
                c.name = static_payload_name(&c.payload_type)
                    .unwrap_or(&c.payload_type)
                    .to_owned();
            }
        }
        if m.kind == "application" {
            m.codecs.clear();
        }
    }
    sdp
}

fn static_payload_name(pt: &str) -> Option<&'static str> {
    Some(match pt {
        "0" => "PCMU",
        "8" => "PCMA",
        "9" => "G722",
        "13" => "CN",
        _ => return None,
    })
}

fn push_other(sdp: &mut Sdp, line: &str) {
    match sdp.media.last_mut() {
        Some(m) => m.other.push(line.to_owned()),
        None => sdp.other.push(line.to_owned()),
    }
}

fn attribute(sdp: &mut Sdp, value: &str, line: &str, number: usize) {
    let (name, arg) = value.split_once(':').unwrap_or((value, ""));
    if sdp.media.is_empty() {
        match name {
            "group" => {
                let mut parts = arg.split_whitespace();
                let semantics = parts.next().unwrap_or("").to_owned();
                sdp.groups
                    .push((semantics, parts.map(str::to_owned).collect()));
            }
            _ if transport_attr(&mut sdp.transport, name, arg) => {}
            _ => sdp.other.push(line.to_owned()),
        }
        return;
    }
    let Some(m) = sdp.media.last_mut() else {
        return;
    };
    match name {
        "mid" => m.mid = Some(arg.to_owned()),
        "sendrecv" | "sendonly" | "recvonly" | "inactive" => m.direction = Some(name.to_owned()),
        "rtcp-mux" => m.rtcp_mux = true,
        "msid" => m.msid.push(arg.to_owned()),
        "simulcast" => m.simulcast = Some(arg.to_owned()),
        "candidate" => m.candidates.push(arg.to_owned()),
        "rtpmap" | "fmtp" | "rtcp-fb" => {
            let (pt, rest) = arg.split_once(' ').unwrap_or((arg, ""));
            // `a=rtcp-fb:*` applies to every codec.
            let targets: Vec<usize> = if pt == "*" {
                (0..m.codecs.len()).collect()
            } else {
                m.codecs
                    .iter()
                    .position(|c| c.payload_type == pt)
                    .into_iter()
                    .collect()
            };
            if targets.is_empty() {
                sdp.warnings.push(format!(
                    "line {number}: a={name} for payload type {pt} not on the m-line"
                ));
                m.other.push(line.to_owned());
                return;
            }
            for t in targets {
                let c = &mut m.codecs[t];
                match name {
                    "rtpmap" => {
                        let mut parts = rest.split('/');
                        c.name = parts.next().unwrap_or("").to_owned();
                        c.clock_rate = parts.next().and_then(|v| v.parse().ok());
                        c.channels = parts.next().and_then(|v| v.parse().ok());
                    }
                    "fmtp" => c.fmtp = Some(rest.to_owned()),
                    _ => c.rtcp_fb.push(rest.to_owned()),
                }
            }
        }
        "extmap" => {
            let (id, uri) = arg.split_once(' ').unwrap_or((arg, ""));
            m.extensions.push((
                id.to_owned(),
                uri.split_whitespace().next().unwrap_or("").to_owned(),
            ));
        }
        "ssrc" => {
            let (id, attr) = arg.split_once(' ').unwrap_or((arg, ""));
            match id.parse::<u32>() {
                Ok(id) => match m.ssrcs.iter_mut().find(|(s, _)| *s == id) {
                    Some((_, attrs)) => attrs.push(attr.to_owned()),
                    None => m.ssrcs.push((id, vec![attr.to_owned()])),
                },
                Err(_) => {
                    sdp.warnings
                        .push(format!("line {number}: SSRC {id:?} is not a number"));
                    m.other.push(line.to_owned());
                }
            }
        }
        "ssrc-group" => {
            let mut parts = arg.split_whitespace();
            let semantics = parts.next().unwrap_or("").to_owned();
            m.ssrc_groups
                .push((semantics, parts.filter_map(|p| p.parse().ok()).collect()));
        }
        "rid" => {
            let mut parts = arg.splitn(3, ' ');
            let id = parts.next().unwrap_or("").to_owned();
            let dir = parts.next().unwrap_or("").to_owned();
            m.rids
                .push((id, dir, parts.next().unwrap_or("").to_owned()));
        }
        _ if transport_attr(&mut m.transport, name, arg) => {}
        _ => m.other.push(line.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const OFFER: &str = "v=0\r\n\
o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n\
s=-\r\n\
t=0 0\r\n\
a=group:BUNDLE 0 1\r\n\
a=extmap-allow-mixed\r\n\
a=msid-semantic: WMS stream\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111 63\r\n\
c=IN IP4 0.0.0.0\r\n\
a=rtcp:9 IN IP4 0.0.0.0\r\n\
a=ice-ufrag:abcd\r\n\
a=ice-pwd:0123456789abcdefghijklmn\r\n\
a=ice-options:trickle\r\n\
a=fingerprint:sha-256 AA:BB\r\n\
a=setup:actpass\r\n\
a=mid:0\r\n\
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n\
a=sendrecv\r\n\
a=msid:stream track-a\r\n\
a=rtcp-mux\r\n\
a=rtpmap:111 opus/48000/2\r\n\
a=rtcp-fb:111 transport-cc\r\n\
a=fmtp:111 minptime=10;useinbandfec=1\r\n\
a=rtpmap:63 red/48000/2\r\n\
a=ssrc:1111 cname:xyz\r\n\
a=ssrc:1111 msid:stream track-a\r\n\
m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n\
c=IN IP4 0.0.0.0\r\n\
a=ice-ufrag:abcd\r\n\
a=ice-pwd:0123456789abcdefghijklmn\r\n\
a=fingerprint:sha-256 AA:BB\r\n\
a=setup:actpass\r\n\
a=mid:1\r\n\
a=sendonly\r\n\
a=rtpmap:96 VP8/90000\r\n\
a=rtcp-fb:96 nack\r\n\
a=rtcp-fb:96 nack pli\r\n\
a=rtpmap:97 rtx/90000\r\n\
a=fmtp:97 apt=96\r\n\
a=ssrc-group:FID 2222 3333\r\n\
a=ssrc:2222 cname:xyz\r\n\
a=ssrc:3333 cname:xyz\r\n\
a=x-unknown:kept\r\n";

    #[test]
    fn parses_sessions_sections_codecs_and_unknown_lines() {
        let s = parse(OFFER);
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        assert_eq!(
            s.groups,
            vec![("BUNDLE".to_owned(), vec!["0".to_owned(), "1".to_owned()])]
        );
        assert_eq!(s.media.len(), 2);
        let a = &s.media[0];
        assert_eq!(
            (a.kind.as_str(), a.port, a.mid.as_deref(), a.direction()),
            ("audio", 9, Some("0"), "sendrecv")
        );
        assert_eq!(a.codec_labels(), vec!["opus/48000/2", "red/48000/2"]);
        assert_eq!(
            a.codecs[0].fmtp.as_deref(),
            Some("minptime=10;useinbandfec=1")
        );
        assert_eq!(a.codecs[0].rtcp_fb, vec!["transport-cc"]);
        assert_eq!(
            a.extensions,
            vec![(
                "1".to_owned(),
                "urn:ietf:params:rtp-hdrext:ssrc-audio-level".to_owned()
            )]
        );
        assert_eq!(a.transport.ice_ufrag.as_deref(), Some("abcd"));
        assert_eq!(a.transport.setup.as_deref(), Some("actpass"));
        assert_eq!(
            a.ssrcs,
            vec![(
                1111,
                vec!["cname:xyz".to_owned(), "msid:stream track-a".to_owned()]
            )]
        );
        assert!(a.rtcp_mux);
        assert!(a.other.contains(&"c=IN IP4 0.0.0.0".to_owned()));
        let v = &s.media[1];
        assert_eq!(v.direction(), "sendonly");
        assert_eq!(v.codecs[0].rtcp_fb, vec!["nack", "nack pli"]);
        assert_eq!(v.ssrc_groups, vec![("FID".to_owned(), vec![2222, 3333])]);
        assert_eq!(v.codecs[1].identity(), "rtx/90000 (apt=96)");
        // Unknown lines are kept in place.
        assert_eq!(v.other.last().map(String::as_str), Some("a=x-unknown:kept"));
        assert!(s.other.contains(&"a=extmap-allow-mixed".to_owned()));
    }

    #[test]
    fn malformed_lines_are_warnings_not_failures() {
        let s = parse(
            "v=0\r\ngarbage\r\nm=audio xx RTP/AVP 0\r\na=rtpmap:99 foo/1\r\na=ssrc:notanumber cname:x\r\n",
        );
        assert_eq!(s.warnings.len(), 4, "{:?}", s.warnings);
        assert_eq!(s.media[0].codec_labels(), vec!["PCMU"]);
        assert_eq!(s.media[0].port, 0);
        assert!(s.other.contains(&"garbage".to_owned()));
        // Nothing at all is fine too.
        assert_eq!(parse(""), Sdp::default());
    }

    #[test]
    fn simulcast_and_rejected_sections() {
        let s = parse(
            "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=rtpmap:96 VP8/90000\r\na=rid:h send\r\na=rid:l send max-width=320\r\na=simulcast:send h;l\r\nm=audio 0 UDP/TLS/RTP/SAVPF 111\r\na=mid:1\r\n",
        );
        assert_eq!(s.media[0].rids.len(), 2);
        assert_eq!(
            s.media[0].rids[1],
            (
                "l".to_owned(),
                "send".to_owned(),
                "max-width=320".to_owned()
            )
        );
        assert_eq!(s.media[0].simulcast.as_deref(), Some("send h;l"));
        assert!(s.media[1].is_rejected());
    }
}
