//! The `rtcscope` binary: see [`rtcscope::cli`].

/// Decoding allocates many small values (JSON trees, strings); mimalloc serves those much
/// faster than the system allocator (measured in `benches/decode.rs`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    rtcscope::cli::main()
}
