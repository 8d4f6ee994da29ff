//! Chrome webrtc-internals JSON (FORMATS.md §4).
//!
//! These documents reach hundreds of megabytes, almost all of it in `PeerConnections`. A
//! structural scanner ([`super::json_scan`]) streams the input on its own thread and cuts out
//! one connection at a time; rayon workers decode connections in parallel as they arrive (a
//! bounded channel keeps only a few in flight), so the whole document is never in memory and
//! peak memory stays near the size of the decoded model. Inside a connection, serde seeds
//! write into [`PcState`] as they go, so that a truncated or corrupt connection still yields
//! everything before the fault; the `values` strings of its stats are borrowed, not copied,
//! and parsed in parallel per report ([`super::internals_series`]).

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use rayon::prelude::*;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::builder::{DumpBuilder, RawEvent};
use super::internals_series::{EndAligned, RawSeries, build_report_set};
use super::json_scan::{ScanError, Scanner};
use super::live_reports::timestamp_of_json as timestamp_of;
use super::timefmt::parse_locale_datetime;
use super::{DecodeError, Location};
use crate::model::{
    Dump, Format, MediaOutcome, MediaRequest, MediaRequestKind, MediaTrack, Stats, Timestamp,
    Warning,
};

/// Connections cut out but not yet decoded, at most.
const IN_FLIGHT: usize = 4;

/// What one connection's object holds, borrowing from its bytes where it can.
#[derive(Default)]
struct PcState<'de> {
    url: Option<String>,
    configuration: Option<String>,
    constraints: Option<String>,
    /// Update log entries, kept as raw JSON and parsed after the walk.
    update_log: Vec<&'de RawValue>,
    series: Vec<RawSeries<'de>>,
}

/// One connection's bytes, as cut out by the scanner.
struct PcChunk {
    index: usize,
    id: String,
    bytes: Vec<u8>,
    /// Input offset of `bytes[0]`.
    offset: u64,
    /// The input ended inside this connection (the scanner reports that).
    truncated: bool,
}

/// A decoded connection.
struct PcResult {
    index: usize,
    id: String,
    url: Option<String>,
    configuration: Option<String>,
    constraints: Option<String>,
    log: Vec<LogEntry>,
    stats: Stats,
    warnings: Vec<Warning>,
    end_aligned: EndAligned,
}

/// The document outside `PeerConnections`.
#[derive(Default)]
struct TopLevel {
    members: serde_json::Map<String, Value>,
    has_pcs: bool,
    /// `peerConnections` (lower case): a legacy rtcstats v0 document.
    lowercase_pcs: Option<Value>,
    error: Option<ScanError>,
}

