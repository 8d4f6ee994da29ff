//! The rules `tests/findings.rs` does not reach: each fires on a small hand-made call, with
//! the numbers it should say, and the healthy call stays silent on all of them.

mod common;

use common::call::{Call, T0, fires, rules};
use rtcscope::analyze::findings::{Detail, Severity, Thresholds, Verdict, findings};
use rtcscope::decode::decode_text;
use serde_json::json;

const SRFLX: &str =
    "candidate:2 1 udp 1686052607 198.51.100.7 5000 typ srflx raddr 192.0.2.1 rport 5000";
const RELAY: &str =
    "candidate:3 1 udp 41885439 203.0.113.9 5000 typ relay raddr 198.51.100.7 rport 5000";

#[test]
fn path_rules() {
    let f = fires(
        Call::healthy(20).with(|k, m| {
            m.insert(
                "CP2".into(),
                json!({"type": "candidate-pair", "transportId": "T", "localCandidateId": "L", "remoteCandidateId": "R", "timestamp": m["CP"]["timestamp"].clone()}),
            );
            if k >= 10 {
                m["T"]["selectedCandidatePairId"] = json!("CP2");
            }
        }),
        "candidate-pair-switch",
    );
    assert_eq!(f.start_ms, Some(T0 + 10_000.0));
    assert!(
        f.message(T0).contains("1 selected candidate pair change"),
        "{}",
        f.message(T0)
    );
    let f = fires(
        Call::healthy(10).with(|_, m| {
            m["L"]["candidateType"] = json!("relay");
            m["L"]["relayProtocol"] = json!("tls");
            m["L"]["url"] = json!("turns:turn.example.org:443?transport=tcp");
        }),
        "relay-over-tls",
    );
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message(T0).contains("turns:turn.example.org:443"),
        "{}",
        f.message(T0)
    );
    fires(
        Call::healthy(10).with(|_, m| m["L"]["networkType"] = json!("vpn")),
        "vpn-used",
    );
}

#[test]
fn gathering_rules() {
    let late = |candidate: &'static str| {
        Call::healthy(5).event(
            70.0 + 1200.0,
            "onicecandidate",
            json!({"candidate": candidate, "sdpMid": "0"}),
        )
    };
    let f = fires(late(SRFLX), "high-stun-delay");
    assert!(f.message(T0).contains("1.2 s"), "{}", f.message(T0));
    assert!(!rules(&late(SRFLX).findings()).contains(&"high-turn-delay"));
    fires(late(RELAY), "high-turn-delay");
    // 400 ms is within the limit.
    let quick = Call::healthy(5).event(
        470.0,
        "onicecandidate",
        json!({"candidate": SRFLX, "sdpMid": "0"}),
    );
    assert!(!rules(&quick.findings()).contains(&"high-stun-delay"));
    let f = fires(
        Call::healthy(5).event(
            300.0,
            "onicecandidateerror",
            json!({"url": "turn:turn.example.org:3478?transport=udp", "errorCode": 701, "errorText": "TURN host lookup received error."}),
        ),
        "turn-unreachable",
    );
    let msg = f.message(T0);
    assert!(
        msg.contains("turn:turn.example.org:3478") && msg.contains("TURN host lookup"),
        "{msg}"
    );
}

#[test]
fn configuration_rules() {
    let mut relay_only = Call::healthy(5);
    relay_only.events[0].3 =
        json!({"iceServers": [{"urls": "turn:turn.example.org"}], "iceTransportPolicy": "relay"});
    let found = relay_only.findings();
    assert!(rules(&found).contains(&"relay-only-policy"));
    // A relay-only policy explains the missing host candidates; it is not a TURN failure.
    assert!(!rules(&found).contains(&"turn-configured-no-relay"));
    let mut warm = Call::healthy(5);
    warm.events[0].3 = json!({"iceServers": [], "iceCandidatePoolSize": 2});
    fires(warm, "ice-warmup");
}

