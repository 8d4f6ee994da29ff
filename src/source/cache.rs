//! The download cache: remote objects kept as downloaded (still compressed) in the platform
//! cache directory, keyed by their origin (`s3://bucket/key` at an endpoint, or a URL without
//! its query) and their ETag, so that a second open costs a conditional request, and no
//! network at all when the network is gone.
//!
//! Each entry is two files: `<name>.obj` (the bytes) and `<name>.meta` (origin, ETag, size,
//! one per line). Names are hashes; the meta file is checked on every lookup, so a hash
//! collision is a miss, never a wrong dump. The least recently used entries are evicted
//! past a size cap.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Default size cap: 2 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;

/// A cache directory with a size cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    dir: PathBuf,
    max_bytes: u64,
}

/// One cached object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The object's bytes.
    pub path: PathBuf,
    /// Where it came from.
    pub origin: String,
    /// Its ETag when it was downloaded.
    pub etag: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was last downloaded or used.
    pub used: SystemTime,
}

/// How much the cache holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Number of cached objects.
    pub entries: usize,
    /// Their total size in bytes.
    pub bytes: u64,
}

impl Cache {
    /// A cache in `dir` holding at most `max_bytes`.
    pub fn new(dir: impl Into<PathBuf>, max_bytes: u64) -> Cache {
        Cache {
            dir: dir.into(),
            max_bytes,
        }
    }

    /// The user's cache: `RTCSCOPE_CACHE_DIR`, else the platform cache directory
    /// (`~/.cache/rtcscope/objects` on Linux); the cap from `RTCSCOPE_CACHE_MAX_MB`, else
    /// [`DEFAULT_MAX_BYTES`]. `None` when the platform has no home directory.
    pub fn user_default() -> Option<Cache> {
        let dir = match std::env::var_os("RTCSCOPE_CACHE_DIR") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => directories::ProjectDirs::from("", "", "rtcscope")?
                .cache_dir()
                .join("objects"),
        };
        let max_bytes = std::env::var("RTCSCOPE_CACHE_MAX_MB")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(DEFAULT_MAX_BYTES, |mb| mb.saturating_mul(1 << 20));
        Some(Cache::new(dir, max_bytes))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The size cap in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The entry for `origin` at version `etag`, if it is cached (and marks it used).
    pub fn get(&self, origin: &str, etag: &str) -> Option<Entry> {
        let entry = self.read_entry(&self.stem(origin, etag))?;
        (entry.origin == origin && entry.etag == etag).then(|| self.touch(entry))
    }

    /// The most recently used cached version of `origin`, whatever its ETag: what a
    /// conditional request asks about, and what opens when the network is unreachable.
    pub fn latest(&self, origin: &str) -> Option<Entry> {
        self.entries()
            .into_iter()
            .filter(|e| e.origin == origin)
            .max_by_key(|e| e.used)
            .map(|e| self.touch(e))
    }

    /// Every complete entry.
    pub fn entries(&self) -> Vec<Entry> {
        let Ok(dir) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        dir.filter_map(Result::ok)
            .filter_map(|d| {
                let name = d.file_name();
                let stem = name.to_str()?.strip_suffix(".meta")?.to_owned();
                self.read_entry(&stem)
            })
            .collect()
    }

    /// What the cache holds.
    pub fn usage(&self) -> Usage {
        let entries = self.entries();
        Usage {
            entries: entries.len(),
            bytes: entries.iter().map(|e| e.size).sum(),
        }
    }

