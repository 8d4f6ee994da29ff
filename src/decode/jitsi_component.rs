//! Jitsi backend component dumps (JVB, Jicofo, Jigasi; FORMATS.md §3.4): one request object
//! per line, `{statsSessionId, type, data, timestamp}`. Not peer-connection data: recognised
//! and summarised so that it is not mistaken for a broken browser dump.

use std::io::Read;
use std::ops::ControlFlow;

use serde_json::Value;

use super::LineRun;
use super::lines::{StreamEnd, parse_value};
use crate::model::{ComponentSummary, Dump, Format, Location, Timestamp, Warning};

/// Decodes a component dump into a [`ComponentSummary`].
pub fn decode(reader: impl Read + Send, run: &LineRun) -> (Dump, Result<(), StreamEnd>) {
    let mut summary = ComponentSummary::default();
    let mut warnings = Vec::new();
    let mut range: Option<(f64, f64)> = None;
    let end = for_each_objects(reader, run, &mut warnings, |obj| {
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
    let dump = Dump {
        format: Format::JitsiComponent,
        component: Some(summary),
        warnings,
        ..Dump::default()
    };
    (dump, end)
}

/// One line: its objects, and why the rest of it could not be read.
struct Objects {
    values: Vec<Value>,
    /// The line was one JSON value, not an object.
    not_object: bool,
    error: Option<String>,
}

fn parse_objects(bytes: &[u8]) -> Objects {
    match parse_value(bytes) {
        Ok(v) => Objects {
            not_object: !v.is_object(),
            values: vec![v],
            error: None,
        },
        // Some producers write several objects on one line: read them as a stream.
        Err(_) => {
            let mut values = Vec::new();
            let mut error = None;
            for item in serde_json::Deserializer::from_slice(bytes).into_iter::<Value>() {
                match item {
                    Ok(v) => values.push(v),
                    Err(e) => {
                        error = Some(format!("invalid JSON: {e}; rest of line skipped"));
                        break;
                    }
                }
            }
            Objects {
                values,
                not_object: false,
                error,
            }
        }
    }
}

fn for_each_objects(
    reader: impl Read + Send,
    run: &LineRun,
    warnings: &mut Vec<Warning>,
    mut f: impl FnMut(&serde_json::Map<String, Value>),
) -> Result<(), StreamEnd> {
    run.stream(
        reader,
        |_, bytes| Ok(parse_objects(bytes)),
        |line| {
            let location = Location::Line(line.number);
            match line.parsed {
                Ok(objects) => {
                    if objects.not_object {
                        warnings.push(Warning {
                            message: "line is not a JSON object; skipped".into(),
                            location: location.clone(),
                        });
                    }
                    for v in &objects.values {
                        if let Value::Object(obj) = v {
                            f(obj);
                        }
                    }
                    if let Some(message) = objects.error {
                        warnings.push(Warning { message, location });
                    }
                }
                Err(message) => warnings.push(Warning { message, location }),
            }
            ControlFlow::Continue(())
        },
    )
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
        let (d, end) = decode(text.as_bytes(), &LineRun::default());
        assert!(end.is_ok());
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
