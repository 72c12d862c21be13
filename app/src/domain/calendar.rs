//! Working days as the Trademarks Act counts its detention periods: s. 51.02 makes a working
//! day "a day other than a Saturday or a holiday", and the Interpretation Act (s. 35(1)) makes
//! a holiday every Sunday and the federal holidays below. Provincial holidays, which the
//! Interpretation Act also counts in their province, are not known here: a port's own
//! holiday makes the clock shown one day shorter than the law's, never longer.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous algorithm of 1876).
fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter falls in March or April")
}

/// The `n`th `weekday` of `month` (1-based).
fn nth(year: i32, month: u32, weekday: Weekday, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n).expect("every month has it")
}

/// Whether `day` is a holiday in the sense of the Interpretation Act, s. 35(1), federally:
/// a Sunday, New Year's Day, Good Friday, Easter Monday, Victoria Day (the Monday before
/// May 25), Canada Day (July 2 when July 1 is a Sunday), Labour Day, the National Day for
/// Truth and Reconciliation (September 30), Thanksgiving, Remembrance Day, Christmas Day and
/// Boxing Day.
pub fn is_holiday(day: NaiveDate) -> bool {
    if day.weekday() == Weekday::Sun {
        return true;
    }
    let year = day.year();
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("a real date");
    let easter = easter(year);
    let victoria = (18..=24)
        .map(|d| ymd(5, d))
        .find(|d| d.weekday() == Weekday::Mon)
        .expect("one Monday in any seven days");
    let canada = if ymd(7, 1).weekday() == Weekday::Sun {
        ymd(7, 2)
    } else {
        ymd(7, 1)
    };
    [
        ymd(1, 1),
        easter - Duration::days(2),
        easter + Duration::days(1),
        victoria,
        canada,
        nth(year, 9, Weekday::Mon, 1),
        ymd(9, 30),
        nth(year, 10, Weekday::Mon, 2),
        ymd(11, 11),
        ymd(12, 25),
        ymd(12, 26),
    ]
    .contains(&day)
}

/// Whether `day` is a working day (Trademarks Act, s. 51.02).
pub fn is_working_day(day: NaiveDate) -> bool {
    day.weekday() != Weekday::Sat && !is_holiday(day)
}

/// The `n`th working day after `day` (`day` itself not counted): the last day of a period of
/// `n` working days that starts the day after `day`.
pub fn working_days_after(day: NaiveDate, n: u32) -> NaiveDate {
    let mut at = day;
    let mut counted = 0;
    while counted < n {
        at += Duration::days(1);
        if is_working_day(at) {
            counted += 1;
        }
    }
    at
}

/// The working days after `from` up to `to`, `to` included; 0 when `to` is not after `from`.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| is_working_day(*d))
        .count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_falls_on_the_published_sundays() {
        assert_eq!(easter(2024), day(2024, 3, 31));
        assert_eq!(easter(2025), day(2025, 4, 20));
        assert_eq!(easter(2026), day(2026, 4, 5));
        assert_eq!(easter(2027), day(2027, 3, 28));
        assert_eq!(easter(2038), day(2038, 4, 25));
    }

    #[test]
    fn the_federal_holidays_of_2026_are_holidays() {
        for (m, d) in [
            (1, 1),
            (4, 3),
            (4, 6),
            (5, 18),
            (7, 1),
            (9, 7),
            (9, 30),
            (10, 12),
            (11, 11),
            (12, 25),
            (12, 26),
        ] {
            assert!(is_holiday(day(2026, m, d)), "2026-{m:02}-{d:02}");
        }
        assert!(
            !is_holiday(day(2026, 5, 25)),
            "Victoria Day is before May 25"
        );
        assert!(
            !is_holiday(day(2026, 8, 3)),
            "the civic holiday is provincial"
        );
    }

    #[test]
    fn canada_day_on_a_sunday_moves_to_the_monday() {
        assert_eq!(day(2029, 7, 1).weekday(), Weekday::Sun);
        assert!(is_holiday(day(2029, 7, 2)));
        assert!(!is_holiday(day(2026, 7, 2)));
    }

    #[test]
    fn saturdays_sundays_and_holidays_are_not_working_days() {
        assert!(!is_working_day(day(2026, 12, 5)), "a Saturday");
        assert!(!is_working_day(day(2026, 12, 6)), "a Sunday");
        assert!(!is_working_day(day(2026, 12, 25)), "Christmas, a Friday");
        assert!(is_working_day(day(2026, 12, 2)), "a Wednesday");
    }

    #[test]
    fn ten_working_days_skip_weekends_and_holidays() {
        // Wednesday 2 December 2026: ten working days end on Wednesday 16 December.
        assert_eq!(working_days_after(day(2026, 12, 2), 10), day(2026, 12, 16));
        // Over Christmas: the 25th (a Friday), 26th, 27th, 1 January (a Friday), 2nd and 3rd
        // are not counted.
        assert_eq!(working_days_after(day(2026, 12, 21), 10), day(2027, 1, 6));
        // From a Friday, the first working day is the Monday.
        assert_eq!(working_days_after(day(2026, 12, 4), 1), day(2026, 12, 7));
    }

    #[test]
    fn working_days_between_counts_after_the_first_day_up_to_the_last() {
        let from = day(2026, 12, 2);
        assert_eq!(working_days_between(from, from), 0);
        assert_eq!(working_days_between(from, day(2026, 12, 16)), 10);
        assert_eq!(working_days_between(from, day(2026, 12, 1)), 0);
        for n in [1, 5, 10, 20] {
            assert_eq!(
                working_days_between(from, working_days_after(from, n)),
                i64::from(n)
            );
        }
    }
}
