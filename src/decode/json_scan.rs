//! A streaming structural scanner for one large JSON document: it reads the input in chunks
//! and cuts out whole member values as byte buffers without parsing them, so that a document
//! of hundreds of megabytes is never held in memory at once. Strings are skipped with
//! `memchr` (they are most of a webrtc-internals dump), structure byte by byte.

use std::io::{self, Read};

/// How much is read from the input at a time.
const CHUNK: usize = 1 << 20;

/// Why scanning stopped early.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The input ended inside a value.
    #[error("the document ends early (truncated?)")]
    Eof {
        /// Offset where the input ended.
        offset: u64,
    },
    /// A byte that cannot stand there (a closing bracket that does not match its opening one
    /// among them).
    #[error("invalid JSON: expected {expected}, found {:?}", *found as char)]
    Unexpected {
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: u8,
        /// Where.
        offset: u64,
    },
    /// Reading failed.
    #[error("reading failed: {0}")]
    Io(#[source] io::Error),
}

impl ScanError {
    /// The byte offset of the fault in the (decompressed) input, when known.
    pub fn offset(&self) -> Option<u64> {
        match self {
            ScanError::Eof { offset } | ScanError::Unexpected { offset, .. } => Some(*offset),
            ScanError::Io(_) => None,
        }
    }
}

/// JSON's white space (RFC 8259 §2): narrower than ASCII's, which also has form feed.
fn is_json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Scans one JSON document from a reader.
pub struct Scanner<R> {
    reader: R,
    buf: Vec<u8>,
    /// Next unread byte in `buf`.
    pos: usize,
    /// Input offset of `buf[0]`.
    base: u64,
    eof: bool,
}

impl<R: Read> Scanner<R> {
    /// A scanner over `reader`.
    pub fn new(reader: R) -> Self {
        Scanner {
            reader,
            buf: Vec::with_capacity(CHUNK),
            pos: 0,
            base: 0,
            eof: false,
        }
    }

