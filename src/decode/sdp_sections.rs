//! rtcstats v3 "description compression" (FORMATS.md §2.6): an SDP section equal to the
//! section at the same index of a base description is sent as `v=` (index 0) or `m=`.

/// Splits an SDP into its session section and m-sections: split on `"\nm="`, put `m=` back on
/// every part after the first, and trim each part.
pub fn split_sections(sdp: &str) -> Vec<String> {
    sdp.split("\nm=")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.trim().to_owned()
            } else {
                format!("m={}", part.trim_end())
            }
        })
        .collect()
}

fn is_placeholder(index: usize, section: &str) -> bool {
    section == if index == 0 { "v=" } else { "m=" }
}

/// Whether `sdp` contains any placeholder section.
pub fn is_compressed(sdp: &str) -> bool {
    let sdp = sdp.trim();
    sdp == "v=" || sdp.starts_with("v=\r\n") || sdp.starts_with("v=\n") || {
        sdp.split("\nm=").skip(1).any(|s| s.trim().is_empty())
    }
}

/// The result of expanding a compressed description.
#[derive(Debug, PartialEq)]
pub struct Expanded {
    /// The full SDP, sections joined by CRLF and terminated by CRLF.
    pub sdp: String,
    /// Indexes of placeholder sections that the base did not have (left as placeholders).
    pub missing: Vec<usize>,
}

/// Replaces every placeholder section of `compressed` with the section at the same index of
/// `base`, joins the sections with CRLF and appends a final CRLF, as the reference decoder does.
pub fn expand(compressed: &str, base: Option<&str>) -> Expanded {
    let base_sections = base.map(split_sections).unwrap_or_default();
    let mut missing = Vec::new();
    let sections: Vec<String> = split_sections(compressed)
        .into_iter()
        .enumerate()
        .map(|(i, section)| {
            if is_placeholder(i, &section) {
                match base_sections.get(i) {
                    Some(b) => b.clone(),
                    None => {
                        missing.push(i);
                        section
                    }
                }
            } else {
                section
            }
        })
        .collect();
    let mut sdp = sections.join("\r\n").trim().to_owned();
    sdp.push_str("\r\n");
    Expanded { sdp, missing }
}

/// The encoder side, used by tests and benchmarks to build compressed inputs.
pub fn compress(sdp: &str, base: &str) -> String {
    let base = split_sections(base);
    let mut out: Vec<String> = split_sections(sdp)
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            if base.get(i) == Some(&s) {
                if i == 0 { "v=" } else { "m=" }.to_owned()
            } else {
                s
            }
        })
        .collect();
    out.push(String::new());
    out.join("\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
        m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n";

    #[test]
    fn split_restores_m_lines() {
        let s = split_sections(BASE);
        assert_eq!(s.len(), 3);
        assert!(s[0].starts_with("v=0"));
        assert!(s[1].starts_with("m=audio") && s[1].ends_with("a=mid:0"));
        assert!(s[2].starts_with("m=video"));
    }

    #[test]
    fn expand_placeholders_from_base() {
        let next = BASE.replace("a=mid:1", "a=mid:1\r\na=sendonly");
        let compressed = compress(&next, BASE);
        assert_eq!(
            compressed,
            "v=\r\nm=\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendonly\r\n"
        );
        assert!(is_compressed(&compressed));
        assert!(!is_compressed(BASE));
        let out = expand(&compressed, Some(BASE));
        assert_eq!(out.missing, Vec::<usize>::new());
        assert_eq!(out.sdp, next);
    }

    #[test]
    fn expand_without_base_reports_missing_sections() {
        let out = expand("v=\r\nm=\r\nm=video 9 X 96\r\n", None);
        assert_eq!(out.missing, vec![0, 1]);
        assert!(out.sdp.ends_with("\r\n"));
    }

    #[test]
    fn extra_sections_beyond_base_are_kept() {
        let bigger = format!("{BASE}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n");
        let compressed = compress(&bigger, BASE);
        assert_eq!(expand(&compressed, Some(BASE)).sdp, bigger);
    }
}
