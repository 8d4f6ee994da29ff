//! JSON-lines input, streamed: read from the (decompressing) reader in batches of whole lines,
//! parse each batch's lines in parallel, hand them back in order. Only one batch of bytes and
//! one of parsed lines is alive at a time, so memory does not grow with the file. A line longer
//! than the limit is skipped without being held.

use std::io::{self, Read};
use std::ops::ControlFlow;

use rayon::prelude::*;
use serde_json::Value;

/// One non-empty line of a JSON-lines dump.
pub struct Line<T> {
    /// 1-based line number.
    pub number: u64,
    /// Byte offset of the line's start in the (decompressed) input.
    pub offset: u64,
    /// The parsed line, or why it did not parse.
    pub parsed: Result<T, String>,
}

/// Lines are parsed in batches of about this many bytes: large enough to keep the cores busy,
/// small enough that the parsed rows are still in the shared cache when the apply step reads
/// them (1 GB of rtcstats-js: 6.9 s with 4 MB batches, 4.7 s with 512 KB; 1 MB was no better
/// than 4 MB).
const BATCH_BYTES: usize = 512 << 10;

/// Limits of the line reader.
#[derive(Debug, Clone, Copy)]
pub struct LineLimits {
    /// A longer line is skipped (with a warning) instead of being held in memory.
    pub max_line: usize,
}

impl Default for LineLimits {
    fn default() -> Self {
        LineLimits { max_line: 64 << 20 }
    }
}

/// How a stream of lines ended early.
#[derive(Debug)]
pub enum StreamEnd {
    /// Reading failed at this (decompressed) offset; every line before it was handed over,
    /// the cut last line included.
    Read(io::Error, u64),
    /// The consumer asked to stop after the line at this offset.
    Stopped(u64),
}

/// What the reading thread hands the applying one.
enum Batch<T> {
    /// Parsed lines in file order, the input offset just past them, and whether the input
    /// ends there.
    Lines(Vec<Line<T>>, u64, bool),
    /// The input ended (with the read error, if any) at this offset.
    End(Option<io::Error>, u64),
}

/// Reads `reader` line by line (dropping a trailing `\r`), skips blank lines, parses each with
/// `parse` on the rayon pool and calls `apply` with each in file order on the calling thread.
/// `apply` may stop the stream; `between` is asked after each batch (for memory limits).
///
/// Reading and parsing run on their own thread, one batch ahead of `apply`: the in-order
/// apply step is what limits a big dump, and this way it overlaps the parse of the next
/// batch instead of waiting for it. At most two batches of parsed lines are alive.
pub fn stream<R: Read + Send, T: Send>(
    reader: R,
    limits: LineLimits,
    parse: impl Fn(u64, &[u8]) -> Result<T, String> + Sync,
    mut apply: impl FnMut(Line<T>) -> ControlFlow<()>,
    mut between: impl FnMut() -> ControlFlow<()>,
) -> Result<(), StreamEnd> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Batch<T>>(1);
    std::thread::scope(|scope| {
        let parse = &parse;
        let producer = std::thread::Builder::new()
            .name("read lines".into())
            .spawn_scoped(scope, move || produce(reader, limits, parse, &tx));
        if let Err(e) = producer {
            return Err(StreamEnd::Read(
                io::Error::other(format!("cannot start the reading thread: {e}")),
                0,
            ));
        }
        // Returning drops `rx`, so the reader stops at its next batch.
        let rx = rx;
        loop {
            match rx.recv() {
                Ok(Batch::Lines(lines, end, last)) => {
                    for line in lines {
                        let offset = line.offset;
                        if apply(line).is_break() {
                            return Err(StreamEnd::Stopped(offset));
                        }
                    }
                    if !last && between().is_break() {
                        return Err(StreamEnd::Stopped(end));
                    }
                }
                Ok(Batch::End(failure, at)) => return finish(failure, at),
                // The reading thread panicked; the scope will carry the panic on.
                Err(_) => return Ok(()),
            }
        }
    })
}

