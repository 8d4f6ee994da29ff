//! Facts about the dumps published by the rtcstats and Jitsi projects
//! (`../shared/fixtures/public/`), and a sweep that every shared fixture decodes.

mod common;

use common::*;
use rtcscope::model::{Compression, Format, MediaOutcome, StatValue};

fn failures(d: &rtcscope::model::Dump) -> usize {
    d.get_user_media
        .iter()
        .filter(|r| matches!(r.outcome, MediaOutcome::Failure { .. }))
        .count()
}

#[test]
fn every_shared_fixture_decodes() {
    let mut seen = 0;
    for dir in ["recorded", "public/jitsi", "public/rtcstats"] {
        for entry in std::fs::read_dir(shared(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name == "LICENSE" || name.ends_with(".md") {
                continue;
            }
            let d = load(&path);
            // Browser dumps have connections or media requests; component dumps a summary.
            assert!(
                !d.peer_connections.is_empty()
                    || !d.get_user_media.is_empty()
                    || d.component.is_some(),
                "{name}: nothing decoded"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 21);
}

#[test]
fn chrome_connection_that_fails() {
    let d = load(&shared("public/jitsi/chrome-standard-pc-failed"));
    assert_eq!(d.format, Format::RtcstatsLegacy);
    assert_eq!(ids(&d), vec!["PC_0", "PC_1", "PC_2"]);
    assert_eq!(
        states(pc(&d, "PC_0"), "connection"),
        ["connecting", "connected", "failed"]
    );
    assert_eq!(
        states(pc(&d, "PC_1"), "connection"),
        ["connecting", "failed"]
    );
    assert_eq!(states(pc(&d, "PC_1"), "ice"), ["checking", "disconnected"]);
    assert_eq!((d.get_user_media.len(), failures(&d)), (3, 1));
    // This client was configured not to send SDP: the descriptions are empty strings.
    assert!(pc(&d, "PC_0").descriptions.is_empty());
}

#[test]
fn chrome_connection_that_reconnects() {
    let d = load(&shared("public/jitsi/chrome-standard-pc-reconnect"));
    assert_eq!(
        states(pc(&d, "PC_0"), "connection"),
        [
            "connecting",
            "connected",
            "disconnected",
            "connected",
            "disconnected",
            "connected",
            "failed"
        ]
    );
    assert_eq!((d.get_user_media.len(), failures(&d)), (5, 2));
}

#[test]
fn legacy_goog_stats_are_numbers() {
    let d = load(&shared("public/jitsi/google-legacy-stats-p2p"));
    assert_eq!(ids(&d), vec!["PC_0", "PC_1"]);
    // No connectionInfo line, but identity lines: the Jitsi dialect.
    assert_eq!(
        d.client.metadata["identity"]["deviceId"],
        "Z4pw0CT9udBLc9rSQ4ytH5"
    );
    let a = pc(&d, "PC_0");
    assert_eq!(states(a, "connection"), ["connecting", "connected"]);
    let bwe = report(a, "bweforvideo");
    assert_eq!(bwe.report_type, "VideoBwe");
    // Line 97: "googAvailableSendBandwidth":"2816835" with the collapsed timestamp 1605199266303.
    let first_nonzero = points(bwe, "googAvailableSendBandwidth")
        .into_iter()
        .find(|(_, v)| *v > 0.0)
        .unwrap();
    assert_eq!(first_nonzero, (1_605_199_266_303.0, 2_816_835.0));
    let pair = report(a, "Conn-audio-1-0");
    assert_eq!(pair.report_type, "googCandidatePair");
    // Non-numeric legacy strings stay text.
    assert!(matches!(
        last_text(pair, "googLocalCandidateType"),
        Some(StatValue::Text(_))
    ));
    assert!(pair.series("googLocalCandidateType").is_none());
}

#[test]
fn legacy_screenshare() {
    let d = load(&shared("public/jitsi/google-legacy-screenshare-p2p"));
    assert_eq!(ids(&d), vec!["PC_0"]);
    assert_eq!(d.get_user_media.len(), 3);
    assert_eq!(
        states(pc(&d, "PC_0"), "connection"),
        ["connecting", "connected"]
    );
}

#[test]
fn standard_chrome_p2p_sfu_and_relay() {
    let p2p = load(&shared("public/jitsi/google-standard-stats-p2p"));
    assert_eq!(ids(&p2p), vec!["PC_0", "PC_1"]);
    assert_eq!(
        states(pc(&p2p, "PC_0"), "ice"),
        [
            "checking",
            "connected",
            "completed",
            "connected",
            "completed"
        ]
    );
    let sfu = load(&shared("public/jitsi/google-standard-stats-sfu"));
    assert_eq!(ids(&sfu), vec!["PC_0"]);
    assert_eq!(pc(&sfu, "PC_0").descriptions.len(), 3);

    let relay = load(&shared("public/jitsi/google-standard-stats-relay-p2p"));
    assert!(
        relay
            .client
            .user_agent
            .as_deref()
            .unwrap()
            .contains("Chrome/116")
    );
    let a = pc(&relay, "PC_0");
    assert_eq!(states(a, "connection"), ["connecting", "connected"]);
    // A TURN relay call: some local candidate is a relay candidate.
    assert!(
        a.stats
            .reports
            .iter()
            .any(|r| r.report_type == "local-candidate"
                && last_text(r, "candidateType") == Some(StatValue::Text("relay".into())))
    );
}

#[test]
fn add_transceiver_and_events_without_time() {
    let d = load(&shared(
        "public/jitsi/chrome96-standard-stats-p2p-add-transceiver",
    ));
    assert_eq!(ids(&d), vec!["PC_0", "PC_1"]);
    assert_eq!(
        states(pc(&d, "PC_0"), "signaling"),
        [
            "have-local-offer",
            "stable",
            "have-local-offer",
            "stable",
            "have-remote-offer",
            "stable"
        ]
    );
    // Line 142 is `["e2eRtt", null, {...}]`, written without a time.
    assert_eq!(d.warnings.len(), 1);
    assert_eq!(d.warnings[0].location.to_string(), "line 142");
    assert!(d.client_events.iter().any(|e| e.name == "e2eRtt"));
}

#[test]
fn firefox_and_safari() {
    let ff = load(&shared("public/jitsi/firefox-standard-stats-sfu"));
    assert!(
        ff.client
            .user_agent
            .as_deref()
            .unwrap()
            .contains("Firefox/118")
    );
    assert_eq!(ids(&ff), vec!["PC_0"]);
    let a = pc(&ff, "PC_0");
    assert_eq!(states(a, "connection"), ["connecting", "connected"]);
    assert_eq!(a.descriptions.len(), 12);
    let inbound = a
        .stats
        .reports
        .iter()
        .find(|r| r.report_type == "inbound-rtp")
        .unwrap();
    assert!(inbound.series("packetsReceived").is_some());

    let ff97 = load(&shared("public/jitsi/firefox97-standard-stats-sfu"));
    assert_eq!(
        states(pc(&ff97, "PC_0"), "connection"),
        ["connecting", "connected"]
    );

    let safari = load(&shared("public/jitsi/safari-standard-stats"));
    assert!(
        safari
            .client
            .user_agent
            .as_deref()
            .unwrap()
            .contains("Version/17.0 Safari")
    );
    assert_eq!(ids(&safari), vec!["PC_0"]);
    assert_eq!(pc(&safari, "PC_0").descriptions.len(), 21);
}

#[test]
fn undefined_ice_candidate() {
    let d = load(&shared("public/jitsi/undefined-ice-candidate"));
    let a = pc(&d, "PC_0");
    assert_eq!(
        states(a, "connection"),
        ["connecting", "disconnected", "failed"]
    );
    assert!(a.events.iter().any(|e| e.name == "icecandidate"));
}

#[test]
fn jitsi_component_dump_is_not_a_browser_dump() {
    let d = load(&shared("public/jitsi/jigasi-sample"));
    assert_eq!(d.format, Format::JitsiComponent);
    assert!(d.peer_connections.is_empty());
    let c = d.component.unwrap();
    assert_eq!(c.application.as_deref(), Some("JIGASI"));
    assert_eq!(c.session_ids, vec!["xxx-yyy-zzz"]);
    assert_eq!(c.entries_by_type, vec![("identity".to_owned(), 2)]);
}

#[test]
fn rtcstats_server_gum_only() {
    let d = load(&shared("public/rtcstats/rtcstats-v3-gumonly.jsonl"));
    assert_eq!(d.format, Format::RtcstatsV3);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert!(d.peer_connections.is_empty());
    assert_eq!(
        d.client.url.as_deref(),
        Some("https://webrtc.github.io/samples/src/content/getusermedia/gum/")
    );
    assert_eq!(d.get_user_media.len(), 1);
    assert_eq!(
        d.get_user_media[0].constraints,
        serde_json::json!({"audio": false, "video": true})
    );
    assert!(
        matches!(&d.get_user_media[0].outcome, MediaOutcome::Success { tracks, .. } if tracks[0].kind == "video")
    );
    // The server's close line, without a final newline, is a client event 2353 ms after the
    // previous one.
    let close = d.client_events.iter().find(|e| e.name == "close").unwrap();
    assert_eq!(close.value, serde_json::json!(1001));
    assert_eq!(close.time.0, 1_758_602_115_670.0 + 2153.0 + 1040.0 + 2353.0);
}

#[test]
fn internals_chrome_142_gum_only() {
    let d = load(&shared("public/rtcstats/internals-gumonly.gz"));
    assert_eq!(d.format, Format::WebrtcInternals);
    assert_eq!(d.compression, vec![Compression::Gzip]);
    // UserAgentData as an array.
    assert_eq!(
        d.client.brands,
        vec!["Chromium 142.0.7426.0", "Google Chrome 142.0.7426.0"]
    );
    assert!(d.peer_connections.is_empty());
    assert_eq!(d.get_user_media.len(), 1);
    match &d.get_user_media[0].outcome {
        // audio_track_info is the string "null": only the video track.
        MediaOutcome::Success { tracks, .. } => {
            assert_eq!(tracks.len(), 1);
            assert_eq!(tracks[0].label, "Logitech BRIO (046d:085e)");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bundled_fixtures_match_their_shared_originals() {
    for (bundled_name, shared_name) in [
        (
            "webrtc_internals_dump_v3_loopback_30s.gz",
            "recorded/webrtc_internals_dump_v3_loopback_30s.gz",
        ),
        (
            "rtcstats-v3_loopback_30s.jsonl.br",
            "recorded/rtcstats-v3_loopback_30s.jsonl.br",
        ),
    ] {
        let a = load(&bundled(bundled_name));
        let b = load(&shared(shared_name));
        assert_eq!(ids(&a), ids(&b));
        assert_eq!(
            a.peer_connections
                .iter()
                .map(|p| p.stats.sample_count())
                .sum::<usize>(),
            b.peer_connections
                .iter()
                .map(|p| p.stats.sample_count())
                .sum::<usize>()
        );
    }
}
