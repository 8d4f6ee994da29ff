//! Legacy rtcstats (FORMATS.md §3): fippo rtcstats-server v1/v2 (a metadata object line, then
//! `[method, pc, value, epochMs]`), Jitsi rtcstats-server (`connectionInfo`, sequence numbers
//! after the time), and the single-object v0.

use std::collections::HashMap;
use std::io::Read;
use std::ops::ControlFlow;

use serde_json::Value;

use super::builder::{DumpBuilder, RawEvent};
use super::lines::{StreamEnd, parse_value};
use super::live_reports::{
    LegacyDialect, LiveReports, not_stats_message, timestamp_of_json as timestamp_of,
};
use super::typed::{Dialect, EventLine, Payload, delta_from_value, read_event_line};
use super::{LineRun, kind_of};
use crate::model::{Dump, Format, Location, Timestamp};

/// One line of a legacy dump, parsed.
enum Item {
    /// The first line, when it is an object: fippo rtcstats-server's metadata.
    Metadata(Value),
    Event(EventLine),
    NotArray,
}

fn is_get_stats(method: &Value) -> bool {
    matches!(method.as_str(), Some("getstats" | "getStats"))
}

/// Decodes a line-based legacy dump. `head` is its first bytes, which choose the dialect.
pub fn decode(
    reader: impl Read + Send,
    head: &[u8],
    run: &LineRun,
) -> (Dump, Result<(), StreamEnd>) {
    let mut b = DumpBuilder::new(Format::RtcstatsLegacy);
    let mut reader_state = LegacyReader {
        dialect: if is_jitsi(head) {
            LegacyDialect::Jitsi
        } else {
            LegacyDialect::Fippo
        },
        use_event_time: false,
        last_time: f64::NAN,
        stats: HashMap::new(),
    };
    let parse = |number: u64, bytes: &[u8]| {
        if number == 1
            && let Ok(Value::Object(meta)) = parse_value(bytes)
        {
            return Ok(Item::Metadata(Value::Object(meta)));
        }
        read_event_line(bytes, Dialect::Legacy, is_get_stats)
            .map(|l| l.map_or(Item::NotArray, Item::Event))
    };
    let end = run.stream(reader, parse, |line| {
        let location = Location::Line(line.number);
        match line.parsed {
            Ok(Item::Metadata(meta)) => {
                // fippo rtcstats-server: `fileFormat: 2`, or v1 without it, whose clients sent
                // no usable report timestamps (stats are placed at the event time, as FDI does).
                reader_state.use_event_time =
                    meta.get("fileFormat").and_then(Value::as_u64).unwrap_or(1) < 2;
                absorb_connection_info(&mut b, &meta, None);
            }
            Ok(Item::Event(event)) => reader_state.event(&mut b, event, line.number),
            Ok(Item::NotArray) => b.warn("event line is not a JSON array; skipped", location),
            Err(e) => b.warn(format!("{e}; line skipped"), location),
        }
        run.preview.offer(&b);
        ControlFlow::Continue(())
    });
    (b.finish(), end)
}

/// Jitsi dumps start with `connectionInfo` or carry `identity` lines (§3.3 recommendation).
fn is_jitsi(text: &[u8]) -> bool {
    let head = text.trim_ascii_start();
    head.starts_with(b"[\"connectionInfo\"")
        || head.starts_with(b"[\"identity\"")
        || text.windows(12).any(|w| w == b"\n[\"identity\"")
}

fn absorb_connection_info(b: &mut DumpBuilder, info: &Value, time: Option<f64>) {
    // Jitsi may send the connectionInfo object as a JSON string.
    let parsed;
    let info = match info {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(v) => {
                parsed = v;
                &parsed
            }
            Err(_) => return,
        },
        v => v,
    };
    let Some(obj) = info.as_object() else { return };
    let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
    let client = &mut b.dump.client;
    client.user_agent = client.user_agent.take().or(text("userAgent"));
    client.url = client.url.take().or(text("url")).or(text("origin"));
    let start = obj.get("time").and_then(timestamp_of).or(time);
    client.start_time = client.start_time.or(start.map(Timestamp));
    for (k, v) in obj {
        client.metadata.insert(k.clone(), v.clone());
    }
}

