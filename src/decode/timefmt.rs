//! Parsing the date strings dumps contain: ISO-8601 (`Date` objects serialised to JSON) and
//! the locale strings of old webrtc-internals update logs (`3/14/2022, 10:41:12 AM`).

use crate::model::days_from_civil;

/// Parses an ISO-8601 date-time (`2023-07-07T09:01:02.345Z`, with `Z`, an offset, or no zone,
/// which is taken as UTC) into epoch milliseconds.
pub fn parse_iso8601(s: &str) -> Option<f64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year: i64 = s.get(0..4)?.parse().ok()?;
    let month: u32 = s.get(5..7)?.parse().ok()?;
    let day: u32 = s.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) as f64 * 86_400_000.0;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(ms);
    }
    let rest = rest.strip_prefix(['T', ' '])?;
    let (clock, zone) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let mut parts = clock.split(':');
    let h: f64 = parts.next()?.parse().ok()?;
    let m: f64 = parts.next()?.parse().ok()?;
    let sec: f64 = parts.next().map_or(Some(0.0), |p| p.parse().ok())?;
    if parts.next().is_some() || h >= 24.0 || m >= 60.0 || sec >= 61.0 {
        return None;
    }
    ms += ((h * 60.0 + m) * 60.0 + sec) * 1000.0;
    match zone {
        "" | "Z" | "z" => {}
        z => {
            let sign = if z.starts_with('-') { -1.0 } else { 1.0 };
            let digits: String = z[1..].chars().filter(char::is_ascii_digit).collect();
            if digits.len() != 4 {
                return None;
            }
            let oh: f64 = digits[..2].parse().ok()?;
            let om: f64 = digits[2..].parse().ok()?;
            ms -= sign * (oh * 60.0 + om) * 60_000.0;
        }
    }
    Some(ms)
}

/// Parses a `Date.toLocaleString()` result leniently: numeric dates in month/day/year,
/// day/month/year (or day.month.year) or year-month-day order, a time with optional seconds
/// and an optional AM/PM marker. The zone is unknown, so the result is read as UTC.
/// Ambiguous day/month orders are read as month first (en-US, Chrome's most common locale)
/// unless the first number cannot be a month.
pub fn parse_locale_datetime(s: &str) -> Option<f64> {
    let upper = s.to_ascii_uppercase();
    let pm = upper.contains("PM") || upper.contains("P.M.");
    let am = upper.contains("AM") || upper.contains("A.M.");
    let numbers: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    if numbers.len() < 5 {
        return None;
    }
    let n: Vec<i64> = numbers
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (year, month, day) = if numbers[0].len() == 4 {
        (n[0], n[1], n[2])
    } else if numbers[2].len() == 4 || numbers[2].len() == 2 {
        let year = if numbers[2].len() == 2 {
            2000 + n[2]
        } else {
            n[2]
        };
        let day_first = s.contains('.') || n[0] > 12;
        if day_first {
            (year, n[1], n[0])
        } else {
            (year, n[0], n[1])
        }
    } else {
        return None;
    };
    let mut hour = n[3];
    let minute = n[4];
    let second = n.get(5).copied().unwrap_or(0);
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month as u32, day as u32);
    Some(((days * 86_400 + hour * 3600 + minute * 60 + second) * 1000) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(
            parse_iso8601("2026-11-24T23:46:50.555Z"),
            Some(1_795_564_010_555.0)
        );
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(parse_iso8601("1970-01-01T01:00:00+01:00"), Some(0.0));
        assert_eq!(parse_iso8601("1970-01-02"), Some(86_400_000.0));
        assert_eq!(parse_iso8601("not a date"), None);
        assert_eq!(parse_iso8601("2020-13-01T00:00:00Z"), None);
    }

    #[test]
    fn locale_dates() {
        let want = parse_iso8601("2022-03-14T10:41:12Z");
        assert_eq!(parse_locale_datetime("3/14/2022, 10:41:12 AM"), want);
        assert_eq!(parse_locale_datetime("14/03/2022, 10:41:12"), want);
        assert_eq!(parse_locale_datetime("14.3.2022, 10:41:12"), want);
        assert_eq!(parse_locale_datetime("2022-03-14 10:41:12"), want);
        assert_eq!(
            parse_locale_datetime("3/14/2022, 10:41:12 PM"),
            parse_iso8601("2022-03-14T22:41:12Z")
        );
        assert_eq!(
            parse_locale_datetime("3/14/2022, 12:05:00 AM"),
            parse_iso8601("2022-03-14T00:05:00Z")
        );
        assert_eq!(parse_locale_datetime("yesterday"), None);
    }
}
