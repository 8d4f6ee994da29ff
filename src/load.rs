//! Opening and decoding a source in one call: what the command line and the viewer's
//! background loader both do.

use crate::decode::{DecodeError, DecodeOptions, PreviewSink, decode_reader};
use crate::model::{Dump, Location, Warning};
use crate::source::remote::RemoteOptions;
use crate::source::{Progress, Source, SourceError};

/// Why a source could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The source could not be named or opened (a bad address, a missing file, a remote
    /// failure with what to do).
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The bytes could not be decoded at all (or the user cancelled).
    #[error("{source}: {error}")]
    Decode {
        /// The source as shown (pre-signed queries redacted).
        source: String,
        /// Why.
        #[source]
        error: DecodeError,
    },
}

impl LoadError {
    /// Whether the load stopped because it was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(
            self,
            LoadError::Decode {
                error: DecodeError::Cancelled,
                ..
            }
        )
    }
}

/// Opens `arg` (a path, `-`, `s3://bucket/key` or an `https://` URL) with the default
/// remote options, and decodes it. See [`load_with`].
pub fn load(arg: &str, progress: Option<&Progress>) -> Result<Dump, LoadError> {
    load_with(arg, &RemoteOptions::default(), progress)
}

/// Opens `arg` and decodes it, reporting into `progress` when given. Errors name the source
/// (with any pre-signed query redacted). A cached copy opened because the network failed
/// is decoded with a warning that says so.
pub fn load_with(
    arg: &str,
    remote: &RemoteOptions,
    progress: Option<&Progress>,
) -> Result<Dump, LoadError> {
    load_progressive(arg, remote, progress, None)
}

/// [`load_with`], sending partial dumps (without stats) into `preview` while a line format
/// is read: what the viewer shows before a long call is in.
pub fn load_progressive(
    arg: &str,
    remote: &RemoteOptions,
    progress: Option<&Progress>,
    preview: Option<PreviewSink>,
) -> Result<Dump, LoadError> {
    let source = Source::parse(arg)?;
    // Errors name their source already (remote ones their target, redacted).
    let opened = source.open(remote, progress)?;
    let options = DecodeOptions {
        size_hint: opened.len,
        preview,
        ..DecodeOptions::default()
    };
    let result = match progress {
        Some(p) => decode_reader(p.wrap(opened.reader), &options),
        None => decode_reader(opened.reader, &options),
    };
    let mut dump = result.map_err(|error| LoadError::Decode {
        source: source.to_string(),
        error,
    })?;
    if let Some(w) = opened.warning {
        dump.warnings.insert(
            0,
            Warning {
                message: w,
                location: Location::Input,
            },
        );
    }
    Ok(dump)
}
