use super::*;

/// The UTC instant of a date and `HH:MM`.
pub(crate) fn utc(date: &str, time: &str) -> Millis {
    let minutes = day_number(date).unwrap() * 1440 + i64::from(minute_of_day(time).unwrap());
    minutes as Millis * 60_000
}

fn week(days: &[(u8, &str, &str)]) -> OpeningHours {
    OpeningHours {
        week: days
            .iter()
            .map(|&(day, from, to)| DayHours {
                day,
                from: from.into(),
                to: to.into(),
            })
            .collect(),
        holidays: Vec::new(),
    }
}

const MOSCOW: FixedOffset = FixedOffset(180);

#[test]
fn times_and_dates_parse_only_when_real() {
    assert_eq!(minute_of_day("00:00"), Some(0));
    assert_eq!(minute_of_day("09:30"), Some(570));
    assert_eq!(minute_of_day("24:00"), Some(1440));
    for bad in ["24:01", "9:30", "09:60", "0930", "ab:cd", "+9:30", "09:30 "] {
        assert_eq!(minute_of_day(bad), None, "{bad}");
    }
    assert_eq!(day_number("1970-01-01"), Some(0));
    assert_eq!(
        day_number("2028-02-29"),
        Some(day_number("2028-02-28").unwrap() + 1)
    );
    for bad in [
        "2026-02-29",
        "2026-13-01",
        "2026-1-01",
        "26-01-01",
        "2026-01-32",
        "",
    ] {
        assert_eq!(day_number(bad), None, "{bad}");
    }
    assert_eq!(weekday(day_number("2026-12-07").unwrap()), 1, "a Monday");
    assert_eq!(weekday(day_number("2026-12-13").unwrap()), 7, "a Sunday");
}

#[test]
fn open_within_the_day_and_closed_over_lunch() {
    let hours = week(&[(1, "09:00", "13:00"), (1, "14:00", "18:00")]);
    // Monday 2026-12-07, Moscow (UTC+3): 10:00 local is 07:00 UTC.
    let at = |time| hours.at(&MOSCOW, utc("2026-12-07", time));
    assert_eq!(
        at("07:00"),
        Opening {
            open: true,
            changes_at: Some(utc("2026-12-07", "10:00"))
        }
    );
    assert_eq!(
        at("10:30"),
        Opening {
            open: false,
            changes_at: Some(utc("2026-12-07", "11:00"))
        },
        "13:30 local: back at 14:00"
    );
    assert_eq!(
        at("05:59"),
        Opening {
            open: false,
            changes_at: Some(utc("2026-12-07", "06:00"))
        }
    );
    // After 18:00 on Monday the next opening is a week later.
    assert_eq!(at("15:00").changes_at, Some(utc("2026-12-14", "06:00")));
}

#[test]
fn a_night_shift_over_midnight_is_one_interval() {
    let hours = week(&[(1, "18:00", "24:00"), (2, "00:00", "09:00")]);
    // Tuesday 03:00 in Moscow: still Monday's shift, from yesterday.
    assert_eq!(
        hours.at(&MOSCOW, utc("2026-12-08", "00:00")),
        Opening {
            open: true,
            changes_at: Some(utc("2026-12-08", "06:00"))
        }
    );
    // Tuesday 10:00: closed until next Monday 18:00.
    assert_eq!(
        hours.at(&MOSCOW, utc("2026-12-08", "07:00")),
        Opening {
            open: false,
            changes_at: Some(utc("2026-12-14", "15:00"))
        }
    );
    let monday_evening = utc("2026-12-07", "20:00"); // 23:00 in Moscow
    assert_eq!(
        hours.at(&MOSCOW, monday_evening),
        Opening {
            open: true,
            changes_at: Some(utc("2026-12-08", "06:00"))
        }
    );
}

#[test]
fn holidays_are_closed_all_day() {
    let mut hours = week(&[1, 2, 3, 4, 5].map(|d| (d, "09:00", "18:00")));
    hours.holidays = vec!["2026-12-31".into(), "2027-01-01".into()];
    // Thursday 2026-12-31 12:00 in Moscow: closed; next is Monday 2027-01-04 09:00.
    assert_eq!(
        hours.at(&MOSCOW, utc("2026-12-31", "09:00")),
        Opening {
            open: false,
            changes_at: Some(utc("2027-01-04", "06:00"))
        }
    );
    assert!(hours.at(&MOSCOW, utc("2026-12-30", "09:00")).open);
}

#[test]
fn never_open_has_no_next_opening_and_no_hours_is_always_open() {
    let closed = OpeningHours::default();
    assert_eq!(
        closed.at(&MOSCOW, utc("2026-12-07", "09:00")),
        Opening {
            open: false,
            changes_at: None
        }
    );
    assert_eq!(
        opening(None, &MOSCOW, 0),
        Opening {
            open: true,
            changes_at: None
        }
    );
}

