//! Remote addresses: `s3://bucket/key` and `http(s)://` URLs, and how to show a URL without
//! the secrets a pre-signed one carries in its query string.

use std::fmt;

/// An object (or, for listings, a prefix) in an S3 bucket: `s3://bucket/key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct S3Uri {
    /// The bucket name.
    pub bucket: String,
    /// The key, or the prefix of a listing; may be empty for the whole bucket.
    pub key: String,
}

/// Why an address could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// `s3://` without a bucket.
    #[error("{0}: an S3 address needs a bucket, as in s3://bucket/key")]
    NoBucket(String),
    /// An S3 object address without a key.
    #[error("{0}: name an object, as in s3://bucket/path/to/dump.gz")]
    NoKey(String),
    /// A URL with no host.
    #[error("{0}: a URL needs a host, as in https://example.com/dump.gz")]
    NoHost(String),
}

impl S3Uri {
    /// Parses `s3://bucket[/key]`. The key may be empty (a bucket or prefix to list).
    pub fn parse(arg: &str) -> Result<S3Uri, UriError> {
        let rest = arg
            .strip_prefix("s3://")
            .ok_or_else(|| UriError::NoBucket(arg.to_owned()))?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(UriError::NoBucket(arg.to_owned()));
        }
        Ok(S3Uri {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
        })
    }

    /// Parses an address that must name one object (a non-empty key not ending in `/`).
    pub fn parse_object(arg: &str) -> Result<S3Uri, UriError> {
        let uri = S3Uri::parse(arg)?;
        if uri.key.is_empty() || uri.key.ends_with('/') {
            return Err(UriError::NoKey(arg.to_owned()));
        }
        Ok(uri)
    }

    /// The last path segment of the key: the object's file name.
    pub fn file_name(&self) -> &str {
        self.key.rsplit('/').next().unwrap_or(&self.key)
    }
}

impl fmt::Display for S3Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

/// An `http://` or `https://` URL. Its [`Display`](fmt::Display) hides the query string and
/// any user information, because a pre-signed URL's query *is* a credential.
#[derive(Clone, PartialEq, Eq)]
pub struct WebUrl {
    full: String,
}

impl WebUrl {
    /// Parses an `http://` or `https://` URL (only as far as rtcscope needs: it must have a
    /// host).
    pub fn parse(arg: &str) -> Result<WebUrl, UriError> {
        let rest = arg
            .strip_prefix("https://")
            .or_else(|| arg.strip_prefix("http://"))
            .ok_or_else(|| UriError::NoHost(redact_url(arg)))?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = authority.rsplit('@').next().unwrap_or("");
        if host.is_empty() {
            return Err(UriError::NoHost(redact_url(arg)));
        }
        Ok(WebUrl {
            full: arg.to_owned(),
        })
    }

    /// The URL as given, secrets included: only for the request itself.
    pub fn as_request_str(&self) -> &str {
        &self.full
    }

    /// The URL without query, fragment or user information: what identifies the object (the
    /// cache key) and what may be shown or stored.
    pub fn without_secrets(&self) -> String {
        let no_frag = self.full.split('#').next().unwrap_or("");
        let base = no_frag.split('?').next().unwrap_or("");
        strip_userinfo(base)
    }

    /// Whether the URL carries a query string (as pre-signed URLs do).
    pub fn has_query(&self) -> bool {
        self.full.split('#').next().unwrap_or("").contains('?')
    }

    /// The file name at the end of the path.
    pub fn file_name(&self) -> String {
        let base = self.without_secrets();
        base.rsplit('/').next().unwrap_or("").to_owned()
    }
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.full))
    }
}

impl fmt::Debug for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebUrl({})", redact_url(&self.full))
    }
}

/// A URL fit for the window, logs and errors: user information is dropped and a query
/// string becomes `?...`.
pub fn redact_url(url: &str) -> String {
    let (no_frag, _) = url.split_once('#').unwrap_or((url, ""));
    match no_frag.split_once('?') {
        Some((base, _)) => format!("{}?...", strip_userinfo(base)),
        None => strip_userinfo(no_frag),
    }
}

/// Replaces every occurrence of `url`'s query string in `text` with `...`: error texts of
/// HTTP libraries sometimes quote the URL they were given.
pub fn scrub(text: &str, url: &str) -> String {
    let mut out = text.to_owned();
    if let Some((_, query)) = url.split('#').next().unwrap_or("").split_once('?')
        && !query.is_empty()
    {
        out = out.replace(query, "...");
    }
    if let Some(userinfo) = userinfo(url) {
        out = out.replace(userinfo, "...");
    }
    out
}

fn userinfo(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let rest = &url[scheme_end..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.rsplit_once('@').map(|(info, _)| info)
}

fn strip_userinfo(url: &str) -> String {
    match userinfo(url) {
        Some(info) => url.replacen(&format!("{info}@"), "", 1),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_addresses() {
        let u = S3Uri::parse("s3://bucket/a/b/c.gz").unwrap();
        assert_eq!((u.bucket.as_str(), u.key.as_str()), ("bucket", "a/b/c.gz"));
        assert_eq!(u.file_name(), "c.gz");
        assert_eq!(u.to_string(), "s3://bucket/a/b/c.gz");
        assert_eq!(S3Uri::parse("s3://bucket").unwrap().key, "");
        assert_eq!(S3Uri::parse("s3://bucket/pre/").unwrap().key, "pre/");
        assert!(matches!(S3Uri::parse("s3://"), Err(UriError::NoBucket(_))));
        assert!(matches!(
            S3Uri::parse("s3:///k"),
            Err(UriError::NoBucket(_))
        ));
        assert!(matches!(
            S3Uri::parse_object("s3://b/dir/"),
            Err(UriError::NoKey(_))
        ));
        assert!(matches!(
            S3Uri::parse_object("s3://b"),
            Err(UriError::NoKey(_))
        ));
    }

    #[test]
    fn presigned_urls_never_show_their_signature() {
        let raw = "https://b.s3.amazonaws.com/k/d.gz?X-Amz-Credential=AKIAEXAMPLE%2F20261126&X-Amz-Signature=deadbeef";
        let url = WebUrl::parse(raw).unwrap();
        let shown = url.to_string();
        assert_eq!(shown, "https://b.s3.amazonaws.com/k/d.gz?...");
        assert!(!format!("{url:?}").contains("deadbeef"));
        assert_eq!(url.without_secrets(), "https://b.s3.amazonaws.com/k/d.gz");
        assert!(url.has_query());
        assert_eq!(url.file_name(), "d.gz");
        assert_eq!(url.as_request_str(), raw);
        let err = format!("error sending request for url ({raw}): connection refused");
        let clean = scrub(&err, raw);
        assert!(
            !clean.contains("deadbeef") && !clean.contains("AKIAEXAMPLE"),
            "{clean}"
        );
    }

    #[test]
    fn user_information_is_dropped() {
        let url = WebUrl::parse("https://user:hunter2@example.com/x.json#frag").unwrap();
        assert_eq!(url.to_string(), "https://example.com/x.json");
        assert_eq!(url.without_secrets(), "https://example.com/x.json");
        assert!(!scrub("bad user:hunter2", url.as_request_str()).contains("hunter2"));
        assert!(matches!(
            WebUrl::parse("https:///x"),
            Err(UriError::NoHost(_))
        ));
        assert!(WebUrl::parse("http://127.0.0.1:9000/b/k").is_ok());
    }
}
