//! Remote addresses: `s3://bucket/key` and `http(s)://` URLs, and how to show a URL without
//! the secrets a pre-signed one carries in its query string.

use std::fmt;

use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use url::Url;
use url::form_urlencoded;

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
    /// The URL as given: a pre-signed URL's signature covers its exact bytes, so the request
    /// sends them untouched.
    full: String,
    parsed: Url,
}

impl WebUrl {
    /// Parses an `http://` or `https://` URL with a host (WHATWG rules, as browsers do).
    pub fn parse(arg: &str) -> Result<WebUrl, UriError> {
        let no_host = || UriError::NoHost(redact_url(arg));
        // WHATWG reads `https:///x` as host `x`; a slash where the host belongs is a typo.
        let authority = arg.split_once("://").map_or("", |(_, rest)| rest);
        if authority.is_empty() || authority.starts_with(['/', '?', '#']) {
            return Err(no_host());
        }
        let parsed = Url::parse(arg).map_err(|_| no_host())?;
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.host_str().is_none_or(str::is_empty)
        {
            return Err(no_host());
        }
        Ok(WebUrl {
            full: arg.to_owned(),
            parsed,
        })
    }

    /// The URL as given, secrets included: only for the request itself.
    pub fn as_request_str(&self) -> &str {
        &self.full
    }

    /// The URL without query, fragment or user information: what identifies the object (the
    /// cache key) and what may be shown or stored.
    pub fn without_secrets(&self) -> String {
        let mut url = self.parsed.clone();
        strip_secrets(&mut url);
        url.set_query(None);
        url.into()
    }

    /// `scheme://host[:port]`: the server, for "cannot reach" errors.
    pub fn endpoint(&self) -> String {
        self.parsed.origin().ascii_serialization()
    }

    /// Whether the URL carries a query string (as pre-signed URLs do).
    pub fn has_query(&self) -> bool {
        self.parsed.query().is_some()
    }

    /// The file name at the end of the path, percent-decoded.
    pub fn file_name(&self) -> String {
        let last = self
            .parsed
            .path_segments()
            .and_then(|mut s| s.next_back())
            .unwrap_or("");
        percent_decode_str(last).decode_utf8_lossy().into_owned()
    }

    /// Every form in which this URL's secrets could appear in a library's message: the
    /// query and each of its values, and the user information, as given, percent-decoded
    /// and re-encoded. Longest first, so that a value inside the query is not cut out of it
    /// before the whole query is.
    fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        let raw_query = self.full.split('#').next().unwrap_or("").split_once('?');
        let queries = [raw_query.map(|(_, q)| q), self.parsed.query()];
        for query in queries.into_iter().flatten() {
            out.push(query.to_owned());
            for part in query.split('&') {
                let value = part.split_once('=').map_or(part, |(_, v)| v);
                out.push(value.to_owned());
            }
        }
        for (_, value) in self.parsed.query_pairs() {
            let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
            let path_encoded = utf8_percent_encode(&value, NON_ALPHANUMERIC).to_string();
            out.extend([value.into_owned(), encoded, path_encoded]);
        }
        for part in [self.parsed.username(), self.parsed.password().unwrap_or("")] {
            out.push(part.to_owned());
            out.push(percent_decode_str(part).decode_utf8_lossy().into_owned());
        }
        // Too short to be a secret, and replacing it would shred the message.
        out.retain(|s| s.len() >= 4);
        out.sort_by_key(|s| std::cmp::Reverse(s.len()));
        out.dedup();
        out
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

fn strip_secrets(url: &mut Url) {
    // Both fail only for URLs that cannot have user information, which then have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);
}

/// A URL fit for the window, logs and errors: user information and fragment are dropped and
/// a query string becomes `?...`. Text that does not parse as a URL keeps only what comes
/// before its first `?` or `#`, and nothing of an authority's user information.
pub fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) => {
            strip_secrets(&mut parsed);
            let query = parsed.query().is_some();
            parsed.set_query(None);
            let mut shown: String = parsed.into();
            if query {
                shown.push_str("?...");
            }
            shown
        }
        Err(_) => {
            let cut = url.find(['?', '#']);
            let base = &url[..cut.unwrap_or(url.len())];
            let base = match base.split_once("://") {
                Some((scheme, rest)) => match rest.split('/').next().and_then(|a| a.rfind('@')) {
                    Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
                    None => base.to_owned(),
                },
                None => base.to_owned(),
            };
            match cut {
                Some(i) if url[i..].starts_with('?') => format!("{base}?..."),
                _ => base,
            }
        }
    }
}

