//! rtcstats dump format v3 (FORMATS.md §2): `RTCStatsDump`, a metadata object, then one JSON
//! array per event, `[method, connectionId, value, extra…, timeDelta]`.

use std::collections::HashMap;
use std::io::Read;
use std::ops::ControlFlow;

use serde_json::Value;

use super::LineRun;
use super::builder::{DumpBuilder, RawEvent};
use super::lines::{StreamEnd, parse_value};
use super::live_reports::{LiveReports, not_stats_message};
use super::tables::method_name;
use super::typed::{Dialect, EventLine, Payload, read_event_line};
use crate::model::{Dump, Format, Location, Timestamp};

/// One line of a v3 dump, parsed.
enum Item {
    Header,
    Metadata(Result<Value, String>),
    Event(EventLine),
    NotArray,
}

/// Whether a v3 method element is getStats (`"g"`, code 1, or the name).
fn is_get_stats(method: &Value) -> bool {
    match method {
        Value::String(s) => s == "g" || s == "getStats" || s == "1",
        Value::Number(n) => n.as_u64() == Some(1),
        _ => false,
    }
}

/// Decodes a v3 dump from a stream that starts with the `RTCStatsDump` line.
pub fn decode(reader: impl Read + Send, run: &LineRun) -> (Dump, Result<(), StreamEnd>) {
    let mut b = DumpBuilder::new(Format::RtcstatsV3);
    let mut reader_state = V3Reader::default();
    let parse = |number: u64, bytes: &[u8]| match number {
        1 => Ok(Item::Header),
        2 => Ok(Item::Metadata(parse_value(bytes))),
        _ => read_event_line(bytes, Dialect::V3, is_get_stats)
            .map(|l| l.map_or(Item::NotArray, Item::Event)),
    };
    let end = run.stream(reader, parse, |line| {
        let location = Location::Line(line.number);
        match line.parsed {
            Ok(Item::Header) => {}
            Ok(Item::Metadata(Ok(Value::Object(meta)))) => absorb_metadata(&mut b, meta),
            Ok(Item::Metadata(Ok(_))) => b.warn("metadata line is not a JSON object", location),
            Ok(Item::Metadata(Err(e))) => {
                b.warn(format!("metadata line is not JSON: {e}"), location)
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

fn absorb_metadata(b: &mut DumpBuilder, meta: serde_json::Map<String, Value>) {
    let text = |k: &str| meta.get(k).and_then(Value::as_str).map(str::to_owned);
    let client = &mut b.dump.client;
    client.user_agent = text("userAgent");
    client.url = match (text("origin"), text("url")) {
        (Some(o), Some(u)) if !u.starts_with("http") => Some(format!(
            "{}/{}",
            o.trim_end_matches('/'),
            u.trim_start_matches('/')
        )),
        (_, Some(u)) => Some(u),
        (Some(o), None) => Some(o),
        (None, None) => None,
    };
    client.start_time = meta.get("startTime").and_then(Value::as_f64).map(Timestamp);
    client.metadata = meta;
}

/// Per-file decoding state: the running clock and each connection's decoded reports.
#[derive(Default)]
struct V3Reader {
    clock: f64,
    stats: HashMap<String, LiveReports>,
}

impl V3Reader {
    fn event(&mut self, b: &mut DumpBuilder, mut line: EventLine, number: u64) {
        let location = Location::Line(number);
        if line.len() < 3 {
            b.warn(
                format!(
                    "event has {} elements, at least 3 expected; skipped",
                    line.len()
                ),
                location,
            );
            return;
        }
        // The last element is always the time delta; the first delta is the absolute time.
        let delta = match line.tail.pop() {
            Some(v) => v,
            None => line.payload.take().map_or(Value::Null, Payload::into_json),
        };
        match delta.as_f64() {
            Some(d) if d.is_finite() => self.clock += d,
            _ => b.warn(
                format!("time delta {delta} is not a number; the event keeps the previous time"),
                location.clone(),
            ),
        }
        let time = self.clock;
        let mut head = line.head.into_iter();
        let method = head.next().unwrap_or(Value::Null);
        let pc = match head.next() {
            Some(Value::String(s)) => Some(s),
            Some(Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        };
        b.clock.line(time, number, pc.as_deref());
        let extras = line.tail;
        let Some(name) = method_name(&method) else {
            b.warn(
                format!("method {method} is neither a code nor a name; skipped"),
                location,
            );
            return;
        };
        if name == "getStats" {
            let Some(pc) = b.stats_connection(pc, "getStats", time, &location) else {
                return;
            };
            match line.payload {
                Some(Payload::Stats(delta)) => {
                    let state = self.stats.entry(pc.clone()).or_default();
                    state.apply_v3(delta);
                    state.emit(b.stats(&pc, time), time, false);
                    b.stats_event(&pc, time, extras);
                }
                other => b.warn(not_stats_message("getStats", other.as_ref()), location),
            }
            return;
        }
        // A closed connection is polled no more: its delta state can go.
        if name == "close"
            && let Some(pc) = &pc
        {
            self.stats.remove(pc);
        }
        b.push_event(RawEvent {
            pc,
            name: name.into_owned(),
            value: line.payload.map_or(Value::Null, Payload::into_json),
            extras,
            time,
            location,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_methods_and_stats() {
        let text = concat!(
            "RTCStatsDump\n",
            "{\"fileFormat\":3,\"userAgent\":\"UA\",\"origin\":\"https://a.b\",\"url\":\"/room\"}\n",
            "[39,\"PC_0\",{\"iceServers\":[]},1000]\n",
            "[23,\"PC_0\",\"have-local-offer\",10]\n",
            "[\"g\",\"PC_0\",{\"0\":{\"type\":5,\"80\":7},\"t\":1005},\"connected-0\",5]\n",
            "[\"g\",\"PC_0\",{\"0\":{\"80\":9},\"t\":2005},-1]\n",
            "not json\n",
            "[25,\"PC_0\",\"connected\",2]\n",
            "[36,\"PC_0\""
        );
        let (d, end) = decode(text.as_bytes(), &LineRun::default());
        assert!(end.is_ok());
        assert_eq!(d.client.user_agent.as_deref(), Some("UA"));
        assert_eq!(d.client.url.as_deref(), Some("https://a.b/room"));
        let pc = &d.peer_connections[0];
        assert_eq!(pc.created, Some(Timestamp(1000.0)));
        assert_eq!(pc.events[1].time, Timestamp(1010.0));
        // The polled getStats is not listed, the one with a reason is.
        assert_eq!(pc.events.iter().filter(|e| e.name == "getStats").count(), 1);
        let conn = pc
            .events
            .iter()
            .find(|e| e.name == "connectionstatechange")
            .unwrap();
        assert_eq!(conn.time, Timestamp(1016.0));
        let r = &pc.stats.reports[0];
        assert_eq!(r.report_type, "transport");
        let pts: Vec<_> = r
            .series("bytesSent")
            .unwrap()
            .points(&r.timestamps)
            .collect();
        assert_eq!(
            pts,
            vec![(Timestamp(1005.0), 7.0), (Timestamp(2005.0), 9.0)]
        );
        let lines: Vec<_> = d.warnings.iter().map(|w| w.location.to_string()).collect();
        assert_eq!(lines, vec!["line 7", "line 9"]);
    }
}
