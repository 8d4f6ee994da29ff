//! The typed getStats path: an event line of a line format is parsed straight into typed rows
//! (report ids, property names that point into the code table, `f64`s and strings), with no
//! `serde_json::Value` tree for the stats payload, which is nearly all of a dump's bytes.
//! Parsing runs on the rayon pool (see [`super::lines`]); the rows are then folded into
//! [`super::live_reports::LiveReports`] in file order.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::tables::{static_property, stats_type_by_code};

/// A property name: `'static` when the code table knows it, so most names cost nothing.
pub type Name = Cow<'static, str>;

/// One stats property value as parsed, before it enters the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// A JSON number.
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A string.
    Str(Box<str>),
    /// `null`.
    Null,
    /// A nested object (`qualityLimitationDurations`), which v3 deltas merge one level deep.
    Obj(Vec<(Name, Val)>),
    /// An array, as compact JSON text (rare in stats, and only ever shown).
    Array(Box<str>),
}

impl Val {
    /// The value as compact JSON text, as `serde_json` would write the same document
    /// (integers without a fraction).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        use std::fmt::Write;
        match self {
            Val::Num(v) => write_number(out, *v),
            Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Val::Null => out.push_str("null"),
            Val::Str(s) => {
                let _ = write!(out, "{}", Value::String(s.to_string()));
            }
            Val::Array(text) => out.push_str(text),
            Val::Obj(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{}", Value::String(k.to_string()));
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// Integers as integers (`3`, not `3.0`), as they were written; other numbers as
/// `serde_json` writes them.
fn write_number(out: &mut String, v: f64) {
    use std::fmt::Write;
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        let _ = write!(out, "{}", v as i64);
    } else {
        let _ = write!(
            out,
            "{}",
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
        );
    }
}

/// One report's entry in a stats delta.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// `null`: the report is gone.
    Removed,
    /// An object: the properties that arrived, names decoded, in their order.
    Report(Vec<(Name, Val)>),
    /// Any other value where a report belongs: nothing to merge.
    Scalar,
}

/// A getStats payload: report entries in their order, and the delta's own time key (`t` in
/// rtcstats v3, `timestamp` in the legacy formats).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsDelta {
    /// `(report id, entry)` in the order of the payload.
    pub reports: Vec<(Box<str>, Entry)>,
    /// The value of the time key, if present.
    pub time: Option<Val>,
}

/// How a payload's keys are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// rtcstats v3: property names and types may be codes; `t` is the collapsed timestamp.
    V3,
    /// Legacy rtcstats: names as the browser wrote them; `timestamp` is the top-level time.
    Legacy,
}

impl Dialect {
    fn time_key(self) -> &'static str {
        match self {
            Dialect::V3 => "t",
            Dialect::Legacy => "timestamp",
        }
    }

    fn name(self, key: &str) -> Name {
        let known = match self {
            Dialect::V3 => static_property(key),
            // Legacy names are never codes; a digit key stays as it is.
            Dialect::Legacy => static_property(key).filter(|n| *n == key),
        };
        known.map_or_else(|| Cow::Owned(key.to_owned()), Cow::Borrowed)
    }
}

/// An event line of a line format: `[method, connection, payload, …rest]`, the payload typed
/// when the method (per `is_stats`) is a getStats call.
#[derive(Debug, Default)]
pub struct EventLine {
    /// The elements before the payload (method and connection id), as JSON.
    pub head: Vec<Value>,
    /// The third element, if any.
    pub payload: Option<Payload>,
    /// The elements after it, as JSON.
    pub tail: Vec<Value>,
}

impl EventLine {
    /// Number of elements in the line.
    pub fn len(&self) -> usize {
        self.head.len() + usize::from(self.payload.is_some()) + self.tail.len()
    }
}

/// The third element of an event line.
#[derive(Debug)]
pub enum Payload {
    /// A getStats object, typed.
    Stats(StatsDelta),
    /// Anything else, as JSON.
    Json(Value),
}

