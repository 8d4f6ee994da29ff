//! The rtcstats v3 compression tables (FORMATS.md §2.3 and §2.5), and the list of W3C stats
//! types used to tell standard reports from legacy Chrome `goog*` ones.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Method codes (§2.3). Codes are fixed forever; 65 is getUserMediaOnFailure because of a
/// duplicate key in the reference encoder, and 62 decodes to nothing.
const METHODS: &[(u32, &str)] = &[
    (1, "getStats"),
    (2, "createOffer"),
    (3, "createOfferOnSuccess"),
    (4, "createAnswer"),
    (5, "createAnswerOnSuccess"),
    (6, "setLocalDescription"),
    (7, "setLocalDescriptionOnSuccess"),
    (8, "setRemoteDescription"),
    (9, "setRemoteDescriptionOnSuccess"),
    (10, "addIceCandidate"),
    (11, "addIceCandidateOnSuccess"),
    (12, "createOfferOnFailure"),
    (13, "createAnswerOnFailure"),
    (14, "setLocalDescriptionOnFailure"),
    (15, "setRemoteDescriptionOnFailure"),
    (16, "addIceCandidateOnFailure"),
    (20, "onicecandidate"),
    (21, "onicecandidateerror"),
    (22, "ontrack"),
    (23, "onsignalingstatechange"),
    (24, "oniceconnectionstatechange"),
    (25, "onconnectionstatechange"),
    (26, "onicegatheringstatechange"),
    (27, "onnegotiationneeded"),
    (28, "ondatachannel"),
    (30, "addTrack"),
    (31, "addTrackOnSuccess"),
    (32, "addTransceiver"),
    (33, "addTransceiverOnSuccess"),
    (34, "removeTrack"),
    (35, "createDataChannel"),
    (36, "close"),
    (37, "restartIce"),
    (38, "setConfiguration"),
    (39, "create"),
    (40, "constraints"),
    (41, "setCodecPreferences"),
    (42, "setHeaderExtensionsToNegotiate"),
    (50, "setParameters"),
    (51, "replaceTrack"),
    (60, "navigator.mediaDevices.getUserMedia"),
    (61, "navigator.mediaDevices.getUserMediaOnSuccess"),
    (63, "navigator.mediaDevices.getDisplayMedia"),
    (64, "navigator.mediaDevices.getDisplayMediaOnSuccess"),
    (65, "navigator.mediaDevices.getUserMediaOnFailure"),
    (66, "navigator.mediaDevices.enumerateDevices"),
    (67, "navigator.mediaDevices.ondevicechange"),
    (68, "navigator.mediaDevices.getDisplayMediaOnFailure"),
    (70, "MediaStreamTrack.stop"),
    (71, "MediaStreamTrack.applyConstraints"),
    (72, "MediaStreamTrack.onended"),
    (73, "MediaStreamTrack.onmute"),
    (74, "MediaStreamTrack.onunmute"),
    (80, "HTMLMediaElement.resize"),
];

/// Stats type codes (§2.5).
const STATS_TYPES: &[&str] = &[
    "",
    "inbound-rtp",
    "outbound-rtp",
    "remote-inbound-rtp",
    "remote-outbound-rtp",
    "transport",
    "candidate-pair",
    "local-candidate",
    "remote-candidate",
    "data-channel",
    "peer-connection",
    "certificate",
    "media-source",
    "media-playout",
    "codec",
];

