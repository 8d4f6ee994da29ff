//! rtcstats dump format v3 (FORMATS.md §2): `RTCStatsDump`, a metadata object, then one JSON
//! array per event, `[method, connectionId, value, extra…, timeDelta]`.

use std::collections::HashMap;

use serde_json::Value;

use super::builder::{DumpBuilder, RawEvent};
use super::lines::{first_line, for_each_line};
use super::stats_delta::ReportState;
use super::tables::method_name;
use crate::model::{Dump, Format, Location, Timestamp};

/// Decodes a v3 dump. `text` starts with the `RTCStatsDump` line.
pub fn decode(text: &[u8]) -> Dump {
    let mut b = DumpBuilder::new(Format::RtcstatsV3);
    let (_, after_header) = first_line(text);
    let (meta_line, after_meta) = first_line(&text[after_header..]);
    match serde_json::from_slice::<Value>(meta_line) {
        Ok(Value::Object(meta)) => absorb_metadata(&mut b, meta),
        Ok(_) => b.warn("metadata line is not a JSON object", Location::Line(2)),
        Err(e) => b.warn(format!("metadata line is not JSON: {e}"), Location::Line(2)),
    }
    let body = &text[after_header + after_meta..];
    let mut reader = V3Reader::default();
    for_each_line(body, |mut line| {
        line.number += 2;
        match line.json {
            Ok(Value::Array(items)) => reader.event(&mut b, items, line.number),
            Ok(_) => b.warn(
                "event line is not a JSON array; skipped",
                Location::Line(line.number),
            ),
            Err(e) => b.warn(format!("{e}; line skipped"), Location::Line(line.number)),
        }
    });
    b.finish()
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
    stats: HashMap<String, ReportState>,
}

impl V3Reader {
    fn event(&mut self, b: &mut DumpBuilder, mut items: Vec<Value>, line: u64) {
        let location = Location::Line(line);
        if items.len() < 3 {
            b.warn(
                format!(
                    "event has {} elements, at least 3 expected; skipped",
                    items.len()
                ),
                location,
            );
            return;
        }
        // The last element is always the time delta; the first delta is the absolute time.
        let delta = items.pop().unwrap_or(Value::Null);
        match delta.as_f64() {
            Some(d) if d.is_finite() => self.clock += d,
            _ => b.warn(
                format!("time delta {delta} is not a number; the event keeps the previous time"),
                location.clone(),
            ),
        }
        let time = self.clock;
        b.clock.line(time, line);
        let mut items = items.into_iter();
        let method = items.next().unwrap_or(Value::Null);
        let pc = match items.next() {
            Some(Value::String(s)) => Some(s),
            Some(Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        };
        let value = items.next().unwrap_or(Value::Null);
        let extras: Vec<Value> = items.collect();
        let Some(name) = method_name(&method) else {
            b.warn(
                format!("method {method} is neither a code nor a name; skipped"),
                location,
            );
            return;
        };
        if name == "getStats" {
            let Some(pc) = pc else {
                b.warn("getStats without a connection id; skipped", location);
                return;
            };
            b.clock.poll(&pc, time);
            let state = self.stats.entry(pc.clone()).or_default();
            match state.apply_v3(value) {
                Ok(()) => {
                    state.emit(b.stats(&pc, time), time, false);
                    b.stats_event(&pc, time, extras);
                }
                Err(e) => b.warn(format!("{e}; skipped"), location),
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
            value,
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
        let d = decode(text.as_bytes());
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
