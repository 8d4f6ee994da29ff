//! Windows builds get the app icon and version information embedded in the executable, so
//! Explorer, the taskbar and the installer show it. Other targets need nothing.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=packaging/windows/rtcscope.rc");
    println!("cargo::rerun-if-changed=assets/rtcscope.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    // windres runs the preprocessor through a shell, which eats quoted -D values: fill the
    // template in here instead.
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    let template = std::fs::read_to_string(root.join("packaging/windows/rtcscope.rc"))
        .expect("packaging/windows/rtcscope.rc");
    let icon = root
        .join("assets/rtcscope.ico")
        .display()
        .to_string()
        .replace('\\', "/");
    let rc = template
        .replace("@ICON@", &icon)
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"));
    let rc_path = out.join("rtcscope.rc");
    std::fs::write(&rc_path, rc).expect("write rtcscope.rc");
    if let Err(e) = embed_resource::compile(&rc_path, embed_resource::NONE).manifest_optional() {
        panic!("cannot embed the Windows resources: {e}");
    }
}
