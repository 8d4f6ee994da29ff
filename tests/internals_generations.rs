//! webrtc-internals documents of older Chrome generations (FORMATS.md §4), and a legacy v0
//! document, decoded end to end through the streaming path. The shared fixtures are all
//! from a current Chrome, so these are written by hand after the spec.

use rtcscope::decode::decode_text;
use rtcscope::model::{Format, MediaOutcome, SdpType};
use serde_json::json;

fn at(iso: &str) -> f64 {
    rtcscope::decode::timefmt::parse_iso8601(iso).unwrap()
}

/// An ≈M90 dump: locale `time` strings, internal event names, enum states, `type: …, sdp: …`
/// descriptions, `k: v` candidates, a non-JSON rtcConfiguration, no `-timestamp` series and
/// no `statsType` (pre-M117), legacy `goog` series.
const OLD: &str = r#"{
 "getUserMedia": [
  {"origin": "https://a.example", "pid": 1, "rid": 2, "request_id": 0, "audio": "", "video": "{\"width\": 640}"},
  {"pid": 1, "rid": 2, "request_id": 0, "error": "NotAllowedError", "error_message": "Permission denied"}
 ],
 "PeerConnections": {
  "2-1": {
   "pid": 1,
   "rtcConfiguration": "{ iceServers: [], iceTransportPolicy: all, bundlePolicy: balanced }",
   "constraints": "",
   "url": "https://a.example/room",
   "updateLog": [
    {"time": "3/14/2022, 10:41:12 AM", "type": "createOffer", "value": "offerToReceiveAudio: true"},
    {"time": "3/14/2022, 10:41:12 AM", "type": "createOfferOnSuccess", "value": "type: offer, sdp: v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"},
    {"time": "3/14/2022, 10:41:13 AM", "type": "signalingStateChange", "value": "SignalingStateHaveLocalOffer"},
    {"time": "3/14/2022, 10:41:13 AM", "type": "onIceCandidate", "value": "sdpMid: 0, sdpMLineIndex: 0, candidate: candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host"},
    {"time": "3/14/2022, 10:41:14 AM", "type": "iceConnectionStateChange", "value": "ICEConnectionStateChecking"},
    {"time": "3/14/2022, 10:41:15 AM", "type": "iceConnectionStateChange", "value": "ICEConnectionStateConnected"},
    {"time": "not a date", "type": "stop", "value": ""}
   ],
   "stats": {
    "RTCTransport_0_1-bytesSent": {"startTime": "2022-03-14T10:41:15.000Z", "endTime": "2022-03-14T10:41:17.000Z", "values": "[100,200,300]"},
    "RTCTransport_0_1-dtlsState": {"startTime": "2022-03-14T10:41:15.000Z", "endTime": "2022-03-14T10:41:17.000Z", "values": "[\"connecting\",\"connected\",\"connected\"]"},
    "Conn-audio-1-0-googRtt": {"startTime": "2022-03-14T10:41:16.000Z", "endTime": "2022-03-14T10:41:18.000Z", "values": "[12,15]"},
    "Conn-audio-1-0-bitsSentPerSecond": {"startTime": "2022-03-14T10:41:17.000Z", "endTime": "2022-03-14T10:41:18.000Z", "values": "[8000]"},
    "RTCCodec_0-payloadType": {}
   }
  }
 },
 "UserAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/99.0.4844.51",
 "UserAgentData": {"brands": [{"brand": "Google Chrome", "version": "99"}], "platform": "Windows"}
}"#;