#[test]
fn api_failures_and_caps() {
    let f = fires(
        Call::healthy(5).event(
            200.0,
            "addIceCandidateOnFailure",
            json!("OperationError: Error processing ICE candidate"),
        ),
        "add-ice-candidate-failed",
    );
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message(T0).contains("Error processing ICE candidate"));
    let f = fires(
        Call::healthy(5).event(
            2000.0,
            "setParameters",
            json!([{"encodings": [{"maxBitrate": 250_000}]}]),
        ),
        "bitrate-capped",
    );
    assert!(f.message(T0).contains("250 kbit/s"), "{}", f.message(T0));
    let f = fires(
        Call::healthy(30).with(|k, m| {
            m["OV"]["targetBitrate"] = json!(if k >= 10 { 200_000 } else { 1_200_000 });
        }),
        "target-bitrate-drop",
    );
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(f.start_ms, Some(T0 + 10_000.0));
}

#[test]
fn media_request_rules() {
    let f = fires(
        Call::healthy(5)
            .client_event(
                -2000.0,
                "navigator.mediaDevices.getUserMedia",
                json!({"audio": true, "video": true}),
            )
            .client_event(
                -1900.0,
                "navigator.mediaDevices.getUserMediaOnFailure",
                json!("NotAllowedError: Permission denied"),
            ),
        "get-user-media-failed",
    );
    // Nothing obtained afterwards: the user went on without camera and microphone.
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.message(T0).contains("NotAllowedError"),
        "{}",
        f.message(T0)
    );
    let f = fires(
        Call::healthy(5)
            .client_event(
                1000.0,
                "navigator.mediaDevices.getDisplayMedia",
                json!({"video": true}),
            )
            .client_event(
                3000.0,
                "navigator.mediaDevices.getDisplayMediaOnFailure",
                json!("NotAllowedError: Permission denied by user"),
            ),
        "get-display-media-failed",
    );
    assert!(
        f.message(T0).contains("getDisplayMedia"),
        "{}",
        f.message(T0)
    );
}

#[test]
fn device_rules() {
    let with_devices = |audio: &str, video: &str| {
        Call::healthy(5)
            .client_event(
                -2000.0,
                "navigator.mediaDevices.getUserMedia",
                json!({"audio": true, "video": true}),
            )
            .client_event(
                -1900.0,
                "navigator.mediaDevices.getUserMediaOnSuccess",
                json!({"id": "s1", "tracks": [
                    {"id": "a1", "kind": "audio", "label": audio},
                    {"id": "v1", "kind": "video", "label": video},
                ]}),
            )
    };
    let f = fires(
        with_devices("Default", "HD Pro Webcam C920 (046d:082d) USB"),
        "usb-device",
    );
    assert!(f.message(T0).contains("C920"), "{}", f.message(T0));
    let f = fires(
        with_devices("AirPods Pro (Bluetooth)", "FaceTime HD Camera"),
        "bluetooth-device",
    );
    assert_eq!(f.severity, Severity::Warning);
    fires(
        with_devices("Default", "OBS Virtual Camera"),
        "virtual-device",
    );
    let plain = with_devices("Built-in Microphone", "FaceTime HD Camera").findings();
    assert!(plain.is_empty(), "{:?}", rules(&plain));
}

#[test]
fn description_rules() {
    let offer =
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\n";
    let munged = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 stereo=1\r\n";
    let mut call = Call::healthy(5);
    call.events
        .retain(|(_, _, n, _)| n != "setLocalDescription");
    let call = call
        .event(
            5.0,
            "createOfferOnSuccess",
            json!({"type": "offer", "sdp": offer}),
        )
        .event(
            10.0,
            "setLocalDescription",
            json!({"type": "offer", "sdp": munged}),
        );
    let f = fires(call, "sdp-munged");
    match &f.detail {
        Detail::Munged { sdp_type, changes } => {
            assert_eq!(sdp_type, "offer");
            assert!(!changes.is_empty());
        }
        other => panic!("{other:?}"),
    }
    let doubled =
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=rtcp-mux\r\na=rtcp-mux\r\n";
    let mut call = Call::healthy(5);
    call.events
        .retain(|(_, _, n, _)| n != "setRemoteDescription");
    let f = fires(
        call.event(
            60.0,
            "setRemoteDescription",
            json!({"type": "answer", "sdp": doubled}),
        ),
        "duplicated-sdp-lines",
    );
    assert!(f.message(T0).contains("a=rtcp-mux"), "{}", f.message(T0));
}

