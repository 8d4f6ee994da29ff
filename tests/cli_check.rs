//! `rtcscope features` and `rtcscope check`: JSON shapes, exit statuses, the JUnit report,
//! and the verdict in `inspect`.

mod common;

use std::process::{Command, Output};

use common::{bundled, shared};
use serde_json::{Value, json};

fn rtcscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rtcscope"))
        .args(args)
        .output()
        .expect("run rtcscope")
}

fn path(p: std::path::PathBuf) -> String {
    p.to_str().unwrap().to_owned()
}

#[test]
fn features_json_is_shaped_like_rtcstats() {
    let src = path(bundled("rtcstats-v3_loopback_30s.jsonl.br"));
    let out = rtcscope(&["features", &src, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hardwareConcurrency"], 2);
    let pcs = v["peerConnections"].as_array().unwrap();
    assert_eq!(pcs[0]["id"], "PC_0");
    assert_eq!(pcs[0]["numberOfNegotiations"], 5);
    assert_eq!(pcs[0]["tracks"].as_array().unwrap().len(), 6);
    // Without --json: a readable table.
    let out = rtcscope(&["features", &src]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("peer connection PC_0"), "{text}");
    assert!(text.contains("track 1: outbound video"), "{text}");
}

#[test]
fn check_fails_a_failed_call_with_status_3() {
    let failed = path(shared("public/jitsi/chrome-standard-pc-failed"));
    let out = rtcscope(&["check", &failed, "--json"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "bad");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "connection-failed" && f["pc"] == "PC_0")
        .unwrap();
    assert_eq!(f["severity"], "error");
    assert_eq!(f["category"], "connectivity");
    assert!(f["start_ms"].as_f64().unwrap() > 1.6e12);
    // What an engineer needs: when, how long it had been up, and what ICE was doing. The
    // failed event is the dump's last line, stamped 45 s before the line above it, while
    // PC_0's media kept arriving: the stamp is not believed, the line's place is.
    assert_eq!(
        f["message"],
        "the connection failed at the end of the recording, after +60.9 s, 59.6 s after connecting: its failed event is stamped +15.6 s, but line 223 was written after lines of +60.9 s and media kept arriving until +60.9 s, so the stamp is stale; ICE never reported leaving connected, so look at DTLS and the remote peer (a restarted server, a closed session) before the network path"
    );
    assert_eq!(f["start_ms"], 1647265272659.0);
    assert_eq!(
        f["detail"]["stale_stamp"],
        json!({"stamped_ms": 1647265227269.0, "line": 223, "ends_recording": true})
    );
    // The last poll at which PC_0's received bytes still grew.
    assert_eq!(f["detail"]["media_until_ms"], 1647265272655.0);
    assert!(f["detail"]["media_after_ms"].is_null());
    // Said once: no second finding for the same failure.
    let pc0: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["pc"] == "PC_0")
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(pc0, ["connection-failed"]);
    // PC_1 and PC_2 failed at one moment, but they are the two ends of one call: one fault,
    // not a client-wide cause; and PC_0 failed 45 s later.
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "connections-failed-together"),
        "{v}"
    );
    assert!(!f["evidence"].as_array().unwrap().is_empty());
    // PC_1 and PC_2 are a pre-call test calling each other through the NAT: what ICE tried
    // is in the detail, as the stats recorded it at the failure.
    let pc1 = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "connection-failed" && f["pc"] == "PC_1")
        .unwrap();
    let attempt = &pc1["detail"]["attempt"];
    assert_eq!(attempt["pairs"], 5);
    assert_eq!(attempt["requests_sent"], 198.0);
    assert_eq!(attempt["responses_received"], 0.0);
    assert_eq!(attempt["remote"], json!([["srflx udp", 1]]));
    assert_eq!(attempt["turn_configured"], false);
    assert_eq!(attempt["peer"], "PC_2");
    let message = pc1["message"].as_str().unwrap();
    for part in [
        "5 pairs sent 198 connectivity checks, none was answered",
        "no TURN server was configured",
        "the other end is PC_2 of this same page",
        "hairpinning",
    ] {
        assert!(message.contains(part), "{message}");
    }
    // PC_0's six received streams: four never carried a byte.
    let pc0 = &v["connections"][0];
    assert_eq!(pc0["pc"], "PC_0");
    let silent: Vec<&str> = pc0["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["media"] == false)
        .map(|t| t["track"].as_str().unwrap())
        .collect();
    assert_eq!(
        silent,
        [
            "inbound audio ssrc 118528563",
            "inbound audio ssrc 2681193467",
            "inbound audio ssrc 3980854217",
            "inbound video ssrc 1114309786"
        ]
    );
    // In the text form a failed connection's tracks are not called "good", and those that
    // never carried media are not counted as measured.
    let text = rtcscope(&["check", &failed]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("tracks (7): 3 with media, none with quality problems before the failure; 4 never carried media (3 inbound audio, 1 inbound video)"),
        "{text}"
    );
    assert!(!text.contains("all 7 good"), "{text}");
    // The stale stamp is told on its own line, under the failure it moved.
    assert!(
        text.lines().any(|l| l.trim()
            == "its failed event is stamped +15.6 s, but line 223 was written after lines of +60.9 s and media kept arriving until +60.9 s, so the stamp is stale"),
        "{text}"
    );
    // The long attempt is told clause by clause, once: PC_2 is the other end of PC_1.
    assert!(
        text.lines()
            .any(|l| l.trim() == "no TURN server was configured to relay"),
        "{text}"
    );
    assert_eq!(text.matches("hairpinning").count(), 1, "{text}");
    assert!(
        text.contains("the connection failed at +15.6 s without ever connecting, as the other end of PC_1 above (198 checks sent, none answered)"),
        "{text}"
    );
    // A healthy-enough call passes at the default level, fails at --fail-on warning.
    let ok = path(bundled("rtcstats-v3_loopback_30s.jsonl.br"));
    assert_eq!(rtcscope(&["check", &ok]).status.code(), Some(0));
    assert_eq!(
        rtcscope(&["check", &ok, "--fail-on", "warning"])
            .status
            .code(),
        Some(3)
    );
    // Unreadable input keeps status 2, a bad option 1.
    assert_eq!(
        rtcscope(&["check", "/nonexistent/dump"]).status.code(),
        Some(2)
    );
    assert_eq!(
        rtcscope(&["check", &ok, "--fail-on", "fatal"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn check_writes_junit_that_parses() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("report.xml");
    let failed = path(shared("public/jitsi/chrome-standard-pc-failed"));
    let ok = path(bundled("rtcstats-v3_loopback_30s.jsonl.br"));
    let out = rtcscope(&["check", &failed, &ok, "--junit", xml.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let text = std::fs::read_to_string(&xml).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 2);
    // The failed dump: client + three connections, each connection failing.
    assert_eq!(suites[0].attribute("tests"), Some("4"));
    let failures: Vec<_> = suites[0]
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .map(|n| n.attribute("type").unwrap())
        .collect();
    assert!(failures.contains(&"connection-failed"), "{failures:?}");
    assert_eq!(suites[1].attribute("failures"), Some("0"));
}

#[test]
fn check_honours_rules_files_and_presets() {
    let dir = tempfile::tempdir().unwrap();
    let ok = path(bundled("rtcstats-v3_loopback_30s.jsonl.br"));
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "drop_ratio = 0.1\n").unwrap();
    let out = rtcscope(&["check", &ok, "--json", "--rules", rules.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "resolution-drop"),
        "{v}"
    );
    std::fs::write(&rules, "no_such_threshold = 1\n").unwrap();
    let out = rtcscope(&["check", &ok, "--rules", rules.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no_such_threshold"));
    let out = rtcscope(&["check", &ok, "--json", "--preset", "audio-only"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["category"] != "video")
    );
}

#[test]
fn inspect_json_carries_verdicts() {
    let failed = path(shared("public/jitsi/chrome-standard-pc-failed"));
    let out = rtcscope(&["inspect", &failed, "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "bad");
    let pc0 = &v["peer_connections"][0];
    assert_eq!(pc0["verdict"], "bad");
    assert!(pc0["findings"]["error"].as_u64().unwrap() >= 1);
}

/// Each connection and track has its verdict: on the recorded call the sender whose
/// resolution fell is degraded, the other tracks are good, and the text says the same.
#[test]
fn check_gives_each_track_its_verdict() {
    let ok = path(bundled("rtcstats-v3_loopback_30s.jsonl.br"));
    let out = rtcscope(&["check", &ok, "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pc0 = v["connections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["pc"] == "PC_0")
        .unwrap();
    assert_eq!(pc0["verdict"], "degraded");
    assert_eq!(pc0["counts"]["warning"], 1);
    let tracks = pc0["tracks"].as_array().unwrap();
    assert_eq!(tracks.len(), 5);
    let degraded: Vec<&str> = tracks
        .iter()
        .filter(|t| t["verdict"] == "degraded")
        .map(|t| t["track"].as_str().unwrap())
        .collect();
    assert_eq!(degraded, ["outbound video ssrc 2276374674"]);
    assert!(
        tracks
            .iter()
            .filter(|t| t["track"] != degraded[0])
            .all(|t| t["verdict"] == "good")
    );
    let text = String::from_utf8(rtcscope(&["check", &ok]).stdout).unwrap();
    assert!(
        text.contains("outbound video ssrc 2276374674 degraded"),
        "{text}"
    );
}