#[test]
fn old_chrome_generation() {
    let d = decode_text(OLD.as_bytes()).unwrap();
    assert_eq!(d.format, Format::WebrtcInternals);
    assert_eq!(d.client.brands, vec!["Google Chrome 99"]);
    assert_eq!(d.client.platform.as_deref(), Some("Windows"));
    // The getUserMedia failure is matched to its request by (pid, rid, request_id).
    assert_eq!(d.get_user_media.len(), 1);
    assert_eq!(
        d.get_user_media[0].constraints,
        json!({"audio": true, "video": {"width": 640}})
    );
    assert!(matches!(&d.get_user_media[0].outcome,
        MediaOutcome::Failure { error, .. } if error == "NotAllowedError: Permission denied"));

    let pc = &d.peer_connections[0];
    assert_eq!(pc.id.as_str(), "2-1");
    assert_eq!(pc.url.as_deref(), Some("https://a.example/room"));
    // Not JSON: kept as text.
    assert_eq!(
        pc.configuration,
        Some(json!(
            "{ iceServers: [], iceTransportPolicy: all, bundlePolicy: balanced }"
        ))
    );
    assert_eq!(pc.constraints, None);

    let names: Vec<&str> = pc.events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "createOffer",
            "createOfferOnSuccess",
            "signalingstatechange",
            "icecandidate",
            "iceconnectionstatechange",
            "iceconnectionstatechange",
            "close"
        ]
    );
    assert_eq!(pc.events[0].time.0, at("2022-03-14T10:41:12Z"));
    // An unreadable time keeps the entry, after the previous one, with a warning.
    assert_eq!(pc.events[6].time.0, at("2022-03-14T10:41:15Z"));
    assert_eq!(d.warnings.len(), 1);
    assert!(d.warnings[0].location.to_string().ends_with("updateLog/6"));
    assert_eq!(
        pc.state_changes("signalingstatechange"),
        vec!["have-local-offer"]
    );
    assert_eq!(
        pc.state_changes("iceconnectionstatechange"),
        vec!["checking", "connected"]
    );
    assert_eq!(
        pc.events[3].value["candidate"],
        "candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host"
    );
    assert_eq!(pc.events[3].value["sdpMLineIndex"], 0);
    assert_eq!(pc.descriptions.len(), 1);
    assert_eq!(pc.descriptions[0].sdp_type, SdpType::Offer);
    assert!(pc.descriptions[0].sdp.ends_with("a=mid:0\r\n"));

    // No statsType: inferred from the id. No -timestamp series: samples spread evenly
    // between startTime and endTime, other series aligned from the end.
    let transport = pc.stats.report("RTCTransport_0_1").unwrap();
    assert_eq!(transport.report_type, "transport");
    let t: Vec<f64> = transport.timestamps.iter().map(|t| t.0).collect();
    assert_eq!(
        t,
        vec![
            at("2022-03-14T10:41:15Z"),
            at("2022-03-14T10:41:16Z"),
            at("2022-03-14T10:41:17Z")
        ]
    );
    assert_eq!(
        transport.series("bytesSent").unwrap().values,
        vec![100.0, 200.0, 300.0]
    );
    assert_eq!(transport.attribute("dtlsState").unwrap().changes.len(), 2);
    let conn = pc.stats.report("Conn-audio-1-0").unwrap();
    assert_eq!(conn.report_type, "googCandidatePair");
    let rate: Vec<_> = conn
        .series("bitsSentPerSecond")
        .unwrap()
        .points(&conn.timestamps)
        .collect();
    assert_eq!(rate[0].0.0, at("2022-03-14T10:41:18Z"));
    // The empty series `{}` is no report.
    assert!(pc.stats.report("RTCCodec_0").is_none());
}

/// A ≈M142 dump: JSON-quoted states and `UserAgentData` as an array.
#[test]
fn new_chrome_generation() {
    let doc = json!({
        "getUserMedia": [],
        "PeerConnections": {"3-1": {
            "pid": 1, "url": "https://b.example/", "rtcConfiguration": "{\"iceServers\":[]}",
            "constraints": "",
            "updateLog": [
                {"type": "onconnectionstatechange", "value": "\"connecting\"", "timestamp": 1000.5},
                {"type": "onconnectionstatechange", "value": "\"connected\"", "timestamp": "1001.5"},
                {"type": "setRemoteDescription", "value": "{\"type\":\"rollback\"}", "timestamp": 1002.0}
            ],
            "stats": {
                "T01-timestamp": {"statsType": "transport", "values": "[1000,2000]"},
                "T01-bytesSent": {"statsType": "transport", "values": "[1,2]"}
            }
        }},
        "UserAgent": "UA", "UserAgentData": [{"brand": "Chromium", "version": "142"}]
    });
    let d = decode_text(doc.to_string().as_bytes()).unwrap();
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(d.client.brands, vec!["Chromium 142"]);
    let pc = &d.peer_connections[0];
    assert_eq!(pc.configuration, Some(json!({"iceServers": []})));
    assert_eq!(
        pc.state_changes("connectionstatechange"),
        vec!["connecting", "connected"]
    );
    assert_eq!(pc.events[1].time.0, 1001.5);
    assert_eq!(pc.descriptions[0].sdp_type, SdpType::Rollback);
    assert_eq!(pc.descriptions[0].sdp, "");
}

