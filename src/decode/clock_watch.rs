//! Watching the clock of a line-format dump: a line whose time runs backwards by more than one
//! poll interval means the writer's clock jumped (or lines were reordered), and the viewer
//! sorts samples by time, so the user must be told.

use rustc_hash::FxHashMap as HashMap;

use crate::model::{ClockSteps, LateLine, Location, Timestamp, Warning};

/// One backward step: how far back, its line, the time of the line before it and of the
/// line before that, and the next line's time.
#[derive(Debug)]
struct Step {
    back_ms: f64,
    line: u64,
    /// The connection the line is about.
    pc: Option<String>,
    before: f64,
    earlier: Option<f64>,
    next: Option<f64>,
}

impl Step {
    /// Whether one line is out of order rather than the clock jumping: the line after the
    /// step is back where the clock was (this line came late; the last line of a file,
    /// with nothing after it, is such a late write), or this line is where the clock was
    /// before the line above it (that line came early).
    fn reordered(&self, interval: f64) -> bool {
        let at = self.before - self.back_ms;
        self.came_late(interval) || self.earlier.is_some_and(|e| at >= e - interval)
    }

    /// Whether this line came late: the line after it is back where the clock was.
    fn came_late(&self, interval: f64) -> bool {
        self.next.is_none_or(|n| n >= self.before - interval)
    }
}

/// Backward steps kept for the verdict at the end; a hostile file could step back on every
/// line, and the count alone is enough past this.
const KEEP: usize = 4096;

/// Follows the time of every line and the poll interval of every connection.
#[derive(Debug, Default)]
pub struct ClockWatch {
    /// The previous line's time.
    previous: Option<f64>,
    /// The time of the line before that.
    earlier: Option<f64>,
    /// Backward steps, the first [`KEEP`] of them.
    steps: Vec<Step>,
    /// Whether the last step waits for the next line's time.
    awaiting_next: bool,
    /// Backward steps past [`KEEP`], with their largest size.
    more: (u64, f64),
    /// Each connection's previous poll time.
    last_poll: HashMap<String, f64>,
    /// Time between consecutive polls of one connection.
    intervals: Vec<f64>,
}