#[test]
fn video_rules() {
    let f = fires(
        Call::healthy(30)
            .with(|k, m| m["IV"]["totalPausesDuration"] = json!(if k >= 20 { 12.5 } else { 0.0 })),
        "video-paused",
    );
    assert!(f.message(T0).contains("12.5 s"), "{}", f.message(T0));
    let f = fires(
        Call::healthy(10).with(|k, m| m["OV"]["totalEncodeTime"] = json!(0.05 * 30.0 * k as f64)),
        "high-encode-time",
    );
    assert!(f.message(T0).contains("50.0 ms"), "{}", f.message(T0));
    assert_eq!(f.track.as_deref(), Some("outbound video ssrc 3"));
}

#[test]
fn audio_and_flow_rules() {
    // A flush every 4 s, like a buffer that overruns on a timer.
    let f = fires(
        Call::healthy(30).with(|k, m| m["IA"]["jitterBufferFlushes"] = json!((k / 4) as f64)),
        "periodic-jitter-buffer-flushes",
    );
    assert_eq!(f.category, rtcscope::analyze::findings::Category::Audio);
    // Irregular flushes are not periodic.
    let irregular = Call::healthy(30).with(|k, m| {
        m["IA"]["jitterBufferFlushes"] = json!(match k {
            0..=2 => 0.0,
            3..=11 => 1.0,
            12..=13 => 2.0,
            _ => 3.0,
        })
    });
    assert!(!rules(&irregular.findings()).contains(&"periodic-jitter-buffer-flushes"));
    let f = fires(
        Call::healthy(30).with(|k, m| {
            let k = k.min(10) as f64;
            m["IA"]["bytesReceived"] = json!(4000.0 * k);
            m["IA"]["packetsReceived"] = json!(50.0 * k);
            m["IA"]["totalSamplesReceived"] = json!(48_000.0 * k);
        }),
        "media-stopped",
    );
    assert_eq!(f.track.as_deref(), Some("inbound audio ssrc 1"));
    assert_eq!(f.start_ms, Some(T0 + 10_000.0));
    let f = fires(
        Call::healthy(10).with(|_, m| {
            for id in ["IA", "IV", "OV", "RIV"] {
                m.remove(id);
            }
            for id in ["T", "CP"] {
                m[id]["bytesSent"] = json!(2000);
                m[id]["bytesReceived"] = json!(2000);
            }
        }),
        "empty-connection",
    );
    assert_eq!(f.severity, Severity::Warning);
}

#[test]
fn data_quality_rules() {
    // The page kept writing events for 20 s after the last getStats it wrote.
    let f = fires(
        Call::healthy(10).event(30_000.0, "onsignalingstatechange", json!("stable")),
        "stats-truncated",
    );
    assert_eq!(f.severity, Severity::Warning);
    // The browser's stats run 5 s behind the page's clock.
    let f = fires(
        Call::healthy(10).with(|_, m| {
            let t = m["T"]["timestamp"].as_f64().unwrap() - 5000.0;
            for r in m.values_mut() {
                r["timestamp"] = json!(t);
            }
            m.insert(
                "P".into(),
                json!({"type": "peer-connection", "timestamp": t, "dataChannelsOpened": 0}),
            );
        }),
        "clock-skew",
    );
    assert!(f.message(T0).contains("5.0 s"), "{}", f.message(T0));
    // From line 8 on, the writer's clock is a minute behind.
    let mut lines = Call::healthy(10).lines();
    let mut v: serde_json::Value = serde_json::from_str(&lines[8]).unwrap();
    let n = v.as_array().unwrap().len();
    v[n - 1] = json!(v[n - 1].as_f64().unwrap() - 60_000.0);
    lines[8] = v.to_string();
    let dump = decode_text(lines.join("\n").as_bytes()).unwrap();
    let found = findings(&dump, &Thresholds::default());
    let f = found
        .iter()
        .find(|f| f.rule == "clock-jump")
        .unwrap_or_else(|| panic!("{:?}", rules(&found)));
    assert_eq!(f.severity, Severity::Warning);
}

