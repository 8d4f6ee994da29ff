//! The `values` member of a webrtc-internals series (FORMATS.md §4.3): a JSON array encoded as
//! a string, parsed a second time. Numbers take a fast path (most samples are numbers); the
//! non-numeric samples become a change list.

use std::borrow::Cow;

use serde_json::Value;

/// A parsed `values` array: numbers in place, `NaN` where the sample was not a number, and
/// the non-numeric samples as a change list.
#[derive(Default, Debug, PartialEq)]
pub struct ParsedValues {
    /// One entry per sample.
    pub numbers: Vec<f64>,
    /// `(index, value)` where a non-numeric sample differs from the previous non-numeric one
    /// (`null` samples are neither).
    pub changes: Vec<(usize, Value)>,
    /// The members of samples that are objects (`qualityLimitationDurations`), by key in
    /// first-seen order, each with one entry per sample: a nested object becomes a series
    /// per member rather than JSON text per sample.
    pub members: Vec<(String, ParsedValues)>,
}

impl ParsedValues {
    /// Sample `idx`, an object: each member goes to its own values.
    fn push_object(&mut self, idx: usize, map: serde_json::Map<String, Value>) {
        self.numbers.push(f64::NAN);
        for (key, v) in map {
            let j = match self.members.iter().position(|(k, _)| *k == key) {
                Some(j) => j,
                None => {
                    self.members.push((key, ParsedValues::default()));
                    self.members.len() - 1
                }
            };
            let m = &mut self.members[j].1;
            m.numbers.resize(idx, f64::NAN);
            m.push_value(idx, v);
        }
    }

    /// Sample `idx`, already parsed.
    fn push_value(&mut self, idx: usize, v: Value) {
        match v {
            Value::Number(n) => self.numbers.push(n.as_f64().unwrap_or(f64::NAN)),
            Value::Null => self.numbers.push(f64::NAN),
            Value::String(s) => self.push_text(idx, &s),
            Value::Object(map) => self.push_object(idx, map),
            other => self.push_other(idx, other),
        }
    }

    /// Pads every member to one entry per sample.
    fn finish(mut self) -> Self {
        let n = self.numbers.len();
        self.members = std::mem::take(&mut self.members)
            .into_iter()
            .map(|(k, mut m)| {
                m.numbers.resize(n, f64::NAN);
                (k, m.finish())
            })
            .collect();
        self
    }

    fn push_other(&mut self, idx: usize, v: Value) {
        self.numbers.push(f64::NAN);
        if self.changes.last().is_none_or(|(_, last)| *last != v) {
            self.changes.push((idx, v));
        }
    }

    fn push_text(&mut self, idx: usize, text: &str) {
        self.numbers.push(f64::NAN);
        let same = matches!(self.changes.last(), Some((_, Value::String(last))) if last == text);
        if !same {
            self.changes.push((idx, Value::String(text.to_owned())));
        }
    }

    /// Drops the oldest `n` samples, keeping the value in force at the new first sample.
    pub fn drop_front(&mut self, n: usize) {
        for (_, m) in &mut self.members {
            m.drop_front(n);
        }
        self.numbers.drain(..n);
        let in_force = self.changes.iter().rposition(|(i, _)| *i < n);
        let keep_from = in_force.unwrap_or(0);
        let mut changes: Vec<(usize, Value)> = self.changes.drain(keep_from..).collect();
        for (i, _) in &mut changes {
            *i = i.saturating_sub(n);
        }
        // Two changes may now sit at index 0: the one in force wins only if none starts there.
        if changes.len() > 1 && changes[1].0 == 0 {
            changes.remove(0);
        }
        self.changes = changes;
    }
}

/// The array text of a raw `values` member: the content of the JSON string (borrowed when it
/// has no escapes), or a bare array as is.
pub fn values_text(raw: &str) -> Result<Cow<'_, str>, String> {
    let t = raw.trim();
    if t.starts_with('[') {
        return Ok(Cow::Borrowed(t));
    }
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        let inner = &t[1..t.len() - 1];
        if !inner.contains('\\') {
            return Ok(Cow::Borrowed(inner));
        }
        return serde_json::from_str::<String>(t)
            .map(Cow::Owned)
            .map_err(|e| format!("values is not a valid string: {e}"));
    }
    Err("values is neither a string nor an array".into())
}

