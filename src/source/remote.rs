//! What S3 and HTTPS sources share: the connection options, the error kinds (each with what
//! to do about it), and a reader that resumes a dropped download where it stopped.

use std::io::{self, Read};
use std::path::PathBuf;
use std::time::Duration;

use super::cache::Cache;
use super::{Cancelled, Progress, backoff};

/// How to reach remote sources. Holds no secret: credentials come from the AWS chain
/// (environment, profiles, SSO, `credential_process`, instance and container roles) when a
/// request is made, and are never stored here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteOptions {
    /// The AWS profile (`--profile`); `None` follows `AWS_PROFILE`, then `default`.
    pub profile: Option<String>,
    /// The region (`--region`); `None` takes the profile's or the environment's.
    pub region: Option<String>,
    /// An S3-compatible endpoint (`--endpoint-url`); `None` also honours
    /// `AWS_ENDPOINT_URL_S3` and `AWS_ENDPOINT_URL`.
    pub endpoint_url: Option<String>,
    /// Address buckets as `endpoint/bucket/key` rather than `bucket.endpoint/key`. Custom
    /// endpoints (MinIO and friends) need it, so it is on whenever an endpoint is set.
    pub path_style: bool,
    /// Extra trusted certificates (PEM), for servers signed by a private CA.
    pub ca_bundle: Option<PathBuf>,
    /// How long to wait for a connection.
    pub connect_timeout: Duration,
    /// How long a response may stay silent before the request counts as timed out.
    pub read_timeout: Duration,
    /// Where downloads are kept; `None` disables caching.
    pub cache: Option<Cache>,
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            profile: None,
            region: None,
            endpoint_url: None,
            path_style: false,
            ca_bundle: None,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            cache: Cache::user_default(),
        }
    }
}

impl RemoteOptions {
    /// The endpoint in force: the option, else `AWS_ENDPOINT_URL_S3`, else
    /// `AWS_ENDPOINT_URL`.
    pub fn effective_endpoint(&self) -> Option<String> {
        self.endpoint_url.clone().or_else(env_endpoint)
    }
}

/// The S3 endpoint the environment sets: `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`.
pub fn env_endpoint() -> Option<String> {
    ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
}

