//! The `rtcscope` binary: see [`rtcscope::cli`].

// Release builds on Windows are GUI programs, so no console window opens behind the viewer;
// the command line attaches to its parent's console instead (see `attach_console`).
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

/// Decoding allocates many small values (JSON trees, strings); mimalloc serves those much
/// faster than the system allocator (measured in `benches/decode.rs`). Built without
/// transparent huge pages (`no_thp`): the growing series of a long dump otherwise fault in
/// whole 2 MB pages that the kernel must zero, which cost a 1 GB decode 1.5 s of system time
/// and a fifth more resident memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    #[cfg(windows)]
    attach_console();
    rtcscope::cli::main()
}

/// A GUI-subsystem program starts without a console. When it was started from one (to run
/// `rtcscope inspect` in a terminal, say), attach to it so that output and errors show
/// there. Started from Explorer, there is no parent console and nothing happens.
#[cfg(windows)]
fn attach_console() {
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    // SAFETY: a Win32 call without pointers; failure only means there is no console.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}
