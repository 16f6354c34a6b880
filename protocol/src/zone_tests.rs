use super::*;
use crate::hours::tests::utc;
use crate::hours::{day_number, DayHours, Opening, OpeningHours};

fn berlin() -> Zone {
    Zone::named("Europe/Berlin").unwrap()
}

#[test]
fn iana_names_resolve_and_others_are_refused() {
    assert_eq!(Zone::named("Europe/Moscow").unwrap().offset_minutes(0), 180);
    assert_eq!(
        Zone::named("Asia/Kolkata")
            .unwrap()
            .offset_minutes(utc("2026-12-07", "00:00")),
        330
    );
    for bad in [
        "",
        "Mars/Olympus",
        "../../etc/passwd",
        "Europe/Moscow ",
        &"A".repeat(65),
    ] {
        let error = Zone::named(bad).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidField, "{bad}");
        assert!(
            error.message.starts_with("time_zone: "),
            "{}",
            error.message
        );
    }
}

#[test]
fn settings_without_a_name_keep_their_fixed_offset() {
    assert_eq!(Zone::of(None, -300).offset_minutes(0), -300);
    assert_eq!(Zone::of(Some("Nowhere/Else"), 60).offset_minutes(0), 60);
    let summer = utc("2026-07-01", "12:00");
    assert_eq!(
        Zone::of(Some("Europe/Berlin"), 0).offset_minutes(summer),
        120
    );
}

#[test]
fn the_offset_follows_daylight_saving() {
    // Berlin moves to summer time on Sunday 2026-03-29 at 01:00 UTC and back on 2026-10-25.
    let zone = berlin();
    assert_eq!(zone.offset_minutes(utc("2026-03-29", "00:59")), 60);
    assert_eq!(zone.offset_minutes(utc("2026-03-29", "01:00")), 120);
    assert_eq!(zone.offset_minutes(utc("2026-10-25", "00:59")), 120);
    assert_eq!(zone.offset_minutes(utc("2026-10-25", "01:00")), 60);
    // Moscow keeps +3 all year.
    let moscow = Zone::named("Europe/Moscow").unwrap();
    assert_eq!(moscow.offset_minutes(utc("2026-07-01", "12:00")), 180);
}

#[test]
fn local_times_become_instants_across_the_change() {
    let zone = berlin();
    let day = |date| day_number(date).unwrap();
    assert_eq!(
        zone.instant(day("2026-03-27"), 9 * 60),
        utc("2026-03-27", "08:00")
    );
    assert_eq!(
        zone.instant(day("2026-03-30"), 9 * 60),
        utc("2026-03-30", "07:00")
    );
    // 02:30 does not exist on 2026-03-29: read as 03:30 summer time.
    assert_eq!(
        zone.instant(day("2026-03-29"), 150),
        utc("2026-03-29", "01:30")
    );
    // 02:30 happens twice on 2026-10-25: the first one (summer time).
    assert_eq!(
        zone.instant(day("2026-10-25"), 150),
        utc("2026-10-25", "00:30")
    );
    // 24:00 is the next midnight.
    assert_eq!(
        zone.instant(day("2026-03-28"), 1440),
        utc("2026-03-28", "23:00")
    );
    assert_eq!(
        zone.local(utc("2026-03-29", "22:30")),
        (day("2026-03-30"), 30)
    );
}

#[test]
fn working_hours_hold_in_wall_clock_time_across_the_change() {
    let hours = OpeningHours {
        week: (1..=5)
            .map(|day| DayHours {
                day,
                from: "09:00".into(),
                to: "18:00".into(),
            })
            .collect(),
        holidays: Vec::new(),
    };
    let zone = berlin();
    // Friday 2026-03-27 17:30 in Berlin (winter time, 16:30 UTC): open until 18:00 = 17:00 UTC.
    assert_eq!(
        hours.at(&zone, utc("2026-03-27", "16:30")),
        Opening {
            open: true,
            changes_at: Some(utc("2026-03-27", "17:00"))
        }
    );
    // Over the weekend of the change: Monday 09:00 is summer time, 07:00 UTC.
    assert_eq!(
        hours.at(&zone, utc("2026-03-28", "12:00")),
        Opening {
            open: false,
            changes_at: Some(utc("2026-03-30", "07:00"))
        }
    );
    // Monday 07:30 UTC is 09:30 in Berlin: open; a fixed +1 offset would say 08:30, closed.
    assert!(hours.at(&zone, utc("2026-03-30", "07:30")).open);
    assert!(
        !hours
            .at(&crate::hours::FixedOffset(60), utc("2026-03-30", "07:30"))
            .open
    );
}
