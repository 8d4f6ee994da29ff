//! Where bytes come from: a path or standard input today; `s3://` and `https://` slot in here
//! as further [`Source`] variants without touching the decoders, which only see a reader.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::decode::Cancelled;

/// A place to read a dump from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A local file.
    Path(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

/// Why a source could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The file could not be opened.
    #[error("cannot open {path}: {source}")]
    Open {
        /// The path.
        path: PathBuf,
        /// The system's reason.
        #[source]
        source: io::Error,
    },
    /// A URL scheme that this build cannot read.
    #[error("{0}: this build of rtcscope cannot read {1} sources")]
    Unsupported(String, &'static str),
}

impl Source {
    /// Parses a command-line argument: `-` is standard input, anything else a path.
    /// `s3://` and `https://` are recognised and refused until their readers exist.
    pub fn parse(arg: &str) -> Result<Source, SourceError> {
        if arg == "-" {
            return Ok(Source::Stdin);
        }
        for (prefix, what) in [("s3://", "S3"), ("https://", "HTTPS"), ("http://", "HTTP")] {
            if arg.starts_with(prefix) {
                return Err(SourceError::Unsupported(arg.to_owned(), what));
            }
        }
        Ok(Source::Path(PathBuf::from(arg)))
    }

    /// Opens the source as a byte stream, with its length when known.
    pub fn open(&self) -> Result<Opened, SourceError> {
        match self {
            Source::Path(path) => {
                let file = File::open(path).map_err(|source| SourceError::Open {
                    path: path.clone(),
                    source,
                })?;
                let len = file.metadata().ok().map(|m| m.len());
                Ok(Opened {
                    reader: Box::new(file),
                    len,
                })
            }
            Source::Stdin => Ok(Opened {
                reader: Box::new(io::stdin()),
                len: None,
            }),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Path(p) => write!(f, "{}", p.display()),
            Source::Stdin => f.write_str("-"),
        }
    }
}

/// An opened source.
pub struct Opened {
    /// The bytes.
    pub reader: Box<dyn Read + Send>,
    /// Total length in bytes, when the source knows it (for progress bars).
    pub len: Option<u64>,
}

/// Shared progress of one read: bytes so far, and a cancel switch. Cheap to clone; the UI
/// polls it while a background thread reads.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    inner: Arc<ProgressInner>,
}

#[derive(Debug, Default)]
struct ProgressInner {
    read: AtomicU64,
    cancelled: AtomicBool,
}

impl Progress {
    /// Bytes read from the source so far (compressed bytes, for compressed sources).
    pub fn bytes_read(&self) -> u64 {
        self.inner.read.load(Ordering::Relaxed)
    }

    /// Asks the reader to stop: its next read fails with [`Cancelled`].
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`Self::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Relaxed)
    }

    /// Wraps `reader` so that it reports into this progress and honours cancellation.
    pub fn wrap<R: Read>(&self, reader: R) -> ProgressReader<R> {
        ProgressReader {
            inner: reader,
            progress: self.clone(),
        }
    }
}

/// A reader that counts bytes into a [`Progress`] and stops when it is cancelled.
pub struct ProgressReader<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for ProgressReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.progress.is_cancelled() {
            return Err(io::Error::other(Cancelled));
        }
        let n = self.inner.read(buf)?;
        self.progress
            .inner
            .read
            .fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_arguments() {
        assert_eq!(Source::parse("-").unwrap(), Source::Stdin);
        assert_eq!(
            Source::parse("a.txt").unwrap(),
            Source::Path("a.txt".into())
        );
        assert!(matches!(
            Source::parse("s3://b/k"),
            Err(SourceError::Unsupported(_, "S3"))
        ));
    }

    #[test]
    fn progress_counts_and_cancels() {
        let p = Progress::default();
        let mut r = p.wrap(&b"hello"[..]);
        let mut buf = [0u8; 3];
        assert_eq!(r.read(&mut buf).unwrap(), 3);
        assert_eq!(p.bytes_read(), 3);
        p.cancel();
        let err = r.read(&mut buf).unwrap_err();
        assert!(err.get_ref().unwrap().is::<Cancelled>());
    }
}
