//! The viewer's remote side: connection settings (persisted; names only, never a secret) and
//! the S3 browser's requests, each run on its own thread so that a slow listing never
//! stalls a frame.

use std::collections::BTreeSet;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use serde::{Deserialize, Serialize};

use crate::source::cache::Usage;
use crate::source::listing::{BucketInfo, Listing, parse_day};
use crate::source::remote::{RemoteError, RemoteOptions};
use crate::source::uri::S3Uri;

/// Where remote sources come from, as chosen in the "Open from S3 / URL" window. Empty
/// strings mean "as the AWS chain decides".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RemoteSettings {
    /// AWS profile.
    pub profile: String,
    /// Region.
    pub region: String,
    /// S3-compatible endpoint URL.
    pub endpoint_url: String,
    /// Path-style addressing.
    pub path_style: bool,
}

impl RemoteSettings {
    /// Settings from command-line options (which then win over the persisted ones).
    pub fn from_options(o: &RemoteOptions) -> RemoteSettings {
        RemoteSettings {
            profile: o.profile.clone().unwrap_or_default(),
            region: o.region.clone().unwrap_or_default(),
            endpoint_url: o.endpoint_url.clone().unwrap_or_default(),
            path_style: o.path_style,
        }
    }

    /// `base` (timeouts, CA bundle, cache) with these settings applied.
    pub fn options(&self, base: &RemoteOptions) -> RemoteOptions {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        RemoteOptions {
            profile: some(&self.profile),
            region: some(&self.region),
            endpoint_url: some(&self.endpoint_url),
            path_style: self.path_style,
            ..base.clone()
        }
    }
}

/// An answer from a background request.
enum Reply {
    Buckets(Result<Vec<BucketInfo>, RemoteError>),
    Listing(S3Uri, Result<Listing, RemoteError>),
}

/// The state of the "Open from S3 / URL" window.
#[derive(Default)]
pub struct Browser {
    /// Whether the window is open.
    pub open: bool,
    /// The address typed in (an `s3://` object or an `https://` URL).
    pub address: String,
    /// The bucket being browsed.
    pub bucket: String,
    /// The prefix ("folder") being browsed.
    pub prefix: String,
    /// Buckets from the last bucket listing.
    pub buckets: Vec<BucketInfo>,
    /// The last object listing, and what it lists.
    pub listing: Option<(S3Uri, Listing)>,
    /// Filter: key contains.
    pub name_filter: String,
    /// Filter: modified on or after this day (`YYYY-MM-DD`).
    pub after: String,
    /// Filter: modified before this day (`YYYY-MM-DD`).
    pub before: String,
    /// Keys ticked for opening.
    pub selected: BTreeSet<String>,
    /// The last error.
    pub error: Option<String>,
    /// Profile names from the user's AWS files.
    pub profiles: Vec<String>,
    /// What the download cache holds (refreshed when the window opens).
    pub cache_usage: Option<Usage>,
    pending: Option<(String, Receiver<Reply>)>,
    /// The profile list and cache figures being read from disk off the UI thread.
    local: Option<Receiver<Local>>,
}

/// What a background read of the user's files found.
struct Local {
    /// Profile names, when they were read.
    profiles: Option<Vec<String>>,
    /// The cache's figures.
    usage: Option<Usage>,
    /// Why clearing the cache failed.
    error: Option<String>,
}

impl Browser {
    /// Opens the window and refreshes the profile list and cache figures in the background
    /// (they read `~/.aws` and walk the cache folder: no frame waits for the disk).
    pub fn show_window(&mut self, base: &RemoteOptions, ctx: &egui::Context) {
        self.open = true;
        let cache = base.cache.clone();
        self.spawn_local(ctx, move || Local {
            profiles: Some(crate::source::profiles::list()),
            usage: cache.as_ref().map(|c| c.usage()),
            error: None,
        });
    }

    /// Clears the download cache in the background, then refreshes its figures.
    pub fn request_clear(&mut self, cache: crate::source::cache::Cache, ctx: &egui::Context) {
        self.spawn_local(ctx, move || {
            let error = cache
                .clear()
                .err()
                .map(|e| format!("cannot clear the cache: {e}"));
            Local {
                profiles: None,
                usage: Some(cache.usage()),
                error,
            }
        });
    }

    /// Whether the user's files are being read.
    pub fn reading_local(&self) -> bool {
        self.local.is_some()
    }