/// Property codes (§2.5), including the decode-only ones (167–176). `t` is `timestamp`.
const PROPERTIES: &[(u32, &str)] = &[
    (4, "payloadType"),
    (5, "transportId"),
    (6, "mimeType"),
    (7, "clockRate"),
    (8, "channels"),
    (9, "sdpFmtpLine"),
    (10, "ssrc"),
    (11, "kind"),
    (12, "codecId"),
    (14, "packetsReceived"),
    (15, "packetsLost"),
    (16, "jitter"),
    (17, "trackIdentifier"),
    (18, "mid"),
    (19, "remoteId"),
    (20, "framesDecoded"),
    (21, "keyFramesDecoded"),
    (22, "framesDropped"),
    (23, "frameWidth"),
    (24, "frameHeight"),
    (25, "framesPerSecond"),
    (26, "qpSum"),
    (27, "totalDecodeTime"),
    (28, "totalInterFrameDelay"),
    (29, "totalSquaredInterFrameDelay"),
    (30, "pauseCount"),
    (31, "totalPausesDuration"),
    (32, "freezeCount"),
    (33, "totalFreezesDuration"),
    (34, "lastPacketReceivedTimestamp"),
    (35, "headerBytesReceived"),
    (36, "packetsDiscarded"),
    (37, "fecPacketsReceived"),
    (38, "fecPacketsDiscarded"),
    (39, "fecBytesReceived"),
    (40, "fecSsrc"),
    (41, "bytesReceived"),
    (42, "nackCount"),
    (43, "firCount"),
    (44, "pliCount"),
    (45, "totalProcessingDelay"),
    (46, "estimatedPlayoutTimestamp"),
    (47, "jitterBufferDelay"),
    (48, "jitterBufferTargetDelay"),
    (49, "jitterBufferEmittedCount"),
    (50, "jitterBufferMinimumDelay"),
    (51, "totalSamplesReceived"),
    (52, "concealedSamples"),
    (53, "silentConcealedSamples"),
    (54, "concealmentEvents"),
    (55, "insertedSamplesForDeceleration"),
    (56, "removedSamplesForAcceleration"),
    (57, "audioLevel"),
    (58, "totalAudioEnergy"),
    (59, "totalSamplesDuration"),
    (60, "framesReceived"),
    (61, "decoderImplementation"),
    (62, "playoutId"),
    (63, "powerEfficientDecoder"),
    (64, "framesAssembledFromMultiplePackets"),
    (65, "totalAssemblyTime"),
    (66, "contentType"),
    (67, "googTimingFrameInfo"),
    (68, "retransmittedPacketsReceived"),
    (69, "retransmittedBytesReceived"),
    (70, "rtxSsrc"),
    (71, "totalCorruptionProbability"),
    (72, "totalSquaredCorruptionProbability"),
    (73, "corruptionMeasurements"),
    (74, "localId"),
    (75, "roundTripTime"),
    (76, "totalRoundTripTime"),
    (77, "fractionLost"),
    (78, "roundTripTimeMeasurements"),
    (79, "packetsSent"),
    (80, "bytesSent"),
    (81, "mediaSourceId"),
    (82, "rid"),
    (83, "encodingIndex"),
    (84, "headerBytesSent"),
    (85, "retransmittedPacketsSent"),
    (86, "retransmittedBytesSent"),
    (87, "targetBitrate"),
    (88, "totalEncodedBytesTarget"),
    (89, "framesSent"),
    (90, "hugeFramesSent"),
    (91, "framesEncoded"),
    (92, "keyFramesEncoded"),
    (93, "totalEncodeTime"),
    (94, "totalPacketSendDelay"),
    (95, "qualityLimitationReason"),
    (96, "qualityLimitationDurations"),
    (97, "qualityLimitationResolutionChanges"),
    (98, "encoderImplementation"),
    (99, "powerEfficientEncoder"),
    (100, "active"),
    (101, "scalabilityMode"),
    (102, "remoteTimestamp"),
    (103, "reportsSent"),
    (104, "echoReturnLoss"),
    (105, "echoReturnLossEnhancement"),
    (106, "width"),
    (107, "height"),
    (108, "frames"),
    (109, "synthesizedSamplesDuration"),
    (110, "synthesizedSamplesEvents"),
    (111, "totalPlayoutDelay"),
    (112, "totalSamplesCount"),
    (113, "dataChannelsOpened"),
    (114, "dataChannelsClosed"),
    (115, "label"),
    (116, "protocol"),
    (117, "dataChannelIdentifier"),
    (118, "state"),
    (119, "messagesSent"),
    (120, "messagesReceived"),
    (121, "iceRole"),
    (122, "iceLocalUsernameFragment"),
    (123, "dtlsState"),
    (124, "iceState"),
    (125, "selectedCandidatePairId"),
    (126, "localCertificateId"),
    (127, "remoteCertificateId"),
    (128, "tlsVersion"),
    (129, "dtlsCipher"),
    (130, "dtlsRole"),
    (131, "srtpCipher"),
    (132, "selectedCandidatePairChanges"),
    (133, "rtcpTransportStatsId"),
    (134, "address"),
    (135, "port"),
    (136, "candidateType"),
    (137, "priority"),
    (138, "url"),
    (139, "relayProtocol"),
    (140, "foundation"),
    (141, "relatedAddress"),
    (142, "relatedPort"),
    (143, "usernameFragment"),
    (144, "tcpType"),
    (145, "networkType"),
    (148, "localCandidateId"),
    (149, "remoteCandidateId"),
    (150, "nominated"),
    (151, "lastPacketSentTimestamp"),
    (152, "currentRoundTripTime"),
    (153, "availableOutgoingBitrate"),
    (154, "availableIncomingBitrate"),
    (155, "requestsReceived"),
    (156, "requestsSent"),
    (157, "responsesReceived"),
    (158, "responsesSent"),
    (159, "consentRequestsSent"),
    (160, "packetsDiscardedOnSend"),
    (161, "bytesDiscardedOnSend"),
    (163, "fingerprint"),
    (164, "fingerprintAlgorithm"),
    (165, "base64Certificate"),
    (166, "issuerCertificateId"),
    (167, "psnrMeasurements"),
    (168, "psnrSum"),
    (169, "packetsReceivedWithEct1"),
    (170, "packetsReceivedWithCe"),
    (171, "packetsReportedAsLost"),
    (172, "packetsReportedAsLostButRecovered"),
    (173, "packetsWithBleachedEct1Marking"),
    (174, "packetsSentWithEct1"),
    (175, "ccfbMessagesSent"),
    (176, "ccfbMessagesReceived"),
];