#[test]
fn the_zone_offset_decides_the_local_day() {
    // Sunday 22:00 UTC is already Monday 01:00 in Moscow and still Sunday 17:00 in New York.
    let hours = week(&[(1, "00:00", "12:00")]);
    let sunday_late = utc("2026-12-06", "22:00");
    assert!(hours.at(&MOSCOW, sunday_late).open);
    assert!(!hours.at(&FixedOffset(-300), sunday_late).open);
}

#[test]
fn bad_hours_are_refused_with_the_field() {
    let cases = [
        (
            week(&[(0, "09:00", "18:00")]),
            "hours.week.day: 1 (Monday) to 7 (Sunday)",
        ),
        (
            week(&[(8, "09:00", "18:00")]),
            "hours.week.day: 1 (Monday) to 7 (Sunday)",
        ),
        (
            week(&[(1, "18:00", "09:00")]),
            "hours.week: from must be before to",
        ),
        (
            week(&[(1, "09:00", "09:00")]),
            "hours.week: from must be before to",
        ),
        (
            week(&[(1, "9am", "18:00")]),
            "hours.week: expected HH:MM (00:00 to 24:00)",
        ),
        (
            week(&[(1, "09:00", "25:00")]),
            "hours.week: expected HH:MM (00:00 to 24:00)",
        ),
        (
            week(&[(1, "09:00", "18:00"); 51]),
            "hours.week: at most 50 intervals",
        ),
    ];
    for (hours, message) in cases {
        assert_eq!(hours.validate("hours").unwrap_err().message, message);
    }
    let mut holiday = week(&[(1, "09:00", "18:00")]);
    holiday.holidays = vec!["2026-02-30".into()];
    assert_eq!(
        holiday.validate("hours").unwrap_err().message,
        "hours.holidays: \"2026-02-30\" is not a date (YYYY-MM-DD)"
    );
    holiday.holidays = vec!["2026-02-28".into()];
    assert!(holiday.validate("hours").is_ok());
}

#[test]
fn the_alerts_old_hours_become_the_sites() {
    let old: SiteSettings = serde_json::from_value(serde_json::json!({
        "name": "Shop",
        "alerts": { "working_hours": { "days": [1, 2], "from": "09:00", "to": "18:00" } }
    }))
    .unwrap();
    assert!(old.validate().is_ok());
    let new = old.migrated();
    assert!(new.alerts.nobody_online);
    assert_eq!(new.alerts.working_hours, None);
    assert_eq!(
        new.hours,
        Some(week(&[(1, "09:00", "18:00"), (2, "09:00", "18:00")]))
    );
    let stored = serde_json::to_value(&new).unwrap();
    assert_eq!(
        stored["alerts"].get("working_hours"),
        None,
        "never written back"
    );
    assert_eq!(new.clone().migrated(), new, "once");
}

#[test]
fn a_department_has_its_own_hours_or_the_sites() {
    let mut s = SiteSettings::new("Shop");
    s.hours = Some(week(&[(1, "09:00", "18:00")]));
    s.departments = vec![
        crate::settings::Department {
            id: "sales".into(),
            name: "Sales".into(),
            visitor_name: None,
            hours: None,
        },
        crate::settings::Department {
            id: "night".into(),
            name: "Night desk".into(),
            visitor_name: None,
            hours: Some(week(&[(1, "00:00", "24:00")])),
        },
    ];
    assert_eq!(s.hours_of(None), s.hours.as_ref());
    assert_eq!(s.hours_of(Some("sales")), s.hours.as_ref());
    assert_eq!(s.hours_of(Some("night")), s.departments[1].hours.as_ref());
    assert_eq!(s.hours_of(Some("gone")), s.hours.as_ref());
    s.departments[1].hours = Some(week(&[(9, "00:00", "24:00")]));
    assert_eq!(
        s.validate().unwrap_err().message,
        "departments.hours.week.day: 1 (Monday) to 7 (Sunday)"
    );
}

#[test]
fn zone_names_are_checked() {
    let mut s = SiteSettings::new("Shop");
    s.time_zone = Some("Europe/Moscow".into());
    assert!(s.validate().is_ok());
    let mut bad = vec!["", "Europe/Moscow; drop", "<script>"];
    // Looked up in the tz database where it is built in (the relay).
    if cfg!(feature = "zones") {
        bad.push("Mars/Olympus");
    }
    for bad in bad {
        s.time_zone = Some(bad.into());
        let message = s.validate().unwrap_err().message;
        assert!(message.starts_with("time_zone: "), "{bad}: {message}");
    }
}