impl Payload {
    /// The payload as JSON (a typed delta is only described, never needed as a tree).
    pub fn into_json(self) -> Value {
        match self {
            Payload::Json(v) => v,
            Payload::Stats(_) => Value::String("{…}".into()),
        }
    }

    /// What the payload is, for messages ("an object", "a string", …).
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Json(v) => super::kind_of(v),
            Payload::Stats(_) => "an object",
        }
    }
}

/// Why a line is not an event line.
#[derive(Debug)]
pub enum LineError {
    /// Valid JSON, but not an array.
    NotArray,
    /// Not valid JSON.
    Json(serde_json::Error),
}

/// Parses one event line. `is_stats` says, from the method element, whether the payload is a
/// getStats object.
pub fn parse_event_line(
    bytes: &[u8],
    dialect: Dialect,
    is_stats: fn(&Value) -> bool,
) -> Result<EventLine, LineError> {
    let seed = LineSeed { dialect, is_stats };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let line = seed.deserialize(&mut de).map_err(LineError::Json)?;
    de.end().map_err(LineError::Json)?;
    line.ok_or(LineError::NotArray)
}

/// [`parse_event_line`] for a line read from a file: invalid UTF-8 is replaced (U+FFFD) rather
/// than failing the line, and errors are described. `Ok(None)`: valid JSON, not an array.
pub fn read_event_line(
    bytes: &[u8],
    dialect: Dialect,
    is_stats: fn(&Value) -> bool,
) -> Result<Option<EventLine>, String> {
    let parse = |b: &[u8]| match parse_event_line(b, dialect, is_stats) {
        Ok(line) => Ok(Some(line)),
        Err(LineError::NotArray) => Ok(None),
        Err(LineError::Json(e)) => Err(e),
    };
    super::lines::parse_lossy(bytes, parse)
}

/// A getStats payload already parsed as JSON (the v0 document format), typed; the JSON back
/// when it is not an object.
pub fn delta_from_value(value: Value, dialect: Dialect) -> Result<StatsDelta, Value> {
    match value {
        Value::Object(_) => match PayloadSeed(dialect).deserialize(value) {
            Ok(Payload::Stats(d)) => Ok(d),
            Ok(Payload::Json(v)) => Err(v),
            Err(_) => Err(Value::Null),
        },
        other => Err(other),
    }
}

/// A seed that hands the deserializer itself as the visitor (`$how`: what it asks for).
macro_rules! seed {
    ($seed:ty => $value:ty, $how:ident) => {
        impl<'de> DeserializeSeed<'de> for $seed {
            type Value = $value;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.$how(self)
            }
        }
    };
}

/// The scalar visitor methods (`bool`, integers, `f64`, `&str`), each returning `$make(v)`.
macro_rules! visit_scalars {
    ($make:expr) => {
        visit_scalars!($make; visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64,
            visit_str: &str);
    };
    ($make:expr; $($method:ident: $ty:ty),*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            #[allow(clippy::redundant_closure_call)]
            Ok(($make)(v))
        }
    )*};
}

struct LineSeed {
    dialect: Dialect,
    is_stats: fn(&Value) -> bool,
}

seed!(LineSeed => Option<EventLine>, deserialize_any);

impl<'de> Visitor<'de> for LineSeed {
    type Value = Option<EventLine>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut line = EventLine::default();
        while line.head.len() < 2 {
            match seq.next_element::<Value>()? {
                Some(v) => line.head.push(v),
                None => return Ok(Some(line)),
            }
        }
        line.payload = if (self.is_stats)(&line.head[0]) {
            seq.next_element_seed(PayloadSeed(self.dialect))?
        } else {
            seq.next_element::<Value>()?.map(Payload::Json)
        };
        while let Some(v) = seq.next_element::<Value>()? {
            line.tail.push(v);
        }
        Ok(Some(line))
    }

    // Anything that is not an array: consumed (so that trailing bytes are still checked) and
    // refused by the caller.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    visit_scalars!(|_| None);
}

/// The payload element of a getStats line: an object becomes a [`StatsDelta`], anything else
/// stays JSON (and is refused by the decoder with its kind).
struct PayloadSeed(Dialect);

seed!(PayloadSeed => Payload, deserialize_any);

