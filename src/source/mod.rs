//! Where bytes come from: a path, standard input, an `s3://` object or an `https://` URL. The
//! decoders only ever see a reader, so every source kind decodes the same way.

mod backoff;
pub mod cache;
#[cfg(any(feature = "s3", feature = "https"))]
mod causes;
#[cfg(feature = "https")]
pub mod http;
pub mod listing;
pub mod profiles;
pub mod remote;
#[cfg(feature = "s3")]
pub mod s3;
pub mod uri;

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
#[cfg(any(feature = "s3", feature = "https"))]
use std::time::{Duration, SystemTime};

use remote::{RemoteError, RemoteOptions};
use uri::{S3Uri, UriError, WebUrl};

/// A place to read a dump from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A local file.
    Path(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// An object in S3 or an S3-compatible store.
    S3(S3Uri),
    /// An `http://` or `https://` URL (pre-signed S3 URLs included).
    Web(WebUrl),
}

/// Marker error a reader returns (inside an [`io::Error`]) when the user cancelled: the
/// decoders stop on it and report [`crate::decode::DecodeError::Cancelled`].
#[derive(Debug, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

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
    /// A malformed remote address.
    #[error(transparent)]
    Uri(#[from] UriError),
    /// A remote source failed.
    #[error(transparent)]
    Remote(#[from] RemoteError),
}

impl Source {
    /// Parses a command-line argument: `-` is standard input, `s3://bucket/key` an S3
    /// object, `http(s)://...` a URL, anything else a path.
    pub fn parse(arg: &str) -> Result<Source, SourceError> {
        if arg == "-" {
            return Ok(Source::Stdin);
        }
        if arg.starts_with("s3://") {
            return Ok(Source::S3(S3Uri::parse_object(arg)?));
        }
        if arg.starts_with("https://") || arg.starts_with("http://") {
            return Ok(Source::Web(WebUrl::parse(arg)?));
        }
        Ok(Source::Path(PathBuf::from(arg)))
    }

    /// Whether the source is read over the network.
    pub fn is_remote(&self) -> bool {
        matches!(self, Source::S3(_) | Source::Web(_))
    }

    /// A short name for titles: the file name of a path, key or URL.
    pub fn file_name(&self) -> String {
        match self {
            Source::Path(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            Source::Stdin => "stdin".to_owned(),
            Source::S3(u) => u.file_name().to_owned(),
            Source::Web(u) => u.file_name(),
        }
    }

    /// What may be stored (recent files) to open this source again: `None` for standard
    /// input and for URLs with a query, which are credentials that expire.
    pub fn persistable(&self) -> Option<String> {
        match self {
            Source::Stdin => None,
            Source::Web(u) if u.has_query() => None,
            other => Some(other.to_string()),
        }
    }

    /// Opens the source as a byte stream, with its length when known. Remote sources use
    /// `options`, report their size into `progress` as soon as the server tells, and poll
    /// it for cancellation while they wait for the network.
    pub fn open(
        &self,
        options: &RemoteOptions,
        progress: Option<&Progress>,
    ) -> Result<Opened, SourceError> {
        let opened = match self {
            Source::Path(path) => {
                let file = File::open(path).map_err(|source| SourceError::Open {
                    path: path.clone(),
                    source,
                })?;
                let len = file.metadata().ok().map(|m| m.len());
                Opened {
                    reader: Box::new(file),
                    len,
                    warning: None,
                }
            }
            Source::Stdin => Opened {
                reader: Box::new(io::stdin()),
                len: None,
                warning: None,
            },
            Source::S3(uri) => open_s3(uri, options, progress)?,
            Source::Web(url) => open_web(url, options, progress)?,
        };
        if let (Some(p), Some(len)) = (progress, opened.len) {
            p.set_total(len);
        }
        Ok(opened)
    }
}

#[cfg(feature = "s3")]
fn open_s3(
    uri: &S3Uri,
    options: &RemoteOptions,
    progress: Option<&Progress>,
) -> Result<Opened, RemoteError> {
    s3::S3Client::connect(options)?.open(uri, progress)
}

#[cfg(not(feature = "s3"))]
fn open_s3(_: &S3Uri, _: &RemoteOptions, _: Option<&Progress>) -> Result<Opened, RemoteError> {
    Err(RemoteError::NotBuilt("S3", "s3"))
}

#[cfg(feature = "https")]
fn open_web(
    url: &WebUrl,
    options: &RemoteOptions,
    progress: Option<&Progress>,
) -> Result<Opened, RemoteError> {
    http::open(url, options, progress)
}

#[cfg(not(feature = "https"))]
fn open_web(_: &WebUrl, _: &RemoteOptions, _: Option<&Progress>) -> Result<Opened, RemoteError> {
    Err(RemoteError::NotBuilt("HTTPS", "https"))
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Path(p) => write!(f, "{}", p.display()),
            Source::Stdin => f.write_str("-"),
            Source::S3(u) => write!(f, "{u}"),
            Source::Web(u) => write!(f, "{u}"),
        }
    }
}

