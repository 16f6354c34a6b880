//! Moments, durations and sizes as the reader says them, in his language (`ru` or `en`) and
//! his own time zone: the browser's `Intl` does the calendar, `protocol::units` the units.

use protocol::Locale;

fn options(pairs: &[(&str, &str)]) -> js_sys::Object {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    object
}

fn tag(locale: Locale) -> &'static str {
    match locale {
        Locale::Ru => "ru-RU",
        Locale::En => "en-GB",
    }
}

/// `Mon 09:00` / `пн 09:00` within the coming week, else `24 Nov 2026, 09:00` / `24 нояб.
/// 2026 г., 09:00`: the reader's time zone.
pub fn moment(ms: u64, locale: Locale) -> String {
    let date = js_sys::Date::new(&(ms as f64).into());
    let soon = ms as f64 - js_sys::Date::now() < 6.0 * 86_400_000.0;
    let fields: &[(&str, &str)] = if soon {
        &[
            ("weekday", "short"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
        ]
    } else {
        &[
            ("day", "numeric"),
            ("month", "short"),
            ("year", "numeric"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
        ]
    };
    date.to_locale_string(tag(locale), &options(fields)).into()
}

/// `24 Nov 2026, 09:05` / `24 нояб. 2026 г., 09:05`, the reader's time zone.
pub fn date_time(ms: u64, locale: Locale) -> String {
    let date = js_sys::Date::new(&(ms as f64).into());
    let fields = [
        ("day", "numeric"),
        ("month", "short"),
        ("year", "numeric"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ];
    date.to_locale_string(tag(locale), &options(&fields)).into()
}

pub use protocol::units::{duration, size};
