//! Calendar arithmetic on the wire's milliseconds, without a clock or a time-zone database:
//! ISO times for people and files, calendar dates, and the weekday and hour in a zone.

use crate::error::Millis;

/// Weekday (1 = Monday … 7 = Sunday) and hour at `now_ms` in a zone `offset_minutes` from UTC.
pub fn weekday_and_hour(now_ms: u64, offset_minutes: i32) -> (u8, u8) {
    let local_minutes = (now_ms / 60_000) as i64 + i64::from(offset_minutes);
    let days = local_minutes.div_euclid(24 * 60);
    let hour = (local_minutes.rem_euclid(24 * 60) / 60) as u8;
    // 1970-01-01 was a Thursday (4).
    let weekday = ((days + 3).rem_euclid(7) + 1) as u8;
    (weekday, hour)
}

/// `2026-11-24T10:05:00Z`.
pub fn iso_time(ms: Millis) -> String {
    let secs = (ms / 1000) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// `Mon, 07 Dec 2026 10:05:00 +0000`, the `Date:` of a mail (RFC 5322).
pub fn mail_date(ms: Millis) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = (ms / 1000) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = (days + 3).rem_euclid(7) as usize;
    format!(
        "{}, {d:02} {} {y} {:02}:{:02}:{:02} +0000",
        DAYS[weekday],
        MONTHS[(m - 1) as usize],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The calendar date of a day number (days since 1970-01-01), proleptic Gregorian.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}