impl<'de> Visitor<'de> for PayloadSeed {
    type Value = Payload;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a getStats object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dialect = self.0;
        let mut delta = StatsDelta::default();
        while let Some(key) = map.next_key_seed(KeySeed(KeyKind::Delta(dialect)))? {
            match key {
                Key::Time => delta.time = Some(map.next_value_seed(ValSeed(dialect))?),
                Key::Id(id) => {
                    let entry = map.next_value_seed(EntrySeed(dialect))?;
                    delta.reports.push((id, entry));
                }
                Key::Name(_) => {}
            }
        }
        Ok(Payload::Stats(delta))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let v = serde::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        Ok(Payload::Json(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Payload::Json(Value::Null))
    }

    visit_scalars!(|v| Payload::Json(Value::from(v)));
}

/// One report's entry.
struct EntrySeed(Dialect);

seed!(EntrySeed => Entry, deserialize_any);

impl<'de> Visitor<'de> for EntrySeed {
    type Value = Entry;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a report")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Ok(Entry::Report(props(map, self.0, true)?))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Entry::Removed)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Entry::Scalar)
    }

    visit_scalars!(|_| Entry::Scalar);
}

/// The properties of one report (`top`) or of a nested object in it. Only a report's own keys
/// are codes; the `type` of a v3 report may be a type code.
fn props<'de, A: MapAccess<'de>>(
    mut map: A,
    dialect: Dialect,
    top: bool,
) -> Result<Vec<(Name, Val)>, A::Error> {
    let mut out = Vec::with_capacity(map.size_hint().unwrap_or(16));
    let kind = if top {
        KeyKind::Property(dialect)
    } else {
        KeyKind::Nested
    };
    while let Some(key) = map.next_key_seed(KeySeed(kind))? {
        let Key::Name(name) = key else { continue };
        let mut value = map.next_value_seed(ValSeed(dialect))?;
        if top && dialect == Dialect::V3 && name == "type" {
            value = decode_type(value);
        }
        out.push((name, value));
    }
    Ok(out)
}

/// What an object key is read as.
#[derive(Clone, Copy)]
enum KeyKind {
    /// A key of the payload: the time key, or a report id.
    Delta(Dialect),
    /// A report's property name, decoded.
    Property(Dialect),
    /// A key of a nested object, as it is.
    Nested,
}

enum Key {
    Time,
    Id(Box<str>),
    Name(Name),
}

/// Reads a key without the intermediate `String` serde would make for a `Cow`: known property
/// names point into the table, and only unknown ones are allocated.
struct KeySeed(KeyKind);

seed!(KeySeed => Key, deserialize_str);

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match self.0 {
            KeyKind::Delta(d) if key == d.time_key() => Key::Time,
            KeyKind::Delta(_) => Key::Id(key.into()),
            KeyKind::Property(d) => Key::Name(d.name(key)),
            KeyKind::Nested => Key::Name(Cow::Owned(key.to_owned())),
        })
    }
}

/// A v3 `type` value: a code (number or digit string) becomes the type's name; an unknown code
/// stays as text.
fn decode_type(value: Val) -> Val {
    match value {
        Val::Num(n) if n >= 0.0 && n.fract() == 0.0 => Val::Str(
            stats_type_by_code(n as u64)
                .map_or_else(|| (n as u64).to_string(), str::to_owned)
                .into(),
        ),
        Val::Num(n) => Val::Str(Val::Num(n).to_json().into()),
        Val::Str(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            match s.parse::<u64>().ok().and_then(stats_type_by_code) {
                Some(name) => Val::Str(name.into()),
                None => Val::Str(s),
            }
        }
        other => other,
    }
}

/// A property value.
struct ValSeed(Dialect);

seed!(ValSeed => Val, deserialize_any);

