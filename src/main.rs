//! The `rtcscope` binary: see [`rtcscope::cli`].

fn main() -> std::process::ExitCode {
    rtcscope::cli::main()
}