    /// Deletes every entry (and unfinished download); returns what was freed.
    pub fn clear(&self) -> io::Result<Usage> {
        let usage = self.usage();
        match fs::read_dir(&self.dir) {
            Ok(dir) => {
                for d in dir.filter_map(Result::ok) {
                    let name = d.file_name();
                    let name = name.to_string_lossy();
                    if name.ends_with(".obj") || name.ends_with(".meta") || name.ends_with(".part")
                    {
                        fs::remove_file(d.path())?;
                    }
                }
                Ok(usage)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(usage),
            Err(e) => Err(e),
        }
    }

    /// Starts storing a download of `origin` at version `etag` whose size is `size` (when
    /// known). Bytes go to a `.part` file; [`Writer::commit`] makes the entry visible.
    pub fn writer(&self, origin: &str, etag: &str, size: Option<u64>) -> io::Result<Writer> {
        fs::create_dir_all(&self.dir)?;
        let stem = self.stem(origin, etag);
        let part = self.dir.join(format!("{stem}.{}.part", std::process::id()));
        let file = File::create(&part)?;
        Ok(Writer {
            cache: self.clone(),
            stem,
            part,
            file: Some(io::BufWriter::with_capacity(1 << 16, file)),
            origin: origin.to_owned(),
            etag: etag.to_owned(),
            expected: size,
            written: 0,
        })
    }

    fn stem(&self, origin: &str, etag: &str) -> String {
        format!(
            "{:016x}-{:016x}",
            fnv1a(origin.as_bytes()),
            fnv1a(etag.as_bytes())
        )
    }

    fn read_entry(&self, stem: &str) -> Option<Entry> {
        let meta = fs::read_to_string(self.dir.join(format!("{stem}.meta"))).ok()?;
        let mut lines = meta.lines();
        let origin = lines.next()?.to_owned();
        let etag = lines.next()?.to_owned();
        let size = lines.next()?.parse().ok()?;
        let path = self.dir.join(format!("{stem}.obj"));
        let md = fs::metadata(&path).ok()?;
        // A file of the wrong size is a damaged entry, not a cached object.
        (md.len() == size).then(|| Entry {
            used: md.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            path,
            origin,
            etag,
            size,
        })
    }

    /// Marks an entry as just used, so that eviction spares it.
    fn touch(&self, mut entry: Entry) -> Entry {
        let now = SystemTime::now();
        if let Ok(f) = File::options().append(true).open(&entry.path)
            && f.set_modified(now).is_ok()
        {
            entry.used = now;
        }
        entry
    }

    /// Removes least recently used entries until the cache is within its cap.
    fn evict(&self) {
        let mut entries = self.entries();
        let mut total: u64 = entries.iter().map(|e| e.size).sum();
        entries.sort_by_key(|e| e.used);
        for e in entries {
            if total <= self.max_bytes {
                break;
            }
            let _ = fs::remove_file(e.path.with_extension("meta"));
            let _ = fs::remove_file(&e.path);
            total -= e.size;
        }
    }
}

/// A download being stored. Dropped without [`Writer::commit`], it leaves nothing behind.
pub struct Writer {
    cache: Cache,
    stem: String,
    part: PathBuf,
    file: Option<io::BufWriter<File>>,
    origin: String,
    etag: String,
    expected: Option<u64>,
    written: u64,
}

impl Writer {
    /// Appends bytes. A failed write (disk full) abandons the entry quietly: the cache is an
    /// optimisation, the download itself goes on.
    pub fn write(&mut self, bytes: &[u8]) {
        if let Some(f) = &mut self.file {
            if f.write_all(bytes).is_err() {
                self.file = None;
                let _ = fs::remove_file(&self.part);
            } else {
                self.written += bytes.len() as u64;
            }
        }
    }

    /// Publishes the entry, if every expected byte arrived, then evicts past the cap.
    pub fn commit(mut self) -> Option<Entry> {
        let file = self.file.take()?;
        let complete = self.expected.is_none_or(|n| n == self.written);
        let file = file.into_inner().ok()?;
        drop(file);
        if !complete || self.written > self.cache.max_bytes {
            let _ = fs::remove_file(&self.part);
            return None;
        }
        let obj = self.cache.dir.join(format!("{}.obj", self.stem));
        let meta = self.cache.dir.join(format!("{}.meta", self.stem));
        let meta_text = format!("{}\n{}\n{}\n", self.origin, self.etag, self.written);
        let published = fs::rename(&self.part, &obj)
            .and_then(|()| fs::write(&meta, meta_text))
            .is_ok();
        if !published {
            let _ = fs::remove_file(&self.part);
            let _ = fs::remove_file(&obj);
            return None;
        }
        self.cache.evict();
        self.cache.get(&self.origin, &self.etag)
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.part);
        }
    }
}

