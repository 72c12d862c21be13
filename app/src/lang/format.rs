//! Dates, times, numbers and durations as each language writes them, always in the port's own
//! time zone. English keeps the board's compact forms (`2026-11-28 06:14 PST`, `12,345.6`);
//! Canadian French writes `28 nov. 2026 06 h 14 HNP`, `12 345,6`, `2 h 05 min`, with no-break
//! spaces where French typography puts them, so a figure never wraps apart from its unit.
//!
//! Written here rather than through ICU's formatters: the forms the board uses are few, and
//! ICU's data would more than double the browser bundle.

use super::Locale;
use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use chrono_tz::Tz;

/// The no-break space: between a number and its unit, and between groups of digits in French.
pub const NBSP: char = '\u{a0}';

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_FR: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juill.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// Parses an IANA zone name as stored on a port; falls back to UTC for an unknown name so a
/// bad row can never take a page down.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// The zone's abbreviation in the language: `PST` / `HNP`, `EDT` / `HAE`.
pub fn zone_abbreviation(locale: Locale, at: &DateTime<Tz>) -> String {
    let english = at.format("%Z").to_string();
    if locale == Locale::en {
        return english;
    }
    let french = match english.as_str() {
        "NST" => "HNT",
        "NDT" => "HAT",
        "AST" => "HNA",
        "ADT" => "HAA",
        "EST" => "HNE",
        "EDT" => "HAE",
        "CST" => "HNC",
        "CDT" => "HAC",
        "MST" => "HNR",
        "MDT" => "HAR",
        "PST" => "HNP",
        "PDT" => "HAP",
        "UTC" => "UTC",
        _ => return english,
    };
    french.to_string()
}

/// The hour and minute: `06:14` / `06 h 14`.
pub fn clock_time(locale: Locale, hour: u32, minute: u32) -> String {
    match locale {
        Locale::en => format!("{hour:02}:{minute:02}"),
        Locale::fr => format!("{hour:02}{NBSP}h{NBSP}{minute:02}"),
    }
}

/// The hour, minute and second of a ticking clock: `06:14:09` / `06 h 14 min 09 s` reads
/// badly, so French keeps the 24-hour colon form the Canada.ca style allows for clocks.
pub fn clock_seconds(hour: u32, minute: u32, second: u32) -> String {
    format!("{hour:02}:{minute:02}:{second:02}")
}

/// A day: `2026-11-28` / `28 nov. 2026`.
pub fn date(locale: Locale, day: chrono::NaiveDate) -> String {
    match locale {
        Locale::en => day.format("%Y-%m-%d").to_string(),
        Locale::fr => format!(
            "{}{NBSP}{}{NBSP}{}",
            day.day(),
            MONTHS_FR[day.month0() as usize],
            day.year()
        ),
    }
}

/// A day without its year, for a chart's axis: `Nov 28` / `28 nov.`.
pub fn short_date(locale: Locale, day: chrono::NaiveDate) -> String {
    match locale {
        Locale::en => format!("{} {}", MONTHS_EN[day.month0() as usize], day.day()),
        Locale::fr => format!("{}{NBSP}{}", day.day(), MONTHS_FR[day.month0() as usize]),
    }
}

/// An instant in a port's zone with the zone's name: `2026-11-28 06:14 PST` /
/// `28 nov. 2026 06 h 14 HNP`.
pub fn local_time(locale: Locale, at: DateTime<Utc>, zone_name: &str) -> String {
    let local = at.with_timezone(&zone(zone_name));
    format!(
        "{} {} {}",
        date(locale, local.date_naive()),
        clock_time(locale, local.hour(), local.minute()),
        zone_abbreviation(locale, &local)
    )
}

/// The short form for dense tables: `Nov 28 06:14 PST` / `28 nov. 06 h 14 HNP`.
pub fn local_time_short(locale: Locale, at: DateTime<Utc>, zone_name: &str) -> String {
    let local = at.with_timezone(&zone(zone_name));
    let time = clock_time(locale, local.hour(), local.minute());
    let abbreviation = zone_abbreviation(locale, &local);
    match locale {
        Locale::en => format!(
            "{} {:02} {time} {abbreviation}",
            MONTHS_EN[local.month0() as usize],
            local.day()
        ),
        Locale::fr => format!(
            "{}{NBSP}{} {time} {abbreviation}",
            local.day(),
            MONTHS_FR[local.month0() as usize]
        ),
    }
}

/// The hour and minute of an instant in a zone: `06:14` / `06 h 14`.
pub fn local_clock(locale: Locale, at: DateTime<Utc>, zone_name: &str) -> String {
    let local = at.with_timezone(&zone(zone_name));
    clock_time(locale, local.hour(), local.minute())
}

/// A length of time read at a glance: `2 d 4 h`, `3 h 05 min`, `12 min`, `45 s`; in French
/// `2 j 4 h`, `3 h 05 min`, `12 min`, `45 s`.
pub fn duration(locale: Locale, d: Duration) -> String {
    let secs = d.num_seconds().max(0);
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    // English keeps the board's plain spaces; French ties each number to its unit.
    let (day, sp) = match locale {
        Locale::en => ("d", ' '),
        Locale::fr => ("j", NBSP),
    };
    if days > 0 {
        format!("{days}{sp}{day}{sp}{hours}{sp}h")
    } else if hours > 0 {
        format!("{hours}{sp}h{sp}{mins:02}{sp}min")
    } else if mins > 0 {
        format!("{mins}{sp}min")
    } else {
        format!("{secs}{sp}s")
    }
}

