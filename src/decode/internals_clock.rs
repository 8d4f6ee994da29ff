//! Where each webrtc-internals series sits in time (FORMATS.md §4.3).
//!
//! A series covers only the reports between its own `startTime` and `endTime`: a property can
//! appear late and stop early (a pair no longer selected, a sender whose track was removed).
//! Since M117 the report's `-timestamp` series gives every poll time, and a series' values map
//! onto the timestamps inside its window. Before M117 there is no such series, and each series
//! is spread evenly over its own window. Nothing is ever placed outside its window.

use crate::model::Timestamp;

/// The ISO strings have millisecond precision, the timestamps fractions of one.
const SLACK_MS: f64 = 1.0;

/// A series' own window, `startTime..=endTime` in epoch milliseconds, when readable.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Window {
    /// `startTime`: the time of the first value.
    pub start: Option<f64>,
    /// `endTime`: the time of the last value.
    pub end: Option<f64>,
}

/// Where the values of one series go on its report's time column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// The window holds exactly as many timestamps as values: value `i` is at `first + i`.
    Exact {
        /// Index of the first value's timestamp.
        first: usize,
    },
    /// The window holds `extra` more timestamps than values (a gap inside it, as Chrome's
    /// `[a/b]` ratios have, or the ring buffer): aligned to the end of the window.
    EndOfWindow {
        /// Index of the first value's timestamp.
        first: usize,
        /// Timestamps in the window that got no value.
        extra: usize,
    },
    /// The window holds fewer timestamps than values: the oldest `dropped` values have no
    /// time of their own and are dropped; the rest are exact from `first`.
    Truncated {
        /// Index of the first kept value's timestamp.
        first: usize,
        /// Values dropped from the front.
        dropped: usize,
    },
    /// The window is unreadable: aligned to the end of the report, the only clue left, after
    /// dropping `dropped` values that do not fit.
    NoWindow {
        /// Index of the first kept value's timestamp.
        first: usize,
        /// Values dropped from the front.
        dropped: usize,
    },
    /// No report timestamp lies in the window: the series cannot be placed.
    Outside,
}

/// Places a series of `len` values whose window is `window` on the report timestamps
/// `times` (ascending).
pub fn place(times: &[Timestamp], window: Window, len: usize) -> Placement {
    let n = times.len();
    let lo = window
        .start
        .map_or(0, |s| times.partition_point(|t| t.0 < s - SLACK_MS));
    let hi = window
        .end
        .map_or(n, |e| times.partition_point(|t| t.0 <= e + SLACK_MS));
    if window.start.is_none() && window.end.is_none() {
        let kept = len.min(n);
        return Placement::NoWindow {
            first: n - kept,
            dropped: len - kept,
        };
    }
    let count = hi.saturating_sub(lo);
    if count == 0 {
        return Placement::Outside;
    }
    match count.cmp(&len) {
        std::cmp::Ordering::Equal => Placement::Exact { first: lo },
        std::cmp::Ordering::Greater if window.end.is_none() => {
            // Only the start is known: the values begin there.
            Placement::EndOfWindow {
                first: lo,
                extra: count - len,
            }
        }
        std::cmp::Ordering::Greater => Placement::EndOfWindow {
            first: hi - len,
            extra: count - len,
        },
        std::cmp::Ordering::Less => Placement::Truncated {
            first: lo,
            dropped: len - count,
        },
    }
}

/// The evenly spread times of `len` values over `window`: `start + i·(end−start)/(len−1)`.
/// With only one end known, or an empty window, 1 s apart (Chrome's default poll).
fn spread(window: Window, len: usize) -> Vec<f64> {
    let step = |i: usize| i as f64;
    match (window.start, window.end) {
        (Some(s), Some(e)) if e > s && len > 1 => {
            let dt = (e - s) / (len - 1) as f64;
            (0..len).map(|i| s + step(i) * dt).collect()
        }
        (Some(s), Some(e)) if len == 1 => vec![if e >= s { e } else { s }],
        (_, Some(e)) => (0..len).map(|i| e - step(len - 1 - i) * 1000.0).collect(),
        (Some(s), None) => (0..len).map(|i| s + step(i) * 1000.0).collect(),
        (None, None) => (0..len).map(|i| step(i) * 1000.0).collect(),
    }
}

