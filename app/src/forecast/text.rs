//! The forecast in words, in the language asked for: its range, the sentence that explains it
//! and what it does not know. Times are in the forecast's zone (the port's, or the operations
//! centre's for the country), rounded outwards to five minutes.

use super::{Clearance, Forecast, HoldAtRisk, Stuck};
use crate::i18n::td_string;
use crate::lang::{self, Locale, format};
use chrono::{DateTime, Duration, DurationRound, Utc};

/// Which way a time is rounded: the start of a range down, its end up.
#[derive(Clone, Copy)]
enum Round {
    Down,
    Up,
}

fn rounded(at: DateTime<Utc>, round: Round) -> DateTime<Utc> {
    let step = Duration::minutes(5);
    let down = at.duration_trunc(step).unwrap_or(at);
    match round {
        Round::Down => down,
        Round::Up if down == at => at,
        Round::Up => down + step,
    }
}

/// A time of the forecast: the clock alone on the day it was made (in its zone), the date too
/// after; the zone's abbreviation for the country, whose ports are in several zones.
fn time(locale: Locale, f: &Forecast, at: DateTime<Utc>, round: Round) -> String {
    let at = rounded(at, round);
    let zone = format::zone(&f.time_zone);
    if at.with_timezone(&zone).date_naive() != f.at.with_timezone(&zone).date_naive() {
        return format::local_time_short(locale, at, &f.time_zone);
    }
    let clock = format::local_clock(locale, at, &f.time_zone);
    if f.port.is_some() {
        clock
    } else {
        let abbreviation = format::zone_abbreviation(locale, &at.with_timezone(&zone));
        format!("{clock} {abbreviation}")
    }
}

/// The range alone, for the panel's figure: `17:40–18:20`, `from 17:40`, `Not within 24
/// hours`, `Nothing waiting`.
pub fn range(locale: Locale, f: &Forecast) -> String {
    match &f.clearance {
        Clearance::Clear => td_string!(locale, forecast.range_clear).to_string(),
        Clearance::By {
            earliest, latest, ..
        } => format!(
            "{}–{}",
            time(locale, f, *earliest, Round::Down),
            time(locale, f, *latest, Round::Up)
        ),
        Clearance::From { earliest, .. } => td_string!(
            locale,
            forecast.range_from,
            time = time(locale, f, *earliest, Round::Down)
        )
        .to_string(),
        Clearance::NotWithin { .. } => td_string!(locale, forecast.range_not_within).to_string(),
    }
}

/// "At the present rate of 14 examinations an hour, the 52 waiting clear by 17:40–18:20."
pub fn sentence(locale: Locale, f: &Forecast) -> String {
    let rate = format::decimal(locale, f.rate_per_hour, 1);
    let waiting = format::integer(locale, f.waiting);
    let one = lang::singular(locale, f.waiting.max(0) as u64);
    let main = match &f.clearance {
        Clearance::Clear => td_string!(locale, forecast.clear).to_string(),
        Clearance::By {
            earliest, latest, ..
        } => {
            let earliest = time(locale, f, *earliest, Round::Down);
            let latest = time(locale, f, *latest, Round::Up);
            if one {
                td_string!(
                    locale,
                    forecast.by_single,
                    rate = rate,
                    earliest = earliest,
                    latest = latest
                )
                .to_string()
            } else {
                td_string!(
                    locale,
                    forecast.by_several,
                    rate = rate,
                    waiting = waiting,
                    earliest = earliest,
                    latest = latest
                )
                .to_string()
            }
        }
        Clearance::From { earliest, .. } => {
            let earliest = time(locale, f, *earliest, Round::Down);
            if one {
                td_string!(
                    locale,
                    forecast.from_single,
                    rate = rate,
                    earliest = earliest
                )
                .to_string()
            } else {
                td_string!(
                    locale,
                    forecast.from_several,
                    rate = rate,
                    waiting = waiting,
                    earliest = earliest
                )
                .to_string()
            }
        }
        Clearance::NotWithin { why } => match (why, one) {
            (Stuck::NoOfficers, true) => {
                td_string!(locale, forecast.no_officers_single).to_string()
            }
            (Stuck::NoOfficers, false) => {
                td_string!(locale, forecast.no_officers_several, waiting = waiting).to_string()
            }
            (Stuck::ArrivalsKeepPace, true) => {
                td_string!(locale, forecast.keep_pace_single, rate = rate).to_string()
            }
            (Stuck::ArrivalsKeepPace, false) => td_string!(
                locale,
                forecast.keep_pace_several,
                rate = rate,
                waiting = waiting
            )
            .to_string(),
            (Stuck::LongExaminations, true) => {
                td_string!(locale, forecast.long_work_single).to_string()
            }
            (Stuck::LongExaminations, false) => {
                td_string!(locale, forecast.long_work_several, waiting = waiting).to_string()
            }
            (Stuck::TooMuchWork, true) => {
                td_string!(locale, forecast.too_much_single, rate = rate).to_string()
            }
            (Stuck::TooMuchWork, false) => td_string!(
                locale,
                forecast.too_much_several,
                rate = rate,
                waiting = waiting
            )
            .to_string(),
        },
    };
    match (&f.last_to_clear, &f.clearance) {
        (
            Some(port),
            Clearance::By { .. } | Clearance::From { .. } | Clearance::NotWithin { .. },
        ) => {
            format!(
                "{main} {}",
                td_string!(locale, forecast.last_to_clear, port = port.clone())
            )
        }
        _ => main,
    }
}

/// How it was worked out, and what it does not know: one sentence each.
pub fn basis(locale: Locale, f: &Forecast) -> Vec<String> {
    let per_officer = format::decimal(locale, f.rate_per_officer_hour, 1);
    let officers = format::integer(locale, f.officers_on_shift);
    let rate = if f.rate_measured {
        td_string!(
            locale,
            forecast.measured,
            days = f.history_days,
            completed = format::integer(locale, f.completed_recently),
            per_officer = per_officer,
            officers = officers
        )
        .to_string()
    } else {
        td_string!(
            locale,
            forecast.floor,
            days = f.history_days,
            per_officer = per_officer,
            officers = officers
        )
        .to_string()
    };
    vec![
        td_string!(
            locale,
            forecast.arrivals,
            expected = format::integer(locale, f.expected_next_8h.round() as i64),
            declared = format::integer(locale, f.declared_next_8h)
        )
        .to_string(),
        rate,
        td_string!(locale, forecast.unknowns).to_string(),
    ]
}

/// One hold about to pass its service level, as its link reads.
pub fn hold_line(locale: Locale, f: &Forecast, hold: &HoldAtRisk) -> String {
    td_string!(
        locale,
        forecast.hold_line,
        id = hold.hold_id,
        port = hold.port_code.clone(),
        reason = hold.reason.label(),
        time = time(locale, f, hold.passes_at, Round::Down)
    )
    .to_string()
}
