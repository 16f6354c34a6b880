//! Working hours: when a site or a department takes chats, in its own time zone, with
//! holidays. Outside them the widget offers the leave-a-message form with the time it opens
//! again, routing passes closed departments by, and the "nobody online" alert keeps quiet.
//!
//! The hours are wall-clock times; a [`Calendar`] turns them into instants, so the same rules
//! hold across daylight-saving changes (see `crate::zone` for the IANA one).

use crate::error::{ErrorCode, Millis, ProtocolError};
use crate::settings::SiteSettings;
use serde::{Deserialize, Serialize};

/// The week's opening times and the days closed all day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// Open intervals; a day may have several (a lunch break), a day without any is closed.
    #[serde(default)]
    pub week: Vec<DayHours>,
    /// `YYYY-MM-DD`, closed all day (the site's calendar).
    #[serde(default)]
    pub holidays: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayHours {
    /// 1 = Monday … 7 = Sunday.
    pub day: u8,
    /// `HH:MM`, local time.
    pub from: String,
    /// `HH:MM` after `from`; `24:00` is midnight at the end of the day.
    pub to: String,
}

/// Whether it is open at a moment, and when that changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    pub open: bool,
    /// The next opening (when closed) or closing (when open); `None`: not within
    /// [`LOOK_AHEAD_DAYS`].
    pub changes_at: Option<Millis>,
}

/// A zone's wall clock: local days (since 1970-01-01) and minutes of the day.
pub trait Calendar {
    /// The local day and minute of the day at `at`.
    fn local(&self, at: Millis) -> (i64, u32);
    /// The instant a local day's minute begins (minute 1440: the next midnight); a minute a
    /// clock change skips is read as that much later, as calendars do.
    fn instant(&self, day: i64, minute: u32) -> Millis;
}

/// A zone a fixed number of minutes east of UTC (the settings before IANA names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedOffset(pub i32);

impl Calendar for FixedOffset {
    fn local(&self, at: Millis) -> (i64, u32) {
        let minutes = (at / 60_000) as i64 + i64::from(self.0);
        (minutes.div_euclid(1440), minutes.rem_euclid(1440) as u32)
    }

    fn instant(&self, day: i64, minute: u32) -> Millis {
        let minutes = day * 1440 + i64::from(minute) - i64::from(self.0);
        (minutes.max(0) as u64) * 60_000
    }
}

/// How far ahead the next opening is looked for (a long holiday included).
pub const LOOK_AHEAD_DAYS: i64 = 60;
/// Most intervals in a week and most holidays a site may list.
pub const MAX_INTERVALS: usize = 50;
pub const MAX_HOLIDAYS: usize = 200;

/// `HH:MM` as minutes of the day (`24:00` = 1440).
pub fn minute_of_day(value: &str) -> Option<u32> {
    let (h, m) = value.split_once(':')?;
    if value.len() != 5 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 || h == 24 && m == 0).then_some(h * 60 + m)
}

/// `YYYY-MM-DD` as a day number, for a real calendar date.
pub fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if date.len() != 10 || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let day = days_from_civil(y, m, d);
    (crate::time::civil_from_days(day) == (y, m, d)).then_some(day)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// 1 = Monday … 7 = Sunday of a day number (1970-01-01 was a Thursday).
pub fn weekday(day: i64) -> u8 {
    ((day + 3).rem_euclid(7) + 1) as u8
}

impl OpeningHours {
    /// The same hours `from`–`to` on each of `days` (how the alerts' hours were set before).
    pub fn same_hours(days: &[u8], from: &str, to: &str) -> Self {
        Self {
            week: days
                .iter()
                .map(|&day| DayHours {
                    day,
                    from: from.into(),
                    to: to.into(),
                })
                .collect(),
            holidays: Vec::new(),
        }
    }

    pub fn validate(&self, field: &str) -> Result<(), ProtocolError> {
        let bad = |what: &str, why: &str| {
            Err(ProtocolError::new(
                ErrorCode::InvalidField,
                format!("{field}.{what}: {why}"),
            ))
        };
        if self.week.len() > MAX_INTERVALS {
            return bad("week", "at most 50 intervals");
        }
        for hours in &self.week {
            if !(1..=7).contains(&hours.day) {
                return bad("week.day", "1 (Monday) to 7 (Sunday)");
            }
            let (Some(from), Some(to)) = (minute_of_day(&hours.from), minute_of_day(&hours.to))
            else {
                return bad("week", "expected HH:MM (00:00 to 24:00)");
            };
            if from >= to {
                return bad("week", "from must be before to");
            }
        }
        if self.holidays.len() > MAX_HOLIDAYS {
            return bad("holidays", "at most 200 dates");
        }
        if let Some(date) = self.holidays.iter().find(|d| day_number(d).is_none()) {
            return bad("holidays", &format!("{date:?} is not a date (YYYY-MM-DD)"));
        }
        Ok(())
    }