/// Replaces in `text` every form of `url`'s secrets (query, query values, user information;
/// as given, percent-decoded or re-encoded) with `...`: error texts of HTTP libraries quote
/// the URL they were given, sometimes re-encoded.
pub fn scrub(text: &str, url: &WebUrl) -> String {
    let mut out = text.to_owned();
    for secret in url.secrets() {
        if out.contains(&secret) {
            out = out.replace(&secret, "...");
        }
    }
    out
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
        let clean = scrub(&err, &url);
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
        assert!(!scrub("bad user:hunter2", &url).contains("hunter2"));
        assert!(matches!(
            WebUrl::parse("https:///x"),
            Err(UriError::NoHost(_))
        ));
        assert!(WebUrl::parse("http://127.0.0.1:9000/b/k").is_ok());
    }

    #[test]
    fn a_reencoded_query_never_leaks_its_signature() {
        let raw = "https://b.s3.amazonaws.com/k/d.gz?X-Amz-Credential=AKIAEXAMPLE%2F20261126%2Fus-east-1&X-Amz-Signature=deadbeefcafe&X-Amz-Security-Token=IQo%2Bb3JpZ2lu";
        let url = WebUrl::parse(raw).unwrap();
        // How libraries have been seen to quote a URL: decoded, form-encoded, re-encoded.
        let quoted = [
            "AKIAEXAMPLE/20261126/us-east-1".to_owned(),
            "AKIAEXAMPLE%2F20261126%2Fus%2Deast%2D1".to_owned(),
            "IQo+b3JpZ2lu".to_owned(),
            "IQo%2Bb3JpZ2lu".to_owned(),
            "deadbeefcafe".to_owned(),
        ];
        for q in quoted {
            let clean = scrub(&format!("request to {q} failed"), &url);
            assert_eq!(clean, "request to ... failed", "{q}");
        }
        // A host is never taken for a secret, nor a short value.
        let clean = scrub("b.s3.amazonaws.com refused", &url);
        assert_eq!(clean, "b.s3.amazonaws.com refused");
    }

    #[test]
    fn url_parts_follow_the_whatwg_rules() {
        let url = WebUrl::parse("HTTPS://Example.COM:8443/a/My%20Dump.gz?x=1#f").unwrap();
        assert_eq!(url.endpoint(), "https://example.com:8443");
        assert_eq!(url.file_name(), "My Dump.gz");
        assert_eq!(
            url.without_secrets(),
            "https://example.com:8443/a/My%20Dump.gz"
        );
        assert_eq!(
            url.to_string(),
            "https://example.com:8443/a/My%20Dump.gz?..."
        );
        assert_eq!(WebUrl::parse("http://h").unwrap().endpoint(), "http://h");
        assert!(WebUrl::parse("ftp://h/x").is_err());
        assert!(WebUrl::parse("https://").is_err());
        // A query hidden behind an encoded fragment or odd spacing is still redacted.
        assert_eq!(redact_url("https://u:p@h/x?sig=1"), "https://h/x?...");
        assert_eq!(redact_url("not a url?sig=secret"), "not a url?...");
        assert_eq!(redact_url("weird://u:p@h x/y#z"), "weird://h x/y");
    }
}