impl ClockWatch {
    /// Notes the time of line `line`, about connection `pc` when it names one.
    pub fn line(&mut self, time: f64, line: u64, pc: Option<&str>) {
        if !time.is_finite() {
            return;
        }
        if self.awaiting_next {
            if let Some(step) = self.steps.last_mut() {
                step.next = Some(time);
            }
            self.awaiting_next = false;
        }
        // Against the previous line, not the latest time: one line stamped in the future
        // (Jitsi flushes buffered events late) is one jump, not a run of them.
        if let Some(previous) = self.previous
            && time < previous
        {
            if self.steps.len() < KEEP {
                self.steps.push(Step {
                    back_ms: previous - time,
                    line,
                    pc: pc.map(str::to_owned),
                    before: previous,
                    earlier: self.earlier,
                    next: None,
                });
                self.awaiting_next = true;
            } else {
                self.more.0 += 1;
                self.more.1 = self.more.1.max(previous - time);
            }
        }
        self.earlier = self.previous;
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

    /// The steps back by more than one poll interval (or by more than 1 s in a dump without
    /// polls), when there were any.
    pub fn steps(mut self) -> Option<ClockSteps> {
        let interval = self.poll_interval().unwrap_or(1000.0);
        let big: Vec<&Step> = self.steps.iter().filter(|s| s.back_ms > interval).collect();
        let extra = if self.more.1 > interval {
            self.more.0
        } else {
            0
        };
        let first_line = big.first()?.line;
        let reordered = big.iter().filter(|s| s.reordered(interval)).count() as u64;
        let late = big
            .iter()
            .filter(|s| s.came_late(interval))
            .take(ClockSteps::LATE_KEPT)
            .map(|s| LateLine {
                line: s.line,
                pc: s.pc.clone(),
                stamped: Timestamp(s.before - s.back_ms),
                written_after: Timestamp(s.before),
            })
            .collect();
        Some(ClockSteps {
            count: big.len() as u64 + extra,
            reordered,
            largest_ms: big.iter().map(|s| s.back_ms).fold(self.more.1, f64::max),
            first_line,
            poll_interval_ms: interval,
            late,
        })
    }
}

/// The warning that says `steps` in words.
pub fn warning(steps: &ClockSteps) -> Warning {
    let count = steps.count;
    let kind = if steps.reordered == count {
        if count == 1 {
            "a line is out of order".to_owned()
        } else {
            format!("{count} lines are out of order")
        }
    } else {
        format!(
            "the dump's clock runs backwards {count} time{}",
            if count == 1 { "" } else { "s" }
        )
    };
    Warning {
        message: format!(
            "{kind}: stamped up to {:.1} s before the line above it (more than one poll interval, {:.1} s); events and samples are sorted by time",
            steps.largest_ms / 1000.0,
            steps.poll_interval_ms / 1000.0
        ),
        location: Location::Line(steps.first_line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn polled(times: &[(f64, u64)]) -> ClockWatch {
        let mut c = ClockWatch::default();
        for &(t, line) in times {
            c.line(t, line, Some("PC_0"));
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
        assert!(c.steps().is_none());
    }

    #[test]
    fn a_clock_that_jumps_back_and_stays_is_told_from_a_late_line() {
        let c = polled(&[
            (0.0, 1),
            (5000.0, 2),
            (10_000.0, 3),
            (15_000.0, 4),
            // The clock steps back 13 s and goes on from there.
            (2000.0, 5),
            (7000.0, 6),
            (12_000.0, 7),
            (17_000.0, 8),
            // A line stamped 45 s late, then the clock where it was.
            (-28_000.0, 9),
            (22_000.0, 10),
        ]);
        let s = c.steps().unwrap();
        assert_eq!(
            s,
            ClockSteps {
                count: 2,
                reordered: 1,
                largest_ms: 45_000.0,
                first_line: 5,
                poll_interval_ms: 5000.0,
                // The clock that stepped back at line 5 stayed there: only line 9 is late.
                late: vec![LateLine {
                    line: 9,
                    pc: Some("PC_0".into()),
                    stamped: Timestamp(-28_000.0),
                    written_after: Timestamp(17_000.0),
                }],
            }
        );
        let w = warning(&s);
        assert_eq!(w.location, Location::Line(5));
        assert!(
            w.message
                .starts_with("the dump's clock runs backwards 2 times"),
            "{}",
            w.message
        );
        assert!(w.message.contains("up to 45.0 s"), "{}", w.message);
    }

    #[test]
    fn lines_out_of_order_say_so() {
        let mut c = ClockWatch::default();
        // Line 2 came early (from the future), line 5 late.
        for (i, t) in [0.0, 90_000.0, 1000.0, 2000.0, -60_000.0, 3000.0]
            .into_iter()
            .enumerate()
        {
            c.line(t, i as u64 + 1, None);
        }
        let s = c.steps().unwrap();
        assert_eq!((s.count, s.reordered, s.first_line), (2, 2, 3));
        // Line 3 is where the clock was; it is line 2 that came early.
        let late: Vec<u64> = s.late.iter().map(|l| l.line).collect();
        assert_eq!(late, [5]);
        assert_eq!(s.late[0].written_after, Timestamp(2000.0));
        assert!(warning(&s).message.starts_with("2 lines are out of order"));
    }

    #[test]
    fn no_polls_fall_back_to_one_second() {
        let mut c = ClockWatch::default();
        c.line(10_000.0, 1, None);
        c.line(500.0, 2, None);
        c.line(f64::NAN, 3, None);
        let s = c.steps().unwrap();
        assert_eq!((s.first_line, s.poll_interval_ms), (2, 1000.0));
    }

    #[test]
    fn stepping_back_on_every_line_stays_bounded() {
        let mut c = ClockWatch::default();
        for i in 0..(KEEP as u64 + 10) {
            c.line(1e12, 2 * i + 1, None);
            c.line(0.0, 2 * i + 2, Some("PC_0"));
        }
        assert_eq!(c.steps.len(), KEEP);
        let s = c.steps().unwrap();
        assert_eq!(s.count, KEEP as u64 + 10);
        assert_eq!(s.late.len(), ClockSteps::LATE_KEPT);
    }
}