struct LegacyReader {
    dialect: LegacyDialect,
    last_time: f64,
    use_event_time: bool,
    stats: HashMap<String, LiveReports>,
}

impl LegacyReader {
    fn event(&mut self, b: &mut DumpBuilder, line: EventLine, number: u64) {
        let location = Location::Line(number);
        let len = line.len();
        if len < 3 {
            b.warn(
                format!("event has {len} elements, at least 3 expected; skipped"),
                location,
            );
            return;
        }
        // Jitsi appends a sequence number after the time: the time is element 3 of 5, which
        // is always in the tail (a line of 3 has no time).
        let time_at = if len == 5 {
            Some(0)
        } else {
            len.checked_sub(4)
        };
        let time = match time_at
            .and_then(|i| line.tail.get(i))
            .and_then(timestamp_of)
        {
            Some(t) if len > 3 => t,
            // Some Jitsi events (`e2eRtt`) are written without a time.
            _ => {
                b.warn(
                    "event has no time; placed at the previous event's time",
                    location.clone(),
                );
                self.last_time
            }
        };
        self.last_time = time;
        let mut head = line.head.into_iter();
        let name = match head.next() {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => return,
        };
        let pc = match head.next() {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        // connectionInfo carries the server's time of writing, not the client's clock.
        if name != "connectionInfo" {
            b.clock.line(time, number, pc.as_deref());
        }
        if name == "getstats" || name == "getStats" {
            let Some(pc) = b.stats_connection(pc, "getstats", time, &location) else {
                return;
            };
            match line.payload {
                Some(Payload::Stats(delta)) => {
                    let state = self.stats.entry(pc.clone()).or_default();
                    state.apply_legacy(delta, self.dialect);
                    state.emit(b.stats(&pc, time), time, self.use_event_time);
                }
                other => b.warn(not_stats_message("getstats", other.as_ref()), location),
            }
            return;
        }
        let value = line.payload.map_or(Value::Null, Payload::into_json);
        match name.as_str() {
            "connectionInfo" => {
                absorb_connection_info(b, &value, Some(time));
                return;
            }
            "identity" | "publicIP" => {
                // An identity line marks a Jitsi dump even when the first lines did not.
                if name == "identity" {
                    self.dialect = LegacyDialect::Jitsi;
                }
                b.dump.client.metadata.insert(name.clone(), value.clone());
            }
            // A closed connection is polled no more: its delta state can go.
            "close" => {
                if let Some(pc) = &pc {
                    self.stats.remove(pc);
                }
            }
            _ => {}
        }
        b.push_event(RawEvent {
            pc,
            name,
            value,
            extras: Vec::new(),
            time,
            location,
        });
    }
}

/// Decodes a v0 dump: one JSON object `{getUserMedia: [{time, type, value}], peerConnections:
/// {id: [{time, type, value}]}, userAgent, url, …}` with ISO times.
pub fn decode_v0(doc: serde_json::Map<String, Value>) -> Dump {
    let mut b = DumpBuilder::new(Format::RtcstatsLegacy);
    let meta: serde_json::Map<String, Value> = doc
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "getUserMedia" | "peerConnections"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    absorb_connection_info(&mut b, &Value::Object(meta), None);
    let entry_parts = |e: &Value| {
        let time = e.get("time").and_then(timestamp_of)?;
        let name = e.get("type")?.as_str()?.to_owned();
        Some((time, name, e.get("value").cloned().unwrap_or(Value::Null)))
    };
    if let Some(Value::Array(gum)) = doc.get("getUserMedia") {
        for (i, e) in gum.iter().enumerate() {
            let location = Location::Key(format!("getUserMedia/{i}"));
            match entry_parts(e) {
                Some((time, name, value)) => b.push_event(RawEvent {
                    pc: None,
                    name,
                    value,
                    extras: Vec::new(),
                    time,
                    location,
                }),
                None => b.warn("entry without time or type; skipped", location),
            }
        }
    }
    let mut states: HashMap<String, LiveReports> = HashMap::new();
    if let Some(Value::Object(pcs)) = doc.get("peerConnections") {
        for (id, events) in pcs {
            let Some(events) = events.as_array() else {
                continue;
            };
            for (i, e) in events.iter().enumerate() {
                let location = Location::Key(format!("peerConnections/{id}/{i}"));
                let Some((time, name, value)) = entry_parts(e) else {
                    b.warn("entry without time or type; skipped", location);
                    continue;
                };
                if name == "getStats" || name == "getstats" {
                    let state = states.entry(id.clone()).or_default();
                    match delta_from_value(value, Dialect::Legacy) {
                        Ok(delta) => {
                            state.apply_legacy(delta, LegacyDialect::Fippo);
                            state.emit(b.stats(id, time), time, false);
                        }
                        Err(v) => b.warn(
                            format!("getstats value is {}, not an object", kind_of(&v)),
                            location,
                        ),
                    }
                    continue;
                }
                b.push_event(RawEvent {
                    pc: Some(id.clone()),
                    name,
                    value,
                    extras: Vec::new(),
                    time,
                    location,
                });
            }
        }
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MediaOutcome;

    #[test]
    fn jitsi_lines_with_sequence_numbers() {
        let text = concat!(
            "[\"connectionInfo\",null,\"{\\\"userAgent\\\":\\\"UA\\\",\\\"url\\\":\\\"https://m/x\\\"}\",100]\n",
            "[\"create\",\"PC_0\",{},200,1]\n",
            "[\"getstats\",\"PC_0\",{\"A\":{\"timestamp\":0,\"type\":\"ssrc\",\"bytesSent\":\"10\"},\"B\":{\"timestamp\":0,\"type\":\"transport\"},\"timestamp\":300},300,2]\n",
            "[\"getstats\",\"PC_0\",{\"A\":{\"timestamp\":0,\"bytesSent\":\"20\"},\"timestamp\":400},400,3]\n",
            "[\"oniceconnectionstatechange\",\"PC_0\",\"ICEConnectionStateConnected\",250,4]\n",
        );
        let (d, end) = decode(text.as_bytes(), text.as_bytes(), &LineRun::default());
        assert!(end.is_ok());
        assert_eq!(d.client.user_agent.as_deref(), Some("UA"));
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
            .map(|p| p.1)
            .collect();
        assert_eq!(pts, vec![10.0, 20.0]);
        // Jitsi dialect: B was absent from the second delta, so it is gone.
        assert_eq!(pc.stats.report("B").unwrap().timestamps.len(), 1);
    }

    #[test]
    fn fippo_v2_with_metadata_line() {
        let text = concat!(
            "{\"path\":\"/p\",\"origin\":\"https://o\",\"url\":\"https://o/p\",\"userAgent\":\"UA2\",\"time\":1000,\"fileFormat\":2}\n",
            "[\"publicIP\",null,[\"1.2.3.4\"],1001]\n",
            "[\"getUserMedia\",null,{\"audio\":true},1002]\n",
            "[\"getUserMediaOnFailure\",null,\"NotAllowedError\",1003]\n",
            "[\"close\",null,null,1004]"
        );
        let (d, end) = decode(text.as_bytes(), text.as_bytes(), &LineRun::default());
        assert!(end.is_ok());
        assert_eq!(d.client.url.as_deref(), Some("https://o/p"));
        assert_eq!(d.client.start_time, Some(Timestamp(1000.0)));
        assert!(matches!(
            d.get_user_media[0].outcome,
            MediaOutcome::Failure { .. }
        ));
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn v0_document() {
        let doc = serde_json::json!({
            "userAgent": "UA0", "url": "https://o/p",
            "getUserMedia": [{"time": "2016-01-01T00:00:00.000Z", "type": "getUserMedia", "value": {"audio": true}}],
            "peerConnections": {"PC_0": [
                {"time": "2016-01-01T00:00:01.000Z", "type": "create", "value": {}},
                {"time": "2016-01-01T00:00:02.000Z", "type": "onsignalingstatechange", "value": "have-local-offer"},
                {"type": "broken"}
            ]}
        });
        let Value::Object(doc) = doc else {
            unreachable!()
        };
        let d = decode_v0(doc);
        assert_eq!(d.peer_connections.len(), 1);
        assert_eq!(
            d.peer_connections[0].state_changes("signalingstatechange"),
            vec!["have-local-offer"]
        );
        assert_eq!(d.warnings.len(), 1);
        assert_eq!(
            d.warnings[0].location.to_string(),
            "key peerConnections/PC_0/2"
        );
    }
}