static PROPERTY_BY_CODE: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    let mut map: HashMap<String, &'static str> = PROPERTIES
        .iter()
        .map(|(code, name)| (code.to_string(), *name))
        .collect();
    map.insert("t".to_owned(), "timestamp");
    map
});

/// Decodes a v3 method: a number, a numeric string or `"g"`. Unknown codes and plain names
/// come back as given (JS semantics: `table[39]` and `table["39"]` are the same lookup).
pub fn method_name(code: &serde_json::Value) -> Option<std::borrow::Cow<'static, str>> {
    use serde_json::Value;
    match code {
        Value::String(s) if s == "g" => Some("getStats".into()),
        Value::String(s) => match s.parse::<u32>() {
            Ok(n) if s.bytes().all(|b| b.is_ascii_digit()) => Some(method_by_number(n)),
            _ => Some(s.clone().into()),
        },
        Value::Number(n) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(method_by_number(n)),
            None => Some(n.to_string().into()),
        },
        _ => None,
    }
}

fn method_by_number(n: u32) -> std::borrow::Cow<'static, str> {
    match METHODS.binary_search_by_key(&n, |(c, _)| *c) {
        Ok(i) => METHODS[i].1.into(),
        Err(_) => n.to_string().into(),
    }
}

/// Property names by their own spelling, so that a parsed report's keys can point at the
/// table instead of allocating a copy of a name already known.
static PROPERTY_BY_NAME: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, &'static str> =
        PROPERTIES.iter().map(|(_, name)| (*name, *name)).collect();
    for name in [
        "id",
        "type",
        "timestamp",
        "kind",
        "ssrc",
        "transportId",
        "codecId",
        "mid",
    ] {
        map.insert(name, name);
    }
    map
});

/// A property name, decoded (`"80"` → `bytesSent`), as a `'static` name from the table when it
/// is a known code or a known full name; `None` for any other key.
pub fn static_property(key: &str) -> Option<&'static str> {
    PROPERTY_BY_CODE
        .get(key)
        .or_else(|| PROPERTY_BY_NAME.get(key))
        .copied()
}

/// A compressed stats type code (`2` → `outbound-rtp`), if the table knows it.
pub fn stats_type_by_code(code: u64) -> Option<&'static str> {
    usize::try_from(code)
        .ok()
        .and_then(|i| STATS_TYPES.get(i))
        .copied()
        .filter(|name| !name.is_empty())
}

