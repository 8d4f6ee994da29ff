//! Bytes → [`Dump`]. Pure: no file system, no UI, no long-lived threads (rayon data
//! parallelism only). Never panics on any input: bad lines and keys become warnings with
//! their location, and a cut or corrupt stream yields everything decoded before the fault.

mod builder;
mod compression;
mod internals;
mod internals_series;
mod jitsi_component;
mod lines;
pub mod normalize;
mod rtcstats_legacy;
mod rtcstats_v3;
pub mod sdp_sections;
mod stats_builder;
mod stats_delta;
pub mod tables;
pub mod timefmt;

use std::io::{self, Read};

use crate::model::{Compression, Dump, Location, Warning};

pub use builder::{carries_sdp, description_value};
pub use internals_series::{parse_values, split_key};

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

/// Marker error a reader returns (inside an [`io::Error`]) when the user cancelled.
#[derive(Debug, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

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
    let mut text = Vec::new();
    if wrappers.is_empty()
        && let Some(hint) = options.size_hint
    {
        // One byte more, so that reading up to EOF needs no growth.
        text.reserve_exact(hint.min(options.max_bytes).saturating_add(1) as usize);
    }
    let mut read_warning = None;
    match stream
        .take(options.max_bytes.saturating_add(1))
        .read_to_end(&mut text)
    {
        Ok(_) => {}
        Err(e) if is_cancel(&e) => return Err(DecodeError::Cancelled),
        Err(e) if text.is_empty() => return Err(DecodeError::Io(e)),
        // A cut or corrupt compressed stream: keep what came out before the fault.
        Err(e) => read_warning = Some(truncation_warning(&wrappers, text.len(), &e)),
    }
    if text.len() as u64 > options.max_bytes {
        return Err(DecodeError::TooLarge {
            limit: options.max_bytes,
        });
    }
    let mut dump = decode_text(&text)?;
    dump.compression = wrappers;
    if let Some(w) = read_warning {
        dump.warnings.insert(0, w);
    }
    Ok(dump)
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
    let text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
    let trimmed = text.trim_ascii_start();
    let lead = text.len() - trimmed.len();
    let Some(&first) = trimmed.first() else {
        return Err(DecodeError::Empty);
    };
    if trimmed.starts_with(b"RTCStatsDump") {
        return Ok(rtcstats_v3::decode(trimmed));
    }
    match first {
        b'[' => Ok(rtcstats_legacy::decode(trimmed)),
        b'{' => decode_object(&text[lead..]),
        _ => Err(DecodeError::UnknownFormat(format!(
            "it starts with {:?}",
            String::from_utf8_lossy(&trimmed[..trimmed.len().min(24)])
        ))),
    }
}

/// A `{` first: a one-line object starts a line-based format (Jitsi component, fippo v1/v2),
/// a whole-document object is webrtc-internals or legacy v0.
fn decode_object(text: &[u8]) -> Result<Dump, DecodeError> {
    let (line, rest) = lines::first_line(text);
    if rest < text.len()
        && let Ok(serde_json::Value::Object(obj)) =
            serde_json::from_slice::<serde_json::Value>(line)
        && !obj.contains_key("PeerConnections")
        && !obj.contains_key("peerConnections")
    {
        if obj.contains_key("statsSessionId") {
            return Ok(jitsi_component::decode(text));
        }
        return Ok(rtcstats_legacy::decode(text));
    }
    if text.starts_with(b"{\"statsSessionId\"") || text.starts_with(b"{ \"statsSessionId\"") {
        return Ok(jitsi_component::decode(text));
    }
    let (state, error) = internals::walk(text);
    if state.lowercase_pcs && !state.has_pcs {
        return match serde_json::from_slice::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(doc)) => Ok(rtcstats_legacy::decode_v0(doc)),
            Ok(_) => Err(DecodeError::UnknownFormat("not a JSON object".into())),
            Err(e) => Err(json_error(text, &e)),
        };
    }
    let recognised = state.is_recognised();
    match error {
        Some(e) if !recognised => Err(json_error(text, &e)),
        _ if !recognised => Err(DecodeError::UnknownFormat(
            "a JSON object without PeerConnections, getUserMedia or UserAgent".into(),
        )),
        e => {
            let error = e.map(|e| {
                let offset = byte_offset(text, e.line(), e.column());
                (describe_json_error(&e), offset)
            });
            Ok(internals::decode(state, error))
        }
    }
}

fn describe_json_error(e: &serde_json::Error) -> String {
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

fn json_error(text: &[u8], e: &serde_json::Error) -> DecodeError {
    DecodeError::Malformed {
        message: describe_json_error(e),
        location: Location::Byte(byte_offset(text, e.line(), e.column())),
    }
}

/// serde_json reports 1-based line and column; the byte offset is what a hex viewer wants.
fn byte_offset(text: &[u8], line: usize, column: usize) -> u64 {
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
