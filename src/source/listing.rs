//! What S3 listings return: buckets, objects and folders, plain data that the command line
//! and the viewer's browser show, and the browser's filters over them.

/// A bucket the credentials can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketInfo {
    /// Its name.
    pub name: String,
    /// When it was created (Unix seconds), when the server says.
    pub created: Option<i64>,
}

/// One object of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The full key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modification (Unix seconds).
    pub modified: Option<i64>,
    /// The ETag, quotes included, as the server sends it.
    pub etag: Option<String>,
}

/// The objects and sub-"folders" directly under a prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Objects, in key order.
    pub objects: Vec<ObjectInfo>,
    /// Common prefixes (ending in `/`) when listing with a delimiter.
    pub prefixes: Vec<String>,
    /// Whether the listing stopped at [`MAX_LISTED`] objects.
    pub truncated: bool,
}

/// Listings stop after this many objects: a prefix filter narrows them.
pub const MAX_LISTED: usize = 100_000;

impl Listing {
    /// The objects whose key (after `prefix`) contains `name` (case-insensitive) and whose
    /// modification time lies in `[after, before)` (Unix seconds; `None` is open).
    pub fn filtered<'a>(
        &'a self,
        name: &str,
        after: Option<i64>,
        before: Option<i64>,
    ) -> impl Iterator<Item = &'a ObjectInfo> + 'a {
        let name = name.to_lowercase();
        self.objects.iter().filter(move |o| {
            (name.is_empty() || o.key.to_lowercase().contains(&name))
                && after.is_none_or(|a| o.modified.is_some_and(|m| m >= a))
                && before.is_none_or(|b| o.modified.is_some_and(|m| m < b))
        })
    }
}

/// Midnight UTC of a `YYYY-MM-DD` day, in Unix seconds.
pub fn parse_day(text: &str) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(key: &str, modified: i64) -> ObjectInfo {
        ObjectInfo {
            key: key.into(),
            size: 1,
            modified: Some(modified),
            etag: None,
        }
    }

    #[test]
    fn filters_by_name_and_date() {
        let day = parse_day("2026-11-20").unwrap();
        assert_eq!(day, 1_795_132_800);
        let l = Listing {
            objects: vec![
                obj("conf-a/alice.gz", day - 10),
                obj("conf-a/Bob.gz", day + 10),
                obj("conf-b/carol.gz", day + 86_400 + 10),
            ],
            ..Listing::default()
        };
        let keys = |it: Vec<&ObjectInfo>| it.iter().map(|o| o.key.clone()).collect::<Vec<_>>();
        assert_eq!(
            keys(l.filtered("bob", None, None).collect()),
            ["conf-a/Bob.gz"]
        );
        assert_eq!(
            keys(l.filtered("", Some(day), parse_day("2026-11-21")).collect()),
            ["conf-a/Bob.gz"]
        );
        assert_eq!(l.filtered("conf-", Some(day), None).count(), 2);
        assert_eq!(parse_day("20/11/2026"), None);
    }
}
