//! `https://` (and `http://`) sources, pre-signed S3 URLs included, with `ureq` over rustls.
//! Conditional requests against the cache, resumption with `Range`, and errors that never
//! quote the URL's query (a pre-signed URL's query is its credential).

use std::io::{self, Read};

use ureq::Agent;
use ureq::http::{Response, StatusCode};
use ureq::tls::{PemItem, RootCerts, TlsConfig};

use super::causes;
use super::remote::{RemoteError, RemoteOptions, Resuming};
use super::uri::{WebUrl, scrub};
use super::{Opened, Progress, downloaded, from_cache, offline_fallback, pump};

/// Opens a URL for reading, through the cache.
pub fn open(
    url: &WebUrl,
    options: &RemoteOptions,
    progress: Option<&Progress>,
) -> Result<Opened, RemoteError> {
    let agent = agent(options)?;
    let origin = url.without_secrets();
    let cached = options.cache.as_ref().and_then(|c| c.latest(&origin));
    let mut req = agent.get(url.as_request_str());
    if let Some(c) = &cached {
        req = req.header("If-None-Match", c.etag.as_str());
    }
    let resp = match req.call() {
        Ok(r) => r,
        Err(e) => return offline_fallback(classify(e, url, options), cached),
    };
    let status = resp.status();
    if status == StatusCode::NOT_MODIFIED
        && let Some(entry) = cached
    {
        return from_cache(entry, None);
    }
    check_status(status, url)?;
    let etag = header(&resp, "etag");
    let len = header(&resp, "content-length").and_then(|v| v.parse::<u64>().ok());
    let body = pump(
        Box::new(resp.into_body().into_reader()),
        progress.cloned(),
        options.read_timeout,
    );
    let reopen = {
        let (agent, url, etag, progress) = (agent, url.clone(), etag.clone(), progress.cloned());
        let options = options.clone();
        Box::new(move |offset: u64| {
            resume(
                &agent,
                &url,
                etag.as_deref(),
                offset,
                &options,
                progress.clone(),
            )
        })
    };
    let resuming = Resuming::new(body, len, url.to_string(), reopen).cancellable(progress.cloned());
    Ok(downloaded(
        resuming,
        options.cache.as_ref(),
        &origin,
        etag.as_deref(),
        len,
    ))
}

/// The rest of the body from `offset`: a `Range` request that only applies to the same
/// version (`If-Range`). A server that ignores ranges sends everything again; the bytes
/// already read are skipped then, provided the ETag is unchanged.
fn resume(
    agent: &Agent,
    url: &WebUrl,
    etag: Option<&str>,
    offset: u64,
    options: &RemoteOptions,
    progress: Option<Progress>,
) -> Result<Box<dyn Read + Send>, RemoteError> {
    let mut req = agent
        .get(url.as_request_str())
        .header("Range", format!("bytes={offset}-"));
    if let Some(e) = etag {
        req = req.header("If-Range", e);
    }
    let resp = req.call().map_err(|e| classify(e, url, options))?;
    let status = resp.status();
    check_status(status, url)?;
    let same = etag.is_none() || header(&resp, "etag").as_deref() == etag;
    if !same {
        return Err(RemoteError::Changed {
            target: url.to_string(),
        });
    }
    let mut body: Box<dyn Read + Send> = pump(
        Box::new(resp.into_body().into_reader()),
        progress,
        options.read_timeout,
    );
    if status == StatusCode::OK {
        io::copy(&mut (&mut body).take(offset), &mut io::sink()).map_err(|e| {
            RemoteError::Other {
                target: url.to_string(),
                detail: e.to_string(),
            }
        })?;
    }
    Ok(body)
}

fn header<B>(resp: &Response<B>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn check_status(status: StatusCode, url: &WebUrl) -> Result<(), RemoteError> {
    let target = url.to_string();
    match status.as_u16() {
        200..=299 => Ok(()),
        404 | 410 => Err(RemoteError::NotFound { target }),
        401 | 403 => Err(RemoteError::Status {
            target,
            status: status.as_u16(),
            detail: if url.has_query() {
                "forbidden; a pre-signed URL may have expired: ask for a new one".to_owned()
            } else {
                "forbidden".to_owned()
            },
        }),
        s => Err(RemoteError::Status {
            target,
            status: s,
            detail: status.canonical_reason().unwrap_or_default().to_owned(),
        }),
    }
}

fn agent(options: &RemoteOptions) -> Result<Agent, RemoteError> {
    let mut tls = TlsConfig::builder();
    if let Some(path) = &options.ca_bundle {
        let pem = std::fs::read(path).map_err(|e| {
            RemoteError::Config(format!("cannot read the CA bundle {}: {e}", path.display()))
        })?;
        let certs: Vec<_> = ureq::tls::parse_pem(&pem)
            .filter_map(|item| match item {
                Ok(PemItem::Certificate(c)) => Some(c),
                _ => None,
            })
            .collect();
        if certs.is_empty() {
            return Err(RemoteError::Config(format!(
                "the CA bundle {} holds no PEM certificate",
                path.display()
            )));
        }
        // Like curl's --cacert: the bundle replaces the built-in roots.
        tls = tls.root_certs(RootCerts::new_with_certs(&certs));
    }
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(tls.build())
        .timeout_connect(Some(options.connect_timeout))
        .timeout_recv_response(Some(options.read_timeout))
        .timeout_per_read(Some(options.read_timeout))
        // The decoders sniff compression from the bytes; the body must arrive as stored.
        .accept_encoding("identity")
        .user_agent(concat!("rtcscope/", env!("CARGO_PKG_VERSION")))
        .build();
    Ok(config.new_agent())
}

fn classify(err: ureq::Error, url: &WebUrl, options: &RemoteOptions) -> RemoteError {
    let target = url.to_string();
    let endpoint = url.endpoint();
    let detail = scrub(&err.to_string(), url);
    match err {
        // rustls reports a refused certificate or a failed handshake through an io::Error;
        // say TLS, not "unreachable".
        ureq::Error::Io(e) if causes::find::<rustls::Error>(&e).is_some() => {
            RemoteError::Tls { target, detail }
        }
        ureq::Error::Timeout(_) => RemoteError::Timeout {
            target,
            after: options.read_timeout.max(options.connect_timeout),
        },
        ureq::Error::Io(e) if e.kind() == io::ErrorKind::TimedOut => RemoteError::Timeout {
            target,
            after: options.read_timeout,
        },
        ureq::Error::Io(_) | ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
            RemoteError::Unreachable { endpoint, detail }
        }
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => {
            RemoteError::Tls { target, detail }
        }
        _ => RemoteError::Other { target, detail },
    }
}
