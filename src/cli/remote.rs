//! The command line's remote side: the connection options every command takes, `ls` for S3
//! listings and `cache` for the download cache.

use std::path::PathBuf;
use std::time::Duration;

#[cfg(feature = "s3")]
use serde::Serialize;

use super::Failure;
use crate::source::cache::Cache;
use crate::source::remote::RemoteOptions;

/// How to reach `s3://` and `https://` sources. Credentials are never options: they come
/// from the AWS chain (environment, `~/.aws` profiles, SSO, `credential_process`, instance
/// and container roles).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RemoteArgs {
    /// AWS profile from ~/.aws/config or ~/.aws/credentials (default: AWS_PROFILE, then
    /// "default").
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region (default: the profile's, or AWS_REGION).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// S3-compatible endpoint such as MinIO or R2 (default: AWS_ENDPOINT_URL); implies
    /// path-style addressing.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Address buckets by path (endpoint/bucket/key) even on AWS.
    #[arg(long, global = true)]
    pub path_style: bool,
    /// PEM file of CA certificates to trust for HTTPS (replaces the built-in roots for
    /// https:// sources; adds to them for S3).
    #[arg(long, global = true, value_name = "FILE")]
    pub ca_bundle: Option<PathBuf>,
    /// Always download; neither read nor fill the cache.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Seconds a server may stay silent before the request fails.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

impl RemoteArgs {
    /// The options these arguments describe.
    pub fn options(&self) -> RemoteOptions {
        let defaults = RemoteOptions::default();
        RemoteOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            path_style: self.path_style,
            ca_bundle: self.ca_bundle.clone(),
            connect_timeout: defaults
                .connect_timeout
                .min(Duration::from_secs(self.timeout)),
            read_timeout: Duration::from_secs(self.timeout),
            cache: if self.no_cache { None } else { defaults.cache },
        }
    }
}

/// `cache` actions.
#[derive(Debug, Clone, Copy, clap::Subcommand)]
pub enum CacheAction {
    /// Show where the cache is and how much it holds.
    Info,
    /// Delete every cached download.
    Clear,
}

#[cfg(feature = "s3")]
#[derive(Serialize)]
struct BucketRow {
    name: String,
    created: Option<String>,
}

#[cfg(feature = "s3")]
#[derive(Serialize)]
struct ObjectRow {
    key: String,
    size: u64,
    modified: Option<String>,
    etag: Option<String>,
}

/// `rtcscope ls s3://[bucket[/prefix]]`.
#[cfg(feature = "s3")]
pub fn ls(uri: &str, recursive: bool, json: bool, remote: &RemoteArgs) -> Result<String, Failure> {
    use std::fmt::Write as _;

    use crate::source::s3::S3Client;
    use crate::source::uri::S3Uri;

    let input = |e: &dyn std::fmt::Display| Failure::Input(e.to_string());
    let client = S3Client::connect(&remote.options()).map_err(|e| input(&e))?;
    if uri == "s3://" {
        let buckets = client.list_buckets().map_err(|e| input(&e))?;
        let rows: Vec<BucketRow> = buckets
            .into_iter()
            .map(|b| BucketRow {
                name: b.name,
                created: b.created.map(iso),
            })
            .collect();
        if json {
            return super::to_json(&serde_json::json!({ "buckets": rows }));
        }
        let mut o = String::new();
        for b in rows {
            let _ = writeln!(o, "{:<20}  {}", b.created.unwrap_or_default(), b.name);
        }
        return Ok(o);
    }
    let parsed = S3Uri::parse(uri).map_err(|e| Failure::Usage(e.to_string()))?;
    let listing = client
        .list_objects(&parsed, !recursive)
        .map_err(|e| input(&e))?;
    let rows: Vec<ObjectRow> = listing
        .objects
        .into_iter()
        .map(|o| ObjectRow {
            key: o.key,
            size: o.size,
            modified: o.modified.map(iso),
            etag: o.etag,
        })
        .collect();
    if json {
        return super::to_json(&serde_json::json!({
            "bucket": parsed.bucket,
            "prefix": parsed.key,
            "prefixes": listing.prefixes,
            "objects": rows,
            "truncated": listing.truncated,
        }));
    }
    let mut o = String::new();
    for p in &listing.prefixes {
        let _ = writeln!(o, "{:>20}  {:>12}  {p}", "", "PRE");
    }
    for r in &rows {
        let _ = writeln!(
            o,
            "{:>20}  {:>12}  {}",
            r.modified.as_deref().unwrap_or(""),
            r.size,
            r.key
        );
    }
    if listing.truncated {
        let _ = writeln!(
            o,
            "(stopped after {} objects: narrow the prefix)",
            crate::source::listing::MAX_LISTED
        );
    }
    Ok(o)
}

/// `rtcscope ls` in a build without S3.
#[cfg(not(feature = "s3"))]
pub fn ls(_: &str, _: bool, _: bool, _: &RemoteArgs) -> Result<String, Failure> {
    Err(Failure::Input(
        crate::source::remote::RemoteError::NotBuilt("S3", "s3").to_string(),
    ))
}

/// `rtcscope cache info|clear`.
pub fn cache(action: CacheAction) -> Result<String, Failure> {
    let cache = Cache::user_default()
        .ok_or_else(|| Failure::Output("this platform has no cache directory".to_owned()))?;
    match action {
        CacheAction::Info => {
            let u = cache.usage();
            Ok(format!(
                "cache:   {}\nobjects: {}\nsize:    {} of {} allowed\n",
                cache.dir().display(),
                u.entries,
                crate::source::human_bytes(u.bytes),
                crate::source::human_bytes(cache.max_bytes()),
            ))
        }
        CacheAction::Clear => {
            let u = cache.clear().map_err(|e| {
                Failure::Output(format!("cannot clear {}: {e}", cache.dir().display()))
            })?;
            Ok(format!(
                "removed {} cached object(s), {}\n",
                u.entries,
                crate::source::human_bytes(u.bytes)
            ))
        }
    }
}

/// Unix seconds as `2026-11-26T09:30:00Z`.
#[cfg(feature = "s3")]
fn iso(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}
