//! Each rule fires on a small hand-made call and stays silent on a healthy one; and the
//! known-bad shared fixtures say what went wrong.

mod common;

use common::call::{Call, T0, fires, rules};
use common::{load, shared};
use rtcscope::analyze::findings::{Severity, Thresholds, Verdict, findings};
use serde_json::json;

#[test]
fn a_healthy_call_has_no_findings() {
    let found = Call::healthy(30).findings();
    assert!(found.is_empty(), "{:?}", rules(&found));
    assert_eq!(Verdict::of(&found), Verdict::Good);
}

#[test]
fn connectivity_rules() {
    // The stats end with the failure: the media stopped with it.
    let f = fires(
        Call::healthy(15).event(15_000.0, "onconnectionstatechange", json!("failed")),
        "connection-failed",
    );
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.start_ms, Some(T0 - 500.0 + 15_000.0));
    assert_eq!(
        f.message(T0 - 500.0),
        "the connection failed at +15.0 s, 14.8 s after connecting (media last seen arriving at +14.5 s); ICE never reported leaving connected, so look at DTLS and the remote peer (a restarted server, a closed session) before the network path"
    );
    // Media that kept arriving after a reported failure contradicts it, and is said first.
    let f = fires(
        Call::healthy(20).event(15_000.0, "onconnectionstatechange", json!("failed")),
        "connection-failed",
    );
    assert_eq!(
        f.message(T0 - 500.0),
        "the connection failed at +15.0 s, 14.8 s after connecting; yet media kept arriving until +19.5 s and ICE never reported leaving connected, so the media path held: suspect the DTLS transport or a state event recorded late, not the network"
    );
    // ICE went first: the network path.
    let found = Call::healthy(20)
        .event(
            14_000.0,
            "oniceconnectionstatechange",
            json!("disconnected"),
        )
        .event(15_000.0, "onconnectionstatechange", json!("failed"))
        .findings();
    assert_eq!(
        rules(&found),
        ["connection-failed"],
        "one failure, one finding"
    );
    assert!(
        found[0]
            .message(T0 - 500.0)
            .ends_with("ICE went disconnected at +14.0 s first: the network path was lost"),
        "{}",
        found[0].message(T0 - 500.0)
    );
    // Never connected: what ICE had to work with.
    let mut never_up = Call::healthy(20).event(
        75.0,
        "onicecandidate",
        json!({"candidate": "candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host", "sdpMid": "0"}),
    );
    never_up
        .events
        .retain(|(_, _, n, v)| !(n.ends_with("statechange") && v == "connected"));
    let found = never_up
        .event(15_080.0, "onconnectionstatechange", json!("failed"))
        .findings();
    assert_eq!(rules(&found), ["connection-failed"]);
    assert_eq!(
        found[0].message(T0 - 500.0),
        "the connection failed at +15.1 s without ever connecting: ICE checked for 15.0 s with local candidates 1 host udp and 1 remote candidate (host udp), and found no working pair; no TURN server was configured to relay"
    );
    fires(
        Call::healthy(20).event(15_000.0, "oniceconnectionstatechange", json!("failed")),
        "ice-failed",
    );
    let f = fires(
        Call::healthy(20)
            .event(12_000.0, "onconnectionstatechange", json!("disconnected"))
            .event(14_500.0, "onconnectionstatechange", json!("connected")),
        "connection-dropped",
    );
    assert_eq!(
        f.message(T0 - 500.0),
        "the connection went disconnected and recovered after 2.5 s from +12.0 s to +14.5 s"
    );
    let mut never = Call::healthy(5);
    never
        .events
        .retain(|(_, _, n, v)| !(n.ends_with("statechange") && v == "connected"));
    fires(never, "never-connected");
    let mut slow = Call::healthy(10);
    slow.events
        .retain(|(_, _, n, v)| !(n == "onconnectionstatechange" && v == "connected"));
    let f = fires(
        slow.event(5000.0, "onconnectionstatechange", json!("connected")),
        "slow-setup",
    );
    assert!(
        f.message(T0).contains("5.0 s (limit 3.0 s)"),
        "{}",
        f.message(T0)
    );
    fires(
        Call::healthy(10).event(4000.0, "createOffer", json!({"iceRestart": true})),
        "ice-restart",
    );
    let relayed = || {
        Call::healthy(10).with(|_, m| {
            m["L"]["candidateType"] = json!("relay");
            m["L"]["relayProtocol"] = json!("tcp");
            m["L"]["url"] = json!("turn:turn.example.org:443?transport=tcp");
        })
    };
    fires(relayed(), "relay-used");
    let f = fires(relayed(), "relay-over-tcp");
    assert_eq!(f.severity, Severity::Warning);
    let mut turn = Call::healthy(5);
    turn.events[0].3 = json!({"iceServers": [{"urls": ["turn:turn.example.org?transport=udp"]}]});
    fires(
        turn.event(
            75.0,
            "onicecandidate",
            json!({"candidate": "candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host", "sdpMid": "0"}),
        ),
        "turn-configured-no-relay",
    );
}

