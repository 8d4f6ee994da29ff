//! The command-line contract: JSON layout, CSV layout, standard input, exit statuses.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{bundled, shared};
use serde_json::Value;

fn rtcscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rtcscope"))
        .args(args)
        .output()
        .expect("run rtcscope")
}

fn rtcscope_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rtcscope"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rtcscope");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn inspect_json_has_the_documented_shape() {
    let path = bundled("webrtc_internals_dump_v3_loopback_30s.gz");
    let out = rtcscope(&["inspect", path.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["source"], path.to_str().unwrap());
    assert_eq!(v["format"], "webrtc-internals");
    assert_eq!(v["compression"], "gzip");
    assert!(v["user_agent"].as_str().unwrap().contains("Chrome"));
    assert_eq!(
        v["get_user_media"],
        serde_json::json!({"requests": 3, "failures": 0})
    );
    let pcs = v["peer_connections"].as_array().unwrap();
    assert_eq!(pcs.len(), 2);
    let a = &pcs[0];
    assert_eq!(a["id"], "8-1");
    assert!(a["url"].as_str().unwrap().starts_with("http://127.0.0.1"));
    assert!(a["events"].as_u64().unwrap() > 50);
    assert_eq!(a["descriptions"], 15);
    assert_eq!(
        a["connection_states"],
        serde_json::json!(["connecting", "connected"])
    );
    assert_eq!(
        a["ice_connection_states"],
        serde_json::json!(["checking", "connected"])
    );
    assert_eq!(a["signaling_states"][0], "have-local-offer");
    let stats = &a["stats"];
    for key in ["reports", "series", "samples"] {
        assert!(stats[key].as_u64().unwrap() > 0, "{key}");
    }
    assert!(stats["first_ms"].as_f64().unwrap() < stats["last_ms"].as_f64().unwrap());
    // Chrome writes remote-outbound-rtp's roundTripTime only in some reports: the one
    // thing whose times are a guess, said once, with an example.
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("2 series have fewer values")
    );
    assert!(
        warnings[0]["location"]
            .as_str()
            .unwrap()
            .ends_with("-roundTripTime")
    );
}

#[test]
fn inspect_human_summary() {
    let path = bundled("rtcstats-v3_loopback_30s.jsonl.br");
    let out = rtcscope(&["inspect", path.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("format:       rtcstats-v3 (brotli)"),
        "{text}"
    );
    assert!(text.contains("peer connections: 2"));
    assert!(text.contains("connection  connecting → connected"));
}

#[test]
fn export_csv_to_stdout_has_one_row_per_sample() {
    let path = bundled("webrtc_internals_dump_v3_loopback_30s.gz");
    let out = rtcscope(&["export", path.to_str().unwrap(), "--csv", "-"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("pc,report_id,report_type,stat,timestamp_ms,value")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let summary: Value =
        serde_json::from_slice(&rtcscope(&["inspect", path.to_str().unwrap(), "--json"]).stdout)
            .unwrap();
    let samples: u64 = summary["peer_connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["stats"]["samples"].as_u64().unwrap())
        .sum();
    assert_eq!(rows.len() as u64, samples);
    // Rows are grouped by series and in time order within each.
    let mut last: Option<(String, f64)> = None;
    for r in rows.iter().filter(|r| r.len() == 6) {
        let key = format!("{}/{}/{}", r[0], r[1], r[3]);
        let t: f64 = r[4].parse().unwrap();
        r[5].parse::<f64>().unwrap();
        if let Some((k, lt)) = &last
            && *k == key
        {
            assert!(t >= *lt, "{key} goes back in time");
        }
        last = Some((key, t));
    }
    // Computed series are exported under their own names.
    assert!(rows.iter().any(|r| r[3] == "[bytesSent_in_bits/s]"));
    // Booleans and strings are not.
    assert!(!rows.iter().any(|r| r[3] == "active" || r[3] == "mimeType"));
}

#[test]
fn export_csv_to_a_file_and_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.csv");
    let input = std::fs::read(bundled("rtcstats-v3_loopback_30s.jsonl.br")).unwrap();
    let out = rtcscope_stdin(
        &["export", "-", "--csv", out_path.to_str().unwrap()],
        &input,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(&out_path).unwrap();
    // Same session as the shared plain file, whose independent decode has 16573 samples,
    // plus the 4 members of 85 qualityLimitationDurations objects.
    assert_eq!(csv.lines().count(), 16_573 + 4 * 85 + 1);
    assert!(csv.contains("\nPC_0,4,candidate-pair,bytesSent,1795564009566.143,2180\n"));
}

#[test]
fn exit_statuses() {
    // Usage errors: 1. (Without a command the viewer opens, so that is not tested here.)
    assert_eq!(rtcscope(&["inspect"]).status.code(), Some(1));
    assert_eq!(rtcscope(&["export", "x"]).status.code(), Some(1));
    assert_eq!(
        rtcscope(&["inspect", "x", "--bogus"]).status.code(),
        Some(1)
    );
    assert_eq!(rtcscope(&["--help"]).status.code(), Some(0));
    assert_eq!(rtcscope(&["--version"]).status.code(), Some(0));
    // Unreadable or undecodable input: 2, with the source named.
    let out = rtcscope(&["inspect", "/nonexistent/dump.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/dump.txt"));
    let license = shared("public/rtcstats/LICENSE");
    let out = rtcscope(&["inspect", license.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a WebRTC dump"));
    let out = rtcscope_stdin(&["inspect", "-"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
    let out = rtcscope_stdin(&["inspect", "-"], b"{\"a\": [1, 2");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("byte"));
}

#[test]
fn partial_input_still_prints_with_warnings() {
    let text = std::fs::read(shared("recorded/webrtc_internals_dump_v3_loopback_30s.txt")).unwrap();
    let cut = &text[..text.len() * 3 / 4];
    let out = rtcscope_stdin(&["inspect", "-", "--json"], cut);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["peer_connections"].as_array().unwrap().is_empty());
    let w = &v["warnings"][0];
    assert!(w["message"].as_str().unwrap().contains("truncated"), "{w}");
    assert!(w["location"].as_str().unwrap().starts_with("byte "), "{w}");
}
