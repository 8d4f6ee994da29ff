//! Fuzz target: `rtcscope::decode::fuzzing::rtcstats_legacy` (see that function for what it drives).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rtcscope::decode::fuzzing::rtcstats_legacy(data));