#[test]
fn network_rules() {
    let lossy = Call::healthy(40).with(|k, m| {
        if (10..30).contains(&k) {
            // 10 % of the packets of each second lost.
            let lost = 10.0 * (k - 9) as f64;
            m["IV"]["packetsLost"] = json!(lost);
            m["IV"]["packetsReceived"] = json!(100.0 * k as f64 - lost);
        } else if k >= 30 {
            m["IV"]["packetsLost"] = json!(200.0);
            m["IV"]["packetsReceived"] = json!(100.0 * k as f64 - 200.0);
        }
    });
    let f = fires(lossy, "high-packet-loss");
    assert_eq!(f.track.as_deref(), Some("inbound video ssrc 2"));
    let msg = f.message(T0);
    assert!(
        msg.starts_with("packet loss on inbound video ssrc 2 averaged 10."),
        "{msg}"
    );
    let f = fires(
        Call::healthy(30).with(|k, m| {
            if k >= 10 {
                m["IA"]["jitter"] = json!(0.08);
            }
        }),
        "high-jitter",
    );
    assert!(f.message(T0).contains("80.0 ms"), "{}", f.message(T0));
    fires(
        Call::healthy(30).with(|k, m| {
            if k >= 10 {
                m["RIV"]["roundTripTime"] = json!(0.6);
            }
        }),
        "high-rtt",
    );
    fires(
        Call::healthy(30).with(|k, m| {
            if k >= 15 {
                m["CP"]["availableOutgoingBitrate"] = json!(300_000);
            }
        }),
        "bandwidth-collapse",
    );
    fires(
        Call::healthy(5).with(|_, m| m["IA"]["packetsLost"] = json!(-2_000_000)),
        "invalid-packet-loss",
    );
}

#[test]
fn media_rules() {
    fires(
        Call::healthy(20).with(|k, m| {
            let k = k as f64;
            m["OV"]["qualityLimitationDurations"] =
                json!({"none": k * 0.5, "bandwidth": k * 0.5, "cpu": 0, "other": 0});
            m["OV"]["qualityLimitationReason"] = json!("bandwidth");
        }),
        "quality-limited-bandwidth",
    );
    fires(
        Call::healthy(20).with(|k, m| {
            let k = k as f64;
            m["OV"]["qualityLimitationDurations"] =
                json!({"none": k * 0.8, "bandwidth": 0, "cpu": k * 0.2, "other": 0});
        }),
        "quality-limited-cpu",
    );
    let f = fires(
        Call::healthy(30).with(|k, m| {
            if k >= 10 {
                m["OV"]["frameHeight"] = json!(180);
            }
        }),
        "resolution-drop",
    );
    assert!(
        f.message(T0).contains("fell from 720 px to 180 px"),
        "{}",
        f.message(T0)
    );
    fires(
        Call::healthy(30).with(|k, m| {
            if (10..25).contains(&k) {
                m["IV"]["framesPerSecond"] = json!(5);
            }
        }),
        "framerate-drop",
    );
    fires(
        Call::healthy(10).with(|_, m| m["IV"]["freezeCount"] = json!(3)),
        "video-freezes",
    );
    fires(
        Call::healthy(10).with(|k, m| m["IV"]["totalDecodeTime"] = json!(0.06 * 30.0 * k as f64)),
        "high-decode-time",
    );
    fires(
        Call::healthy(10)
            .with(|k, m| m["IA"]["concealedSamples"] = json!(48_000.0 * k as f64 * 0.1)),
        "audio-concealment",
    );
    fires(
        Call::healthy(10).with(|k, m| {
            if k >= 5 {
                m["OV"]["encoderImplementation"] = json!("libvpx (fallback from: ExternalEncoder)");
            } else {
                m["OV"]["encoderImplementation"] = json!("ExternalEncoder");
            }
        }),
        "encoder-software-fallback",
    );
}