/// `12.3 MB`.
pub fn human_bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.2} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.0} kB", n / 1e3)
    } else {
        format!("{n} B")
    }
}

/// An opened source.
pub struct Opened {
    /// The bytes.
    pub reader: Box<dyn Read + Send>,
    /// Total length in bytes, when the source knows it (for progress bars).
    pub len: Option<u64>,
    /// Something the user should know about where the bytes came from (a cached copy
    /// opened because the server was unreachable).
    pub warning: Option<String>,
}

/// A fresh download: the resuming body, stored into `cache` on the way when the server
/// gave an ETag to key it by.
#[cfg(any(feature = "s3", feature = "https"))]
fn downloaded(
    body: remote::Resuming,
    cache: Option<&cache::Cache>,
    origin: &str,
    etag: Option<&str>,
    len: Option<u64>,
) -> Opened {
    let writer = match (cache, etag) {
        (Some(cache), Some(etag)) => cache.writer(origin, etag, len).ok(),
        _ => None,
    };
    Opened {
        reader: Box::new(cache::Tee::new(body, writer)),
        len,
        warning: None,
    }
}

/// After a failed request: the latest cached copy when the server could not be reached at
/// all (with a warning naming the reason), else the error.
#[cfg(any(feature = "s3", feature = "https"))]
fn offline_fallback(err: RemoteError, cached: Option<cache::Entry>) -> Result<Opened, RemoteError> {
    match cached {
        Some(entry)
            if matches!(
                err,
                RemoteError::Unreachable { .. } | RemoteError::Timeout { .. }
            ) =>
        {
            from_cache(entry, Some(err))
        }
        _ => Err(err),
    }
}

/// Opens a cached object; with `offline`, the reason the server was not asked, which
/// becomes a warning naming the copy's age.
#[cfg(any(feature = "s3", feature = "https"))]
fn from_cache(entry: cache::Entry, offline: Option<RemoteError>) -> Result<Opened, RemoteError> {
    let file = File::open(&entry.path).map_err(|e| RemoteError::Other {
        target: entry.origin.clone(),
        detail: format!("cannot open the cached copy: {e}"),
    })?;
    let warning = offline.map(|e| {
        let age = SystemTime::now()
            .duration_since(entry.used)
            .unwrap_or_default();
        format!(
            "opened the cached copy (used {} ago), because: {e}",
            human_age(age)
        )
    });
    Ok(Opened {
        reader: Box::new(file),
        len: Some(entry.size),
        warning,
    })
}

#[cfg(any(feature = "s3", feature = "https"))]
fn human_age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..120 => format!("{s} s"),
        120..7200 => format!("{} min", s / 60),
        7200..172_800 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

/// Moves a blocking body onto its own thread, 64 KiB at a time, so that the reader can give
/// up on Cancel or after `timeout` of silence even while the network read is stuck. The
/// thread ends at its next chunk once the reader is dropped.
#[cfg(any(feature = "s3", feature = "https"))]
fn pump(
    mut body: Box<dyn Read + Send>,
    progress: Option<Progress>,
    timeout: Duration,
) -> Box<dyn Read + Send> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<io::Result<Vec<u8>>>(16);
    let spawned = std::thread::Builder::new()
        .name("download".into())
        .spawn(move || {
            loop {
                let mut chunk = vec![0u8; 1 << 16];
                let msg = match body.read(&mut chunk) {
                    Ok(0) => Ok(Vec::new()),
                    Ok(n) => {
                        chunk.truncate(n);
                        Ok(chunk)
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => Err(e),
                };
                let end = !matches!(&msg, Ok(c) if !c.is_empty());
                if tx.send(msg).is_err() || end {
                    return;
                }
            }
        });
    match spawned {
        Ok(_) => Box::new(Pumped {
            rx,
            chunk: Vec::new(),
            pos: 0,
            done: false,
            progress,
            timeout,
        }),
        Err(e) => Box::new(io::Cursor::new(Vec::new()).chain(ErrReader(Some(e)))),
    }
}

