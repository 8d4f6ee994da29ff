//! SDP section compression round-trips: compressing against a base and expanding against the
//! same base gives the original (normalised) description back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rtcscope::decode::sdp_sections::{compress, expand, split_sections};

fuzz_target!(|data: (&str, &str)| {
    let (sdp, base) = data;
    let _ = expand(sdp, Some(base));
    // Round trip for descriptions whose sections are not themselves placeholders. The
    // format joins and trims, so an empty session section (never valid SDP) cannot survive.
    let sections = split_sections(sdp);
    let is_placeholder = |(i, s): (usize, &String)| s == if i == 0 { "v=" } else { "m=" };
    if sections.iter().enumerate().any(is_placeholder) || sections[0].is_empty() {
        return;
    }
    let round = expand(&compress(sdp, base), Some(base));
    assert!(round.missing.is_empty());
    assert_eq!(split_sections(&round.sdp), sections);
});