/// Why a remote source could not be listed or read. Each message says what to do next, and
/// none carries a secret (pre-signed queries and user information are redacted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteError {
    /// The AWS chain found no credentials.
    #[error(
        "no AWS credentials found{}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with --profile, or run `aws configure`",
        profile_note(.profile)
    )]
    NoCredentials {
        /// The profile that was asked for.
        profile: Option<String>,
    },
    /// An SSO profile whose session has ended.
    #[error(
        "the SSO session{} has expired: run `aws sso login{}` and try again",
        profile_note(.profile),
        profile_flag(.profile)
    )]
    SsoExpired {
        /// The profile.
        profile: Option<String>,
    },
    /// A credential provider of the chain failed (a `credential_process` that exits with
    /// an error, an unreadable web identity token, a bad profile).
    #[error(
        "the AWS credentials{} could not be loaded: {detail}: check the profile's settings",
        profile_note(.profile)
    )]
    CredentialsFailed {
        /// The profile.
        profile: Option<String>,
        /// The provider's reason.
        detail: String,
    },
    /// The server did not accept the credentials (unknown key, wrong secret, expired token).
    #[error(
        "the credentials{} were refused ({code}): check the access key and secret, or refresh the session token",
        profile_note(.profile)
    )]
    BadCredentials {
        /// The profile.
        profile: Option<String>,
        /// The server's error code, e.g. `InvalidAccessKeyId`.
        code: String,
    },
    /// The credentials are valid but may not do this.
    #[error(
        "access denied to {target}{}: the credentials lack permission (s3:GetObject to open, s3:ListBucket to browse)",
        profile_note(.profile)
    )]
    AccessDenied {
        /// What was asked for.
        target: String,
        /// The profile.
        profile: Option<String>,
    },
    /// The bucket does not exist (at this endpoint and region).
    #[error("no such bucket: {bucket}: check its name, the region and the endpoint")]
    NoSuchBucket {
        /// The bucket.
        bucket: String,
    },
    /// The object or URL does not exist.
    #[error("not found: {target}: check the key or URL (keys are case-sensitive)")]
    NotFound {
        /// What was asked for.
        target: String,
    },
    /// The bucket lives in another region than the one asked.
    #[error("{target} is in another region{}: pass --region with the bucket's region", region_note(.region))]
    WrongRegion {
        /// What was asked for.
        target: String,
        /// The bucket's region, when the server said.
        region: Option<String>,
    },
    /// No region is configured for S3.
    #[error("no AWS region is set: pass --region, set AWS_REGION, or add region to the profile")]
    NoRegion,
    /// The server answered with an unexpected status.
    #[error("{target}: the server answered {status}{}", detail_note(.detail))]
    Status {
        /// What was asked for.
        target: String,
        /// The HTTP status.
        status: u16,
        /// The server's error code or reason.
        detail: String,
    },
    /// No connection could be made.
    #[error("cannot reach {endpoint}: {detail}. Check the network, the endpoint URL and any proxy")]
    Unreachable {
        /// The endpoint (scheme, host and port).
        endpoint: String,
        /// The system's reason.
        detail: String,
    },
    /// The server stopped answering.
    #[error("{target}: no answer within {} s. The server or network is too slow or down; try again", .after.as_secs())]
    Timeout {
        /// What was asked for.
        target: String,
        /// The time limit that passed.
        after: Duration,
    },
    /// The TLS handshake failed.
    #[error(
        "{target}: TLS failed ({detail}); for a server with a private CA, pass --ca-bundle FILE"
    )]
    Tls {
        /// What was asked for.
        target: String,
        /// The reason.
        detail: String,
    },
    /// The connection dropped mid-download and resuming failed.
    #[error("{target}: the connection dropped after {offset} of {} bytes and the download could not be resumed ({detail})", total.map_or("?".to_owned(), |t| t.to_string()))]
    Dropped {
        /// What was being read.
        target: String,
        /// Bytes received.
        offset: u64,
        /// The object's size, when known.
        total: Option<u64>,
        /// Why resuming failed.
        detail: String,
    },
    /// The object changed on the server while it was being read.
    #[error("{target} changed on the server during the download; open it again")]
    Changed {
        /// What was being read.
        target: String,
    },
    /// Options that cannot work (an unreadable CA bundle, a malformed endpoint).
    #[error("{0}")]
    Config(String),
    /// This build leaves the source kind out (`--no-default-features`).
    #[error(
        "this build of rtcscope cannot read {0} sources (it was built without the `{1}` feature)"
    )]
    NotBuilt(&'static str, &'static str),
    /// Anything else, with the library's reason (secrets scrubbed).
    #[error("{target}: {detail}")]
    Other {
        /// What was asked for.
        target: String,
        /// The reason.
        detail: String,
    },
}

fn profile_note(profile: &Option<String>) -> String {
    profile
        .as_ref()
        .map_or_else(String::new, |p| format!(" (profile {p})"))
}

fn profile_flag(profile: &Option<String>) -> String {
    profile
        .as_ref()
        .map_or_else(String::new, |p| format!(" --profile {p}"))
}

fn region_note(region: &Option<String>) -> String {
    region
        .as_ref()
        .map_or_else(String::new, |r| format!(" ({r})"))
}

fn detail_note(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(" ({detail})")
    }
}

/// Opens a body again from a byte offset, after a drop.
pub type Reopen = Box<dyn FnMut(u64) -> Result<Box<dyn Read + Send>, RemoteError> + Send>;