/// Powers of ten that are exact in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Parses a JSON number token. Plain decimals whose digits fit in 53 bits take Clinger's fast
/// path (an exact integer divided by an exact power of ten is correctly rounded); anything
/// else (exponents, long mantissas) goes to the standard library's parser.
pub fn parse_number(token: &str) -> Option<f64> {
    let b = token.as_bytes();
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0usize;
    let mut frac: Option<usize> = None;
    let mut ok = !digits.is_empty();
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                count += 1;
                if let Some(f) = frac.as_mut() {
                    *f += 1;
                }
            }
            b'.' if frac.is_none() => frac = Some(0),
            _ => {
                ok = false;
                break;
            }
        }
    }
    let scale = frac.unwrap_or(0);
    if ok && count > 0 && count <= 15 && scale < POW10.len() && frac != Some(0) {
        let v = mantissa as f64 / POW10[scale];
        return Some(if neg { -v } else { v });
    }
    token.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses the array text of a `values` member. Numbers take a fast path; strings without
/// escapes, booleans and `null` too; anything else goes through serde_json. Stops at the
/// first malformed element.
pub fn parse_values(text: &str) -> Result<ParsedValues, String> {
    let b = text.as_bytes();
    let mut out = ParsedValues::default();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return Err("values is not a JSON array".into());
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        return Ok(out);
    }
    loop {
        let idx = out.numbers.len();
        match b.get(i) {
            None => return Err(format!("values array ends early after {idx} samples")),
            Some(c) if c.is_ascii_digit() || *c == b'-' => {
                let end = i + b[i..]
                    .iter()
                    .position(|c| matches!(c, b',' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                    .unwrap_or(b.len() - i);
                let v = parse_number(&text[i..end])
                    .ok_or_else(|| format!("sample {idx} is not a number: {}", &text[i..end]))?;
                out.numbers.push(v);
                i = end;
            }
            Some(b'n') if b[i..].starts_with(b"null") => {
                out.numbers.push(f64::NAN);
                i += 4;
            }
            Some(b't') if b[i..].starts_with(b"true") => {
                out.push_other(idx, Value::Bool(true));
                i += 4;
            }
            Some(b'f') if b[i..].starts_with(b"false") => {
                out.push_other(idx, Value::Bool(false));
                i += 5;
            }
            Some(b'"')
                if let Some(len) = b[i + 1..].iter().position(|&c| c == b'"' || c == b'\\')
                    && b[i + 1 + len] == b'"' =>
            {
                out.push_text(idx, &text[i + 1..i + 1 + len]);
                i += len + 2;
            }
            Some(_) => {
                let mut stream =
                    serde_json::Deserializer::from_str(&text[i..]).into_iter::<Value>();
                match stream.next() {
                    Some(Ok(v)) => {
                        out.push_value(idx, v);
                        i += stream.byte_offset();
                    }
                    _ => return Err(format!("sample {idx} is not valid JSON")),
                }
            }
        }
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') => return Ok(out.finish()),
            _ => {
                return Err(format!(
                    "values array is malformed after {} samples",
                    out.numbers.len()
                ));
            }
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_are_split_into_members() {
        let p = parse_values(
            r#"[{"none":1,"cpu":0},null,{"none":2,"cpu":0.5,"why":"x"},{"none":3,"deep":{"a":4}}]"#,
        )
        .unwrap();
        assert!(p.numbers.iter().all(|v| v.is_nan()));
        assert!(p.changes.is_empty());
        let member = |k: &str| &p.members.iter().find(|(m, _)| m == k).unwrap().1;
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let nan = f64::NAN;
        assert_eq!(bits(&member("none").numbers), bits(&[1.0, nan, 2.0, 3.0]));
        assert_eq!(bits(&member("cpu").numbers), bits(&[0.0, nan, 0.5, nan]));
        assert_eq!(member("why").changes, vec![(2, json!("x"))]);
        assert_eq!(member("why").numbers.len(), 4);
        let deep = &member("deep").members[0];
        assert_eq!(deep.0, "a");
        assert_eq!(bits(&deep.1.numbers), bits(&[nan, nan, nan, 4.0]));
        // Dropping the oldest samples drops them from every member too.
        let mut p = p;
        p.drop_front(2);
        assert_eq!(p.members[0].1.numbers, vec![2.0, 3.0]);
    }

    #[test]
    fn values_parsing() {
        let p = parse_values("[1, 2.5,-3e2 ,null,true,\"VP8\",\"a\\\"b\",{\"x\":1}]").unwrap();
        assert_eq!(p.numbers.len(), 8);
        assert_eq!(&p.numbers[..3], &[1.0, 2.5, -300.0]);
        assert!(p.numbers[3..].iter().all(|v| v.is_nan()));
        assert_eq!(
            p.changes,
            vec![(4, json!(true)), (5, json!("VP8")), (6, json!("a\"b")),]
        );
        // An object is a member series, padded to every sample.
        assert_eq!(p.members.len(), 1);
        let (key, x) = &p.members[0];
        assert_eq!(key, "x");
        assert_eq!(x.numbers.len(), 8);
        assert_eq!(x.numbers[7], 1.0);
        assert!(x.numbers[..7].iter().all(|v| v.is_nan()));
        // Only changes are kept.
        let p = parse_values("[\"a\",\"a\",null,\"a\",\"b\",true,true]").unwrap();
        assert_eq!(
            p.changes,
            vec![(0, json!("a")), (4, json!("b")), (5, json!(true))]
        );
        assert_eq!(parse_values("[]").unwrap(), ParsedValues::default());
        assert_eq!(parse_values(" [ 1 ] ").unwrap().numbers, vec![1.0]);
        assert_eq!(
            parse_values("[1795564009465.647]").unwrap().numbers,
            vec![1_795_564_009_465.647]
        );
        for bad in ["", "1", "[1,", "[1 2]", "[-inf]", "[1,]", "[\"x]", "[tru]"] {
            assert!(parse_values(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn number_fast_path_is_exact() {
        for t in [
            "0",
            "-0",
            "1",
            "2312",
            "1795564009465.647",
            "0.1",
            "-3.25",
            "123456789012345",
            "0.000001",
            "9007199254740993",
            "1e5",
            "2.5E-3",
            "12345678901234567890",
            "1.0",
        ] {
            assert_eq!(parse_number(t), t.parse::<f64>().ok(), "{t}");
        }
        assert_eq!(parse_number("-"), None);
        assert_eq!(parse_number("1.2.3"), None);
        assert_eq!(parse_number("1."), "1.".parse::<f64>().ok());
    }

    #[test]
    fn values_member_shapes() {
        assert_eq!(values_text("\"[1,2]\"").unwrap(), "[1,2]");
        assert_eq!(values_text("\"[\\\"a\\\"]\"").unwrap(), "[\"a\"]");
        assert_eq!(values_text("[1]").unwrap(), "[1]");
        assert!(values_text("5").is_err());
    }

    #[test]
    fn dropping_old_samples_keeps_the_value_in_force() {
        let mut p = parse_values("[\"a\",\"a\",\"b\",\"b\"]").unwrap();
        p.drop_front(3);
        assert_eq!(p.changes, vec![(0, json!("b"))]);
        let mut p = parse_values("[\"a\",\"a\",\"b\",\"c\"]").unwrap();
        p.drop_front(1);
        assert_eq!(
            p.changes,
            vec![(0, json!("a")), (1, json!("b")), (2, json!("c"))]
        );
        let mut p = parse_values("[\"a\",\"b\",\"c\"]").unwrap();
        p.drop_front(1);
        assert_eq!(p.changes, vec![(0, json!("b")), (1, json!("c"))]);
    }
}