/// A reader that stores what passes through it into the cache, and publishes the entry when
/// the stream ends cleanly.
pub struct Tee<R> {
    inner: R,
    writer: Option<Writer>,
}

impl<R: Read> Tee<R> {
    /// Wraps `inner`; `writer` may be `None` (no cache, or it could not be opened).
    pub fn new(inner: R, writer: Option<Writer>) -> Tee<R> {
        Tee { inner, writer }
    }
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(w) = &mut self.writer {
            w.write(&buf[..n]);
            // Publish at the announced size (decoders may stop reading at the end of the
            // data without asking for EOF), or at EOF when the size was not announced.
            let complete = match w.expected {
                Some(len) => w.written == len,
                None => n == 0 && !buf.is_empty(),
            };
            if complete && let Some(w) = self.writer.take() {
                w.commit();
            }
        }
        Ok(n)
    }
}

/// 64-bit FNV-1a: stable across Rust releases and platforms, unlike `DefaultHasher`, so
/// that cache names survive an upgrade.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(cache: &Cache, origin: &str, etag: &str, bytes: &[u8]) -> Option<Entry> {
        let w = cache
            .writer(origin, etag, Some(bytes.len() as u64))
            .unwrap();
        let mut tee = Tee::new(bytes, Some(w));
        let mut out = Vec::new();
        tee.read_to_end(&mut out).unwrap();
        assert_eq!(out, bytes);
        cache.get(origin, etag)
    }

    #[test]
    fn stores_and_finds_by_origin_and_etag() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), 1 << 20);
        let e = store(&cache, "s3://b/k@aws", "\"v1\"", b"hello").unwrap();
        assert_eq!(fs::read(&e.path).unwrap(), b"hello");
        assert!(cache.get("s3://b/k@aws", "\"v2\"").is_none());
        assert!(cache.get("s3://b/other@aws", "\"v1\"").is_none());
        store(&cache, "s3://b/k@aws", "\"v2\"", b"hello again").unwrap();
        assert_eq!(cache.latest("s3://b/k@aws").unwrap().etag, "\"v2\"");
        assert_eq!(
            cache.usage(),
            Usage {
                entries: 2,
                bytes: 16
            }
        );
        assert_eq!(cache.clear().unwrap().entries, 2);
        assert_eq!(cache.usage(), Usage::default());
        assert!(cache.latest("s3://b/k@aws").is_none());
    }

    #[test]
    fn an_incomplete_download_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), 1 << 20);
        // Announced 10 bytes, got 5: not an entry.
        let w = cache.writer("o", "e", Some(10)).unwrap();
        let mut tee = Tee::new(&b"hello"[..], Some(w));
        tee.read_to_end(&mut Vec::new()).unwrap();
        assert!(cache.get("o", "e").is_none());
        // Dropped half-way (a cancelled or failed download): not an entry, no .part left.
        let mut w = cache.writer("o", "e", None).unwrap();
        w.write(b"half");
        drop(w);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_damaged_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), 1 << 20);
        let e = store(&cache, "o", "e", b"0123456789").unwrap();
        fs::write(&e.path, b"01234").unwrap();
        assert!(cache.get("o", "e").is_none());
    }

    #[test]
    fn evicts_the_least_recently_used_past_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), 25);
        let old = SystemTime::now() - std::time::Duration::from_secs(3600);
        let a = store(&cache, "a", "1", &[b'a'; 10]).unwrap();
        File::options()
            .append(true)
            .open(&a.path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        store(&cache, "b", "1", &[b'b'; 10]).unwrap();
        store(&cache, "c", "1", &[b'c'; 10]).unwrap();
        assert!(cache.get("a", "1").is_none(), "the oldest goes first");
        assert!(cache.get("b", "1").is_some() && cache.get("c", "1").is_some());
        // An object larger than the whole cap is never stored.
        assert!(store(&cache, "big", "1", &[0; 30]).is_none());
    }
}