    /// The open intervals (instants) of one local day, in order; none on a holiday.
    fn day_intervals(&self, calendar: &impl Calendar, day: i64) -> Vec<(Millis, Millis)> {
        if self.holidays.iter().any(|d| day_number(d) == Some(day)) {
            return Vec::new();
        }
        let mut all: Vec<(Millis, Millis)> = self
            .week
            .iter()
            .filter(|h| h.day == weekday(day))
            .filter_map(|h| Some((minute_of_day(&h.from)?, minute_of_day(&h.to)?)))
            .map(|(from, to)| (calendar.instant(day, from), calendar.instant(day, to)))
            .collect();
        all.sort_unstable();
        all
    }

    /// Whether it is open at `now`, and until when (or from when). Goes day by day from
    /// yesterday (its hours may run past midnight), joining touching intervals (Monday
    /// 18:00–24:00 and Tuesday 00:00–09:00 are one), and stops as soon as a later day cannot
    /// change the answer: usually within today.
    pub fn at(&self, calendar: &impl Calendar, now: Millis) -> Opening {
        let (today, _) = calendar.local(now);
        let answer = |(from, to): (Millis, Millis)| match from <= now {
            true => Opening {
                open: true,
                changes_at: Some(to),
            },
            false => Opening {
                open: false,
                changes_at: Some(from),
            },
        };
        // The first joined interval that ends after `now`.
        let mut next: Option<(Millis, Millis)> = None;
        for day in today - 1..=today + LOOK_AHEAD_DAYS {
            for (from, to) in self.day_intervals(calendar, day) {
                match &mut next {
                    Some(found) if from <= found.1 => found.1 = found.1.max(to),
                    Some(_) => {}
                    None if to > now => next = Some((from, to)),
                    None => {}
                }
            }
            match next {
                // Closed now: the next opening is known, whatever follows.
                Some(found) if found.0 > now => return answer(found),
                // Open until before the next midnight: no later day can extend it.
                Some(found) if found.1 < calendar.instant(day + 1, 0) => return answer(found),
                _ => {}
            }
        }
        next.map_or(
            Opening {
                open: false,
                changes_at: None,
            },
            answer,
        )
    }
}

/// Open around the clock when no hours are set.
pub fn opening(hours: Option<&OpeningHours>, calendar: &impl Calendar, now: Millis) -> Opening {
    match hours {
        Some(hours) => hours.at(calendar, now),
        None => Opening {
            open: true,
            changes_at: None,
        },
    }
}

/// A zone name's shape (the relay also looks it up in the tz database: `crate::zone`).
fn zone_name_shaped(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_-+".contains(&b))
}

impl SiteSettings {
    /// The time zone and the working hours of the site and its departments.
    pub(crate) fn validate_time(&self) -> Result<(), ProtocolError> {
        if self.utc_offset_minutes.abs() > 14 * 60 {
            return Err(ProtocolError::new(
                ErrorCode::InvalidField,
                "utc_offset_minutes: must be within ±14 hours",
            ));
        }
        if let Some(name) = &self.time_zone {
            if !zone_name_shaped(name) {
                return Err(ProtocolError::new(
                    ErrorCode::InvalidField,
                    format!("time_zone: {name:?} is not an IANA time zone (like Europe/Moscow)"),
                ));
            }
            #[cfg(feature = "zones")]
            crate::zone::Zone::named(name)?;
        }
        if let Some(hours) = &self.hours {
            hours.validate("hours")?;
        }
        Ok(())
    }

    /// Settings stored before working hours were the site's: the alert's hours become them.
    pub fn migrated(mut self) -> Self {
        if let Some(old) = self.alerts.working_hours.take() {
            if self.hours.is_none() {
                self.hours = Some(OpeningHours::same_hours(&old.days, &old.from, &old.to));
            }
            self.alerts.nobody_online = true;
        }
        self
    }

    /// The hours of `department` (its own, else the site's); the site's for none.
    pub fn hours_of(&self, department: Option<&str>) -> Option<&OpeningHours> {
        department
            .and_then(|id| self.departments.iter().find(|d| d.id == id))
            .and_then(|d| d.hours.as_ref())
            .or(self.hours.as_ref())
    }
}

#[cfg(feature = "zones")]
impl SiteSettings {
    /// The site's zone: its IANA name, else its fixed offset.
    pub fn zone(&self) -> crate::zone::Zone {
        crate::zone::Zone::of(self.time_zone.as_deref(), self.utc_offset_minutes)
    }

    /// Whether `department` (the site, for none) takes chats at `now`.
    pub fn opening(&self, department: Option<&str>, now: Millis) -> Opening {
        opening(self.hours_of(department), &self.zone(), now)
    }
}

#[cfg(test)]
#[path = "hours_tests.rs"]
pub(crate) mod tests;
