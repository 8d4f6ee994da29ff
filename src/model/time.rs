//! Time as the model holds it: epoch milliseconds.

use std::fmt;

use serde::Serialize;

/// A point in time in milliseconds since the Unix epoch (fractional, as browsers report it).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize)]
#[serde(transparent)]
#[repr(transparent)]
pub struct Timestamp(pub f64);

impl Timestamp {
    /// Milliseconds since the Unix epoch.
    pub fn ms(self) -> f64 {
        self.0
    }

    /// Whether this is a usable time (finite).
    pub fn is_valid(self) -> bool {
        self.0.is_finite()
    }

    /// Formats the time as ISO-8601 UTC with millisecond precision (`2026-11-24T23:46:50.555Z`).
    pub fn to_iso8601(self) -> String {
        if !self.is_valid() {
            return "invalid time".to_owned();
        }
        let total_ms = self.0.round() as i64;
        let ms = total_ms.rem_euclid(1000);
        let secs = total_ms.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
            sod / 3600,
            (sod / 60) % 60,
            sod % 60
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601())
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 19_000, 20_416, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn iso_format() {
        assert_eq!(
            Timestamp(1_795_564_010_555.4).to_iso8601(),
            "2026-11-24T23:46:50.555Z"
        );
        assert_eq!(Timestamp(f64::NAN).to_iso8601(), "invalid time");
    }
}