#[test]
fn api_rules() {
    let f = fires(
        Call::healthy(5).event(
            40.0,
            "setRemoteDescriptionOnFailure",
            json!("InvalidAccessError: bad SDP"),
        ),
        "set-description-failed",
    );
    assert_eq!(
        f.message(T0 - 500.0),
        "setRemoteDescription failed: InvalidAccessError: bad SDP at +0.0 s"
    );
    let mut slow = Call::healthy(5);
    slow.events
        .retain(|(_, _, n, _)| n != "setRemoteDescription");
    fires(
        slow.event(
            2500.0,
            "setRemoteDescription",
            json!({"type": "answer", "sdp": "v=0\r\n"}),
        ),
        "high-signaling-time",
    );
}

#[test]
fn thresholds_decide() {
    let call = Call::healthy(30).with(|k, m| {
        if k >= 10 {
            m["IA"]["jitter"] = json!(0.03);
        }
    });
    let dump = call.dump();
    assert!(
        findings(&dump, &Thresholds::default())
            .iter()
            .all(|f| f.rule != "high-jitter")
    );
    let strict = Thresholds::with_toml(&Thresholds::default(), "jitter_ms = 20", "t").unwrap();
    assert!(
        findings(&dump, &strict)
            .iter()
            .any(|f| f.rule == "high-jitter")
    );
}

#[test]
fn known_bad_fixtures() {
    let failed = findings(
        &load(&shared("public/jitsi/chrome-standard-pc-failed")),
        &Thresholds::default(),
    );
    let f = failed
        .iter()
        .find(|f| f.rule == "connection-failed" && f.pc.as_deref() == Some("PC_0"))
        .expect("connection-failed on PC_0");
    assert_eq!(f.severity, Severity::Error);
    // rtcstats-js records the setParameters call itself.
    let v3 = findings(
        &load(&shared("recorded/rtcstats-v3_loopback_30s.jsonl")),
        &Thresholds::default(),
    );
    let capped = v3.iter().find(|f| f.rule == "bitrate-capped").unwrap();
    assert_eq!(
        capped.message(capped.start_ms.unwrap()),
        "setParameters capped a sender at 250 kbit/s at +0.0 s"
    );
    let relay = findings(
        &load(&shared("public/jitsi/google-standard-stats-relay-p2p")),
        &Thresholds::default(),
    );
    assert!(
        relay.iter().any(|f| f.rule == "relay-used"),
        "{:?}",
        rules(&relay)
    );
    assert!(
        relay.iter().any(|f| f.rule == "relay-over-tls"),
        "{:?}",
        rules(&relay)
    );
}

#[test]
fn recorded_calls_show_their_restart_and_cap_and_no_error() {
    for rel in [
        "recorded/rtcstats-v3_loopback_30s.jsonl",
        "recorded/webrtc_internals_dump_v3_loopback_30s.txt",
        "recorded/rtcstats-jitsi_loopback_30s.jsonl",
        "recorded/webrtc_internals_rtcstats_dump_v3_loopback_30s.gz",
    ] {
        let found = findings(&load(&shared(rel)), &Thresholds::default());
        assert!(
            found.iter().all(|f| f.severity < Severity::Error),
            "{rel}: {:?}",
            rules(&found)
        );
        assert!(
            found.iter().any(|f| f.rule == "ice-restart"),
            "{rel}: {:?}",
            rules(&found)
        );
        // The 250 kbps cap: the camera's target bitrate settles at 250 kbit/s.
        let cap = found
            .iter()
            .find(|f| f.rule == "target-bitrate-drop")
            .unwrap_or_else(|| panic!("{rel}: {:?}", rules(&found)));
        let msg = cap.message(cap.start_ms.unwrap());
        assert!(
            msg.contains("from 1.7 Mbit/s to 250 kbit/s"),
            "{rel}: {msg}"
        );
        // The replaced camera track is smaller: the sent resolution falls from 480 to 180 px.
        let drop = found
            .iter()
            .find(|f| f.rule == "resolution-drop")
            .unwrap_or_else(|| panic!("{rel}: {:?}", rules(&found)));
        assert!(
            drop.message(drop.start_ms.unwrap())
                .contains("from 480 px to 180 px")
        );
    }
}
