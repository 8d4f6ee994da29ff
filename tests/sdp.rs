//! SDP on the recorded calls, which renegotiate: a transceiver is added (35 %) and its track
//! removed (55 %), the other peer offers a recvonly audio section (80 %), then an ICE
//! restart (88 %). And the `sdp` command's JSON layouts.

mod common;

use std::process::Command;

use common::{bundled, load, pc, shared};
use rtcscope::analyze::sdp::parse;
use rtcscope::analyze::sdp_diff::{Change, SdpChange, diff_descriptions, flags, negotiated};
use serde_json::Value;

#[test]
fn renegotiations_of_the_recorded_call() {
    let d = load(&bundled("webrtc_internals_dump_v3_loopback_30s.gz"));
    let a = pc(&d, "8-1");
    // [0] createOffer result, [3] the offer that adds a transceiver.
    let added = diff_descriptions(a, 1, 4).unwrap();
    let new = added
        .sections
        .iter()
        .find(|s| s.change == Change::Added)
        .unwrap();
    assert_eq!(
        (new.mid.as_deref(), new.kind.as_str()),
        (Some("3"), "video")
    );
    assert!(
        matches!(&new.details[0], SdpChange::SectionAdded(kind, dir, _) if kind == "video" && dir == "sendonly"),
        "{:?}",
        new.details
    );
    // removeTrack: the section goes inactive.
    let removed = diff_descriptions(a, 4, 7).unwrap();
    let mid3 = removed
        .sections
        .iter()
        .find(|s| s.mid.as_deref() == Some("3"))
        .unwrap();
    assert!(
        mid3.details
            .contains(&SdpChange::Direction("sendonly".into(), "inactive".into())),
        "{:?}",
        mid3.details
    );

    let f = flags(a);
    assert!(
        f.iter().filter(|f| f.kind == "renegotiation").count() >= 3,
        "{f:?}"
    );
    assert!(f.iter().any(|f| f.kind == "ice-restart"), "{f:?}");
    assert!(
        !f.iter().any(|f| f.kind == "munged"),
        "the loopback page does not munge: {f:?}"
    );

    // The first offer/answer agreed on opus and VP8 first, all sendrecv.
    let n = negotiated(
        &parse(&a.descriptions[1].sdp),
        &parse(&a.descriptions[2].sdp),
    );
    assert_eq!(n[0].codecs[0], "opus/48000/2");
    assert_eq!(n[1].codecs[0], "VP8/90000");
    assert_eq!(n[2].kind, "application");
    assert!(
        n.iter()
            .all(|s| s.answered_direction == "sendrecv" && !s.rejected)
    );
}

#[test]
fn ice_restart_is_a_ufrag_change_in_every_format() {
    for path in [
        bundled("rtcstats-v3_loopback_30s.jsonl.br"),
        shared("recorded/rtcstats-jitsi_loopback_30s.jsonl"),
        shared("recorded/webrtc_internals_rtcstats_dump_v3_loopback_30s.gz"),
    ] {
        let d = load(&path);
        let a = &d.peer_connections[0];
        let f = flags(a);
        assert!(
            f.iter().any(|f| f.kind == "ice-restart"),
            "{}: {f:?}",
            path.display()
        );
    }
}

fn rtcscope(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rtcscope"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn sdp_command_json_layouts() {
    let path = bundled("webrtc_internals_dump_v3_loopback_30s.gz");
    let path = path.to_str().unwrap();
    let out = rtcscope(&["sdp", path, "--pc", "8-1", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 15);
    let first = &list[0];
    assert_eq!(first["index"], 0);
    assert_eq!(first["event"], "createOfferOnSuccess");
    assert_eq!(first["type"], "offer");
    assert!(first["time_ms"].as_f64().unwrap() > 1.7e12);
    let s0 = &first["sections"][0];
    assert_eq!(
        (
            s0["mid"].as_str(),
            s0["kind"].as_str(),
            s0["port"].as_u64(),
            s0["direction"].as_str()
        ),
        (Some("0"), Some("audio"), Some(9), Some("sendrecv"))
    );
    assert_eq!(s0["codecs"][0], "opus/48000/2");

    let out = rtcscope(&["sdp", path, "--pc", "8-1", "--diff", "1", "4", "--json"]);
    assert!(out.status.success());
    let diff: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(diff["munged"], false);
    let sections = diff["sections"].as_array().unwrap();
    assert!(
        sections
            .iter()
            .any(|s| s["change"] == "added" && s["mid"] == "3")
    );
    assert!(sections.iter().all(|s| s["details"].is_array()));

    // Human output, and usage errors.
    let out = rtcscope(&["sdp", path, "--pc", "8-1"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("! renegotiation: offer #2"));
    assert_eq!(
        rtcscope(&["sdp", path, "--pc", "nope"]).status.code(),
        Some(1)
    );
    assert_eq!(
        rtcscope(&["sdp", path, "--pc", "8-1", "--diff", "0", "99"])
            .status
            .code(),
        Some(1)
    );
}
