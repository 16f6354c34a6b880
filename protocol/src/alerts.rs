//! Alerts for the site's managers: a chat rated low, and nobody online during working hours
//! (at most once per 30 minutes). Sent by e-mail and as webhooks (`alert.*` events). When
//! each is due is decided here, from the settings and the clock.

use crate::conversation::Rating;
use crate::error::{ErrorCode, Millis, ProtocolError};
use crate::hours::minute_of_day;
use crate::settings::AlertSettings;

/// The least time between two "nobody online" alerts.
pub const NOBODY_ONLINE_EVERY_MS: Millis = 30 * 60 * 1000;

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
            let (from, to) = (minute_of_day(&hours.from), minute_of_day(&hours.to));
            let (Some(from), Some(to)) = (from, to) else {
                return bad("alerts.working_hours: expected HH:MM");
            };
            if from >= to {
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

    /// Whether to send a "nobody online" alert now: the alert is on, the site is within its
    /// working hours (`working`: hours set and open now), nobody online, none sent lately.
    pub fn nobody_online_due(
        &self,
        working: bool,
        now: Millis,
        anyone_online: bool,
        last_sent: Option<Millis>,
    ) -> bool {
        self.nobody_online
            && working
            && !anyone_online
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
            nobody_online: false,
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
        let mut a = hours();
        a.nobody_online = true;
        let now = MONDAY_0930_MSK;
        assert!(a.nobody_online_due(true, now, false, None));
        assert!(!a.nobody_online_due(false, now, false, None), "closed");
        assert!(
            !a.nobody_online_due(true, now, true, None),
            "someone online"
        );
        let later = now + 29 * 60_000;
        assert!(!a.nobody_online_due(true, later, false, Some(now)));
        assert!(a.nobody_online_due(true, later + 60_000, false, Some(now)));
        assert!(!AlertSettings::default().nobody_online_due(true, now, false, None));
    }

    #[test]
    fn settings_are_checked() {
        assert!(hours().validate().is_ok());
        let mut a = hours();
        a.working_hours.as_mut().unwrap().from = "9:00".into();
        assert_eq!(
            a.validate().unwrap_err().message,
            "alerts.working_hours: expected HH:MM"
        );
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
