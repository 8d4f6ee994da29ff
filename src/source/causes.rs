//! Reading an error's causes: the typed error a remote failure came from (a TLS alert, a
//! credential provider's failure), found by walking `source()` and downcasting, so that
//! classification never depends on the wording of a dependency's messages.

use std::error::Error;
use std::io;

/// The first error of type `T` among `err` and its causes.
///
/// `io::Error::source()` skips the error it wraps (rustls reports a bad certificate as an
/// `io::Error` around a `rustls::Error`), so the walk also looks inside every `io::Error`.
pub fn find<'a, T: Error + 'static>(err: &'a (dyn Error + 'static)) -> Option<&'a T> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(t) = e.downcast_ref::<T>() {
            return Some(t);
        }
        if let Some(inner) = e.downcast_ref::<io::Error>().and_then(io::Error::get_ref)
            && let Some(t) = find::<T>(inner)
        {
            return Some(t);
        }
        cur = e.source();
    }
    None
}

/// Every message of an error's source chain, outermost first, repeats dropped. (The AWS
/// SDK's own `DisplayErrorContext` appends a Debug dump, which is noise for a user.)
fn messages(err: &(dyn Error + 'static)) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = Some(err);
    while let Some(e) = cur {
        let m = e.to_string();
        if !m.trim().is_empty() && out.last() != Some(&m) {
            out.push(m);
        }
        cur = e.source();
    }
    out
}

/// The innermost reason: the part a user can act on ("Connection refused (os error 111)").
pub fn innermost(err: &(dyn Error + 'static)) -> String {
    messages(err).pop().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] io::Error);

    #[derive(Debug, thiserror::Error)]
    #[error("the typed cause")]
    struct Typed;

    #[test]
    fn finds_a_cause_wrapped_in_an_io_error() {
        let err = Outer(io::Error::new(io::ErrorKind::InvalidData, Typed));
        assert!(find::<Typed>(&err).is_some());
        assert!(find::<std::fmt::Error>(&err).is_none());
        // The plain walk alone would miss it: io::Error's source skips what it wraps.
        let mut cur: Option<&(dyn Error + 'static)> = Some(&err);
        while let Some(e) = cur {
            assert!(e.downcast_ref::<Typed>().is_none());
            cur = e.source();
        }
    }

    #[test]
    fn messages_run_outermost_first() {
        let err = Outer(io::Error::other("refused"));
        assert_eq!(messages(&err), ["outer", "refused"]);
        assert_eq!(innermost(&err), "refused");
    }
}
