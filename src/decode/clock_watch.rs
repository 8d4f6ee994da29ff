//! Watching the clock of a line-format dump: a line whose time runs backwards by more than one
//! poll interval means the writer's clock jumped (or lines were reordered), and the viewer
//! sorts samples by time, so the user must be told.

use rustc_hash::FxHashMap as HashMap;

use crate::model::{Location, Warning};

/// Backward steps kept for the verdict at the end; a hostile file could step back on every
/// line, and the count alone is enough past this.
const KEEP: usize = 4096;

/// Follows the time of every line and the poll interval of every connection.
#[derive(Debug, Default)]
pub struct ClockWatch {
    /// The previous line's time.
    previous: Option<f64>,
    /// Backward steps: (how far behind the previous line, line), the first [`KEEP`] of them.
    steps: Vec<(f64, u64)>,
    /// Backward steps past [`KEEP`], with their largest size.
    more: (u64, f64),
    /// Each connection's previous poll time.
    last_poll: HashMap<String, f64>,
    /// Time between consecutive polls of one connection.
    intervals: Vec<f64>,
}

impl ClockWatch {
    /// Notes the time of line `line`.
    pub fn line(&mut self, time: f64, line: u64) {
        if !time.is_finite() {
            return;
        }
        // Against the previous line, not the latest time: one line stamped in the future
        // (Jitsi flushes buffered events late) is one jump, not a run of them.
        if let Some(previous) = self.previous
            && time < previous
        {
            if self.steps.len() < KEEP {
                self.steps.push((previous - time, line));
            } else {
                self.more.0 += 1;
                self.more.1 = self.more.1.max(previous - time);
            }
        }
        self.previous = Some(time);
    }

    /// Notes a getStats poll of connection `pc` at `time`.
    pub fn poll(&mut self, pc: &str, time: f64) {
        if !time.is_finite() {
            return;
        }
        match self.last_poll.get_mut(pc) {
            Some(last) => {
                let dt = time - *last;
                if dt > 0.0 {
                    self.intervals.push(dt);
                }
                *last = time;
            }
            None => {
                self.last_poll.insert(pc.to_owned(), time);
            }
        }
    }

    /// The median time between polls, when there were any.
    fn poll_interval(&mut self) -> Option<f64> {
        if self.intervals.is_empty() {
            return None;
        }
        let mid = self.intervals.len() / 2;
        let (_, m, _) = self.intervals.select_nth_unstable_by(mid, f64::total_cmp);
        Some(*m)
    }

    /// The warning, when the clock ran backwards by more than one poll interval (or by more
    /// than 1 s in a dump without polls).
    pub fn warning(mut self) -> Option<Warning> {
        let interval = self.poll_interval().unwrap_or(1000.0);
        let big: Vec<&(f64, u64)> = self.steps.iter().filter(|(by, _)| *by > interval).collect();
        let extra = if self.more.1 > interval {
            self.more.0
        } else {
            0
        };
        let (_, first_line) = **big.first()?;
        let count = big.len() as u64 + extra;
        let worst = big.iter().map(|(by, _)| *by).fold(self.more.1, f64::max);
        Some(Warning {
            message: format!(
                "the dump's clock runs backwards {count} time{} by more than one poll interval ({:.1} s), by up to {:.1} s; events and samples are sorted by time",
                if count == 1 { "" } else { "s" },
                interval / 1000.0,
                worst / 1000.0
            ),
            location: Location::Line(first_line),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn polled(times: &[(f64, u64)]) -> ClockWatch {
        let mut c = ClockWatch::default();
        for &(t, line) in times {
            c.line(t, line);
            c.poll("PC_0", t);
        }
        c
    }

    #[test]
    fn small_reorderings_pass() {
        // 5 s polls; one line 2 s behind the latest: jitter in the writer, not a jump.
        let c = polled(&[
            (0.0, 1),
            (5000.0, 2),
            (3000.0, 3),
            (10_000.0, 4),
            (15_000.0, 5),
        ]);
        assert!(c.warning().is_none());
    }

    #[test]
    fn a_jump_back_past_one_interval_is_reported_at_its_line() {
        let c = polled(&[
            (0.0, 1),
            (5000.0, 2),
            (10_000.0, 3),
            (15_000.0, 4),
            (2000.0, 5),
            (7000.0, 6),
            (60_000.0, 7),
            (12_000.0, 8),
        ]);
        let w = c.warning().unwrap();
        assert_eq!(w.location, Location::Line(5));
        assert!(w.message.contains("2 times"), "{}", w.message);
        assert!(w.message.contains("(5.0 s)"), "{}", w.message);
        assert!(w.message.contains("up to 48.0 s"), "{}", w.message);
    }

    #[test]
    fn one_line_from_the_future_is_one_jump() {
        let mut c = ClockWatch::default();
        for (i, t) in [0.0, 90_000.0, 1000.0, 2000.0, 3000.0]
            .into_iter()
            .enumerate()
        {
            c.line(t, i as u64 + 1);
        }
        let w = c.warning().unwrap();
        assert!(w.message.contains("1 time "), "{}", w.message);
        assert_eq!(w.location, Location::Line(3));
    }

    #[test]
    fn no_polls_fall_back_to_one_second() {
        let mut c = ClockWatch::default();
        c.line(10_000.0, 1);
        c.line(500.0, 2);
        c.line(f64::NAN, 3);
        assert_eq!(c.warning().unwrap().location, Location::Line(2));
    }

    #[test]
    fn stepping_back_on_every_line_stays_bounded() {
        let mut c = ClockWatch::default();
        for i in 0..(KEEP as u64 + 10) {
            c.line(1e12, 2 * i + 1);
            c.line(0.0, 2 * i + 2);
        }
        assert_eq!(c.steps.len(), KEEP);
        let w = c.warning().unwrap();
        assert!(
            w.message.contains(&format!("{} times", KEEP + 10)),
            "{}",
            w.message
        );
    }
}