/// Decodes a webrtc-internals document (or a legacy v0 one) from a stream that starts at its
/// opening `{`.
pub(super) fn decode_stream<R: Read + Send>(reader: R) -> Result<Dump, DecodeError> {
    let (tx, rx) = sync_channel::<PcChunk>(IN_FLIGHT);
    let (top, mut results) = std::thread::scope(|scope| {
        let scanner = scope.spawn(move || scan_document(reader, tx));
        let results: Vec<PcResult> = decode_chunks(rx);
        let top = match scanner.join() {
            Ok(top) => top,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (top, results)
    });
    results.sort_by_key(|r| r.index);
    assemble(top, results)
}

fn decode_chunks(rx: Receiver<PcChunk>) -> Vec<PcResult> {
    rx.into_iter().par_bridge().map(decode_pc).collect()
}

/// Walks the top level, sending each connection to the decoders as soon as it is complete.
fn scan_document<R: Read>(reader: R, tx: SyncSender<PcChunk>) -> TopLevel {
    let mut s = Scanner::new(reader);
    let mut top = TopLevel::default();
    if let Err(e) = scan_members(&mut s, &tx, &mut top) {
        top.error = Some(e);
    }
    top
}

fn scan_members<R: Read>(
    s: &mut Scanner<R>,
    tx: &SyncSender<PcChunk>,
    top: &mut TopLevel,
) -> Result<(), ScanError> {
    s.consume(b'{', "'{'")?;
    if s.peek()? == Some(b'}') {
        return Ok(());
    }
    loop {
        let key = s.key()?;
        match key.as_str() {
            "PeerConnections" => {
                top.has_pcs = true;
                scan_connections(s, tx)?;
            }
            _ => {
                let (bytes, offset) = s.value()?;
                match serde_json::from_slice::<Value>(&bytes) {
                    Ok(v) if key == "peerConnections" => top.lowercase_pcs = Some(v),
                    Ok(v) => {
                        top.members.insert(key, v);
                    }
                    Err(e) => {
                        return Err(ScanError::Unexpected {
                            expected: "a JSON value",
                            found: bytes
                                .get(e.column().saturating_sub(1))
                                .copied()
                                .unwrap_or(b' '),
                            offset,
                        });
                    }
                }
            }
        }
        if !s.next_member(b'}')? {
            return Ok(());
        }
    }
}

fn scan_connections<R: Read>(
    s: &mut Scanner<R>,
    tx: &SyncSender<PcChunk>,
) -> Result<(), ScanError> {
    s.consume(b'{', "'{' (the PeerConnections object)")?;
    if s.peek()? == Some(b'}') {
        s.consume(b'}', "'}'")?;
        return Ok(());
    }
    let mut index = 0;
    loop {
        let id = s.key()?;
        let offset = s.offset();
        let (bytes, truncated, error) = match s.value_partial() {
            Ok((bytes, _)) => (bytes, false, None),
            Err((bytes, e)) => (bytes, true, Some(e)),
        };
        if !bytes.is_empty() {
            // The decoders are gone only if they panicked; the scanner then just stops.
            let _ = tx.send(PcChunk {
                index,
                id,
                bytes,
                offset,
                truncated,
            });
        }
        if let Some(e) = error {
            return Err(e);
        }
        index += 1;
        if !s.next_member(b'}')? {
            return Ok(());
        }
    }
}

/// Decodes one connection (on a rayon worker).
fn decode_pc(chunk: PcChunk) -> PcResult {
    let mut pc = PcState::default();
    let mut warnings = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(&chunk.bytes);
    let walked = PcSeed { pc: &mut pc }.deserialize(&mut de);
    // A connection cut by the end of the input is reported once, by the scanner.
    if let Err(e) = walked
        && !chunk.truncated
    {
        warnings.push(Warning {
            message: format!(
                "{}; the rest of this connection was skipped",
                super::describe_json_error(&e)
            ),
            location: Location::Byte(
                chunk.offset + super::byte_offset(&chunk.bytes, e.line(), e.column()),
            ),
        });
    }
    let PcState {
        url,
        configuration,
        constraints,
        update_log,
        series,
    } = pc;
    let (stats, series_warnings, end_aligned) = build_report_set(&chunk.id, series);
    warnings.extend(series_warnings);
    PcResult {
        index: chunk.index,
        log: parse_update_log(update_log),
        id: chunk.id,
        url,
        configuration,
        constraints,
        stats,
        warnings,
        end_aligned,
    }
}

/// Puts the document together once every connection is decoded.
fn assemble(top: TopLevel, results: Vec<PcResult>) -> Result<Dump, DecodeError> {
    let TopLevel {
        mut members,
        has_pcs,
        lowercase_pcs,
        error,
    } = top;
    if let Some(ScanError::Io(e)) = &error
        && let Some(fatal) = super::fatal(e)
    {
        return Err(fatal);
    }
    if let Some(pcs) = lowercase_pcs
        && !has_pcs
    {
        members.insert("peerConnections".into(), pcs);
        return Ok(super::rtcstats_legacy::decode_v0(members));
    }
    let recognised =
        has_pcs || members.contains_key("getUserMedia") || members.contains_key("UserAgent");
    if !recognised {
        return Err(match error {
            Some(e) => DecodeError::Malformed {
                message: e.to_string(),
                location: e.offset().map_or(Location::Input, Location::Byte),
            },
            None => DecodeError::UnknownFormat(
                "a JSON object without PeerConnections, getUserMedia or UserAgent".into(),
            ),
        });
    }
    let mut b = DumpBuilder::new(Format::WebrtcInternals);
    if let Some(e) = error {
        let message = match &e {
            ScanError::Io(io) => {
                format!("the input stream is cut or corrupt ({io}); decoded what came before")
            }
            other => format!("{other}; everything before this point was decoded"),
        };
        let at = e.offset().map_or(Location::Input, Location::Byte);
        b.dump.integrity.cut_at = Some(at.clone());
        b.warn(message, at);
    }
    if let Some(ua) = members.get("UserAgent").and_then(Value::as_str) {
        b.dump.client.user_agent = Some(ua.to_owned());
    }
    if let Some(uad) = members.get("UserAgentData").cloned() {
        b.set_user_agent_data(&uad);
    }
    if let Some(Value::Array(gum)) = members.remove("getUserMedia") {
        decode_media(&mut b, gum);
    }
    b.dump.client.metadata = members;
    let mut end_aligned = EndAligned::default();
    for pc in results {
        end_aligned.merge(pc.end_aligned);
        push_update_log(&mut b, &pc.id, pc.log);
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
        b.set_stats(&pc.id, pc.stats);
        b.dump.warnings.extend(pc.warnings);
    }
    b.dump.warnings.extend(end_aligned.warning());
    Ok(b.finish())
}

/// One update log entry, parsed and normalised (or why not).
enum LogEntry {
    Event {
        name: String,
        time: Option<f64>,
        value: Value,
    },
    Bad(&'static str),
}

/// Parses the raw entries of one connection's update log (runs on the rayon pool).
fn parse_update_log(raw: Vec<&RawValue>) -> Vec<LogEntry> {
    raw.into_iter()
        .map(|r| {
            let Ok(Value::Object(mut entry)) = serde_json::from_str::<Value>(r.get()) else {
                return LogEntry::Bad("update log entry is not an object; skipped");
            };
            let name = match entry.remove("type") {
                Some(Value::String(s)) => s,
                _ => return LogEntry::Bad("update log entry without a type; skipped"),
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
            let value = match entry.remove("value") {
                Some(Value::String(s)) => event_value(&name, &s),
                Some(v) => v,
                None => Value::Null,
            };
            LogEntry::Event { name, time, value }
        })
        .collect()
}

/// Adds a parsed update log to the dump; entries without a readable time are placed after
/// the previous one.
fn push_update_log(b: &mut DumpBuilder, pc: &str, log: Vec<LogEntry>) {
    let mut last_time = f64::NAN;
    let mut warned_time = false;
    for (i, entry) in log.into_iter().enumerate() {
        let location = Location::Key(format!("PeerConnections/{pc}/updateLog/{i}"));
        let (name, time, value) = match entry {
            LogEntry::Event { name, time, value } => (name, time, value),
            LogEntry::Bad(why) => {
                b.warn(why, location);
                continue;
            }
        };
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
    // The SDP keeps its own line endings: take it from the untrimmed value.
    if let Some(rest) = raw.trim_start().strip_prefix("type: ") {
        let (ty, sdp) = rest.split_once(", sdp: ").unwrap_or((rest.trim_end(), ""));
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

/// Collects the elements of an array as raw JSON, each as soon as it is complete.
struct PushRaw<'a, 'de> {
    out: &'a mut Vec<&'de RawValue>,
}

impl<'de> DeserializeSeed<'de> for PushRaw<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PushRaw<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<&'de RawValue>()? {
            self.out.push(v);
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
                "updateLog" => map.next_value_seed(PushRaw {
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
                    values: Cow::Borrowed(values.get()),
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
    values: Option<&'a RawValue>,
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
            event_value("setLocalDescription", "type: offer, sdp: v=0\r\na=x\r\n"),
            json!({"type": "offer", "sdp": "v=0\r\na=x\r\n"})
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