    /// Input offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Reads more input, dropping what was consumed. Returns false at end of input.
    fn fill(&mut self) -> Result<bool, ScanError> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        let n = loop {
            match self.reader.read(&mut self.buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(ScanError::Io(e));
                }
            }
        };
        self.buf.truncate(old + n);
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    /// Skips white space and returns the next byte without consuming it.
    pub fn peek(&mut self) -> Result<Option<u8>, ScanError> {
        loop {
            while let Some(&b) = self.buf.get(self.pos) {
                if !is_json_space(b) {
                    return Ok(Some(b));
                }
                self.pos += 1;
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// Consumes `byte` (after white space), or fails.
    pub fn consume(&mut self, byte: u8, expected: &'static str) -> Result<(), ScanError> {
        match self.peek()? {
            Some(b) if b == byte => {
                self.pos += 1;
                Ok(())
            }
            Some(found) => Err(ScanError::Unexpected {
                expected,
                found,
                offset: self.offset(),
            }),
            None => Err(ScanError::Eof {
                offset: self.offset(),
            }),
        }
    }

    /// Consumes a `,` and returns true, or a `close` and returns false.
    pub fn next_member(&mut self, close: u8) -> Result<bool, ScanError> {
        match self.peek()? {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(false)
            }
            Some(found) => Err(ScanError::Unexpected {
                expected: "',' or the end of the object",
                found,
                offset: self.offset(),
            }),
            None => Err(ScanError::Eof {
                offset: self.offset(),
            }),
        }
    }

    /// Reads an object key (a string) and the `:` after it.
    pub fn key(&mut self) -> Result<String, ScanError> {
        let (raw, _) = self.value()?;
        if raw.first() != Some(&b'"') {
            return Err(ScanError::Unexpected {
                expected: "a string key",
                found: raw.first().copied().unwrap_or(b' '),
                offset: self.offset(),
            });
        }
        let key = serde_json::from_slice::<String>(&raw).unwrap_or_else(|_| {
            String::from_utf8_lossy(&raw[1..raw.len().saturating_sub(1)]).into_owned()
        });
        self.consume(b':', "':'")?;
        Ok(key)
    }

    /// Cuts out the next complete JSON value as bytes, with its input offset.
    pub fn value(&mut self) -> Result<(Vec<u8>, u64), ScanError> {
        self.value_partial().map_err(|(_, e)| e)
    }

    /// Like [`Self::value`], but when the input ends inside the value, what there is comes
    /// back with the error, so that a truncated value can still be decoded in part.
    pub fn value_partial(&mut self) -> Result<(Vec<u8>, u64), (Vec<u8>, ScanError)> {
        let first = match self.peek() {
            Ok(Some(b)) => b,
            Ok(None) => {
                return Err((
                    Vec::new(),
                    ScanError::Eof {
                        offset: self.offset(),
                    },
                ));
            }
            Err(e) => return Err((Vec::new(), e)),
        };
        let start_offset = self.offset();
        // The value starts at `self.pos`, which `fill` keeps; `len` is how much of it has been
        // scanned.
        let mut len = 0usize;
        // The open brackets, innermost last: a closing one must match.
        let mut open: Vec<u8> = Vec::new();
        let mut in_string = false;
        let mut escaped = false;
        let scalar = !matches!(first, b'{' | b'[' | b'"');
        loop {
            let at = self.pos + len;
            if at >= self.buf.len() {
                match self.fill() {
                    Ok(true) => continue,
                    Ok(false) if scalar && len > 0 => return Ok(self.take(len, start_offset)),
                    Ok(false) => {
                        let (bytes, _) = self.take(self.buf.len() - self.pos, start_offset);
                        return Err((
                            bytes,
                            ScanError::Eof {
                                offset: self.offset(),
                            },
                        ));
                    }
                    Err(e) => {
                        let (bytes, _) = self.take(self.buf.len() - self.pos, start_offset);
                        return Err((bytes, e));
                    }
                }
            }
            let rest = &self.buf[at..];
            if in_string {
                if escaped {
                    escaped = false;
                    len += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', rest) {
                    None => len += rest.len(),
                    Some(k) => {
                        len += k + 1;
                        if rest[k] == b'\\' {
                            escaped = true;
                        } else {
                            in_string = false;
                            if open.is_empty() {
                                return Ok(self.take(len, start_offset));
                            }
                        }
                    }
                }
                continue;
            }
            let b = rest[0];
            if scalar {
                if matches!(b, b',' | b'}' | b']') || is_json_space(b) {
                    return Ok(self.take(len, start_offset));
                }
                len += 1;
                continue;
            }
            len += 1;
            match b {
                b'"' => in_string = true,
                b'{' => open.push(b'}'),
                b'[' => open.push(b']'),
                b'}' | b']' => match open.pop() {
                    Some(want) if want == b => {
                        if open.is_empty() {
                            return Ok(self.take(len, start_offset));
                        }
                    }
                    want => {
                        let offset = self.offset() + len as u64 - 1;
                        let (bytes, _) = self.take(len - 1, start_offset);
                        let expected = match want {
                            Some(b'}') => "'}' (the bracket that closes this object)",
                            _ => "']' (the bracket that closes this array)",
                        };
                        return Err((
                            bytes,
                            ScanError::Unexpected {
                                expected,
                                found: b,
                                offset,
                            },
                        ));
                    }
                },
                _ => {}
            }
        }
    }

    /// Hands over the next `len` bytes. A value of a chunk or more is most of the buffer: the
    /// buffer itself is handed over and only what follows the value is copied, so that a
    /// connection's bytes are never held twice.
    fn take(&mut self, len: usize, start_offset: u64) -> (Vec<u8>, u64) {
        let end = self.pos + len;
        if len < CHUNK {
            let bytes = self.buf[self.pos..end].to_vec();
            self.pos = end;
            return (bytes, start_offset);
        }
        let mut rest = Vec::with_capacity(CHUNK.max(self.buf.len() - end));
        rest.extend_from_slice(&self.buf[end..]);
        let mut bytes = std::mem::replace(&mut self.buf, rest);
        bytes.truncate(end);
        bytes.drain(..self.pos);
        // The buffer grew by doubling; give back the slack (in place: it is under half).
        bytes.shrink_to_fit();
        self.base += end as u64;
        self.pos = 0;
        (bytes, start_offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::test_util::Trickle;

    #[test]
    fn cuts_values_across_refills() {
        let doc =
            br#" { "a" : {"x": "q\"}{", "y": [1, {"z": []}]}, "b": 12.5 , "c": "s\\", "d": true }"#;
        for step in [1, 2, 3, 7, 1000] {
            let mut s = Scanner::new(Trickle(doc, step));
            s.consume(b'{', "{").unwrap();
            let mut got = Vec::new();
            loop {
                let k = s.key().unwrap();
                let (v, _) = s.value().unwrap();
                got.push((k, String::from_utf8(v).unwrap()));
                if !s.next_member(b'}').unwrap() {
                    break;
                }
            }
            assert_eq!(
                got,
                vec![
                    ("a".into(), r#"{"x": "q\"}{", "y": [1, {"z": []}]}"#.into()),
                    ("b".into(), "12.5".into()),
                    ("c".into(), r#""s\\""#.into()),
                    ("d".into(), "true".into()),
                ],
                "step {step}"
            );
            assert_eq!(s.peek().unwrap(), None);
        }
    }

    #[test]
    fn mismatched_brackets_are_errors() {
        for (doc, at) in [
            (&b"{\"a\": [1, 2}, \"b\": 1}"[..], 11),
            (b"{\"a\": {\"x\": 1]}", 13),
        ] {
            let mut s = Scanner::new(doc);
            s.consume(b'{', "{").unwrap();
            s.key().unwrap();
            let (bytes, err) = s.value_partial().unwrap_err();
            assert_eq!(bytes, &doc[6..at]);
            match err {
                ScanError::Unexpected { offset, found, .. } => {
                    assert_eq!((offset, found), (at as u64, doc[at]));
                }
                other => panic!("{other:?}"),
            }
        }
        // ScanError is an error with a source.
        let e: Box<dyn std::error::Error> = Box::new(ScanError::Io(io::Error::other("x")));
        assert!(e.source().is_some());
    }

    #[test]
    fn large_values_are_handed_over_not_copied() {
        let big = format!("{{\"a\": [{}0], \"b\": 2}}", "1,".repeat(CHUNK));
        for step in [CHUNK / 3, 10 * CHUNK] {
            let mut s = Scanner::new(Trickle(big.as_bytes(), step));
            s.consume(b'{', "{").unwrap();
            assert_eq!(s.key().unwrap(), "a");
            let (v, at) = s.value().unwrap();
            assert_eq!((v.len(), at), (2 * CHUNK + 3, 6));
            assert!(v.capacity() < v.len() + CHUNK);
            assert!(s.next_member(b'}').unwrap());
            assert_eq!(s.key().unwrap(), "b");
            assert_eq!(s.value().unwrap(), (b"2".to_vec(), 2 * CHUNK as u64 + 16));
        }
    }

    #[test]
    fn truncated_value_comes_back_with_the_error() {
        let mut s = Scanner::new(&b"{\"a\": {\"b\": [1, 2"[..]);
        s.consume(b'{', "{").unwrap();
        assert_eq!(s.key().unwrap(), "a");
        let (bytes, err) = s.value_partial().unwrap_err();
        assert_eq!(bytes, b"{\"b\": [1, 2");
        assert!(matches!(err, ScanError::Eof { offset: 17 }));
        let mut s = Scanner::new(&b"{\"a\" 5}"[..]);
        s.consume(b'{', "{").unwrap();
        assert!(matches!(
            s.key(),
            Err(ScanError::Unexpected { found: b'5', .. })
        ));
    }
}
