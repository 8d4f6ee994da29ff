//! Fuzz target: `rtcscope::decode::fuzzing::jitsi_component` (see that function for what it drives).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rtcscope::decode::fuzzing::jitsi_component(data));
