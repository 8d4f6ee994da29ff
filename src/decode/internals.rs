//! Chrome webrtc-internals JSON (FORMATS.md §4).
//!
//! The document is walked once with serde seeds that write into [`DocState`] as they go, so
//! that a truncated or corrupt file still yields everything before the fault. The big part of
//! these files is the `stats` series, whose `values` are JSON arrays encoded as strings: they
//! are borrowed from the input without copying, then parsed in parallel, one report at a time
//! ([`super::internals_series`]).

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::builder::{DumpBuilder, RawEvent};
use super::internals_series::{RawSeries, build_stats};
use super::stats_delta::timestamp_of;
use super::timefmt::parse_locale_datetime;
use crate::model::{
    Dump, Format, Location, MediaOutcome, MediaRequest, MediaRequestKind, MediaTrack, Timestamp,
};

/// What the walk collected, borrowing from the input where it can.
#[derive(Default)]
pub(super) struct DocState<'de> {
    pcs: Vec<PcState<'de>>,
    get_user_media: Vec<Value>,
    top: serde_json::Map<String, Value>,
    /// The document had `peerConnections` (lower case): it is a legacy rtcstats v0 dump.
    pub lowercase_pcs: bool,
    /// The document had `PeerConnections`.
    pub has_pcs: bool,
    saw_get_user_media: bool,
}

impl DocState<'_> {
    /// Whether the walk saw any key that only a webrtc-internals dump has.
    pub fn is_recognised(&self) -> bool {
        self.has_pcs || self.saw_get_user_media || self.top.contains_key("UserAgent")
    }
}

#[derive(Default)]
struct PcState<'de> {
    id: String,
    url: Option<String>,
    configuration: Option<String>,
    constraints: Option<String>,
    update_log: Vec<Value>,
    series: Vec<RawSeries<'de>>,
}

/// Walks the document. Returns the state, and the parse error if the walk stopped early.
pub(super) fn walk(text: &[u8]) -> (DocState<'_>, Option<serde_json::Error>) {
    let mut state = DocState::default();
    let mut de = serde_json::Deserializer::from_slice(text);
    let result = (&mut de)
        .deserialize_map(TopVisitor { state: &mut state })
        .and_then(|()| de.end());
    (state, result.err())
}