#[test]
fn legacy_v0_document() {
    let doc = json!({
        "userAgent": "UA0", "url": "https://o.example/p", "path": "/p",
        "getUserMedia": [{"time": "2016-01-01T00:00:00.000Z", "type": "getUserMedia", "value": {"audio": true}},
                         {"time": "2016-01-01T00:00:00.500Z", "type": "getUserMediaOnSuccess", "value": {"id": "s", "tracks": []}}],
        "peerConnections": {"PC_0": [
            {"time": "2016-01-01T00:00:01.000Z", "type": "create", "value": {"iceServers": []}},
            {"time": "2016-01-01T00:00:02.000Z", "type": "oniceconnectionstatechange", "value": "connected"},
            {"time": "2016-01-01T00:00:03.000Z", "type": "getStats", "value": {"A": {"type": "ssrc", "timestamp": "2016-01-01T00:00:03.000Z", "bytesSent": "42"}}}
        ]}
    });
    // Pretty-printed, as the old server stored it, so the first line is not a whole object.
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let d = decode_text(text.as_bytes()).unwrap();
    assert_eq!(d.format, Format::RtcstatsLegacy);
    assert_eq!(d.client.user_agent.as_deref(), Some("UA0"));
    assert!(matches!(
        d.get_user_media[0].outcome,
        MediaOutcome::Success { .. }
    ));
    let pc = &d.peer_connections[0];
    assert_eq!(
        pc.state_changes("iceconnectionstatechange"),
        vec!["connected"]
    );
    let a = pc.stats.report("A").unwrap();
    let pts: Vec<_> = a
        .series("bytesSent")
        .unwrap()
        .points(&a.timestamps)
        .map(|(t, v)| (t.0, v))
        .collect();
    assert_eq!(pts, vec![(at("2016-01-01T00:00:03Z"), 42.0)]);
}

/// A current (M117+) document whose series keep to their own windows: one that starts late,
/// one that stops early, and a computed ratio with a gap inside its window; recomputed from
/// its counters, the ratio lands where its denominator moved.
const WINDOWS: &str = r#"{
 "getUserMedia": [],
 "UserAgent": "Chrome/147",
 "PeerConnections": {
  "1-1": {
   "pid": 1, "url": "https://a.example", "rtcConfiguration": "{}", "constraints": "",
   "updateLog": [],
   "stats": {
    "RI-timestamp": {"statsType": "remote-inbound-rtp", "startTime": "2026-01-01T00:00:01.000Z", "endTime": "2026-01-01T00:00:05.000Z", "values": "[1767225601000.4,1767225602000.3,1767225603000.9,1767225604000.2,1767225605000.6]"},
    "RI-totalRoundTripTime": {"statsType": "remote-inbound-rtp", "startTime": "2026-01-01T00:00:01.000Z", "endTime": "2026-01-01T00:00:05.000Z", "values": "[0.1,0.1,0.4,0.4,0.5]"},
    "RI-roundTripTimeMeasurements": {"statsType": "remote-inbound-rtp", "startTime": "2026-01-01T00:00:01.000Z", "endTime": "2026-01-01T00:00:05.000Z", "values": "[1,1,2,2,3]"},
    "RI-[totalRoundTripTime/roundTripTimeMeasurements]": {"statsType": "remote-inbound-rtp", "startTime": "2026-01-01T00:00:03.000Z", "endTime": "2026-01-01T00:00:05.000Z", "values": "[0.3,0.1]"},
    "RI-late": {"statsType": "remote-inbound-rtp", "startTime": "2026-01-01T00:00:04.000Z", "endTime": "2026-01-01T00:00:05.000Z", "values": "[7,8]"},
    "RI-early": {"statsType": "remote-inbound-rtp", "startTime": "2026-01-01T00:00:01.000Z", "endTime": "2026-01-01T00:00:02.000Z", "values": "[5,6]"},
    "RI-gappy": {"statsType": "remote-inbound-rtp", "startTime": "2026-01-01T00:00:02.000Z", "endTime": "2026-01-01T00:00:04.000Z", "values": "[9,9]"}
   }
  }
 }
}"#;