impl<'de> Visitor<'de> for ValSeed {
    type Value = Val;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a stats value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Val, E> {
        Ok(Val::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Val, E> {
        Ok(Val::Num(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Val, E> {
        Ok(Val::Num(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Val, E> {
        Ok(Val::Num(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Val, E> {
        Ok(Val::Str(v.into()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Val, E> {
        Ok(Val::Str(v.into_boxed_str()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Val, E> {
        Ok(Val::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Val, A::Error> {
        Ok(Val::Obj(props(map, self.0, false)?))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Val, A::Error> {
        let v: Value = serde::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        Ok(Val::Array(v.to_string().into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn always(_: &Value) -> bool {
        true
    }

    fn delta(text: &str, dialect: Dialect) -> StatsDelta {
        let line = parse_event_line(
            format!("[\"g\",\"PC_0\",{text},5]").as_bytes(),
            dialect,
            always,
        )
        .unwrap();
        match line.payload {
            Some(Payload::Stats(d)) => d,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn v3_names_types_and_nesting() {
        let d = delta(
            r#"{"0":{"type":2,"80":100,"96":{"none":1,"cpu":0.5},"11":"video","zz":[1,2]},"1":null,"2":7,"t":1000.5}"#,
            Dialect::V3,
        );
        assert_eq!(d.time, Some(Val::Num(1000.5)));
        assert_eq!(d.reports.len(), 3);
        let Entry::Report(p) = &d.reports[0].1 else {
            panic!()
        };
        assert_eq!(&*d.reports[0].0, "0");
        assert_eq!(
            p[0],
            (Cow::Borrowed("type"), Val::Str("outbound-rtp".into()))
        );
        assert!(matches!(p[1].0, Cow::Borrowed("bytesSent")));
        assert_eq!(p[1].1, Val::Num(100.0));
        assert_eq!(p[2].1.to_json(), r#"{"none":1,"cpu":0.5}"#);
        assert_eq!(p[3], (Cow::Borrowed("kind"), Val::Str("video".into())));
        assert_eq!(p[4].1, Val::Array("[1,2]".into()));
        assert_eq!(d.reports[1].1, Entry::Removed);
        assert_eq!(d.reports[2].1, Entry::Scalar);
    }

    #[test]
    fn legacy_keeps_names_and_time_key() {
        let d = delta(
            r#"{"ssrc_1":{"80":"x","bytesSent":"5","timestamp":0},"timestamp":"2020-01-01T00:00:00Z"}"#,
            Dialect::Legacy,
        );
        assert_eq!(d.time, Some(Val::Str("2020-01-01T00:00:00Z".into())));
        let Entry::Report(p) = &d.reports[0].1 else {
            panic!()
        };
        assert_eq!(p[0].0, "80");
        assert!(matches!(p[1].0, Cow::Borrowed("bytesSent")));
    }

    #[test]
    fn shapes_and_errors() {
        let line =
            parse_event_line(b"[\"x\",null,{\"a\":1},\"e\",3]", Dialect::V3, |_| false).unwrap();
        assert_eq!(line.len(), 5);
        assert!(matches!(
            line.payload,
            Some(Payload::Json(Value::Object(_)))
        ));
        let line = parse_event_line(b"[\"g\",\"p\",[1],3]", Dialect::V3, always).unwrap();
        assert!(matches!(line.payload, Some(Payload::Json(Value::Array(_)))));
        assert!(matches!(
            parse_event_line(b"{\"a\":1}", Dialect::V3, always),
            Err(LineError::NotArray)
        ));
        assert!(matches!(
            parse_event_line(b"[1,2] x", Dialect::V3, always),
            Err(LineError::Json(_))
        ));
        assert!(matches!(
            parse_event_line(b"[\"g\",\"p\",{\"0\":{\"80\":NaN}},1]", Dialect::V3, always),
            Err(LineError::Json(_))
        ));
        assert_eq!(
            parse_event_line(b"[]", Dialect::V3, always).unwrap().len(),
            0
        );
    }

    #[test]
    fn json_text_of_numbers() {
        assert_eq!(Val::Num(3.0).to_json(), "3");
        assert_eq!(Val::Num(-0.25).to_json(), "-0.25");
        assert_eq!(Val::Num(1e300).to_json(), "1e+300");
        assert_eq!(Val::Str("a\"b".into()).to_json(), r#""a\"b""#);
    }
}
