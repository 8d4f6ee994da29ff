//! Bytes → [`Dump`]. Pure: no file system, no UI, no long-lived threads (rayon data
//! parallelism only). Never panics on any input: bad lines and keys become warnings with
//! their location, and a cut or corrupt stream yields everything decoded before the fault.

mod builder;
mod clock_watch;
mod compression;
#[doc(hidden)]
pub mod fuzzing;
mod intern;
mod internals;
mod internals_clock;
mod internals_series;
mod internals_values;
mod jitsi_component;
mod json_scan;
mod lines;
mod live_reports;
mod memory;
pub mod normalize;
mod preview;
mod rtcstats_legacy;
mod rtcstats_v3;
pub mod sdp_sections;
mod stats_builder;
pub mod tables;
#[cfg(test)]
mod test_util;
pub mod timefmt;
mod typed;

use std::io::{self, Read};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use lines::{LineLimits, StreamEnd};

use crate::model::{Compression, Dump, Location, Warning};

pub use builder::{carries_sdp, description_value};
pub use internals_series::split_key;
pub use internals_values::{parse_number, parse_values};
pub use preview::PreviewSink;

/// Limits applied while decoding. Line formats are streamed, so the file's size alone is no
/// reason to refuse it: what is limited is the model's memory, a compression ratio no dump
/// has, and a line too long to be a real event.
#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// Decompressed bytes accepted at most; more is refused as [`DecodeError::TooLarge`].
    /// No limit by default.
    pub max_bytes: u64,
    /// Decompressed bytes per compressed byte accepted at most, once more than
    /// [`Self::ratio_floor`] bytes came out: more is a compression bomb, refused as
    /// [`DecodeError::Bomb`]. Real dumps compress 5 to 50 times.
    pub max_ratio: u64,
    /// Decompressed bytes before the ratio is checked.
    pub ratio_floor: u64,
    /// The resident size at which decoding stops, keeping what it decoded, with a warning.
    pub memory: MemoryLimit,
    /// A longer line of a line format is skipped unread, with a warning.
    pub max_line: usize,
    /// The input's length, when the source knows it (progress and buffer sizing).
    pub size_hint: Option<u64>,
    /// Where line formats send partial dumps while they are read (none by default).
    pub preview: Option<PreviewSink>,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_bytes: u64::MAX,
            max_ratio: 1000,
            ratio_floor: 256 << 20,
            memory: MemoryLimit::Auto,
            max_line: LineLimits::default().max_line,
            size_hint: None,
            preview: None,
        }
    }
}

/// How much memory a decode may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryLimit {
    /// What the process holds when the decode starts, plus 80 % of the memory available then.
    Auto,
    /// At most this resident size, in bytes.
    Bytes(u64),
    /// No limit.
    Off,
}

impl MemoryLimit {
    fn resolve(self) -> Option<u64> {
        match self {
            MemoryLimit::Auto => memory::auto_limit(),
            MemoryLimit::Bytes(n) => Some(n),
            MemoryLimit::Off => None,
        }
    }
}

/// Why a source could not be decoded at all. Anything less becomes a [`Warning`].
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Reading failed before any byte arrived.
    #[error("cannot read the input: {0}")]
    Io(#[source] io::Error),
    /// The input is empty (or only white space).
    #[error("the input is empty")]
    Empty,
    /// The bytes are not a dump format rtcscope knows.
    #[error("not a WebRTC dump rtcscope recognises: {0}")]
    UnknownFormat(String),
    /// The decompressed input is larger than [`DecodeOptions::max_bytes`].
    #[error("the decompressed input exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The limit in force.
        limit: u64,
    },
    /// The input expands far more than any dump does: a compression bomb.
    #[error(
        "the input expands more than {limit} times ({decompressed} bytes out of {compressed}): \
         a compression bomb, not a dump (raise DecodeOptions::max_ratio if it is real)"
    )]
    Bomb {
        /// The ratio limit in force.
        limit: u64,
        /// Compressed bytes read.
        compressed: u64,
        /// Decompressed bytes produced.
        decompressed: u64,
    },
    /// The reader was cancelled (see [`crate::source::Progress::cancel`]).
    #[error("cancelled")]
    Cancelled,
    /// The document is broken before anything could be decoded.
    #[error("{message} (at {location})")]
    Malformed {
        /// What is wrong.
        message: String,
        /// Where.
        location: Location,
    },
}

/// Marker error (inside an [`io::Error`]) for a decompressed input past a limit.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LimitHit {
    #[error("the input exceeds the limit of {0} bytes")]
    TooLarge(u64),
    #[error("the input expands more than {limit} times")]
    Ratio {
        limit: u64,
        compressed: u64,
        decompressed: u64,
    },
}