/// Decodes a walked document into a [`Dump`].
pub(super) fn decode(state: DocState<'_>, error: Option<(String, u64)>) -> Dump {
    let mut b = DumpBuilder::new(Format::WebrtcInternals);
    if let Some((message, offset)) = error {
        b.warn(
            format!("{message}; everything before this point was decoded"),
            Location::Byte(offset),
        );
    }
    let DocState {
        mut pcs,
        get_user_media,
        top,
        ..
    } = state;
    for (k, v) in &top {
        match k.as_str() {
            "UserAgent" => b.dump.client.user_agent = v.as_str().map(str::to_owned),
            "UserAgentData" => b.set_user_agent_data(v),
            _ => {}
        }
    }
    b.dump.client.metadata = top;
    decode_media(&mut b, get_user_media);

    // Series of all connections are built together so that the pool stays busy even when one
    // connection holds most of the data.
    let groups: Vec<(usize, Vec<RawSeries<'_>>)> = pcs
        .iter_mut()
        .enumerate()
        .map(|(i, pc)| (i, std::mem::take(&mut pc.series)))
        .collect();
    let mut built = build_stats(groups, pcs.len());
    for (i, pc) in pcs.into_iter().enumerate() {
        decode_update_log(&mut b, &pc.id, pc.update_log);
        let parse_field = |s: Option<String>| {
            s.filter(|s| !s.is_empty())
                .map(|s| serde_json::from_str(&s).unwrap_or(Value::String(s)))
        };
        b.set_pc_info(
            &pc.id,
            pc.url,
            parse_field(pc.configuration),
            parse_field(pc.constraints),
        );
        if let Some((stats, warnings)) = built.get_mut(i).and_then(Option::take) {
            b.set_stats(&pc.id, stats);
            b.dump.warnings.extend(warnings);
        }
    }
    b.finish()
}

fn decode_update_log(b: &mut DumpBuilder, pc: &str, log: Vec<Value>) {
    let mut last_time = f64::NAN;
    let mut warned_time = false;
    for (i, entry) in log.into_iter().enumerate() {
        let location = Location::Key(format!("PeerConnections/{pc}/updateLog/{i}"));
        let Value::Object(mut entry) = entry else {
            b.warn("update log entry is not an object; skipped", location);
            continue;
        };
        let name = match entry.remove("type") {
            Some(Value::String(s)) => s,
            _ => {
                b.warn("update log entry without a type; skipped", location);
                continue;
            }
        };
        let time = entry
            .get("timestamp")
            .and_then(timestamp_of)
            .filter(|t| *t > 0.0)
            .or_else(|| {
                entry
                    .get("time")
                    .and_then(Value::as_str)
                    .and_then(parse_locale_datetime)
            });
        let time = match time {
            Some(t) => t,
            None => {
                if !warned_time {
                    b.warn(
                        "update log entry without a readable time; placed after the previous entry",
                        location.clone(),
                    );
                    warned_time = true;
                }
                last_time
            }
        };
        last_time = time;
        let value = match entry.remove("value") {
            Some(Value::String(s)) => event_value(&name, &s),
            Some(v) => v,
            None => Value::Null,
        };
        b.push_event(RawEvent {
            pc: Some(pc.to_owned()),
            name,
            value,
            extras: Vec::new(),
            time,
            location,
        });
    }
}

/// Update log values are strings: empty, JSON, or old pseudo-formats (§4.4).
pub fn event_value(name: &str, raw: &str) -> Value {
    let t = raw.trim();
    if t.is_empty() {
        return Value::Null;
    }
    if (t.starts_with('{') || t.starts_with('"') || t.starts_with('['))
        && let Ok(v) = serde_json::from_str::<Value>(t)
    {
        return v;
    }
    if let Some(rest) = t.strip_prefix("type: ") {
        let (ty, sdp) = rest.split_once(", sdp: ").unwrap_or((rest, ""));
        return serde_json::json!({"type": ty.trim_end_matches(','), "sdp": sdp});
    }
    if matches!(
        name,
        "onIceCandidate" | "icecandidate" | "onicecandidate" | "addIceCandidate"
    ) && t.contains("candidate: ")
    {
        let mut obj = serde_json::Map::new();
        for part in t.split(", ") {
            if let Some((k, v)) = part.split_once(": ") {
                let v = match k {
                    "sdpMLineIndex" => v
                        .parse::<u64>()
                        .map_or(Value::String(v.into()), Value::from),
                    _ => Value::String(v.to_owned()),
                };
                obj.insert(k.to_owned(), v);
            }
        }
        return Value::Object(obj);
    }
    Value::String(raw.to_owned())
}

/// The `getUserMedia` array: request entries (with `origin`) and responses matched to them by
/// `(pid, rid, request_id)` (§4.5).
fn decode_media(b: &mut DumpBuilder, entries: Vec<Value>) {
    let key = |e: &Value| {
        let n = |k: &str| e.get(k).map(|v| v.to_string()).unwrap_or_default();
        let t = e
            .get("request_type")
            .and_then(Value::as_str)
            .unwrap_or("getUserMedia");
        format!("{t}-{}-{}-{}", n("rid"), n("pid"), n("request_id"))
    };
    for e in &entries {
        if e.get("origin").is_none() {
            continue;
        }
        let kind = match e.get("request_type").and_then(Value::as_str) {
            Some("getDisplayMedia") => MediaRequestKind::GetDisplayMedia,
            _ => MediaRequestKind::GetUserMedia,
        };
        let mut constraints = serde_json::Map::new();
        for k in ["audio", "video"] {
            if let Some(Value::String(s)) = e.get(k) {
                // An empty constraint string means `true`.
                let v = if s.is_empty() {
                    Value::Bool(true)
                } else {
                    serde_json::from_str(s).unwrap_or(Value::String(s.clone()))
                };
                constraints.insert(k.to_owned(), v);
            }
        }
        b.push_media_request(MediaRequest {
            kind,
            time: Timestamp(
                e.get("timestamp")
                    .and_then(Value::as_f64)
                    .unwrap_or(f64::NAN),
            ),
            constraints: Value::Object(constraints),
            correlation: Some(key(e)),
            outcome: MediaOutcome::Pending,
        });
    }
    for (i, e) in entries.iter().enumerate() {
        if e.get("origin").is_some() {
            continue;
        }
        let time = Timestamp(
            e.get("timestamp")
                .and_then(Value::as_f64)
                .unwrap_or(f64::NAN),
        );
        let outcome = if let Some(err) = e.get("error").and_then(Value::as_str) {
            let msg = e.get("error_message").and_then(Value::as_str).unwrap_or("");
            let error = if msg.is_empty() {
                err.to_owned()
            } else {
                format!("{err}: {msg}")
            };
            MediaOutcome::Failure { time, error }
        } else {
            let stream_id = e
                .get("stream_id")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let tracks = [("audio", "audio_track_info"), ("video", "video_track_info")]
                .iter()
                .filter_map(|(kind, k)| {
                    let info: Value = serde_json::from_str(e.get(*k)?.as_str()?).ok()?;
                    Some(MediaTrack {
                        kind: (*kind).to_owned(),
                        id: info.get("id")?.as_str()?.to_owned(),
                        label: info
                            .get("label")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                        stream_id: stream_id.clone(),
                    })
                })
                .collect();
            MediaOutcome::Success { time, tracks }
        };
        if !b.push_media_outcome(&key(e), outcome) {
            b.warn(
                "getUserMedia response without a matching request",
                Location::Key(format!("getUserMedia/{i}")),
            );
        }
    }
}

// ---- The streaming walk -------------------------------------------------------------------

/// A string that borrows from the input when it has no escapes.
struct CowStr<'de>(Cow<'de, str>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for CowStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = CowStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

struct TopVisitor<'a, 'de> {
    state: &'a mut DocState<'de>,
}

impl<'de> Visitor<'de> for TopVisitor<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a webrtc-internals dump object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<CowStr<'de>>()? {
            match key.0.as_ref() {
                "PeerConnections" => {
                    self.state.has_pcs = true;
                    map.next_value_seed(PcsSeed { state: self.state })?;
                }
                "getUserMedia" => {
                    self.state.saw_get_user_media = true;
                    map.next_value_seed(PushEach {
                        out: &mut self.state.get_user_media,
                    })?;
                }
                "peerConnections" => {
                    self.state.lowercase_pcs = true;
                    map.next_value::<IgnoredAny>()?;
                }
                other => {
                    let v: Value = map.next_value()?;
                    self.state.top.insert(other.to_owned(), v);
                }
            }
        }
        Ok(())
    }
}

