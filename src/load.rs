//! Opening and decoding a source in one call: what the command line and the viewer's
//! background loader both do.

use crate::decode::{DecodeOptions, decode_reader};
use crate::model::Dump;
use crate::source::{Progress, Source};

/// Opens `arg` (a path, or `-`) and decodes it, reporting into `progress` when given.
/// Errors name the source.
pub fn load(arg: &str, progress: Option<&Progress>) -> Result<Dump, String> {
    let source = Source::parse(arg).map_err(|e| e.to_string())?;
    let opened = source.open().map_err(|e| e.to_string())?;
    let options = DecodeOptions {
        size_hint: opened.len,
        ..DecodeOptions::default()
    };
    let result = match progress {
        Some(p) => decode_reader(p.wrap(opened.reader), &options),
        None => decode_reader(opened.reader, &options),
    };
    result.map_err(|e| format!("{source}: {e}"))
}

/// The length of `arg` in bytes, when it is a file (for progress bars).
pub fn source_len(arg: &str) -> Option<u64> {
    match Source::parse(arg).ok()? {
        Source::Path(p) => std::fs::metadata(p).ok().map(|m| m.len()),
        Source::Stdin => None,
    }
}
