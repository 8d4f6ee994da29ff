//! Waiting between retries of a remote read: exponential backoff with jitter, and Cancel
//! honoured while waiting and while a reconnect is under way.

use std::hash::{BuildHasher, Hasher};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{Cancelled, Progress};

/// The first retry waits up to this long.
pub const BASE: Duration = Duration::from_millis(250);
/// No retry waits longer.
pub const CAP: Duration = Duration::from_secs(8);
/// How often a wait looks at the Cancel flag.
const SLICE: Duration = Duration::from_millis(25);

/// The wait before retry `attempt` (0 for the first): the exponential ceiling
/// `BASE * 2^attempt`, capped at [`CAP`], of which half is fixed and half random ("equal
/// jitter"): never an immediate retry, and clients that dropped together spread out.
pub fn delay(attempt: u32, random: u64) -> Duration {
    let ceiling = BASE.saturating_mul(1u32 << attempt.min(16)).min(CAP);
    let half = ceiling / 2;
    let spread = half.as_nanos() as u64;
    half + Duration::from_nanos(random % (spread + 1))
}

/// A random number from the standard library's per-process hash keys (no RNG crate for
/// one jitter per retry).
pub fn random() -> u64 {
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

/// Sleeps `how_long`, or less when `progress` is cancelled (then `Err`).
pub fn wait(how_long: Duration, progress: Option<&Progress>) -> Result<(), Cancelled> {
    let end = Instant::now() + how_long;
    loop {
        if progress.is_some_and(Progress::is_cancelled) {
            return Err(Cancelled);
        }
        let now = Instant::now();
        if now >= end {
            return Ok(());
        }
        std::thread::sleep(SLICE.min(end - now));
    }
}

/// Runs `job` (a reconnect, which may block in connect or TLS for a long time) on its own
/// thread, returning as soon as it finishes or `progress` is cancelled. On Cancel the job
/// is left to end on its own, its result dropped. Without `progress`, runs it in place.
pub fn cancellable<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
    progress: Option<&Progress>,
) -> Result<T, Cancelled> {
    let Some(progress) = progress else {
        return Ok(job());
    };
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("rtcscope-reconnect".into())
        .spawn(move || {
            let _ = tx.send(job());
        });
    if spawned.is_err() {
        return Err(Cancelled);
    }
    loop {
        match rx.recv_timeout(SLICE) {
            Ok(out) => return Ok(out),
            Err(mpsc::RecvTimeoutError::Timeout) if progress.is_cancelled() => {
                return Err(Cancelled);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // The job panicked: nothing will come.
            Err(mpsc::RecvTimeoutError::Disconnected) => return Err(Cancelled),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_are_capped_and_jittered() {
        // The fixed half and the ceiling bound every draw.
        for (attempt, lo, hi) in [
            (0, 125, 250),
            (1, 250, 500),
            (2, 500, 1000),
            (9, 4000, 8000),
        ] {
            for r in [0, 1, u64::MAX / 3, u64::MAX] {
                let d = delay(attempt, r).as_millis();
                assert!((lo..=hi).contains(&d), "attempt {attempt}: {d} ms");
            }
        }
        assert_eq!(delay(40, 0), CAP / 2);
        // Two draws differ (jitter), almost surely.
        let draws: std::collections::HashSet<_> = (0..8).map(|_| delay(3, random())).collect();
        assert!(draws.len() > 1);
    }

    #[test]
    fn cancel_cuts_a_wait_and_a_stuck_reconnect_short() {
        let p = Progress::default();
        let q = p.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            q.cancel();
        });
        let start = Instant::now();
        assert!(wait(Duration::from_secs(30), Some(&p)).is_err());
        assert!(start.elapsed() < Duration::from_secs(1));
        // A reconnect stuck for 30 s: Cancel returns at once.
        let start = Instant::now();
        let r = cancellable(|| std::thread::sleep(Duration::from_secs(30)), Some(&p));
        assert!(r.is_err());
        assert!(start.elapsed() < Duration::from_secs(1));
        // Not cancelled: the job's own result.
        let p = Progress::default();
        assert_eq!(cancellable(|| 7, Some(&p)).ok(), Some(7));
        assert_eq!(cancellable(|| 8, None).ok(), Some(8));
    }
}