/// Decodes a compressed property name (`"80"` → `bytesSent`, `"t"` → `timestamp`); other names
/// come back unchanged.
pub fn property_name(key: &str) -> &str {
    PROPERTY_BY_CODE.get(key).copied().unwrap_or(key)
}

/// Decodes a compressed stats type (`2` → `outbound-rtp`); unknown values stay as they are.
pub fn stats_type(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            let code = n.as_u64()?;
            match usize::try_from(code).ok().and_then(|i| STATS_TYPES.get(i)) {
                Some(name) if !name.is_empty() => Some((*name).to_owned()),
                _ => Some(n.to_string()),
            }
        }
        Value::String(s) => match s.parse::<usize>() {
            Ok(i) if s.bytes().all(|b| b.is_ascii_digit()) => match STATS_TYPES.get(i) {
                Some(name) if !name.is_empty() => Some((*name).to_owned()),
                _ => Some(s.clone()),
            },
            _ => Some(s.clone()),
        },
        _ => None,
    }
}

/// W3C stats types (webrtc-stats), including obsolete ones and rtcstats-js's pseudo-report.
/// Reports of any other type are legacy Chrome stats, whose numbers arrive as strings.
const STANDARD_TYPES: &[&str] = &[
    "candidate-pair",
    "certificate",
    "codec",
    "compute-pressure",
    "csrc",
    "data-channel",
    "ice-server",
    "inbound-rtp",
    "local-candidate",
    "media-playout",
    "media-source",
    "outbound-rtp",
    "peer-connection",
    "receiver",
    "remote-candidate",
    "remote-inbound-rtp",
    "remote-outbound-rtp",
    "sctp-transport",
    "sender",
    "stream",
    "track",
    "transceiver",
    "transport",
];

/// Whether `report_type` is a W3C stats type (as opposed to a legacy `goog` one).
pub fn is_standard_type(report_type: &str) -> bool {
    STANDARD_TYPES.binary_search(&report_type).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(METHODS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(STANDARD_TYPES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn method_codes() {
        assert_eq!(method_name(&json!("g")).unwrap(), "getStats");
        assert_eq!(method_name(&json!(1)).unwrap(), "getStats");
        assert_eq!(method_name(&json!(39)).unwrap(), "create");
        assert_eq!(method_name(&json!("39")).unwrap(), "create");
        assert_eq!(
            method_name(&json!(65)).unwrap(),
            "navigator.mediaDevices.getUserMediaOnFailure"
        );
        // 62 is dead: it decodes to itself.
        assert_eq!(method_name(&json!(62)).unwrap(), "62");
        assert_eq!(
            method_name(&json!(68)).unwrap(),
            "navigator.mediaDevices.getDisplayMediaOnFailure"
        );
        assert_eq!(method_name(&json!(80)).unwrap(), "HTMLMediaElement.resize");
        assert_eq!(method_name(&json!(999)).unwrap(), "999");
        assert_eq!(method_name(&json!("websocket")).unwrap(), "websocket");
        assert_eq!(method_name(&json!(-3)).unwrap(), "-3");
        assert_eq!(method_name(&json!(null)), None);
    }

    #[test]
    fn property_and_type_codes() {
        assert_eq!(property_name("80"), "bytesSent");
        assert_eq!(property_name("t"), "timestamp");
        assert_eq!(property_name("176"), "ccfbMessagesReceived");
        assert_eq!(property_name("totalFramesDuration"), "totalFramesDuration");
        assert_eq!(property_name("3"), "3");
        assert_eq!(stats_type(&json!(2)).unwrap(), "outbound-rtp");
        assert_eq!(stats_type(&json!("14")).unwrap(), "codec");
        assert_eq!(stats_type(&json!(99)).unwrap(), "99");
        assert_eq!(
            stats_type(&json!("compute-pressure")).unwrap(),
            "compute-pressure"
        );
        assert!(is_standard_type("inbound-rtp"));
        assert!(!is_standard_type("ssrc"));
        assert!(!is_standard_type("VideoBwe"));
    }
}
