//! Facts about the dumps recorded from a real Chromium loopback call
//! (`../shared/fixtures/recorded/`). Expected values were read off the raw files by hand and
//! cross-checked with independent Python ports of the reference decoders.

mod common;

use common::*;
use rtcscope::model::{Compression, Format, MediaOutcome, SdpType, StatValue};

const LOOPBACK_SIGNALING_OFFERER: [&str; 10] = [
    "have-local-offer",
    "stable",
    "have-local-offer",
    "stable",
    "have-local-offer",
    "stable",
    "have-remote-offer",
    "stable",
    "have-local-offer",
    "stable",
];

#[test]
fn internals_txt() {
    let d = load(&shared(
        "recorded/webrtc_internals_dump_v3_loopback_30s.txt",
    ));
    assert_eq!(d.format, Format::WebrtcInternals);
    assert!(d.compression.is_empty());
    // Only the times of remote-outbound-rtp's roundTripTime, which Chrome writes in some
    // reports only, are a guess (FORMATS.md §4.3).
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert_eq!(
        d.warnings[0].location.to_string(),
        "key PeerConnections/8-1/stats/ROV4062314366-roundTripTime"
    );
    assert!(
        d.client
            .user_agent
            .as_deref()
            .unwrap()
            .contains("HeadlessChrome/156")
    );
    assert_eq!(d.client.brands, vec!["Chromium 156.0.8078.79"]);
    assert_eq!(d.client.platform.as_deref(), Some("Linux"));
    assert_eq!(ids(&d), vec!["8-1", "8-2"]);

    assert_eq!(d.get_user_media.len(), 3);
    match &d.get_user_media[0].outcome {
        MediaOutcome::Success { tracks, .. } => {
            assert_eq!(tracks.len(), 2);
            assert_eq!(tracks[1].label, "fake_device_0");
            assert_eq!(
                tracks[1].stream_id.as_deref(),
                Some("f752189b-bf9b-4998-a37e-92f8e6d2a6a2")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(d.get_user_media[0].constraints["audio"], true);
    assert_eq!(
        d.get_user_media[0].constraints["video"]["width"]["ideal"],
        640
    );

    let a = pc(&d, "8-1");
    assert!(a.url.as_deref().unwrap().contains("/call.html?lib=v3"));
    assert_eq!(
        a.configuration.as_ref().unwrap()["alwaysNegotiateDataChannels"],
        false
    );
    assert_eq!(states(a, "connection"), ["connecting", "connected"]);
    assert_eq!(states(a, "ice"), ["checking", "connected"]);
    assert_eq!(states(a, "signaling"), LOOPBACK_SIGNALING_OFFERER);
    assert_eq!(
        states(a, "gathering"),
        ["gathering", "complete", "gathering", "complete"]
    );
    assert_eq!(a.descriptions.len(), 15);
    assert_eq!(a.descriptions[0].event, "createOfferOnSuccess");
    assert_eq!(a.descriptions[0].sdp_type, SdpType::Offer);
    assert!(a.descriptions.iter().all(|x| x.sdp.starts_with("v=0\r\n")));

    let audio = report(a, "OT01A4170217590");
    assert_eq!(audio.report_type, "outbound-rtp");
    let bytes = points(audio, "bytesSent");
    assert_eq!(bytes[0], (1_795_564_010_555.724, 2312.0));
    assert_eq!(bytes[1], (1_795_564_011_556.937, 5021.0));
    assert_eq!(last_text(audio, "active"), Some(StatValue::Bool(true)));
    let video = report(a, "OT01V2276374674");
    assert_eq!(points(video, "framesPerSecond")[0].1, 19.0);
    // Chrome's computed series are kept under their own names.
    assert_eq!(points(video, "[bytesSent_in_bits/s]")[0].1, 482_191.0);
    assert!(
        matches!(last_text(video, "[codec]"), Some(StatValue::Text(c)) if c.starts_with("VP8"))
    );
    // Every numeric sample of the file (19659, counted by an independent Python reading),
    // and the 308 numeric members of its 77 nested objects (qualityLimitationDurations),
    // each a series of its own.
    assert_eq!(
        d.peer_connections
            .iter()
            .map(|p| p.stats.sample_count())
            .sum::<usize>(),
        19_659 + 308
    );
}

#[test]
fn internals_gz_is_the_same_format_a_moment_later() {
    let txt = load(&shared(
        "recorded/webrtc_internals_dump_v3_loopback_30s.txt",
    ));
    let gz = load(&shared("recorded/webrtc_internals_dump_v3_loopback_30s.gz"));
    assert_eq!(gz.compression, vec![Compression::Gzip]);
    assert_eq!(ids(&gz), ids(&txt));
    for (a, b) in gz.peer_connections.iter().zip(&txt.peer_connections) {
        assert_eq!(states(a, "connection"), states(b, "connection"));
        assert!(a.stats.sample_count() > b.stats.sample_count());
        let (ga, gb) = (a.stats.time_range().unwrap(), b.stats.time_range().unwrap());
        assert_eq!(ga.0, gb.0);
        assert!(ga.1 > gb.1);
    }
}

#[test]
fn rtcstats_v3_from_rtcstats_js() {
    let d = load(&shared("recorded/rtcstats-v3_loopback_30s.jsonl"));
    assert_eq!(d.format, Format::RtcstatsV3);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(
        d.client.url.as_deref(),
        Some("http://127.0.0.1:38495/call.html")
    );
    assert_eq!(d.client.brands, vec!["Chromium 156"]);
    assert_eq!(ids(&d), vec!["PC_0", "PC_1"]);
    assert_eq!(d.get_user_media.len(), 3);
    assert!(
        d.get_user_media
            .iter()
            .all(|r| matches!(r.outcome, MediaOutcome::Success { .. }))
    );

    let a = pc(&d, "PC_0");
    assert_eq!(states(a, "connection"), ["connecting", "connected"]);
    assert_eq!(states(a, "signaling"), LOOPBACK_SIGNALING_OFFERER);
    // Every SDP is expanded: no placeholder sections survive.
    assert_eq!(a.descriptions.len(), 15);
    for desc in &a.descriptions {
        assert!(desc.sdp.starts_with("v=0\r\n"), "{}", desc.event);
        assert!(
            !desc.sdp.contains("\r\nm=\r\n") && !desc.sdp.ends_with("m=\r\n"),
            "{}",
            desc.event
        );
    }
    // The compressed report "4" is the selected candidate pair (line 83 and 93 of the file).
    let pair = report(a, "4");
    assert_eq!(pair.report_type, "candidate-pair");
    let bytes = points(pair, "bytesSent");
    assert_eq!(bytes[0], (1_795_564_009_566.143, 2180.0));
    assert_eq!(bytes[1], (1_795_564_010_555.724, 10_470.0));
    assert_eq!(points(pair, "availableOutgoingBitrate")[0].1, 300_000.0);
    assert_eq!(
        last_text(pair, "state"),
        Some(StatValue::Text("succeeded".into()))
    );
    // The first getStats carries the reason the reference client gives it.
    let first = a.events.iter().find(|e| e.name == "getStats").unwrap();
    assert_eq!(first.extras, vec![serde_json::json!("connected-0")]);
    // Equal to an independent port of the reference decoder, sample for sample.
    assert_eq!(
        d.peer_connections
            .iter()
            .map(|p| p.stats.sample_count())
            .sum::<usize>(),
        // The 85 polls of the two outbound video reports carry the four members of
        // qualityLimitationDurations, as series of their own since nested objects are split.
        16_573 + 4 * 85
    );
}

#[test]
fn rtcstats_v3_brotli_decodes_to_the_same_dump() {
    let plain = load(&shared("recorded/rtcstats-v3_loopback_30s.jsonl"));
    let br = load(&shared("recorded/rtcstats-v3_loopback_30s.jsonl.br"));
    assert_eq!(br.compression, vec![Compression::Brotli]);
    assert_eq!(ids(&br), ids(&plain));
    for (a, b) in br.peer_connections.iter().zip(&plain.peer_connections) {
        assert_eq!(a.events, b.events);
        assert_eq!(a.descriptions, b.descriptions);
        assert_eq!(a.stats.sample_count(), b.stats.sample_count());
    }
}

#[test]
fn rtcstats_v3_written_by_chrome() {
    let d = load(&shared(
        "recorded/webrtc_internals_rtcstats_dump_v3_loopback_30s.gz",
    ));
    assert_eq!(d.format, Format::RtcstatsV3);
    assert_eq!(d.compression, vec![Compression::Gzip]);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(d.client.user_agent, None);
    // `8-0` is Chrome's getUserMedia group, not a connection.
    assert_eq!(ids(&d), vec!["8-1", "8-2"]);
    assert_eq!(d.get_user_media.len(), 3);
    assert_eq!(
        d.get_user_media[0].correlation.as_deref(),
        Some("getUserMedia-8-3110-0")
    );
    assert!(
        matches!(&d.get_user_media[0].outcome, MediaOutcome::Success { tracks, .. } if tracks.len() == 2)
    );
    let a = pc(&d, "8-1");
    assert!(a.url.as_deref().unwrap().contains("/call.html"));
    assert_eq!(states(a, "connection"), ["connecting", "connected"]);
    assert_eq!(states(a, "signaling"), LOOPBACK_SIGNALING_OFFERER);
    let audio = report(a, "OT01A4170217590");
    assert_eq!(audio.report_type, "outbound-rtp");
    // Same session as the internals export: the same first sample.
    assert_eq!(
        points(audio, "bytesSent")[0],
        (1_795_564_010_555.724, 2312.0)
    );
    assert_eq!(points(audio, "targetBitrate")[0].1, 32_000.0);
}

#[test]
fn jitsi_rtcstats_client() {
    let d = load(&shared("recorded/rtcstats-jitsi_loopback_30s.jsonl"));
    assert_eq!(d.format, Format::RtcstatsLegacy);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert!(
        d.client
            .user_agent
            .as_deref()
            .unwrap()
            .contains("HeadlessChrome/156")
    );
    assert_eq!(d.client.metadata["identity"]["endpointId"], "loopback0");
    assert_eq!(d.client.metadata["statsFormat"], "chrome_standard");
    assert_eq!(ids(&d), vec!["PC_0", "PC_1"]);
    assert_eq!(d.get_user_media.len(), 3);
    let a = pc(&d, "PC_0");
    assert_eq!(states(a, "connection"), ["connecting", "connected"]);
    assert_eq!(states(a, "signaling"), LOOPBACK_SIGNALING_OFFERER);
    assert_eq!(a.descriptions.len(), 15);
    let pair = a
        .stats
        .reports
        .iter()
        .find(|r| r.report_type == "candidate-pair")
        .unwrap();
    assert_eq!(points(pair, "availableOutgoingBitrate")[0].1, 300_000.0);
}

/// A nested object is a series per member, in every format: the same poll of the same
/// sender, recorded as webrtc-internals, Chrome's rtcstats download and rtcstats-js, holds
/// the same `qualityLimitationDurations.none`, and no JSON text of the object is kept.
#[test]
fn nested_objects_are_member_series_in_every_format() {
    let at = 1_795_564_029_566.45;
    for (file, pc, id) in [
        (
            "recorded/webrtc_internals_dump_v3_loopback_30s.txt",
            0,
            "OT01V2276374674",
        ),
        (
            "recorded/webrtc_internals_rtcstats_dump_v3_loopback_30s.gz",
            0,
            "OT01V2276374674",
        ),
        // rtcstats-js names reports by number; 12 is the sender of SSRC 2276374674.
        ("recorded/rtcstats-v3_loopback_30s.jsonl", 0, "12"),
    ] {
        let d = load(&shared(file));
        let r = report(&d.peer_connections[pc], id);
        let none = points(r, "qualityLimitationDurations.none");
        let v = none
            .iter()
            .find(|(t, _)| (t - at).abs() < 0.01)
            .unwrap_or_else(|| panic!("{file}: no sample at {at}"));
        assert_eq!(v.1, 20.022, "{file}");
        assert!(
            points(r, "qualityLimitationDurations.cpu")
                .iter()
                .all(|p| p.1 == 0.0)
        );
        assert!(
            r.attribute("qualityLimitationDurations").is_none(),
            "{file}"
        );
        let members: Vec<&str> = r
            .members("qualityLimitationDurations")
            .map(|(m, _)| m)
            .collect();
        assert_eq!(members.len(), 4, "{file}: {members:?}");
    }
}

/// A connection's text values are stored once each: every change that carries `relay` or
/// `succeeded`, in any report, shares one allocation.
#[test]
fn text_values_are_interned_per_connection() {
    for rel in [
        "recorded/rtcstats-v3_loopback_30s.jsonl",
        "recorded/rtcstats-jitsi_loopback_30s.jsonl",
    ] {
        let d = load(&shared(rel));
        let mut shared_texts = 0;
        for pc in &d.peer_connections {
            let mut first: std::collections::HashMap<&str, &std::sync::Arc<str>> =
                Default::default();
            for r in &pc.stats.reports {
                for a in &r.attributes {
                    for (_, v) in &a.changes {
                        if let StatValue::Text(s) = v {
                            let known = first.entry(&**s).or_insert(s);
                            assert!(std::sync::Arc::ptr_eq(known, s), "{rel}: {s} twice");
                            if !std::ptr::eq(*known, s) {
                                shared_texts += 1;
                            }
                        }
                    }
                }
            }
        }
        // Many reports carry the same texts (candidate types, codecs, states).
        assert!(shared_texts > 20, "{rel}: {shared_texts}");
    }
}
