//! Durations and sizes in the reader's language: `1 мин 20 с`, `1,5 МБ`; `1 min 20 s`, `1.5 MB`.

use crate::settings::Locale;

/// `45 s`, `3 min`, `1 min 20 s`, `2 h 5 min` (and `45 с`, `1 мин 20 с`, `2 ч 5 мин`).
pub fn duration(ms: u64, locale: Locale) -> String {
    let (h, min, s) = match locale {
        Locale::Ru => ("ч", "мин", "с"),
        Locale::En => ("h", "min", "s"),
    };
    let secs = ms / 1000;
    match secs {
        0..=59 => format!("{secs} {s}"),
        60..=3599 if secs.is_multiple_of(60) => format!("{} {min}", secs / 60),
        60..=3599 => format!("{} {min} {} {s}", secs / 60, secs % 60),
        _ => format!("{} {h} {} {min}", secs / 3600, secs % 3600 / 60),
    }
}

/// `900 B`, `512 KB`, `1.5 MB` (and `900 Б`, `512 КБ`, `1,5 МБ`): binary multiples, one
/// decimal below ten.
pub fn size(bytes: u64, locale: Locale) -> String {
    let (units, mark) = match locale {
        Locale::Ru => (["Б", "КБ", "МБ", "ГБ"], ','),
        Locale::En => (["B", "KB", "MB", "GB"], '.'),
    };
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let tenths = (value * 10.0).round() as u64;
    let number = if unit > 0 && tenths < 100 && !tenths.is_multiple_of(10) {
        format!("{}{mark}{}", tenths / 10, tenths % 10)
    } else {
        format!("{}", value.round() as u64)
    };
    format!("{number} {}", units[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_both_languages() {
        let cases = [
            (0, "0 s", "0 с"),
            (45_999, "45 s", "45 с"),
            (60_000, "1 min", "1 мин"),
            (80_000, "1 min 20 s", "1 мин 20 с"),
            (3_599_000, "59 min 59 s", "59 мин 59 с"),
            (7_500_000, "2 h 5 min", "2 ч 5 мин"),
        ];
        for (ms, en, ru) in cases {
            assert_eq!(duration(ms, Locale::En), en);
            assert_eq!(duration(ms, Locale::Ru), ru);
        }
    }

    #[test]
    fn sizes_in_both_languages() {
        let cases = [
            (900, "900 B", "900 Б"),
            (1024, "1 KB", "1 КБ"),
            (1536, "1.5 KB", "1,5 КБ"),
            (512 * 1024, "512 KB", "512 КБ"),
            (1_572_864, "1.5 MB", "1,5 МБ"),
            (10 * 1_048_576, "10 MB", "10 МБ"),
            (3 * 1_073_741_824, "3 GB", "3 ГБ"),
        ];
        for (bytes, en, ru) in cases {
            assert_eq!(size(bytes, Locale::En), en);
            assert_eq!(size(bytes, Locale::Ru), ru);
        }
    }
}
