//! Fuzz target: `rtcscope::decode::fuzzing::json_scan_vs_serde` (see that function for what it drives).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rtcscope::decode::fuzzing::json_scan_vs_serde(data));