/// A reader that counts the bytes that come through it.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The decompressed stream, failing with [`LimitHit`] past the size or ratio limit.
struct Limited<R> {
    inner: R,
    seen: u64,
    max_bytes: u64,
    /// `(limit, floor, compressed bytes read)`, when the input is compressed.
    ratio: Option<(u64, u64, Arc<AtomicU64>)>,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.seen += n as u64;
        if self.seen > self.max_bytes {
            return Err(io::Error::other(LimitHit::TooLarge(self.max_bytes)));
        }
        if let Some((limit, floor, compressed)) = &self.ratio
            && self.seen > *floor
        {
            let compressed = compressed.load(Ordering::Relaxed).max(1);
            if self.seen / compressed > *limit {
                return Err(io::Error::other(LimitHit::Ratio {
                    limit: *limit,
                    compressed,
                    decompressed: self.seen,
                }));
            }
        }
        Ok(n)
    }
}

/// Replays an error after the bytes before it, so that a fault in the first bytes is handled
/// where every other read fault is.
struct Failed(Option<io::Error>);

impl Read for Failed {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

/// How much of the input is looked at to choose a decoder.
const HEAD: u64 = 64 * 1024;

/// The marker of a cancelled read; it belongs to the sources that are cancelled.
pub use crate::source::Cancelled;

fn is_cancel(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Cancelled>())
}

/// The error a read fault is, when it is not a cut in the input: a cancel or a limit.
fn fatal(e: &io::Error) -> Option<DecodeError> {
    if is_cancel(e) {
        return Some(DecodeError::Cancelled);
    }
    match e.get_ref()?.downcast_ref::<LimitHit>()? {
        LimitHit::TooLarge(limit) => Some(DecodeError::TooLarge { limit: *limit }),
        LimitHit::Ratio {
            limit,
            compressed,
            decompressed,
        } => Some(DecodeError::Bomb {
            limit: *limit,
            compressed: *compressed,
            decompressed: *decompressed,
        }),
    }
}

/// How a line format is read: the line limits and the memory guard, shared by every line
/// decoder.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineRun {
    limits: LineLimits,
    /// Resident bytes at which to stop.
    memory: Option<u64>,
    /// Where it stopped for memory: `(resident bytes, limit)`.
    stopped: std::cell::Cell<Option<(u64, u64)>>,
    /// Partial dumps for a viewer, while the lines are read.
    pub(crate) preview: preview::PreviewClock,
}

impl LineRun {
    fn new(options: &DecodeOptions) -> Self {
        LineRun {
            limits: LineLimits {
                max_line: options.max_line,
            },
            memory: options.memory.resolve(),
            stopped: Default::default(),
            preview: preview::PreviewClock::new(options.preview.clone()),
        }
    }

    /// [`lines::stream`] with this run's limits; between batches, the memory guard.
    pub(crate) fn stream<R: Read + Send, T: Send>(
        &self,
        reader: R,
        parse: impl Fn(u64, &[u8]) -> Result<T, String> + Sync,
        apply: impl FnMut(lines::Line<T>) -> ControlFlow<()>,
    ) -> Result<(), StreamEnd> {
        let between = || {
            if let Some(limit) = self.memory
                && let Some(rss) = memory::resident_bytes()
                && rss > limit
            {
                self.stopped.set(Some((rss, limit)));
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        };
        lines::stream(reader, self.limits, parse, apply, between)
    }
}

/// Reads, decompresses and decodes a whole stream.
pub fn decode_reader<R: Read + Send>(
    reader: R,
    options: &DecodeOptions,
) -> Result<Dump, DecodeError> {
    // First, so that the first preview is due a set time after the load began, however
    // long the first bytes take to come.
    let run = LineRun::new(options);
    let compressed = Arc::new(AtomicU64::new(0));
    let mut stream: compression::Stream<'_> = Box::new(Counting {
        inner: reader,
        count: compressed.clone(),
    });
    let mut wrappers = Vec::new();
    for _ in 0..=compression::MAX_NESTING {
        let (next, found) = compression::unwrap_once(stream)
            .map_err(|e| fatal(&e).unwrap_or(DecodeError::Io(e)))?;
        stream = next;
        match found {
            Some(c) => wrappers.push(c),
            None => break,
        }
    }
    let mut stream = Limited {
        inner: stream,
        seen: 0,
        max_bytes: options.max_bytes,
        ratio: (!wrappers.is_empty()).then_some((
            options.max_ratio,
            options.ratio_floor,
            compressed,
        )),
    };
    // The first bytes decide: a whole-document dump (webrtc-internals) is scanned, a line
    // format is read line by line.
    let mut head = Vec::new();
    let mut head_fault = None;
    loop {
        let before = head.len();
        match (&mut stream).take(HEAD).read_to_end(&mut head) {
            Ok(_) => {}
            Err(e) => {
                if let Some(fatal) = fatal(&e) {
                    return Err(fatal);
                }
                if head.is_empty() {
                    return Err(DecodeError::Io(e));
                }
                head_fault = Some(e);
                break;
            }
        }
        // Leading white space longer than the look-ahead: drop it and look further.
        let eof = head.len() - before < HEAD as usize;
        if eof || !head.iter().all(u8::is_ascii_whitespace) {
            break;
        }
        head.clear();
    }
    let bom = if head.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let lead = bom + (head.len() - bom - head[bom..].trim_ascii_start().len());
    let start = head[lead..].to_vec();
    if start.is_empty() {
        return Err(DecodeError::Empty);
    }
    let fault_at = head.len();
    let rest: Box<dyn Read + Send + '_> = match head_fault {
        Some(e) => Box::new(Failed(Some(e))),
        None => Box::new(stream),
    };
    let reader = io::Cursor::new(start.clone()).chain(rest);
    let (mut dump, end) = match kind(&start)? {
        Kind::Document => (internals::decode_stream(reader)?, Ok(())),
        Kind::V3 => rtcstats_v3::decode(reader, &run),
        Kind::Legacy => rtcstats_legacy::decode(reader, &start, &run),
        Kind::JitsiComponent => jitsi_component::decode(reader, &run),
    };
    dump.compression = wrappers;
    match end {
        Ok(()) => {}
        Err(StreamEnd::Read(e, at)) => {
            if let Some(fatal) = fatal(&e) {
                return Err(fatal);
            }
            let at = if at == 0 {
                fault_at as u64
            } else {
                at + lead as u64
            };
            let w = truncation_warning(&dump.compression, at, &e);
            dump.integrity.cut_at = Some(w.location.clone());
            dump.warnings.insert(0, w);
        }
        Err(StreamEnd::Stopped(at)) => {
            let (rss, limit) = run.stopped.get().unwrap_or_default();
            let w = Warning {
                message: format!(
                    "stopped reading: the decoded dump reached {} MB of memory, the limit is {} \
                     MB (80 % of what this machine had free); what came before is shown",
                    rss >> 20,
                    limit >> 20
                ),
                location: Location::Byte(at + lead as u64),
            };
            dump.integrity.cut_at = Some(w.location.clone());
            dump.warnings.insert(0, w);
        }
    }
    Ok(dump)
}

