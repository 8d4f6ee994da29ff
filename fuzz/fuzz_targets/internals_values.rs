//! The hand-written parser of webrtc-internals `values` arrays and numbers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rtcscope::decode::parse_values(text);
        if let Some(v) = rtcscope::decode::parse_number(text) {
            // The fast path must agree with the standard library wherever it answers.
            if let Ok(std) = text.parse::<f64>() {
                assert_eq!(v.to_bits(), std.to_bits(), "{text}");
            }
        }
    }
});