/// Deserialises a sequence of values, pushing each as it completes.
struct PushEach<'a> {
    out: &'a mut Vec<Value>,
}

impl<'de> DeserializeSeed<'de> for PushEach<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PushEach<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            self.out.push(v);
        }
        Ok(())
    }
    // Anything else is ignored rather than failing the whole document.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
}

struct PcsSeed<'a, 'de> {
    state: &'a mut DocState<'de>,
}

impl<'de> DeserializeSeed<'de> for PcsSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PcsSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of peer connections")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(id) = map.next_key::<CowStr<'de>>()? {
            self.state.pcs.push(PcState {
                id: id.0.into_owned(),
                ..PcState::default()
            });
            let pc = self.state.pcs.last_mut().expect("just pushed");
            map.next_value_seed(PcSeed { pc })?;
        }
        Ok(())
    }
}

struct PcSeed<'a, 'de> {
    pc: &'a mut PcState<'de>,
}

impl<'de> DeserializeSeed<'de> for PcSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

fn text_of(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

impl<'de> Visitor<'de> for PcSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a peer connection object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<CowStr<'de>>()? {
            match key.0.as_ref() {
                "stats" => map.next_value_seed(StatsSeed {
                    out: &mut self.pc.series,
                })?,
                "updateLog" => map.next_value_seed(PushEach {
                    out: &mut self.pc.update_log,
                })?,
                "url" => self.pc.url = text_of(map.next_value()?),
                "rtcConfiguration" => self.pc.configuration = text_of(map.next_value()?),
                "constraints" => self.pc.constraints = text_of(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct StatsSeed<'a, 'de> {
    out: &'a mut Vec<RawSeries<'de>>,
}

impl<'de> DeserializeSeed<'de> for StatsSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StatsSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of stats series")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<CowStr<'de>>()? {
            let entry: SeriesEntry<'de> = map.next_value()?;
            // `{}` is an empty series.
            if let Some(values) = entry.values {
                self.out.push(RawSeries {
                    key: key.0,
                    stats_type: entry.stats_type.map(|s| s.0),
                    start_time: entry.start_time.map(|s| s.0),
                    end_time: entry.end_time.map(|s| s.0),
                    values: values.0,
                });
            }
        }
        Ok(())
    }
}

#[derive(serde::Deserialize)]
struct SeriesEntry<'a> {
    #[serde(rename = "startTime", borrow, default)]
    start_time: Option<CowStr<'a>>,
    #[serde(rename = "endTime", borrow, default)]
    end_time: Option<CowStr<'a>>,
    #[serde(rename = "statsType", borrow, default)]
    stats_type: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    values: Option<CowStr<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn update_log_values_across_generations() {
        assert_eq!(event_value("x", ""), Value::Null);
        assert_eq!(
            event_value("onsignalingstatechange", "\"stable\""),
            json!("stable")
        );
        assert_eq!(
            event_value("setLocalDescription", "type: offer, sdp: v=0\r\na=x"),
            json!({"type": "offer", "sdp": "v=0\r\na=x"})
        );
        assert_eq!(
            event_value(
                "onIceCandidate",
                "sdpMid: 0, sdpMLineIndex: 0, candidate: candidate:1 1 udp 2 1.2.3.4 5 typ host"
            ),
            json!({"sdpMid": "0", "sdpMLineIndex": 0, "candidate": "candidate:1 1 udp 2 1.2.3.4 5 typ host"})
        );
        assert_eq!(
            event_value("createOffer", "{\"iceRestart\":true}"),
            json!({"iceRestart": true})
        );
        assert_eq!(
            event_value("x", "SignalingStateStable"),
            json!("SignalingStateStable")
        );
    }
}