/// The reading side of [`stream`]: batches of whole lines, parsed in parallel, sent in order
/// until the input ends or the receiver is gone.
fn produce<R: Read, T: Send>(
    mut reader: R,
    limits: LineLimits,
    parse: &(impl Fn(u64, &[u8]) -> Result<T, String> + Sync),
    tx: &std::sync::mpsc::SyncSender<Batch<T>>,
) {
    let mut buf: Vec<u8> = Vec::with_capacity(BATCH_BYTES + (64 << 10));
    // Input offset of `buf[0]`, and the number of lines that end before it.
    let mut base = 0u64;
    let mut lines_before = 0u64;
    // How far `buf` has been searched for a line end without finding one.
    let mut searched = 0usize;
    // A line too long to hold: (number, offset, bytes so far).
    let mut skipping: Option<(u64, u64, u64)> = None;
    let mut failure = None;
    let send = |b: Batch<T>| tx.send(b).is_ok();
    loop {
        let eof = match fill(&mut reader, &mut buf, BATCH_BYTES) {
            Ok(eof) => eof,
            Err(e) => {
                failure = Some(e);
                true
            }
        };
        if let Some((number, offset, len)) = skipping.as_mut() {
            match memchr::memchr(b'\n', &buf) {
                Some(i) => {
                    *len += i as u64;
                    let line = too_long(*number, *offset, *len, limits.max_line);
                    skipping = None;
                    buf.drain(..=i);
                    base += i as u64 + 1;
                    lines_before += 1;
                    if !send(Batch::Lines(vec![line], base, false)) {
                        return;
                    }
                }
                None => {
                    *len += buf.len() as u64;
                    base += buf.len() as u64;
                    buf.clear();
                    if eof {
                        let (number, offset, len) = skipping.take().unwrap_or_default();
                        let line = too_long(number, offset, len, limits.max_line);
                        if send(Batch::Lines(vec![line], base, true)) {
                            send(Batch::End(failure, base));
                        }
                        return;
                    }
                    continue;
                }
            }
        }
        let cut = if eof {
            Some(buf.len())
        } else {
            memchr::memrchr(b'\n', &buf[searched..]).map(|i| searched + i + 1)
        };
        let Some(cut) = cut else {
            searched = buf.len();
            if buf.len() > limits.max_line {
                skipping = Some((lines_before + 1, base, buf.len() as u64));
                base += buf.len() as u64;
                buf.clear();
                searched = 0;
            }
            continue;
        };
        let batch = split(&buf[..cut], base, lines_before);
        let parsed: Vec<Line<T>> = batch
            .par_iter()
            .map(|&(number, offset, bytes)| {
                if bytes.len() > limits.max_line {
                    too_long(number, offset, bytes.len() as u64, limits.max_line)
                } else {
                    Line {
                        number,
                        offset,
                        parsed: parse(number, bytes),
                    }
                }
            })
            .collect();
        let newlines = memchr::memchr_iter(b'\n', &buf[..cut]).count() as u64;
        drop(batch);
        buf.drain(..cut);
        base += cut as u64;
        lines_before += newlines;
        searched = 0;
        if !send(Batch::Lines(parsed, base, eof)) {
            return;
        }
        if eof {
            send(Batch::End(failure, base));
            return;
        }
    }
}

fn finish(failure: Option<io::Error>, at: u64) -> Result<(), StreamEnd> {
    match failure {
        Some(e) => Err(StreamEnd::Read(e, at)),
        None => Ok(()),
    }
}

fn too_long<T>(number: u64, offset: u64, len: u64, limit: usize) -> Line<T> {
    Line {
        number,
        offset,
        parsed: Err(format!(
            "line is {len} bytes long, more than the limit of {limit} bytes; skipped unread"
        )),
    }
}

/// Reads until `buf` holds `want` more bytes, or the input ends (returns true). On an error,
/// the bytes read before it stay in `buf`.
fn fill<R: Read>(reader: &mut R, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    // `read_to_end` fills spare capacity without zeroing the whole batch again on every
    // short read (a decompressor hands out a few dozen kilobytes at a time).
    buf.reserve(want);
    let limit = want as u64;
    let n = reader.by_ref().take(limit).read_to_end(buf)?;
    Ok((n as u64) < limit)
}

/// `(line number, offset, bytes)` of the non-blank lines of `text`, which starts at input
/// offset `base` after `lines_before` lines.
fn split(text: &[u8], base: u64, lines_before: u64) -> Vec<(u64, u64, &[u8])> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
        let line_offset = offset;
        offset += raw.len() + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        out.push((lines_before + i as u64 + 1, base + line_offset as u64, line));
    }
    out
}

/// Parses a line as a JSON value; invalid UTF-8 is replaced (U+FFFD) rather than failing the
/// line.
pub fn parse_value(bytes: &[u8]) -> Result<Value, String> {
    parse_lossy(bytes, |b| serde_json::from_slice(b))
}