/// The time column of a report without a `-timestamp` series (before M117), and for each
/// series (given as its window and value count) the index of each of its values in it.
///
/// Every series is spread evenly over its own window. Times of different series closer than a
/// quarter of the shortest interval are one poll and share one timestamp: a window's own end
/// when one falls there (those are real poll times), else their mean.
pub fn synthetic_clock(series: &[(Window, usize)]) -> (Vec<Timestamp>, Vec<Vec<usize>>) {
    let spreads: Vec<Vec<f64>> = series.iter().map(|&(w, n)| spread(w, n)).collect();
    let shortest = spreads
        .iter()
        .flat_map(|s| s.windows(2).map(|p| p[1] - p[0]))
        .filter(|d| *d > 0.0)
        .fold(f64::INFINITY, f64::min);
    let tolerance = if shortest.is_finite() {
        shortest / 4.0
    } else {
        250.0
    };
    // (time, is a window end, series, value index)
    let mut points: Vec<(f64, bool, usize, usize)> = spreads
        .iter()
        .enumerate()
        .flat_map(|(k, s)| {
            let last = s.len().saturating_sub(1);
            s.iter()
                .enumerate()
                .map(move |(i, &t)| (t, i == 0 || i == last, k, i))
        })
        .filter(|p| p.0.is_finite())
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));

    let mut clock: Vec<Timestamp> = Vec::new();
    let mut slots: Vec<Vec<usize>> = spreads.iter().map(|s| vec![0; s.len()]).collect();
    let mut i = 0;
    while i < points.len() {
        let begin = points[i].0;
        let mut j = i;
        while j < points.len() && points[j].0 < begin + tolerance.max(f64::MIN_POSITIVE) {
            j += 1;
        }
        let group = &points[i..j];
        let time = group.iter().find(|p| p.1).map_or_else(
            || group.iter().map(|p| p.0).sum::<f64>() / group.len() as f64,
            |p| p.0,
        );
        for &(_, _, k, v) in group {
            slots[k][v] = clock.len();
        }
        clock.push(Timestamp(time));
        i = j;
    }
    (clock, slots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(t: &[f64]) -> Vec<Timestamp> {
        t.iter().copied().map(Timestamp).collect()
    }

    fn window(s: f64, e: f64) -> Window {
        Window {
            start: Some(s),
            end: Some(e),
        }
    }

    #[test]
    fn a_full_window_maps_exactly() {
        let t = times(&[1000.4, 2000.6, 3000.2]);
        assert_eq!(
            place(&t, window(1000.0, 3000.0), 3),
            Placement::Exact { first: 0 }
        );
    }

    #[test]
    fn a_series_that_starts_late_or_stops_early_keeps_its_own_window() {
        let t = times(&[1000.0, 2000.0, 3000.0, 4000.0, 5000.0]);
        // Started at the third poll.
        assert_eq!(
            place(&t, window(3000.0, 5000.0), 3),
            Placement::Exact { first: 2 }
        );
        // Stopped after the second poll: not dragged to the end of the report.
        assert_eq!(
            place(&t, window(1000.0, 2000.0), 2),
            Placement::Exact { first: 0 }
        );
        // The ISO end is cut to the millisecond; the timestamp has its fraction.
        let t = times(&[1000.0, 2000.0, 3000.6, 4000.0]);
        assert_eq!(
            place(&t, window(2000.0, 3000.0), 2),
            Placement::Exact { first: 1 }
        );
    }

    #[test]
    fn a_gap_inside_the_window_aligns_to_the_window_end() {
        let t = times(&[1000.0, 2000.0, 3000.0, 4000.0, 5000.0]);
        assert_eq!(
            place(&t, window(1000.0, 4000.0), 2),
            Placement::EndOfWindow { first: 2, extra: 2 }
        );
    }

    #[test]
    fn more_values_than_timestamps_drops_the_oldest() {
        let t = times(&[1000.0, 2000.0]);
        assert_eq!(
            place(&t, window(0.0, 2000.0), 4),
            Placement::Truncated {
                first: 0,
                dropped: 2
            }
        );
        assert_eq!(place(&t, window(7000.0, 8000.0), 2), Placement::Outside);
        assert_eq!(
            place(&t, Window::default(), 3),
            Placement::NoWindow {
                first: 0,
                dropped: 1
            }
        );
    }

    #[test]
    fn pre_m117_series_spread_over_their_own_windows_and_share_polls() {
        // A 5-value series over 1..5 s, a late one over 3..5 s whose ISO start is 2 ms off
        // the other's spread, and one that stopped early at 2 s.
        let (clock, slots) = synthetic_clock(&[
            (window(1000.0, 5000.0), 5),
            (window(3002.0, 5000.0), 3),
            (window(1000.0, 2000.0), 2),
        ]);
        let t: Vec<f64> = clock.iter().map(|t| t.0).collect();
        assert_eq!(t, vec![1000.0, 2000.0, 3002.0, 4000.5, 5000.0]);
        assert_eq!(slots, vec![vec![0, 1, 2, 3, 4], vec![2, 3, 4], vec![0, 1]]);
    }

    #[test]
    fn pre_m117_with_a_changed_poll_interval() {
        // `?statsInterval=500`: 500 ms apart, and a 1-value series at the end.
        let (clock, slots) =
            synthetic_clock(&[(window(0.0, 1500.0), 4), (window(1500.0, 1500.0), 1)]);
        let t: Vec<f64> = clock.iter().map(|t| t.0).collect();
        assert_eq!(t, vec![0.0, 500.0, 1000.0, 1500.0]);
        assert_eq!(slots[1], vec![3]);
    }
}
