//! One vocabulary for event names and state values across formats and Chrome generations
//! (FORMATS.md §2.6 "State values" and §4.4).

use std::borrow::Cow;

use serde_json::Value;

use crate::model::EventKind;

/// Maps an event name of any format to the normalised name: rtcstats method names as they
/// are, and event handlers as spec event names without `on` (`onsignalingstatechange`,
/// `signalingStateChange` → `signalingstatechange`).
pub fn event_name(raw: &str) -> Cow<'_, str> {
    let mapped = match raw {
        // Old Chrome webrtc-internals internal names.
        "signalingStateChange" => "signalingstatechange",
        "iceGatheringStateChange" => "icegatheringstatechange",
        "iceConnectionStateChange" => "iceconnectionstatechange",
        "legacyIceConnectionStateChange" => "legacyiceconnectionstatechange",
        "connectionStateChange" => "connectionstatechange",
        "onIceCandidate" => "icecandidate",
        "onRenegotiationNeeded" => "negotiationneeded",
        "onAddStream" => "addstream",
        "onRemoveStream" => "removestream",
        "stop" => "close",
        // Legacy rtcstats lower-case getStats.
        "getstats" => "getStats",
        _ => {
            // Java/Swift SDKs wrote `…OnError`; fippo's server rewrote it, older dumps did not.
            if let Some(stem) = raw.strip_suffix("OnError") {
                return Cow::Owned(format!("{stem}OnFailure"));
            }
            // rtcstats and new Chrome prefix handler names with `on`; strip it for the plain
            // lower-case DOM event handlers (not for `MediaStreamTrack.onmute` and the like).
            if let Some(rest) = raw.strip_prefix("on")
                && !rest.is_empty()
                && rest.bytes().all(|b| b.is_ascii_lowercase())
            {
                return Cow::Borrowed(rest);
            }
            return Cow::Borrowed(raw);
        }
    };
    Cow::Borrowed(mapped)
}

/// Event names whose value is a state (the model's [`EventKind::StateChange`]).
pub fn is_state_event(name: &str) -> bool {
    EventKind::of(name) == EventKind::StateChange
}

/// Normalises a state value: unquotes JSON-encoded strings (`"\"connected\""`, Chrome ≥ M142)
/// and maps old enum names (`ICEConnectionStateConnected`, `SignalingStateHaveLocalOffer`) to
/// spec names (`connected`, `have-local-offer`).
pub fn state_value(raw: &Value) -> Value {
    let Value::String(s) = raw else {
        return raw.clone();
    };
    let mut s: Cow<'_, str> = Cow::Borrowed(s.trim());
    if s.starts_with('"')
        && let Ok(Value::String(inner)) = serde_json::from_str::<Value>(&s)
    {
        s = Cow::Owned(inner);
    }
    const PREFIXES: &[&str] = &[
        "SignalingState",
        "ICEGatheringState",
        "IceGatheringState",
        "ICEConnectionState",
        "IceConnectionState",
        "PeerConnectionState",
        "ConnectionState",
    ];
    for prefix in PREFIXES {
        if let Some(rest) = s.strip_prefix(prefix)
            && rest.starts_with(|c: char| c.is_ascii_uppercase())
        {
            return Value::String(kebab_case(rest));
        }
    }
    Value::String(s.into_owned())
}

/// `HaveLocalPrAnswer` → `have-local-pranswer`.
fn kebab_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.char_indices() {
        if c.is_ascii_uppercase() {
            // `PrAnswer` is one word in the spec enum (`have-local-pranswer`).
            if i > 0 && !camel[..i].ends_with("Pr") {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_names_across_generations() {
        for (raw, want) in [
            ("onsignalingstatechange", "signalingstatechange"),
            ("signalingstatechange", "signalingstatechange"),
            ("signalingStateChange", "signalingstatechange"),
            ("oniceconnectionstatechange", "iceconnectionstatechange"),
            ("iceConnectionStateChange", "iceconnectionstatechange"),
            ("onconnectionstatechange", "connectionstatechange"),
            ("onicegatheringstatechange", "icegatheringstatechange"),
            ("onicecandidate", "icecandidate"),
            ("onIceCandidate", "icecandidate"),
            ("icecandidate", "icecandidate"),
            ("onnegotiationneeded", "negotiationneeded"),
            ("onRenegotiationNeeded", "negotiationneeded"),
            ("ontrack", "track"),
            ("ondatachannel", "datachannel"),
            ("ondtlsstatechange", "dtlsstatechange"),
            ("stop", "close"),
            ("getstats", "getStats"),
            ("createOfferOnError", "createOfferOnFailure"),
            ("MediaStreamTrack.onmute", "MediaStreamTrack.onmute"),
            ("createOffer", "createOffer"),
            ("transceiverAdded", "transceiverAdded"),
            ("on", "on"),
        ] {
            assert_eq!(event_name(raw), want, "{raw}");
        }
    }

    #[test]
    fn state_values() {
        for (raw, want) in [
            (json!("connected"), json!("connected")),
            (json!("\"connected\""), json!("connected")),
            (json!("SignalingStateStable"), json!("stable")),
            (
                json!("SignalingStateHaveLocalOffer"),
                json!("have-local-offer"),
            ),
            (
                json!("SignalingStateHaveRemotePrAnswer"),
                json!("have-remote-pranswer"),
            ),
            (json!("ICEGatheringStateGathering"), json!("gathering")),
            (json!("ICEConnectionStateCompleted"), json!("completed")),
            (json!("ICEConnectionStateFailed"), json!("failed")),
            (json!(null), json!(null)),
        ] {
            assert_eq!(state_value(&raw), want, "{raw}");
        }
    }
}
