//! Bytes → [`Dump`]. Pure: no file system, no UI, no long-lived threads (rayon data
//! parallelism only). Never panics on any input: bad lines and keys become warnings with
//! their location, and a cut or corrupt stream yields everything decoded before the fault.

mod builder;
mod clock_watch;
mod compression;
mod internals;
mod internals_clock;
mod internals_series;
mod internals_values;
mod jitsi_component;
mod json_scan;
mod lines;
pub mod normalize;
mod rtcstats_legacy;
mod rtcstats_v3;
pub mod sdp_sections;
mod stats_builder;
mod stats_delta;
pub mod tables;
pub mod timefmt;

use std::borrow::Cow;
use std::io::{self, Read};

use crate::model::{Compression, Dump, Location, Warning};

pub use builder::{carries_sdp, description_value};
pub use internals_series::split_key;
pub use internals_values::{parse_number, parse_values};

/// Limits applied while decoding.
#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// Decompressed bytes accepted at most; more is refused as [`DecodeError::TooLarge`] so
    /// that a compression bomb cannot eat the machine's memory.
    pub max_bytes: u64,
    /// The input's length, when the source knows it. An uncompressed input is then read into
    /// one buffer of exactly that size instead of a doubling one (which can briefly need twice
    /// the file's size).
    pub size_hint: Option<u64>,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_bytes: 4 << 30,
            size_hint: None,
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

/// Marker error (inside an [`io::Error`]) for an input past [`DecodeOptions::max_bytes`].
#[derive(Debug, thiserror::Error)]
#[error("the input exceeds the limit of {0} bytes")]
pub(crate) struct TooLarge(pub u64);

/// A reader that fails with [`TooLarge`] once more than `limit` bytes have come through.
struct Limited<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(io::Error::other(TooLarge(self.limit)));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// How much of the input is looked at to choose a decoder.
const HEAD: u64 = 64 * 1024;

/// The marker of a cancelled read; it belongs to the sources that are cancelled.
pub use crate::source::Cancelled;

fn is_cancel(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Cancelled>())
}

/// Reads, decompresses and decodes a whole stream.
pub fn decode_reader<R: Read + Send>(
    reader: R,
    options: &DecodeOptions,
) -> Result<Dump, DecodeError> {
    let mut stream: compression::Stream<'_> = Box::new(reader);
    let mut wrappers = Vec::new();
    for _ in 0..=compression::MAX_NESTING {
        let (next, found) = compression::unwrap_once(stream).map_err(|e| {
            if is_cancel(&e) {
                DecodeError::Cancelled
            } else {
                DecodeError::Io(e)
            }
        })?;
        stream = next;
        match found {
            Some(c) => wrappers.push(c),
            None => break,
        }
    }
    // The first bytes decide: a whole-document dump (webrtc-internals) is streamed, anything
    // else is read into memory.
    let mut head = Vec::new();
    let mut read_warning = None;
    match (&mut stream).take(HEAD).read_to_end(&mut head) {
        Ok(_) => {}
        Err(e) if is_cancel(&e) => return Err(DecodeError::Cancelled),
        Err(e) if head.is_empty() => return Err(DecodeError::Io(e)),
        Err(e) => read_warning = Some(truncation_warning(&wrappers, head.len(), &e)),
    }
    let bom = if head.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    if read_warning.is_none() && is_document(&head[bom..]) {
        let reader = Limited {
            inner: io::Cursor::new(head).chain(stream),
            left: options.max_bytes,
            limit: options.max_bytes,
        };
        let mut skip_bom = reader;
        if bom > 0 {
            let mut b = [0u8; 3];
            skip_bom.read_exact(&mut b).map_err(DecodeError::Io)?;
        }
        let mut dump = internals::decode_stream(skip_bom)?;
        dump.compression = wrappers;
        return Ok(dump);
    }
    let mut text = head;
    if wrappers.is_empty()
        && let Some(hint) = options.size_hint
    {
        // One byte more, so that reading up to EOF needs no growth.
        let want = hint.min(options.max_bytes).saturating_add(1) as usize;
        text.reserve_exact(want.saturating_sub(text.len()));
    }
    if read_warning.is_none() {
        match stream
            .take(options.max_bytes.saturating_add(1))
            .read_to_end(&mut text)
        {
            Ok(_) => {}
            Err(e) if is_cancel(&e) => return Err(DecodeError::Cancelled),
            // A cut or corrupt compressed stream: keep what came out before the fault.
            Err(e) => read_warning = Some(truncation_warning(&wrappers, text.len(), &e)),
        }
    }
    if text.len() as u64 > options.max_bytes {
        return Err(DecodeError::TooLarge {
            limit: options.max_bytes,
        });
    }
    let mut dump = decode_owned(Cow::Owned(text))?;
    dump.compression = wrappers;
    if let Some(w) = read_warning {
        dump.integrity.cut_at = Some(w.location.clone());
        dump.warnings.insert(0, w);
    }
    Ok(dump)
}

/// Whether the input (its first bytes) is a whole-document dump: an object that does not
/// end on its first line, and is not a Jitsi component line.
fn is_document(head: &[u8]) -> bool {
    let t = head.trim_ascii_start();
    t.first() == Some(&b'{') && decode_object_lines_kind(t).is_none()
}

fn truncation_warning(wrappers: &[Compression], at: usize, e: &io::Error) -> Warning {
    let what = wrappers.last().map_or("input", |c| c.name());
    Warning {
        message: format!("{what} stream is cut or corrupt ({e}); decoded what came before"),
        location: Location::Byte(at as u64),
    }
}

/// Decodes an in-memory input (compressed or not).
pub fn decode_bytes(bytes: &[u8], options: &DecodeOptions) -> Result<Dump, DecodeError> {
    decode_reader(bytes, options)
}

/// Decodes uncompressed dump text, detecting the format (FORMATS.md §1).
pub fn decode_text(text: &[u8]) -> Result<Dump, DecodeError> {
    decode_owned(Cow::Borrowed(text))
}

/// [`decode_text`] for a buffer it may own, so that the webrtc-internals decoder can free it
/// early.
fn decode_owned(text: Cow<'_, [u8]>) -> Result<Dump, DecodeError> {
    let bom = if text.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let trimmed = text[bom..].trim_ascii_start();
    let lead = text.len() - trimmed.len();
    let Some(&first) = trimmed.first() else {
        return Err(DecodeError::Empty);
    };
    if trimmed.starts_with(b"RTCStatsDump") {
        return Ok(rtcstats_v3::decode(trimmed));
    }
    match first {
        b'[' => Ok(rtcstats_legacy::decode(trimmed)),
        b'{' => {
            if let Some(dump) = decode_object_lines(trimmed) {
                return Ok(dump);
            }
            internals::decode_stream(&text[lead..])
        }
        _ => Err(DecodeError::UnknownFormat(format!(
            "it starts with {:?}",
            String::from_utf8_lossy(&trimmed[..trimmed.len().min(24)])
        ))),
    }
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

fn decode_object_lines(text: &[u8]) -> Option<Dump> {
    decode_object_lines_kind(text).map(|kind| match kind {
        ObjectLines::JitsiComponent => jitsi_component::decode(text),
        ObjectLines::Legacy => rtcstats_legacy::decode(text),
    })
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
