//! IANA time zones (`Europe/Moscow`, `Europe/Berlin`) from the tz database bundled into the
//! build (jiff), so triggers, working hours and alerts follow daylight-saving changes. Only
//! the relay compiles this (feature `zones`): the widget gets the offset of the moment.

use crate::error::{ErrorCode, Millis, ProtocolError};
use crate::hours::{Calendar, FixedOffset};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// A site's zone: an IANA name, or a fixed offset for settings made before names.
#[derive(Debug, Clone)]
pub enum Zone {
    Named(TimeZone),
    Fixed(FixedOffset),
}

/// Longest zone name accepted (the longest IANA name is 32 characters).
pub const MAX_ZONE_NAME: usize = 64;

impl Zone {
    /// The zone of an IANA name, or why not.
    pub fn named(name: &str) -> Result<Self, ProtocolError> {
        let unknown = || {
            ProtocolError::new(
                ErrorCode::InvalidField,
                format!("time_zone: {name:?} is not an IANA time zone (like Europe/Moscow)"),
            )
        };
        if name.is_empty() || name.len() > MAX_ZONE_NAME {
            return Err(unknown());
        }
        TimeZone::get(name).map(Zone::Named).map_err(|_| unknown())
    }

    /// The settings' zone: `time_zone` when set, else the old fixed offset.
    pub fn of(time_zone: Option<&str>, utc_offset_minutes: i32) -> Self {
        time_zone
            .and_then(|name| Self::named(name).ok())
            .unwrap_or(Zone::Fixed(FixedOffset(utc_offset_minutes)))
    }

    /// Minutes east of UTC at `at`.
    pub fn offset_minutes(&self, at: Millis) -> i32 {
        match self {
            Zone::Fixed(FixedOffset(minutes)) => *minutes,
            Zone::Named(zone) => timestamp(at)
                .map(|t| zone.to_offset(t).seconds() / 60)
                .unwrap_or(0),
        }
    }
}

fn timestamp(at: Millis) -> Option<Timestamp> {
    Timestamp::from_millisecond(i64::try_from(at).ok()?).ok()
}

fn date_of_day(day: i64) -> Option<Date> {
    let (y, m, d) = crate::time::civil_from_days(day);
    Date::new(i16::try_from(y).ok()?, m as i8, d as i8).ok()
}

impl Calendar for Zone {
    fn local(&self, at: Millis) -> (i64, u32) {
        FixedOffset(self.offset_minutes(at)).local(at)
    }

    fn instant(&self, day: i64, minute: u32) -> Millis {
        let zone = match self {
            Zone::Fixed(fixed) => return fixed.instant(day, minute),
            Zone::Named(zone) => zone,
        };
        // 24:00 is the next day's midnight.
        let (day, minute) = (day + i64::from(minute / 1440), minute % 1440);
        let Some(date) = date_of_day(day) else {
            return 0;
        };
        let time = date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        // "Compatible" disambiguation: a skipped time is the instant after the gap, a repeated
        // one its first occurrence.
        zone.to_ambiguous_zoned(time)
            .compatible()
            .map(|z| z.timestamp().as_millisecond().max(0) as Millis)
            .unwrap_or(0)
    }
}

#[cfg(test)]
#[path = "zone_tests.rs"]
mod tests;