    fn spawn_local(&mut self, ctx: &egui::Context, job: impl FnOnce() -> Local + Send + 'static) {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("local files".into())
            .spawn(move || {
                let _ = tx.send(job());
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.local = Some(rx),
            Err(e) => self.error = Some(format!("cannot start a thread: {e}")),
        }
    }

    fn poll_local(&mut self) {
        let Some(rx) = &self.local else { return };
        match rx.try_recv() {
            Ok(l) => {
                self.local = None;
                if let Some(p) = l.profiles {
                    self.profiles = p;
                }
                if l.usage.is_some() {
                    self.cache_usage = l.usage;
                }
                if l.error.is_some() {
                    self.error = l.error;
                }
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => self.local = None,
        }
    }

    /// What is being fetched, if anything.
    pub fn busy(&self) -> Option<&str> {
        self.pending.as_ref().map(|(what, _)| what.as_str())
    }

    /// Lists the buckets in the background.
    pub fn request_buckets(&mut self, options: RemoteOptions, ctx: &egui::Context) {
        self.spawn("Listing buckets".to_owned(), ctx, move || {
            Reply::Buckets(list_buckets(&options))
        });
    }

    /// Lists `bucket`/`prefix` one level deep in the background.
    pub fn request_listing(&mut self, options: RemoteOptions, ctx: &egui::Context) {
        let uri = S3Uri {
            bucket: self.bucket.trim().to_owned(),
            key: self.prefix.clone(),
        };
        self.spawn(format!("Listing {uri}"), ctx, move || {
            let result = list_objects(&options, &uri);
            Reply::Listing(uri, result)
        });
    }

    fn spawn(
        &mut self,
        what: String,
        ctx: &egui::Context,
        job: impl FnOnce() -> Reply + Send + 'static,
    ) {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("s3 browser".into())
            .spawn(move || {
                let _ = tx.send(job());
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.error = None;
                self.pending = Some((what, rx));
            }
            Err(e) => self.error = Some(format!("cannot start a thread: {e}")),
        }
    }

    /// Takes a finished request's answer into the state.
    pub fn poll(&mut self) {
        self.poll_local();
        let Some((_, rx)) = &self.pending else {
            return;
        };
        let reply = match rx.try_recv() {
            Ok(r) => r,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => {
                self.pending = None;
                self.error = Some("the request stopped unexpectedly".to_owned());
                return;
            }
        };
        self.pending = None;
        match reply {
            Reply::Buckets(Ok(b)) => self.buckets = b,
            Reply::Listing(uri, Ok(l)) => {
                self.selected.clear();
                self.listing = Some((uri, l));
            }
            Reply::Buckets(Err(e)) | Reply::Listing(_, Err(e)) => self.error = Some(e.to_string()),
        }
    }

    /// The `s3://` addresses of the ticked objects.
    pub fn selected_sources(&self) -> Vec<String> {
        self.selected
            .iter()
            .map(|key| {
                S3Uri {
                    bucket: self.bucket.trim().to_owned(),
                    key: key.clone(),
                }
                .to_string()
            })
            .collect()
    }

    /// The date filter as Unix seconds; a malformed day is ignored (and shown as such).
    pub fn date_range(&self) -> (Option<i64>, Option<i64>) {
        (parse_day(&self.after), parse_day(&self.before))
    }
}

#[cfg(feature = "s3")]
fn list_buckets(options: &RemoteOptions) -> Result<Vec<BucketInfo>, RemoteError> {
    crate::source::s3::S3Client::connect(options)?.list_buckets()
}

#[cfg(feature = "s3")]
fn list_objects(options: &RemoteOptions, uri: &S3Uri) -> Result<Listing, RemoteError> {
    crate::source::s3::S3Client::connect(options)?.list_objects(uri, true)
}

#[cfg(not(feature = "s3"))]
fn list_buckets(_: &RemoteOptions) -> Result<Vec<BucketInfo>, RemoteError> {
    Err(RemoteError::NotBuilt("S3", "s3"))
}

#[cfg(not(feature = "s3"))]
fn list_objects(_: &RemoteOptions, _: &S3Uri) -> Result<Listing, RemoteError> {
    Err(RemoteError::NotBuilt("S3", "s3"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_override_the_base_but_keep_its_cache_and_timeouts() {
        let base = RemoteOptions {
            profile: Some("cli".into()),
            cache: None,
            ..RemoteOptions::default()
        };
        let s = RemoteSettings {
            profile: " prod ".into(),
            region: String::new(),
            endpoint_url: "http://127.0.0.1:9000".into(),
            path_style: true,
        };
        let o = s.options(&base);
        assert_eq!(o.profile.as_deref(), Some("prod"));
        assert_eq!(o.region, None);
        assert_eq!(o.endpoint_url.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(o.cache, None);
        assert_eq!(o.read_timeout, base.read_timeout);
        assert_eq!(RemoteSettings::from_options(&o), s.clone().trimmed());
    }

    impl RemoteSettings {
        fn trimmed(mut self) -> Self {
            self.profile = self.profile.trim().to_owned();
            self
        }
    }
}