/// A download body that survives dropped connections: when a read fails (or the stream
/// ends before the announced size), it asks `reopen` for the rest from where it stopped
/// (a `Range` request pinned to the same ETag), a few times before giving up with
/// [`RemoteError::Dropped`] inside the `io::Error`. Retries wait with exponential backoff
/// and jitter; Cancel is honoured while waiting and while reconnecting.
pub struct Resuming {
    inner: Box<dyn Read + Send>,
    /// `None` only after a cancelled reconnect took it along.
    reopen: Option<Reopen>,
    progress: Option<Progress>,
    target: String,
    offset: u64,
    total: Option<u64>,
    retries_left: u32,
}

/// How many times a download is resumed before it fails.
pub const MAX_RESUMES: u32 = 3;

impl Resuming {
    /// Wraps the first response body.
    pub fn new(
        inner: Box<dyn Read + Send>,
        total: Option<u64>,
        target: String,
        reopen: Reopen,
    ) -> Resuming {
        Resuming {
            inner,
            reopen: Some(reopen),
            progress: None,
            target,
            offset: 0,
            total,
            retries_left: MAX_RESUMES,
        }
    }

    /// Makes waits and reconnects give up when `progress` is cancelled.
    pub fn cancellable(mut self, progress: Option<Progress>) -> Resuming {
        self.progress = progress;
        self
    }

    fn resume(&mut self, mut why: String) -> io::Result<()> {
        while self.retries_left > 0 {
            let attempt = MAX_RESUMES - self.retries_left;
            self.retries_left -= 1;
            let progress = self.progress.as_ref();
            backoff::wait(backoff::delay(attempt, backoff::random()), progress)
                .map_err(io::Error::other)?;
            let Some(mut reopen) = self.reopen.take() else {
                return Err(io::Error::other(Cancelled));
            };
            let offset = self.offset;
            let (reopen, result) = backoff::cancellable(
                move || {
                    let r = reopen(offset);
                    (reopen, r)
                },
                progress,
            )
            .map_err(io::Error::other)?;
            self.reopen = Some(reopen);
            match result {
                Ok(body) => {
                    self.inner = body;
                    return Ok(());
                }
                // A different object now: splicing its bytes onto ours would corrupt both.
                Err(e @ RemoteError::Changed { .. }) => return Err(io::Error::other(e)),
                Err(e) => why = e.to_string(),
            }
        }
        Err(io::Error::other(RemoteError::Dropped {
            target: self.target.clone(),
            offset: self.offset,
            total: self.total,
            detail: why,
        }))
    }
}

impl Read for Resuming {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.inner.read(buf) {
                Ok(0) => match self.total {
                    Some(total) if self.offset < total => {
                        self.resume(format!("the stream ended at byte {}", self.offset))?;
                    }
                    _ => return Ok(0),
                },
                Ok(n) => {
                    self.offset += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_final(&e) => return Err(e),
                Err(e) => self.resume(e.to_string())?,
            }
        }
    }
}

