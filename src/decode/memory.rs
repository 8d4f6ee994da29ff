//! What the machine has, so that decoding stops with a clear message before it runs out.
//! Linux reads `/proc`; elsewhere no figure is known and no memory limit applies.

/// The process's resident set, in bytes.
pub fn resident_bytes() -> Option<u64> {
    status_kb("/proc/self/status", "VmRSS:")
}

/// Memory the system can give without swapping, in bytes.
pub fn available_bytes() -> Option<u64> {
    status_kb("/proc/meminfo", "MemAvailable:")
}

fn status_kb(path: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// The resident size at which a decode that starts now should stop: what the process holds
/// plus 80 % of what the system has left, so the machine keeps room to breathe.
pub fn auto_limit() -> Option<u64> {
    Some(resident_bytes()? + available_bytes()? / 5 * 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn reads_proc() {
        let rss = resident_bytes().unwrap();
        let available = available_bytes().unwrap();
        assert!(rss > 1 << 20, "{rss}");
        assert!(available > 1 << 20, "{available}");
        assert!(auto_limit().unwrap() > rss);
    }
}
