//! The `bigdump` example builds calls that decode like long real ones: run at a small size,
//! each format's extended call keeps its counters counting and its clock running, and the
//! SFU call's one receiving connection carries dozens more SSRCs.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::load;
use rtcscope::model::Dump;

/// The example's binary, which `cargo test` builds beside the tests.
fn bigdump() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    dir.join("examples")
        .join(format!("bigdump{}", std::env::consts::EXE_SUFFIX))
}

fn build(format: &str, size: &str) -> (tempfile::TempDir, Dump, Dump) {
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(bigdump())
        .args([
            "--size", size, "--sfu", "30", "--gz", "--format", format, "--out",
        ])
        .arg(out.path())
        .status()
        .expect("the bigdump example was built");
    assert!(status.success());
    let long = load(&out.path().join(format!("{format}-long-{size}.jsonl")));
    let sfu = load(&out.path().join(format!("{format}-sfu30-{size}.jsonl.gz")));
    (out, long, sfu)
}

fn inbound(d: &Dump) -> Vec<usize> {
    d.peer_connections
        .iter()
        .map(|pc| {
            pc.stats
                .reports
                .iter()
                .filter(|r| r.report_type == "inbound-rtp")
                .count()
        })
        .collect()
}

fn check(format: &str) {
    // Full reports take four times the bytes per poll.
    let size = if format == "v3-chrome" { "8M" } else { "2M" };
    let (_dir, long, sfu) = build(format, size);
    let recorded = match format {
        "v3" => load(&common::shared("recorded/rtcstats-v3_loopback_30s.jsonl")),
        "jitsi" => load(&common::shared(
            "recorded/rtcstats-jitsi_loopback_30s.jsonl",
        )),
        _ => load(&common::shared(
            "recorded/webrtc_internals_rtcstats_dump_v3_loopback_30s.gz",
        )),
    };
    assert!(long.warnings.is_empty(), "{:?}", long.warnings);
    // As many connections as recorded, each far longer than the 30 s recording.
    assert_eq!(long.peer_connections.len(), recorded.peer_connections.len());
    let mut extended = 0;
    for pc in &long.peer_connections {
        let Some((a, b)) = pc.stats.time_range() else {
            continue;
        };
        assert!(b.0 - a.0 > 90_000.0, "{}: {} ms", pc.id, b.0 - a.0);
        for r in pc
            .stats
            .reports
            .iter()
            .filter(|r| r.report_type == "inbound-rtp")
        {
            let bytes: Vec<f64> = r
                .series("bytesReceived")
                .unwrap()
                .points(&r.timestamps)
                .map(|(_, v)| v)
                .collect();
            // A counter never runs backwards at a seam, and it went on growing.
            assert!(bytes.windows(2).all(|w| w[1] >= w[0]), "{}", r.id);
            assert!(bytes.last() > bytes.get(bytes.len() / 2));
            // Samples stay in time order, one poll apart.
            assert!(r.timestamps.windows(2).all(|w| w[1].0 > w[0].0), "{}", r.id);
            extended += 1;
        }
    }
    assert!(extended >= 2);
    // The SFU call: one connection received 30 more streams per stream recorded; the others
    // are as recorded.
    let (before, after) = (inbound(&recorded), inbound(&sfu));
    let grown: Vec<usize> = (0..before.len())
        .filter(|&i| after[i] != before[i])
        .collect();
    assert_eq!(grown.len(), 1, "{before:?} {after:?}");
    assert_eq!(after[grown[0]], before[grown[0]] * 31);
}

#[test]
fn rtcstats_js_delta_compressed() {
    check("v3");
}

#[test]
fn chrome_full_reports() {
    check("v3-chrome");
}

#[test]
fn jitsi_legacy() {
    check("jitsi");
}