#[test]
fn series_keep_to_their_own_windows() {
    let d = decode_text(WINDOWS.as_bytes()).unwrap();
    let r = d.peer_connections[0].stats.report("RI").unwrap();
    let points = |name: &str| -> Vec<(f64, f64)> {
        let s = r.series(name).unwrap();
        s.points(&r.timestamps)
            // To 0.1 ms: epoch milliseconds carry binary noise in their fraction.
            .map(|(t, v)| {
                (
                    ((t.0 - at("2026-01-01T00:00:00.000Z")) * 10.0).round() / 10.0,
                    v,
                )
            })
            .collect()
    };
    assert_eq!(points("late"), vec![(4000.2, 7.0), (5000.6, 8.0)]);
    assert_eq!(points("early"), vec![(1000.4, 5.0), (2000.3, 6.0)]);
    // More polls than values in its window: at the window's end, and said once.
    assert_eq!(points("gappy"), vec![(3000.9, 9.0), (4000.2, 9.0)]);
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert!(d.warnings[0].location.to_string().ends_with("RI-gappy"));
    // Chrome's ratio, written when the count moved (polls 3 and 5), recomputed exactly there.
    let ratio = points("[totalRoundTripTime/roundTripTimeMeasurements]");
    assert_eq!(ratio.len(), 2);
    assert_eq!(ratio[0].0, 3000.9);
    assert!((ratio[0].1 - 0.3).abs() < 1e-12);
    assert_eq!(ratio[1].0, 5000.6);
    assert!((ratio[1].1 - 0.1).abs() < 1e-12);
}

/// Before M117 (no `-timestamp`): each series spread over its own window.
#[test]
fn pre_m117_series_spread_over_their_own_windows() {
    let doc = r#"{"UserAgent": "Chrome/99", "PeerConnections": {"1-1": {"updateLog": [], "stats": {
      "OT-bytesSent": {"statsType": "outbound-rtp", "startTime": "2022-01-01T00:00:00.000Z", "endTime": "2022-01-01T00:00:08.000Z", "values": "[0,1,2,3,4]"},
      "OT-framesPerSecond": {"statsType": "outbound-rtp", "startTime": "2022-01-01T00:00:00.000Z", "endTime": "2022-01-01T00:00:02.000Z", "values": "[30,29]"},
      "OT-frameHeight": {"statsType": "outbound-rtp", "startTime": "2022-01-01T00:00:06.000Z", "endTime": "2022-01-01T00:00:08.000Z", "values": "[360,360]"}
    }}}}"#;
    let d = decode_text(doc.as_bytes()).unwrap();
    let r = d.peer_connections[0].stats.report("OT").unwrap();
    let t0 = at("2022-01-01T00:00:00.000Z");
    let times = |name: &str| -> Vec<f64> {
        r.series(name)
            .unwrap()
            .points(&r.timestamps)
            .map(|(t, _)| t.0 - t0)
            .collect()
    };
    // Polled every 2 s (`?statsInterval=2000`), not assumed 1 s.
    assert_eq!(
        times("bytesSent"),
        vec![0.0, 2000.0, 4000.0, 6000.0, 8000.0]
    );
    assert_eq!(times("framesPerSecond"), vec![0.0, 2000.0]);
    assert_eq!(times("frameHeight"), vec![6000.0, 8000.0]);
}
