//! Fuzz target: `rtcscope::decode::fuzzing::internals` (see that function for what it drives).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rtcscope::decode::fuzzing::internals(data));
