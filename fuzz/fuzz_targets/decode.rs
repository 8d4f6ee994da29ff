//! Any bytes through the whole decoder (sniffing, decompression, every format): an error or a
//! dump, never a panic. Seed it with the fixtures: `fuzz/seed.sh`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rtcscope::decode::{DecodeOptions, decode_bytes};

fuzz_target!(|data: &[u8]| {
    let options = DecodeOptions {
        // Keep decompression bombs from exhausting the fuzzer's memory limit.
        max_bytes: 64 << 20,
        ..DecodeOptions::default()
    };
    if let Ok(dump) = decode_bytes(data, &options) {
        let _ = rtcscope::analyze::summary::summarize("fuzz", &dump);
        let _ = rtcscope::export::csv::write_samples(&dump, std::io::sink());
    }
});