/// A whole number: `12,345` / `12 345`.
pub fn integer(locale: Locale, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let separator = match locale {
        Locale::en => ',',
        Locale::fr => NBSP,
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// An amount in cents with its currency: `12,345.60 CAD` / `12 345,60 CAD`.
pub fn money(locale: Locale, cents: i64, currency: &str) -> String {
    let grouped = integer(locale, cents / 100);
    let mark = match locale {
        Locale::en => '.',
        Locale::fr => ',',
    };
    format!("{grouped}{mark}{:02} {currency}", (cents % 100).abs())
}

/// A number with `decimals` places: `12,345.6` / `12 345,6`.
pub fn decimal(locale: Locale, value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole: i64 = whole.parse().unwrap_or(0);
    let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&integer(locale, whole));
    if !fraction.is_empty() {
        out.push(match locale {
            Locale::en => '.',
            Locale::fr => ',',
        });
        out.push_str(fraction);
    }
    out
}

/// A share as a percentage: `12.5%` / `12,5 %`.
pub fn percent(locale: Locale, share: f64, decimals: usize) -> String {
    let number = decimal(locale, share * 100.0, decimals);
    match locale {
        Locale::en => format!("{number}%"),
        Locale::fr => format!("{number}{NBSP}%"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn nbsp(text: &str) -> String {
        text.replace(' ', "\u{a0}")
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, h, m, 0).unwrap()
    }

    #[test]
    fn dates_and_times_in_each_language_in_the_port_zone() {
        // 14:14 UTC is 09:14 in Montreal (EST) and 06:14 in Vancouver (PST).
        let t = at(14, 14);
        assert_eq!(
            local_time(Locale::en, t, "America/Toronto"),
            "2026-11-28 09:14 EST"
        );
        assert_eq!(
            local_time(Locale::fr, t, "America/Toronto"),
            format!("{} {} HNE", nbsp("28 nov. 2026"), nbsp("09 h 14"))
        );
        assert_eq!(
            local_time_short(Locale::en, t, "America/Vancouver"),
            "Nov 28 06:14 PST"
        );
        assert_eq!(
            local_time_short(Locale::fr, t, "America/Vancouver"),
            format!("{} {} HNP", nbsp("28 nov."), nbsp("06 h 14"))
        );
        // Summer time has its own name in both languages.
        let july = Utc.with_ymd_and_hms(2026, 7, 1, 16, 5, 0).unwrap();
        assert_eq!(
            local_time(Locale::fr, july, "America/Halifax"),
            format!("{} {} HAA", nbsp("1 juill. 2026"), nbsp("13 h 05"))
        );
        assert_eq!(
            local_clock(Locale::fr, t, "America/Toronto"),
            nbsp("09 h 14")
        );
        assert_eq!(local_clock(Locale::en, t, "America/Toronto"), "09:14");
    }

    #[test]
    fn an_unknown_zone_is_utc_rather_than_a_broken_page() {
        assert_eq!(
            local_time(Locale::en, at(14, 14), "Mars/Olympus"),
            "2026-11-28 14:14 UTC"
        );
    }

    #[test]
    fn numbers_group_and_mark_decimals_per_language() {
        assert_eq!(decimal(Locale::fr, 12_345.6, 1), nbsp("12 345,6"));
        assert_eq!(decimal(Locale::en, 12_345.6, 1), "12,345.6");
        assert_eq!(integer(Locale::fr, 1_234_567), nbsp("1 234 567"));
        assert_eq!(integer(Locale::en, -1_234_567), "-1,234,567");
        assert_eq!(integer(Locale::en, 999), "999");
        assert_eq!(decimal(Locale::en, -0.04, 1), "0.0");
        assert_eq!(decimal(Locale::en, -2.5, 1), "-2.5");
        assert_eq!(decimal(Locale::fr, f64::NAN, 1), "–");
        assert_eq!(percent(Locale::fr, 0.125, 1), nbsp("12,5 %"));
        assert_eq!(percent(Locale::en, 0.125, 1), "12.5%");
    }

    #[test]
    fn durations_read_at_a_glance_in_both_languages() {
        let d = |s: i64| Duration::seconds(s);
        assert_eq!(
            duration(Locale::fr, d(2 * 3600 + 5 * 60)),
            nbsp("2 h 05 min")
        );
        assert_eq!(duration(Locale::en, d(2 * 3600 + 5 * 60)), "2 h 05 min");
        assert_eq!(
            duration(Locale::fr, d(2 * 86_400 + 4 * 3600)),
            nbsp("2 j 4 h")
        );
        assert_eq!(duration(Locale::en, d(2 * 86_400 + 4 * 3600)), "2 d 4 h");
        assert_eq!(duration(Locale::en, d(12 * 60 + 59)), "12 min");
        assert_eq!(duration(Locale::fr, d(45)), nbsp("45 s"));
        assert_eq!(duration(Locale::fr, d(-5)), nbsp("0 s"));
    }
}
