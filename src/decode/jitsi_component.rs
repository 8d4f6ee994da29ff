//! Jitsi backend component dumps (JVB, Jicofo, Jigasi; FORMATS.md §3.4): one request object
//! per line, `{statsSessionId, type, data, timestamp}`. Not peer-connection data: recognised
//! and summarised so that it is not mistaken for a broken browser dump.

use serde_json::Value;

use super::lines::for_each_line;
use crate::model::{ComponentSummary, Dump, Format, Location, Timestamp, Warning};

/// Decodes a component dump into a [`ComponentSummary`].
pub fn decode(text: &[u8]) -> Dump {
    let mut summary = ComponentSummary::default();
    let mut warnings = Vec::new();
    let mut range: Option<(f64, f64)> = None;
    // Some producers write several objects on one line; a streaming reader splits them.
    for_each_objects(text, &mut warnings, |obj| {
        if let Some(id) = obj.get("statsSessionId").and_then(Value::as_str)
            && !summary.session_ids.iter().any(|s| s == id)
        {
            summary.session_ids.push(id.to_owned());
        }
        let kind = obj
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("(no type)");
        match summary.entries_by_type.iter_mut().find(|(k, _)| k == kind) {
            Some((_, n)) => *n += 1,
            None => summary.entries_by_type.push((kind.to_owned(), 1)),
        }
        // `data` is usually a JSON string of component-specific stats.
        let data = match obj.get("data") {
            Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::String(s.clone())),
            Some(v) => v.clone(),
            None => Value::Null,
        };
        if kind == "identity" {
            if summary.application.is_none() {
                summary.application = data
                    .get("applicationName")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
            }
            summary.identities.push(data);
        }
        if let Some(t) = obj.get("timestamp").and_then(Value::as_f64) {
            let r = range.get_or_insert((t, t));
            r.0 = r.0.min(t);
            r.1 = r.1.max(t);
        }
    });
    summary.time_range = range.map(|(a, b)| (Timestamp(a), Timestamp(b)));
    Dump {
        format: Format::JitsiComponent,
        component: Some(summary),
        warnings,
        ..Dump::default()
    }
}

fn for_each_objects(
    text: &[u8],
    warnings: &mut Vec<Warning>,
    mut f: impl FnMut(&serde_json::Map<String, Value>),
) {
    let mut lines = Vec::new();
    for_each_line(text, |line| lines.push(line));
    for line in lines {
        match line.json {
            Ok(Value::Object(obj)) => f(&obj),
            Ok(_) => warnings.push(Warning {
                message: "line is not a JSON object; skipped".into(),
                location: Location::Line(line.number),
            }),
            Err(_) => {
                // Several objects on one line: read them as a stream.
                let start = line.offset as usize;
                let end = text[start..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len(), |i| start + i);
                let stream =
                    serde_json::Deserializer::from_slice(&text[start..end]).into_iter::<Value>();
                for item in stream {
                    match item {
                        Ok(Value::Object(obj)) => f(&obj),
                        Ok(_) => {}
                        Err(e) => {
                            warnings.push(Warning {
                                message: format!("invalid JSON: {e}; rest of line skipped"),
                                location: Location::Line(line.number),
                            });
                            break;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_entries() {
        let text = concat!(
            "{\"statsSessionId\":\"s1\",\"type\":\"identity\",\"data\":\"{\\\"applicationName\\\":\\\"JVB\\\"}\",\"timestamp\":5}\n",
            "{\"statsSessionId\":\"s1\",\"type\":\"stats-entry\",\"data\":\"{}\",\"timestamp\":9}",
            "{\"statsSessionId\":\"s1\",\"type\":\"stats-entry\",\"data\":\"{}\",\"timestamp\":7}\n",
        );
        let d = decode(text.as_bytes());
        let c = d.component.unwrap();
        assert_eq!(c.application.as_deref(), Some("JVB"));
        assert_eq!(
            c.entries_by_type,
            vec![("identity".into(), 1), ("stats-entry".into(), 2)]
        );
        assert_eq!(c.time_range, Some((Timestamp(5.0), Timestamp(9.0))));
        assert!(d.warnings.is_empty());
    }
}
