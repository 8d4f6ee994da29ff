//! S3 (and S3-compatible stores) through the official AWS SDK: the standard credential chain
//! (environment, profiles, SSO, `credential_process`, instance and container roles), regions,
//! custom endpoints with path-style addressing, listings, and streamed downloads that resume
//! after a drop and land in the cache.
//!
//! The SDK is async; rtcscope's readers are not. Each [`S3Client`] owns a small tokio
//! runtime (one worker thread) and blocks on it, so the decoders keep reading a plain
//! `Read`.

use std::io::{self, Read};
use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{ConnectorError, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_http_client::tls;
use bytes::Bytes;
use tokio::runtime::Runtime;

use super::cache::Cache;
use super::causes;
use super::listing::{BucketInfo, Listing, MAX_LISTED, ObjectInfo};
use super::profiles;
use super::remote::{RemoteError, RemoteOptions, Resuming};
use super::uri::S3Uri;
use super::{Opened, Progress, downloaded, from_cache, offline_fallback, pump};

/// A connection to S3 (or a compatible store) with resolved configuration.
#[derive(Clone)]
pub struct S3Client {
    rt: Arc<Runtime>,
    client: Client,
    profile: Option<String>,
    /// The profile signs in through SSO, so a failing credential provider means an
    /// expired session.
    sso: bool,
    /// Shown in errors, and part of the cache key so that the same bucket name at two
    /// endpoints never shares entries.
    endpoint: String,
    read_timeout: Duration,
    cache: Option<Cache>,
}

impl S3Client {
    /// Resolves configuration (profile, region, endpoint) the way the AWS CLI does.
    /// Credentials are looked up on the first request, so a missing or expired one is
    /// reported by that request.
    pub fn connect(options: &RemoteOptions) -> Result<S3Client, RemoteError> {
        // One worker drives the sockets, so that a body read on the download thread and a
        // resume request on the decoder thread never wait for each other.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("s3 io")
            .enable_all()
            .build()
            .map_err(|e| RemoteError::Config(format!("cannot start the S3 runtime: {e}")))?;
        let mut trust = tls::TrustStore::default();
        if let Some(path) = &options.ca_bundle {
            let pem = std::fs::read(path).map_err(|e| {
                RemoteError::Config(format!("cannot read the CA bundle {}: {e}", path.display()))
            })?;
            trust = trust.with_pem_certificate(pem);
        }
        let tls_context = tls::TlsContext::builder()
            .with_trust_store(trust)
            .build()
            .map_err(|e| RemoteError::Config(format!("bad CA bundle: {e}")))?;
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::Ring,
            ))
            .tls_context(tls_context)
            .build_https();
        let endpoint = options.effective_endpoint();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http)
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(options.connect_timeout)
                    .read_timeout(options.read_timeout)
                    .build(),
            )
            .retry_config(RetryConfig::standard().with_max_attempts(3));
        if let Some(p) = &options.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &options.region {
            loader = loader.region(aws_config::Region::new(r.clone()));
        }
        if let Some(e) = &endpoint {
            loader = loader.endpoint_url(e);
        }
        let sdk = rt.block_on(loader.load());
        let mut conf = aws_sdk_s3::config::Builder::from(&sdk);
        if options.path_style || endpoint.is_some() {
            conf = conf.force_path_style(true);
        }
        if sdk.region().is_none() {
            if endpoint.is_none() {
                // AWS itself cannot be addressed without one; say so before any request.
                return Err(RemoteError::NoRegion);
            }
            // S3-compatible stores ignore the region, but the signer needs one.
            conf = conf.region(aws_config::Region::from_static("us-east-1"));
        }
        Ok(S3Client {
            rt: Arc::new(rt),
            client: Client::from_conf(conf.build()),
            profile: options.profile.clone(),
            sso: profiles::uses_sso(options.profile.as_deref()),
            endpoint: endpoint.unwrap_or_else(|| "aws".to_owned()),
            read_timeout: options.read_timeout,
            cache: options.cache.clone(),
        })
    }

    /// The buckets the credentials can list (`s3:ListAllMyBuckets`).
    pub fn list_buckets(&self) -> Result<Vec<BucketInfo>, RemoteError> {
        self.rt.block_on(async {
            let mut out = Vec::new();
            let mut token = None;
            loop {
                let resp = self
                    .client
                    .list_buckets()
                    .set_continuation_token(token)
                    .send()
                    .await
                    .map_err(|e| self.error(e, "the bucket list", None))?;
                out.extend(resp.buckets().iter().map(|b| BucketInfo {
                    name: b.name().unwrap_or_default().to_owned(),
                    created: b.creation_date().map(|d| d.secs()),
                }));
                token = resp.continuation_token().map(str::to_owned);
                if token.is_none() {
                    return Ok(out);
                }
            }
        })
    }

    /// The objects under `uri.key` (a prefix). With `delimited`, only the level directly
    /// under it, with sub-prefixes listed as folders.
    pub fn list_objects(&self, uri: &S3Uri, delimited: bool) -> Result<Listing, RemoteError> {
        let target = uri.to_string();
        self.rt.block_on(async {
            let mut listing = Listing::default();
            let mut token = None;
            loop {
                let mut req = self
                    .client
                    .list_objects_v2()
                    .bucket(&uri.bucket)
                    .prefix(&uri.key)
                    .set_continuation_token(token);
                if delimited {
                    req = req.delimiter("/");
                }
                let resp = req
                    .send()
                    .await
                    .map_err(|e| self.error(e, &target, Some(&uri.bucket)))?;
                listing
                    .objects
                    .extend(resp.contents().iter().map(|o| ObjectInfo {
                        key: o.key().unwrap_or_default().to_owned(),
                        size: o.size().unwrap_or(0).max(0) as u64,
                        modified: o.last_modified().map(|d| d.secs()),
                        etag: o.e_tag().map(str::to_owned),
                    }));
                listing.prefixes.extend(
                    resp.common_prefixes()
                        .iter()
                        .filter_map(|p| p.prefix().map(str::to_owned)),
                );
                token = resp.next_continuation_token().map(str::to_owned);
                if listing.objects.len() >= MAX_LISTED {
                    listing.truncated = token.is_some();
                    return Ok(listing);
                }
                if token.is_none() {
                    return Ok(listing);
                }
            }
        })
    }

    /// Opens an object for reading. A cached copy with the same ETag opens without
    /// downloading (the server answers 304 to a conditional request); when the server cannot
    /// be reached, the latest cached copy opens with a warning. Otherwise the body streams,
    /// resuming after drops, and is stored in the cache as it goes.
    pub fn open(&self, uri: &S3Uri, progress: Option<&Progress>) -> Result<Opened, RemoteError> {
        let target = uri.to_string();
        let origin = format!("{uri}@{}", self.endpoint);
        let cached = self.cache.as_ref().and_then(|c| c.latest(&origin));
        let first = self.rt.block_on(
            self.client
                .get_object()
                .bucket(&uri.bucket)
                .key(&uri.key)
                .set_if_none_match(cached.as_ref().map(|c| c.etag.clone()))
                .send(),
        );
        let out = match first {
            Ok(out) => out,
            Err(e) => {
                if status_of(&e) == Some(304)
                    && let Some(entry) = cached
                {
                    return from_cache(entry, None);
                }
                return offline_fallback(self.error(e, &target, Some(&uri.bucket)), cached);
            }
        };
        let len = out.content_length().map(|n| n.max(0) as u64);
        let etag = out.e_tag().map(str::to_owned);
        let body = self.body(out.body, progress.cloned());
        let reopen = {
            let this = self.clone();
            let uri = uri.clone();
            let etag = etag.clone();
            let progress = progress.cloned();
            Box::new(move |offset: u64| this.reopen(&uri, etag.as_deref(), offset, &progress))
        };
        let resuming = Resuming::new(body, len, target, reopen).cancellable(progress.cloned());
        Ok(downloaded(
            resuming,
            self.cache.as_ref(),
            &origin,
            etag.as_deref(),
            len,
        ))
    }

    /// The rest of an object from `offset`, pinned to the ETag first seen.
    fn reopen(
        &self,
        uri: &S3Uri,
        etag: Option<&str>,
        offset: u64,
        progress: &Option<Progress>,
    ) -> Result<Box<dyn Read + Send>, RemoteError> {
        let target = uri.to_string();
        let resp = self.rt.block_on(
            self.client
                .get_object()
                .bucket(&uri.bucket)
                .key(&uri.key)
                .range(format!("bytes={offset}-"))
                .set_if_match(etag.map(str::to_owned))
                .send(),
        );
        match resp {
            Ok(out) => Ok(self.body(out.body, progress.clone())),
            Err(e) if status_of(&e) == Some(412) => Err(RemoteError::Changed { target }),
            Err(e) => Err(self.error(e, &target, Some(&uri.bucket))),
        }
    }

    /// A response body as a reader that honours Cancel and the read timeout.
    fn body(&self, stream: ByteStream, progress: Option<Progress>) -> Box<dyn Read + Send> {
        let body = Body {
            rt: self.rt.clone(),
            stream,
            chunk: Bytes::new(),
            timeout: self.read_timeout,
        };
        pump(Box::new(body), progress, self.read_timeout)
    }

    /// Turns an SDK error into one that says what to do.
    fn error<E>(
        &self,
        err: SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
        target: &str,
        bucket: Option<&str>,
    ) -> RemoteError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let profile = self.profile.clone();
        let target = target.to_owned();
        let cause = causes::innermost(&err);
        // Typed causes first: the credential chain's own error, then a TLS failure.
        if let Some(c) = causes::find::<CredentialsError>(&err) {
            return self.credentials_error(c, cause);
        }
        if causes::find::<rustls::Error>(&err).is_some() {
            return RemoteError::Tls {
                target,
                detail: cause,
            };
        }
        match &err {
            SdkError::ServiceError(se) => {
                let status = se.raw().status().as_u16();
                let code = se.err().code().unwrap_or_default().to_owned();
                let region = se
                    .raw()
                    .headers()
                    .get("x-amz-bucket-region")
                    .map(str::to_owned);
                match (code.as_str(), status) {
                    ("NoSuchBucket", _) => RemoteError::NoSuchBucket {
                        bucket: bucket.unwrap_or_default().to_owned(),
                    },
                    ("NoSuchKey", _) | ("NotFound", _) | (_, 404) => {
                        RemoteError::NotFound { target }
                    }
                    (
                        "InvalidAccessKeyId"
                        | "SignatureDoesNotMatch"
                        | "ExpiredToken"
                        | "InvalidToken"
                        | "TokenRefreshRequired",
                        _,
                    ) => RemoteError::BadCredentials { profile, code },
                    ("PermanentRedirect" | "AuthorizationHeaderMalformed", _) | (_, 301) => {
                        RemoteError::WrongRegion { target, region }
                    }
                    ("AccessDenied" | "AllAccessDisabled", _) | (_, 403) => {
                        RemoteError::AccessDenied { target, profile }
                    }
                    _ => RemoteError::Status {
                        target,
                        status,
                        detail: code,
                    },
                }
            }
            SdkError::TimeoutError(_) => RemoteError::Timeout {
                target,
                after: self.read_timeout,
            },
            SdkError::DispatchFailure(df) if df.is_timeout() => RemoteError::Timeout {
                target,
                after: self.read_timeout,
            },
            SdkError::DispatchFailure(_) => RemoteError::Unreachable {
                endpoint: self.endpoint.clone(),
                detail: cause,
            },
            _ => RemoteError::Other {
                target,
                detail: cause,
            },
        }
    }

    /// What to do when the credential chain failed: configure credentials when it found
    /// none, log in again when an SSO profile could not get its role's credentials.
    fn credentials_error(&self, err: &CredentialsError, cause: String) -> RemoteError {
        let profile = self.profile.clone();
        match err {
            CredentialsError::CredentialsNotLoaded(_) => RemoteError::NoCredentials { profile },
            // The SSO portal itself may be unreachable; that is not an expired session.
            _ if causes::find::<ConnectorError>(err).is_some() => RemoteError::Unreachable {
                endpoint: "the AWS credential provider".to_owned(),
                detail: cause,
            },
            _ if self.sso => RemoteError::SsoExpired { profile },
            _ => RemoteError::CredentialsFailed {
                profile,
                detail: cause,
            },
        }
    }
}

/// The HTTP status of a service error, if the request got that far.
fn status_of<E>(err: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>) -> Option<u16> {
    match err {
        SdkError::ServiceError(se) => Some(se.raw().status().as_u16()),
        SdkError::ResponseError(re) => Some(re.raw().status().as_u16()),
        _ => None,
    }
}

/// A response body as a blocking reader (run on [`pump`]'s thread, which handles Cancel).
struct Body {
    rt: Arc<Runtime>,
    stream: ByteStream,
    chunk: Bytes,
    timeout: Duration,
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.chunk.is_empty() {
            let stream = &mut self.stream;
            let next = self
                .rt
                .block_on(async { tokio::time::timeout(self.timeout, stream.next()).await });
            match next {
                Err(_elapsed) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("no data for {} s", self.timeout.as_secs()),
                    ));
                }
                Ok(None) => return Ok(0),
                Ok(Some(Ok(bytes))) => self.chunk = bytes,
                Ok(Some(Err(e))) => {
                    return Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        causes::innermost(&e),
                    ));
                }
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        let _ = self.chunk.split_to(n);
        Ok(n)
    }
}
