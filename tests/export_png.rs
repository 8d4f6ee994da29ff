//! `rtcscope export --png`: the default charts of every peer connection, drawn without a
//! window, display or GPU.

mod common;

use std::collections::HashSet;
use std::process::Command;

use common::{bundled, shared};
use rtcscope::analyze::charts::DEFAULT_CHARTS;

fn export(source: &str, args: &[&str]) -> (std::process::Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rtcscope"));
    cmd.args(["export", source, "--png"])
        .arg(dir.path())
        .args(args);
    (cmd.output().unwrap(), dir)
}

fn check_png(path: &std::path::Path, width: u32, height: u32) {
    let img = image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8();
    assert_eq!(img.dimensions(), (width, height), "{}", path.display());
    let colours: HashSet<[u8; 3]> = img.pixels().map(|p| p.0).collect();
    // A chart has a background, grid, text and lines: far more than one colour.
    assert!(
        colours.len() > 20,
        "{}: {} colours",
        path.display(),
        colours.len()
    );
}

#[test]
fn every_default_chart_of_every_connection() {
    let source = bundled("webrtc_internals_dump_v3_loopback_30s.gz");
    let (out, dir) = export(source.to_str().unwrap(), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for pc in ["8-1", "8-2"] {
        for chart in DEFAULT_CHARTS {
            check_png(&dir.path().join(format!("{pc}_{chart}.png")), 1200, 600);
        }
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 16);
}

#[test]
fn one_connection_at_a_chosen_size_from_an_rtcstats_dump() {
    let source = shared("recorded/rtcstats-jitsi_loopback_30s.jsonl");
    let (out, dir) = export(
        source.to_str().unwrap(),
        &["--pc", "PC_1", "--width", "800", "--height", "400"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for chart in DEFAULT_CHARTS {
        check_png(&dir.path().join(format!("PC_1_{chart}.png")), 800, 400);
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        DEFAULT_CHARTS.len()
    );
    // An unknown connection is a usage error; so is --pc without --png.
    let (out, _) = export(source.to_str().unwrap(), &["--pc", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    let out = Command::new(env!("CARGO_BIN_EXE_rtcscope"))
        .args(["export", source.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}
