//! Alerts for the site's managers: a chat rated low, and nobody online during working hours
//! (at most once per 30 minutes). Sent by e-mail and as webhooks (`alert.*` events). When
//! each is due is decided here, from the settings and the clock.

use crate::conversation::Rating;
use crate::error::ProtocolError;
use crate::error::{ErrorCode, Millis};
use crate::settings::AlertSettings;

/// The least time between two "nobody online" alerts.
pub const NOBODY_ONLINE_EVERY_MS: Millis = 30 * 60 * 1000;

fn minutes(field: &str, value: &str) -> Result<u32, ProtocolError> {
    let bad = || {
        ProtocolError::new(
            ErrorCode::InvalidField,
            format!("alerts.working_hours.{field}: expected HH:MM"),
        )
    };
    let (h, m) = value.split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 24 || m > 59 || h == 24 && m > 0 || value.len() != 5 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

impl AlertSettings {
    pub fn validate(&self) -> Result<(), ProtocolError> {
        let bad = |why: &str| Err(ProtocolError::new(ErrorCode::InvalidField, why.to_owned()));
        if let Some(email) = &self.email {
            crate::validate::email(email)
                .map_err(|e| ProtocolError::new(e.code, format!("alerts.email: {}", e.message)))?;
        }
        if let Some(p) = self.low_rating_below_percent {
            if !(1..=100).contains(&p) {
                return bad("alerts.low_rating_below_percent: 1 to 100");
            }
        }
        if let Some(hours) = &self.working_hours {
            if hours.days.is_empty() || hours.days.iter().any(|d| !(1..=7).contains(d)) {
                return bad("alerts.working_hours.days: 1 (Monday) to 7 (Sunday), at least one");
            }
            if minutes("from", &hours.from)? >= minutes("to", &hours.to)? {
                return bad("alerts.working_hours: from must be before to");
            }
        }
        Ok(())
    }

    /// Whether this rating calls for an alert.
    pub fn is_low(&self, rating: &Rating) -> bool {
        self.low_rating_below_percent
            .is_some_and(|threshold| rating.scale.max() > 0 && rating.percent() < threshold as u32)
    }

    /// Whether `now` falls in the working hours (the site is `utc_offset_minutes` east of UTC).
    pub fn in_working_hours(&self, utc_offset_minutes: i32, now: Millis) -> bool {
        let Some(hours) = &self.working_hours else {
            return false;
        };
        let (weekday, hour) = crate::time::weekday_and_hour(now, utc_offset_minutes);
        let local_ms = now as i64 + utc_offset_minutes as i64 * 60_000;
        let minute_of_day = (hour as u32) * 60 + (local_ms.rem_euclid(3_600_000) / 60_000) as u32;
        let (Ok(from), Ok(to)) = (minutes("from", &hours.from), minutes("to", &hours.to)) else {
            return false;
        };
        hours.days.contains(&weekday) && minute_of_day >= from && minute_of_day < to
    }

    /// Whether to send a "nobody online" alert now.
    pub fn nobody_online_due(
        &self,
        utc_offset_minutes: i32,
        now: Millis,
        anyone_online: bool,
        last_sent: Option<Millis>,
    ) -> bool {
        !anyone_online
            && self.in_working_hours(utc_offset_minutes, now)
            && last_sent.is_none_or(|at| now.saturating_sub(at) >= NOBODY_ONLINE_EVERY_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{RatingScale, WorkingHours};

    // 2026-11-02T06:30:00Z, a Monday: 09:30 in Moscow (UTC+3).
    const MONDAY_0930_MSK: Millis = 1_793_577_600_000 + 6 * 3_600_000 + 30 * 60_000;

    fn hours() -> AlertSettings {
        AlertSettings {
            email: Some("boss@shop.test".into()),
            low_rating_below_percent: Some(50),
            working_hours: Some(WorkingHours {
                days: vec![1, 2, 3, 4, 5],
                from: "09:00".into(),
                to: "18:00".into(),
            }),
        }
    }

    fn rating(score: u8, scale: RatingScale) -> Rating {
        Rating {
            score,
            scale,
            comment: None,
        }
    }

    #[test]
    fn low_ratings_are_below_the_threshold() {
        let a = hours();
        assert!(a.is_low(&rating(2, RatingScale::FiveFaces)));
        assert!(!a.is_low(&rating(3, RatingScale::FiveFaces)));
        assert!(a.is_low(&rating(1, RatingScale::Thumbs)));
        assert!(!a.is_low(&rating(2, RatingScale::Thumbs)));
        assert!(a.is_low(&rating(1, RatingScale::ThreeFaces)));
        assert!(!AlertSettings::default().is_low(&rating(1, RatingScale::FiveFaces)));
    }

    #[test]
    fn nobody_online_in_working_hours_at_most_every_30_minutes() {
        let a = hours();
        let msk = 180;
        assert!(a.in_working_hours(msk, MONDAY_0930_MSK));
        assert!(!a.in_working_hours(0, MONDAY_0930_MSK), "06:30 in London");
        assert!(
            !a.in_working_hours(msk, MONDAY_0930_MSK + 5 * 86_400_000),
            "Saturday"
        );
        assert!(
            !a.in_working_hours(msk, MONDAY_0930_MSK + 9 * 3_600_000),
            "18:30"
        );
        assert!(a.nobody_online_due(msk, MONDAY_0930_MSK, false, None));
        assert!(!a.nobody_online_due(msk, MONDAY_0930_MSK, true, None));
        let later = MONDAY_0930_MSK + 29 * 60_000;
        assert!(!a.nobody_online_due(msk, later, false, Some(MONDAY_0930_MSK)));
        assert!(a.nobody_online_due(msk, later + 60_000, false, Some(MONDAY_0930_MSK)));
        assert!(!AlertSettings::default().nobody_online_due(msk, MONDAY_0930_MSK, false, None));
    }

    #[test]
    fn settings_are_checked() {
        assert!(hours().validate().is_ok());
        let mut a = hours();
        a.working_hours.as_mut().unwrap().from = "9:00".into();
        assert!(a.validate().is_err());
        let mut a = hours();
        a.working_hours.as_mut().unwrap().to = "08:00".into();
        assert!(a.validate().is_err());
        let mut a = hours();
        a.working_hours.as_mut().unwrap().days = vec![0];
        assert!(a.validate().is_err());
        let mut a = hours();
        a.low_rating_below_percent = Some(0);
        assert!(a.validate().is_err());
        let mut a = hours();
        a.email = Some("not an address".into());
        assert!(a.validate().is_err());
        let mut a = hours();
        a.working_hours.as_mut().unwrap().to = "24:00".into();
        assert!(a.validate().is_ok());
    }
}