#[test]
fn connections_that_fail_together_are_said_once() {
    let call = Call::healthy(20)
        .event(15_000.0, "onconnectionstatechange", json!("failed"))
        .pc_event("PC_1", 100.0, "create", json!({"iceServers": []}))
        .pc_event(
            "PC_1",
            200.0,
            "onconnectionstatechange",
            json!("connecting"),
        )
        .pc_event("PC_1", 15_300.0, "onconnectionstatechange", json!("failed"));
    let found = call.findings();
    let f = found
        .iter()
        .find(|f| f.rule == "connections-failed-together")
        .unwrap_or_else(|| panic!("{:?}", rules(&found)));
    let msg = f.message(T0);
    assert!(msg.contains("2 connections"), "{msg}");
    assert_eq!(
        found
            .iter()
            .filter(|f| f.rule == "connection-failed")
            .count(),
        2
    );
    assert_eq!(Verdict::of(&found), Verdict::Bad);
}

/// The healthy call with a `failed` event written as its last line, stamped `back_ms` before
/// the line above it, and received bytes frozen from poll `frozen_from` on.
fn failed_late(back_ms: f64, frozen_from: usize) -> (rtcscope::model::Dump, usize) {
    let call = Call::healthy(20).with(move |k, m| {
        let k = k.min(frozen_from) as f64;
        m["IA"]["bytesReceived"] = json!(4000.0 * k);
        m["IV"]["bytesReceived"] = json!(60_000.0 * k);
    });
    let mut lines = call.lines();
    lines.push(json!(["onconnectionstatechange", "PC_0", "failed", -back_ms]).to_string());
    let n = lines.len();
    (decode_text(lines.join("\n").as_bytes()).unwrap(), n)
}

#[test]
fn a_failure_written_late_while_media_went_on_is_placed_where_it_was_written() {
    // The last poll is at +19.5 s of the clock; the failure is stamped 12 s before it.
    let (dump, line) = failed_late(12_000.0, usize::MAX);
    let found = findings(&dump, &Thresholds::default());
    let f = found
        .iter()
        .find(|f| f.rule == "connection-failed")
        .unwrap_or_else(|| panic!("{:?}", rules(&found)));
    let last_poll = T0 + 19_000.0;
    assert_eq!(f.start_ms, Some(last_poll));
    let Detail::ConnectionFailed {
        stale_stamp: Some(stale),
        media_until_ms,
        ..
    } = &f.detail
    else {
        panic!("{:?}", f.detail)
    };
    assert_eq!(stale.stamped_ms, last_poll - 12_000.0);
    assert_eq!(stale.line, line as u64);
    assert!(stale.ends_recording);
    assert_eq!(*media_until_ms, Some(last_poll));
    let msg = f.message(T0);
    assert!(
        msg.starts_with("the connection failed at the end of the recording, after +19.0 s"),
        "{msg}"
    );
    assert!(msg.contains("stamped +7.0 s"), "{msg}");
}

#[test]
fn a_late_failure_after_which_media_stopped_keeps_its_stamp() {
    // Media stops growing at poll 7 (+7.0 s), the failure is stamped at +7.0 s: a writer
    // that flushed the event late, with the time right.
    let (dump, _) = failed_late(12_000.0, 7);
    let found = findings(&dump, &Thresholds::default());
    let f = found
        .iter()
        .find(|f| f.rule == "connection-failed")
        .unwrap_or_else(|| panic!("{:?}", rules(&found)));
    assert_eq!(f.start_ms, Some(T0 + 7000.0));
    assert!(matches!(
        f.detail,
        Detail::ConnectionFailed {
            stale_stamp: None,
            ..
        }
    ));
    assert!(f.message(T0).starts_with("the connection failed at +7.0 s"));
}