#[cfg(any(feature = "s3", feature = "https"))]
struct ErrReader(Option<io::Error>);

#[cfg(any(feature = "s3", feature = "https"))]
impl Read for ErrReader {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

#[cfg(any(feature = "s3", feature = "https"))]
struct Pumped {
    rx: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    pos: usize,
    done: bool,
    progress: Option<Progress>,
    timeout: Duration,
}

#[cfg(any(feature = "s3", feature = "https"))]
impl Read for Pumped {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        const SLICE: Duration = Duration::from_millis(100);
        let mut waited = Duration::ZERO;
        while self.pos >= self.chunk.len() {
            if self.done {
                return Ok(0);
            }
            if self.progress.as_ref().is_some_and(Progress::is_cancelled) {
                return Err(io::Error::other(Cancelled));
            }
            if waited >= self.timeout {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("no data for {} s", self.timeout.as_secs()),
                ));
            }
            match self.rx.recv_timeout(SLICE) {
                Ok(Ok(c)) if c.is_empty() => self.done = true,
                Ok(Ok(c)) => {
                    self.chunk = c;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => waited += SLICE,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "the download thread stopped",
                    ));
                }
            }
        }
        let n = buf.len().min(self.chunk.len() - self.pos);
        buf[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
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
    /// 0 while unknown.
    total: AtomicU64,
    cancelled: AtomicBool,
}

impl Progress {
    /// Bytes read from the source so far (compressed bytes, for compressed sources).
    pub fn bytes_read(&self) -> u64 {
        self.inner.read.load(Ordering::Relaxed)
    }

    /// The source's size in bytes, once known (a download learns it from the response).
    pub fn total(&self) -> Option<u64> {
        Some(self.inner.total.load(Ordering::Relaxed)).filter(|&t| t > 0)
    }

    /// Records the source's size.
    pub fn set_total(&self, total: u64) {
        self.inner.total.store(total, Ordering::Relaxed);
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
        assert_eq!(
            Source::parse("s3://b/k/d.gz").unwrap(),
            Source::S3(S3Uri {
                bucket: "b".into(),
                key: "k/d.gz".into()
            })
        );
        assert!(matches!(Source::parse("s3://b/"), Err(SourceError::Uri(_))));
        let presigned = Source::parse("https://h/d.gz?X-Amz-Signature=abc").unwrap();
        assert!(presigned.is_remote());
        assert_eq!(presigned.to_string(), "https://h/d.gz?...");
        assert_eq!(presigned.persistable(), None);
        assert_eq!(presigned.file_name(), "d.gz");
        assert_eq!(
            Source::parse("s3://b/k/d.gz")
                .unwrap()
                .persistable()
                .as_deref(),
            Some("s3://b/k/d.gz")
        );
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

    #[test]
    #[cfg(any(feature = "s3", feature = "https"))]
    fn a_pumped_body_reads_through_and_cancels() {
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        let mut r = pump(
            Box::new(io::Cursor::new(data.clone())),
            None,
            Duration::from_secs(5),
        );
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);

        // A body that never answers: Cancel gets through within a slice, not a timeout.
        struct Stuck;
        impl Read for Stuck {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                std::thread::sleep(Duration::from_secs(3));
                Ok(0)
            }
        }
        let p = Progress::default();
        let mut r = pump(Box::new(Stuck), Some(p.clone()), Duration::from_secs(60));
        p.cancel();
        let e = r.read(&mut [0; 8]).unwrap_err();
        assert!(e.get_ref().unwrap().is::<Cancelled>());
        // And silence past the timeout is an error, not a hang.
        let mut r = pump(Box::new(Stuck), None, Duration::from_millis(300));
        assert_eq!(
            r.read(&mut [0; 8]).unwrap_err().kind(),
            io::ErrorKind::TimedOut
        );
    }
}