/// Runs `parse` on `bytes`, and again on a lossy UTF-8 copy when the bytes are not UTF-8.
pub fn parse_lossy<T>(
    bytes: &[u8],
    parse: impl Fn(&[u8]) -> Result<T, serde_json::Error>,
) -> Result<T, String> {
    match parse(bytes) {
        Ok(v) => Ok(v),
        Err(e) if std::str::from_utf8(bytes).is_err() => {
            parse(String::from_utf8_lossy(bytes).as_bytes()).map_err(|_| describe(&e, bytes.len()))
        }
        Err(e) => Err(describe(&e, bytes.len())),
    }
}

/// serde_json's message, with "truncated" spelled out when the line simply stops.
pub fn describe(e: &serde_json::Error, len: usize) -> String {
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
    use crate::decode::test_util::Trickle;

    /// Each line's number, offset and parse error.
    type Seen = Vec<(u64, u64, Option<String>)>;

    fn collect(r: impl Read + Send, limits: LineLimits) -> (Seen, Result<(), StreamEnd>) {
        let mut seen = Vec::new();
        let end = stream(
            r,
            limits,
            |_, b| parse_value(b),
            |l| {
                seen.push((l.number, l.offset, l.parsed.err()));
                ControlFlow::Continue(())
            },
            || ControlFlow::Continue(()),
        );
        (seen, end)
    }

    #[test]
    fn numbers_offsets_and_errors() {
        let text = b"[1]\r\n\n  \n{\"a\":\n[2]\n[\xff\"x\"]";
        let want = vec![(1, 0, true), (4, 9, false), (5, 15, true), (6, 19, false)];
        for step in [1, 3, 1000] {
            let (seen, end) = collect(Trickle(text, step), LineLimits::default());
            let seen: Vec<_> = seen
                .into_iter()
                .map(|(n, o, e)| (n, o, e.is_none()))
                .collect();
            assert_eq!(seen, want, "step {step}");
            assert!(end.is_ok());
        }
    }

    /// The reading thread runs one batch ahead; when `apply` stops, it stops too, instead of
    /// reading an endless input to its end.
    #[test]
    fn stopping_stops_the_reader() {
        use std::sync::atomic::{AtomicU64, Ordering};
        // Lines of 1 KiB (`["xx…x"]`), so that a batch is a few thousand of them.
        struct Endless<'a>(&'a AtomicU64);
        impl Read for Endless<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(4096) / 1024 * 1024;
                for line in buf[..n].chunks_mut(1024) {
                    line.fill(b'x');
                    line[..2].copy_from_slice(b"[\"");
                    line[1021..].copy_from_slice(b"\"]\n");
                }
                self.0.fetch_add(n as u64, Ordering::Relaxed);
                Ok(n)
            }
        }
        let read = AtomicU64::new(0);
        let mut applied = 0u64;
        let end = stream(
            Endless(&read),
            LineLimits::default(),
            |_, b| parse_value(b),
            |l| {
                applied += 1;
                if l.number == 10 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
            || ControlFlow::Continue(()),
        );
        assert!(matches!(end, Err(StreamEnd::Stopped(9216))), "{end:?}");
        assert_eq!(applied, 10);
        // The batch being applied, one in the channel and one being read, at most.
        assert!(read.load(Ordering::Relaxed) <= 4 * (BATCH_BYTES as u64 + 4096));
    }

    #[test]
    fn lossy_utf8_inside_strings() {
        assert_eq!(parse_value(b"[\"a\xffb\"]").unwrap()[0], "a\u{fffd}b");
    }

    #[test]
    fn long_lines_are_skipped_unread() {
        let mut text = b"[1]\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 100_000));
        text.extend(b"\n[2]\n");
        text.extend(std::iter::repeat_n(b'y', 50_000));
        let limits = LineLimits { max_line: 1000 };
        let (messages, end) = collect(Trickle(&text, 777), limits);
        assert!(end.is_ok());
        assert_eq!(messages.len(), 4);
        assert_eq!((messages[0].0, messages[0].2.is_none()), (1, true));
        assert_eq!((messages[1].0, messages[1].1), (2, 4));
        assert!(
            messages[1]
                .2
                .as_ref()
                .unwrap()
                .contains("100000 bytes long")
        );
        assert_eq!(
            (messages[2].0, messages[2].1, messages[2].2.is_none()),
            (3, 100_005, true)
        );
        assert!(messages[3].2.as_ref().unwrap().contains("50000 bytes long"));
    }

    #[test]
    fn a_read_error_keeps_the_lines_before_it() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("corrupt"));
                }
                let line = b"[1]\n";
                self.0 -= 1;
                buf[..4].copy_from_slice(line);
                Ok(4)
            }
        }
        let (seen, end) = collect(Failing(3), LineLimits::default());
        assert_eq!(seen.len(), 3);
        assert!(matches!(end, Err(StreamEnd::Read(_, 12))));
    }
}
