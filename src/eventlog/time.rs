//! Event times as the logs write them: `TimeCreated` in ISO 8601 with 100-nanosecond ticks
//! (`2024-03-01T10:15:30.1234567Z`, or with an offset, `+01:00`), and the client's own
//! timestamp field (`2024/3/1 10:15`, its local time, minutes only). Times are kept as
//! ticks of 100 ns since 1970-01-01 00:00 UTC, the resolution Windows logs them with, so two
//! requests in the same second keep their order.

#![allow(clippy::indexing_slicing)] // positions are checked by the length test before each read

/// Ticks of 100 ns since 1970-01-01 00:00:00 UTC.
pub type Ticks = i64;

pub const TICKS_PER_SECOND: i64 = 10_000_000;
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, the form `wevtutil`'s
/// `SystemTime` attribute and PowerShell's `ToString('o')` write. Anything else (a
/// locale's `01.03.2024 10:15:30`, a time without its zone) is refused: the zone of a
/// local time cannot be guessed.
pub fn parse_iso(text: &str) -> Option<Ticks> {
    let b = text.trim().as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let sep = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && (sep(10, b'T') || sep(10, b' ')) && sep(13, b':'))
        || !sep(16, b':')
    {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)? as u32, digits(8..10)? as u32);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut fraction = 0i64;
    if sep(i, b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            // Digits past the seventh (100 ns) are dropped.
            if i - start < 7 {
                fraction = fraction * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..7 {
            fraction *= 10;
        }
    }
    let offset = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && sep(i + 3, b':') => {
            let minutes = digits(i + 1..i + 3)? * 60 + digits(i + 4..i + 6)?;
            if sign == b'+' { minutes } else { -minutes }
        }
        _ => return None,
    };
    let seconds = days_from_civil(year, month, day) * SECONDS_PER_DAY
        + hour * 3_600
        + minute * 60
        + second.min(59)
        - offset * 60;
    Some(seconds * TICKS_PER_SECOND + fraction)
}

/// `2024-03-01T10:15:30.0000000Z`: seven fraction digits, as Windows writes them.
pub fn format_iso(t: Ticks) -> String {
    let mut out = String::with_capacity(28);
    push_iso(&mut out, t);
    out
}

/// `format_iso`, appended to `out` (for writers of many rows).
pub fn push_iso(out: &mut String, t: Ticks) {
    let seconds = t.div_euclid(TICKS_PER_SECOND);
    let fraction = t.rem_euclid(TICKS_PER_SECOND);
    let (y, mo, d) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
    let s = seconds.rem_euclid(SECONDS_PER_DAY);
    let digits = |out: &mut String, v: i64, n: u32| {
        for k in (0..n).rev() {
            out.push(char::from(b'0' + (v / 10i64.pow(k) % 10) as u8));
        }
    };
    digits(out, y, 4);
    out.push('-');
    digits(out, i64::from(mo), 2);
    out.push('-');
    digits(out, i64::from(d), 2);
    out.push('T');
    digits(out, s / 3_600, 2);
    out.push(':');
    digits(out, s / 60 % 60, 2);
    out.push(':');
    digits(out, s % 60, 2);
    out.push('.');
    digits(out, fraction, 7);
    out.push('Z');
}

/// The date of an instant, `YYYY-MM-DD`.
pub fn format_date(t: Ticks) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(TICKS_PER_SECOND * SECONDS_PER_DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The client timestamp field of events 12288 and 12290: `2024/3/1 10:15` (no leading
/// zeros on month, day and hour, minutes only).
pub fn format_client(t: Ticks) -> String {
    let seconds = t.div_euclid(TICKS_PER_SECOND);
    let (y, mo, d) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
    let s = seconds.rem_euclid(SECONDS_PER_DAY);
    format!("{y}/{mo}/{d} {}:{:02}", s / 3_600, s / 60 % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip() {
        for days in [-800_000, -1, 0, 1, 10_957, 19_783, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn iso_times_parse_with_zone_and_fraction() {
        let t = parse_iso("2024-03-01T10:15:30.1234567Z").unwrap();
        assert_eq!(format_iso(t), "2024-03-01T10:15:30.1234567Z");
        assert_eq!(
            parse_iso("2024-03-01T11:15:30.123456700+01:00"),
            Some(t),
            "nine digits and an offset"
        );
        assert_eq!(
            parse_iso("2024-03-01T10:15:30Z").map(format_iso).as_deref(),
            Some("2024-03-01T10:15:30.0000000Z")
        );
        assert_eq!(format_client(t), "2024/3/1 10:15");
        assert_eq!(format_date(t), "2024-03-01");
    }

    #[test]
    fn local_and_zoneless_times_are_refused() {
        for bad in [
            "01.03.2024 10:15:30",
            "3/1/2024 10:15:30 AM",
            "2024-03-01T10:15:30",
            "2024-02-30T10:15:30Z",
            "2024-03-01T25:15:30Z",
            "",
            "2024-03-01T10:15:30.Z",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }
}
