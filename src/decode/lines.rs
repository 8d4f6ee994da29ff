//! JSON-lines input: split on `\n`, parse lines in parallel batches, hand them back in order.

use rayon::prelude::*;
use serde_json::Value;

/// One non-empty line of a JSON-lines dump.
pub struct Line {
    /// 1-based line number.
    pub number: u64,
    /// Byte offset of the line's start in the input.
    pub offset: u64,
    /// The parsed JSON, or why it did not parse.
    pub json: Result<Value, String>,
}

/// Lines are parsed in batches of about this many bytes: large enough to keep the cores busy,
/// small enough that only one batch of parsed values is alive at a time.
const BATCH_BYTES: usize = 4 << 20;

/// Splits `text` into lines (dropping a trailing `\r`), skips blank ones, parses each as JSON
/// and calls `f` with each in file order. Parsing runs on the rayon pool, `f` on the calling
/// thread; invalid UTF-8 is replaced (U+FFFD) rather than
/// failing the line.
pub fn for_each_line(text: &[u8], mut f: impl FnMut(Line)) {
    let batches = split_batches(text);
    let parse_batch = |batch: &[(u64, u64, &[u8])]| -> Vec<Line> {
        batch
            .par_iter()
            .map(|&(number, offset, bytes)| Line {
                number,
                offset,
                json: parse(bytes),
            })
            .collect()
    };
    // Batches are parsed in parallel, then applied in order. (Parsing the next batch while
    // applying the current one was measured slower: applying is memory-bound and the two
    // compete for cache.)
    for batch in &batches {
        parse_batch(batch).into_iter().for_each(&mut f);
    }
}

/// `(line number, offset, bytes)` of the non-blank lines, in batches of about
/// [`BATCH_BYTES`].
fn split_batches(text: &[u8]) -> Vec<Vec<(u64, u64, &[u8])>> {
    let mut batches = Vec::new();
    let mut batch: Vec<(u64, u64, &[u8])> = Vec::new();
    let mut batch_bytes = 0;
    let mut offset = 0usize;
    for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
        let line_offset = offset;
        offset += raw.len() + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        batch_bytes += line.len();
        batch.push((i as u64 + 1, line_offset as u64, line));
        if batch_bytes >= BATCH_BYTES {
            batches.push(std::mem::take(&mut batch));
            batch_bytes = 0;
        }
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    batches
}

fn parse(bytes: &[u8]) -> Result<Value, String> {
    match serde_json::from_slice(bytes) {
        Ok(v) => Ok(v),
        Err(e) if std::str::from_utf8(bytes).is_err() => {
            serde_json::from_str(&String::from_utf8_lossy(bytes)).map_err(|_| e.to_string())
        }
        Err(e) => Err(describe(&e, bytes.len())),
    }
}

/// serde_json's message, with "truncated" spelled out when the line simply stops.
fn describe(e: &serde_json::Error, len: usize) -> String {
    if e.is_eof() {
        format!("line ends inside a JSON value after {len} bytes (truncated?)")
    } else {
        format!("invalid JSON: {e}")
    }
}

/// The first line of `text` (without `\r\n`), and the offset where the rest starts.
pub fn first_line(text: &[u8]) -> (&[u8], usize) {
    match text.iter().position(|&b| b == b'\n') {
        Some(i) => (text[..i].strip_suffix(b"\r").unwrap_or(&text[..i]), i + 1),
        None => (text, text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_offsets_and_errors() {
        let text = b"[1]\r\n\n  \n{\"a\":\n[2]\n[\xff\"x\"]";
        let mut seen = Vec::new();
        for_each_line(text, |l| seen.push((l.number, l.offset, l.json.is_ok())));
        assert_eq!(
            seen,
            vec![(1, 0, true), (4, 9, false), (5, 15, true), (6, 19, false)]
        );
    }

    #[test]
    fn lossy_utf8_inside_strings() {
        let mut out = Vec::new();
        for_each_line(b"[\"a\xffb\"]", |l| out.push(l.json.unwrap()));
        assert_eq!(out[0][0], "a\u{fffd}b");
    }
}