/// The decoders, chosen from the first bytes.
enum Kind {
    Document,
    V3,
    Legacy,
    JitsiComponent,
}

/// Chooses the decoder from the first bytes (FORMATS.md §1), white space and BOM removed.
fn kind(start: &[u8]) -> Result<Kind, DecodeError> {
    if start.starts_with(b"RTCStatsDump") {
        return Ok(Kind::V3);
    }
    match start[0] {
        b'[' => Ok(Kind::Legacy),
        b'{' => Ok(match decode_object_lines_kind(start) {
            Some(ObjectLines::JitsiComponent) => Kind::JitsiComponent,
            Some(ObjectLines::Legacy) => Kind::Legacy,
            None => Kind::Document,
        }),
        _ => Err(DecodeError::UnknownFormat(format!(
            "it starts with {:?}",
            String::from_utf8_lossy(&start[..start.len().min(24)])
        ))),
    }
}

/// What kind of JSON value `v` is, for messages.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn truncation_warning(wrappers: &[Compression], at: u64, e: &io::Error) -> Warning {
    let what = wrappers.last().map_or("input", |c| c.name());
    Warning {
        message: format!("{what} stream is cut or corrupt ({e}); decoded what came before"),
        location: Location::Byte(at),
    }
}

/// Decodes an in-memory input (compressed or not).
pub fn decode_bytes(bytes: &[u8], options: &DecodeOptions) -> Result<Dump, DecodeError> {
    decode_reader(bytes, options)
}

/// Decodes uncompressed dump text, detecting the format (FORMATS.md §1).
pub fn decode_text(text: &[u8]) -> Result<Dump, DecodeError> {
    decode_reader(text, &DecodeOptions::default())
}

/// Line-based formats that start with an object.
enum ObjectLines {
    JitsiComponent,
    Legacy,
}

/// A `{` first and a complete object on the first line starts a line-based format (Jitsi
/// component, fippo v1/v2); a whole-document object is webrtc-internals or legacy v0.
fn decode_object_lines_kind(text: &[u8]) -> Option<ObjectLines> {
    if text.starts_with(b"{\"statsSessionId\"") || text.starts_with(b"{ \"statsSessionId\"") {
        return Some(ObjectLines::JitsiComponent);
    }
    let (line, rest) = lines::first_line(text);
    if rest < text.len()
        && let Ok(serde_json::Value::Object(obj)) =
            serde_json::from_slice::<serde_json::Value>(line)
        && !obj.contains_key("PeerConnections")
        && !obj.contains_key("peerConnections")
    {
        if obj.contains_key("statsSessionId") {
            return Some(ObjectLines::JitsiComponent);
        }
        return Some(ObjectLines::Legacy);
    }
    None
}

pub(crate) fn describe_json_error(e: &serde_json::Error) -> String {
    if e.is_eof() {
        format!(
            "the document ends early (truncated?) at line {}, column {}",
            e.line(),
            e.column()
        )
    } else {
        format!("invalid JSON: {e}")
    }
}

/// serde_json reports 1-based line and column; the byte offset is what a hex viewer wants.
pub(crate) fn byte_offset(text: &[u8], line: usize, column: usize) -> u64 {
    let line_start = if line <= 1 {
        0
    } else {
        text.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len()) as u64
}