/// Errors that resuming cannot help: the user cancelled, or the reader already gave up.
fn is_final(e: &io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.is::<Cancelled>() || inner.is::<RemoteError>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A reader that yields `data[..cut]` and then fails.
    struct Cut {
        data: Vec<u8>,
        pos: usize,
        cut: usize,
    }

    impl Read for Cut {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.pos >= self.cut {
                if self.cut < self.data.len() {
                    return Err(io::Error::new(
                        io::ErrorKind::ConnectionReset,
                        "connection reset",
                    ));
                }
                return Ok(0);
            }
            let n = buf.len().min(self.cut - self.pos).min(7);
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    fn data() -> Vec<u8> {
        (0..1000u32).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn resumes_from_the_offset_after_drops() {
        let d = data();
        let offsets = Arc::new(Mutex::new(Vec::new()));
        let (d2, seen) = (d.clone(), offsets.clone());
        let mut drops = 0;
        let reopen: Reopen = Box::new(move |off| {
            seen.lock().unwrap().push(off);
            drops += 1;
            // The second connection also drops, 100 bytes on; the third completes.
            let rest = d2[off as usize..].to_vec();
            let cut = if drops == 1 { 100 } else { rest.len() };
            Ok(Box::new(Cut {
                data: rest,
                pos: 0,
                cut,
            }))
        });
        let first = Box::new(Cut {
            data: d.clone(),
            pos: 0,
            cut: 300,
        });
        let mut r = Resuming::new(first, Some(1000), "t".into(), reopen);
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, d);
        assert_eq!(*offsets.lock().unwrap(), vec![300, 400]);
    }

    #[test]
    fn cancel_is_honoured_during_a_reconnect() {
        // The connection drops after 300 bytes and the reconnect hangs (a dead network:
        // connect would block until its timeout). Cancel returns within a second.
        let reopen: Reopen = Box::new(|_| {
            std::thread::sleep(Duration::from_secs(30));
            Err(RemoteError::Other {
                target: "t".into(),
                detail: "late".into(),
            })
        });
        let first = Box::new(Cut {
            data: data(),
            pos: 0,
            cut: 300,
        });
        let p = Progress::default();
        let mut r =
            Resuming::new(first, Some(1000), "t".into(), reopen).cancellable(Some(p.clone()));
        let q = p.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(600));
            q.cancel();
        });
        let start = std::time::Instant::now();
        let e = r.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(e.get_ref().unwrap().is::<Cancelled>(), "{e}");
        // 600 ms to the Cancel, plus at most a slice or two.
        assert!(
            start.elapsed() < Duration::from_millis(1500),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn a_short_stream_is_resumed_too() {
        let d = data();
        let d2 = d.clone();
        let reopen: Reopen =
            Box::new(move |off| Ok(Box::new(io::Cursor::new(d2[off as usize..].to_vec()))));
        let first = Box::new(io::Cursor::new(d[..500].to_vec()));
        let mut r = Resuming::new(first, Some(1000), "t".into(), reopen);
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, d);
    }

    #[test]
    fn gives_up_with_the_offset() {
        let d = data();
        let reopen: Reopen = Box::new(|_| {
            Err(RemoteError::Unreachable {
                endpoint: "http://127.0.0.1:1".into(),
                detail: "connection refused".into(),
            })
        });
        let first = Box::new(Cut {
            data: d,
            pos: 0,
            cut: 300,
        });
        let mut r = Resuming::new(first, Some(1000), "s3://b/k".into(), reopen);
        let mut out = Vec::new();
        let e = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(out.len(), 300, "what arrived is kept");
        let remote = e.get_ref().unwrap().downcast_ref::<RemoteError>().unwrap();
        match remote {
            RemoteError::Dropped { offset, total, .. } => {
                assert_eq!((*offset, *total), (300, Some(1000)));
            }
            other => panic!("{other:?}"),
        }
        let text = remote.to_string();
        assert!(text.contains("after 300 of 1000 bytes"), "{text}");
    }

    #[test]
    fn a_changed_object_is_not_spliced() {
        let reopen: Reopen = Box::new(|_| {
            Err(RemoteError::Changed {
                target: "s3://b/k".into(),
            })
        });
        let first = Box::new(Cut {
            data: data(),
            pos: 0,
            cut: 10,
        });
        let mut r = Resuming::new(first, Some(1000), "s3://b/k".into(), reopen);
        let e = r.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(e.to_string().contains("changed on the server"), "{e}");
    }

    #[test]
    fn messages_say_what_to_do() {
        let e = RemoteError::SsoExpired {
            profile: Some("prod".into()),
        };
        assert_eq!(
            e.to_string(),
            "the SSO session (profile prod) has expired: run `aws sso login --profile prod` and try again"
        );
        assert!(
            RemoteError::NoCredentials { profile: None }
                .to_string()
                .contains("--profile")
        );
    }
}
