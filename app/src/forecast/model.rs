//! The backlog forecast as pure functions of what is known at an instant: the examinations
//! open at a port, its open holds, the arrivals its daily rhythm and the declarations already
//! received promise, its officers on shift and the rate they complete examinations at. No
//! database here: `db.rs` reads the inputs, the tests build them.
//!
//! How it is computed. An examination is done when two things allow: the officers reach it,
//! and its own work is over (a laboratory's result does not come faster for more officers).
//!
//! - The queue: the port's rate is the examinations completed there over the recent past per
//!   officer-hour spent on them (from start to completion; a floor when nothing was
//!   completed), times the officers on shift now. Officers work the queue most urgent first,
//!   so examinations expected to arrive at a more urgent priority than the least urgent one
//!   waiting are served ahead of the backlog. The forecast plays the next 24 hours in
//!   five-minute steps, giving each step's capacity first to those arrivals and the rest to
//!   the backlog, and notes when each waiting examination (in queue order) is reached. The
//!   work to do and the measured rate are both counts, whose relative spread is about `1/√n`:
//!   the rate is also taken that much (×0.674, the normal quartile) faster and slower.
//! - Its own time: at this port over the same days, how long an examination took from its
//!   opening to its end, as a share of the time it was given (opening to due), among those
//!   that had already run as long as this one has; the quartiles of that share give each
//!   waiting examination an earliest, likely and latest end.
//!
//! Each examination ends at the later of the two, and the backlog clears when its last one
//! does: the range is from the fast ends to the slow ends, the expected time between.

use super::{Clearance, Forecast, HoldAtRisk, Stuck};
use crate::domain::{HoldReason, InspectionKind};
use chrono::{DateTime, Duration, Timelike, Utc};

/// How far ahead a clearance is looked for.
pub const HORIZON_HOURS: i64 = 24;
/// How far ahead holds about to pass their service level are listed.
pub const HOLDS_HORIZON_HOURS: i64 = 8;
/// The days of history the rate and the daily rhythm are measured over.
pub const HISTORY_DAYS: i64 = 7;
/// Examinations an officer completes in an hour where the port has no history to measure.
pub const FLOOR_RATE_PER_OFFICER_HOUR: f64 = 1.0;
/// The normal distribution's upper quartile, in standard deviations.
const QUARTILE_Z: f64 = 0.674;
const STEP_MINUTES: i64 = 5;

/// One open examination, as the queue orders it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenExam {
    pub id: i64,
    pub hold_id: i64,
    pub kind: InspectionKind,
    /// 1 (urgent) to 4 (routine).
    pub priority_rank: i64,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub started: bool,
}

/// One active hold.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenHold {
    pub id: i64,
    pub shipment_id: i64,
    pub reason: HoldReason,
    /// When its service level runs out, pauses already taken added.
    pub due_at: DateTime<Utc>,
    /// A paused clock (waiting on the trader) cannot pass its service level.
    pub paused: bool,
}

/// What is known at a port at `now`.
#[derive(Debug, Clone, PartialEq)]
pub struct PortInputs {
    pub code: String,
    pub time_zone: String,
    pub now: DateTime<Utc>,
    pub officers_on_shift: i64,
    pub exams: Vec<OpenExam>,
    pub holds: Vec<OpenHold>,
    /// Examinations completed over the history window.
    pub completed: i64,
    /// Officer-hours spent on them (start to completion).
    pub officer_hours: f64,
    /// For the examinations completed over the window: the time each took from opening to
    /// completion as a share of the time it was given (opening to due), in ascending order.
    pub took_shares: Vec<f64>,
    /// Shipments arriving, on average a day, in each hour of the day in the port's zone.
    pub arrivals_by_hour: [f64; 24],
    /// The ETAs of shipments declared and not yet arrived, over the next 24 hours.
    pub declared_etas: Vec<DateTime<Utc>>,
    /// Examinations opened per shipment arrived, over the history window.
    pub exams_per_arrival: f64,
    /// The share of the examinations opened over the history window at each priority rank
    /// (index 0 is urgent).
    pub share_by_rank: [f64; 4],
}

/// The examinations completed per officer-hour, and whether it was measured (rather than the
/// floor).
pub fn rate_per_officer_hour(completed: i64, officer_hours: f64) -> (f64, bool) {
    if completed > 0 && officer_hours > 0.0 {
        (completed as f64 / officer_hours, true)
    } else {
        (FLOOR_RATE_PER_OFFICER_HOUR, false)
    }
}

/// The local hour of day of an instant in the port's zone.
fn local_hour(at: DateTime<Utc>, zone: &str) -> usize {
    at.with_timezone(&crate::lang::format::zone(zone)).hour() as usize
}

/// Examinations expected to open in each of the next 24 hours (hour 0 starts at `now`): the
/// shipments the rhythm brings in that hour, or those already declared for it if more, times
/// the examinations a shipment brings.
pub fn expected_exams_by_hour(p: &PortInputs) -> Vec<f64> {
    (0..HORIZON_HOURS)
        .map(|k| {
            let start = p.now + Duration::hours(k);
            let end = start + Duration::hours(1);
            let declared = p
                .declared_etas
                .iter()
                .filter(|eta| **eta >= start && **eta < end)
                .count() as f64;
            let rhythm = p.arrivals_by_hour[local_hour(start, &p.time_zone)];
            rhythm.max(declared) * p.exams_per_arrival
        })
        .collect()
}

/// The open examinations in the order officers take them: under way first, then most urgent,
/// then soonest due.
fn queue_order(exams: &[OpenExam]) -> Vec<&OpenExam> {
    let mut ordered: Vec<&OpenExam> = exams.iter().collect();
    ordered.sort_by_key(|e| (!e.started, e.priority_rank, e.due_at, e.id));
    ordered
}

/// When each of `waiting` examinations, in queue order, is done at `rate` an hour, the share
/// `ahead` of the expected arrivals being served first; `None` beyond the horizon.
fn play(waiting: usize, rate: f64, arrivals: &[f64]) -> Vec<Option<f64>> {
    let mut done_at = vec![None; waiting];
    let step_hours = STEP_MINUTES as f64 / 60.0;
    let (mut done, mut pending_ahead) = (0.0_f64, 0.0_f64);
    let steps = HORIZON_HOURS * 60 / STEP_MINUTES;
    for step in 0..steps {
        if done >= waiting as f64 {
            break;
        }
        let hour = (step * STEP_MINUTES / 60) as usize;
        pending_ahead += arrivals.get(hour).copied().unwrap_or(0.0) * step_hours;
        let capacity = rate * step_hours;
        let to_ahead = capacity.min(pending_ahead);
        pending_ahead -= to_ahead;
        let gain = capacity - to_ahead;
        if gain <= 0.0 {
            continue;
        }
        let before = done;
        done += gain;
        // The k-th examination (1-based) is done when `done` reaches k.
        let first = before.floor() as usize + 1;
        for k in first..=(done.floor() as usize).min(waiting) {
            let within = (k as f64 - before) / gain;
            done_at[k - 1] = Some((step as f64 + within) * step_hours);
        }
    }
    done_at
}

/// An examination's own end, in hours from now, at the fast, likely and slow quartiles of the
/// shares of their time that the examinations completed lately took, among those that ran at
/// least as long as this one has so far; now, when none ran as long (or there is no history).
pub fn own_time(p: &PortInputs, exam: &OpenExam) -> [f64; 3] {
    let given = (exam.due_at - exam.created_at).num_seconds().max(1) as f64;
    let so_far = (p.now - exam.created_at).num_seconds().max(0) as f64 / given;
    let longer: Vec<f64> = p
        .took_shares
        .iter()
        .copied()
        .filter(|share| *share > so_far)
        .collect();
    std::array::from_fn(|q| {
        quantile(&longer, [0.25, 0.5, 0.75][q])
            .map(|share| (share - so_far) * given / 3600.0)
            .unwrap_or(0.0)
    })
}

/// The nearest-rank quantile of ascending values.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    (n > 0).then(|| sorted[((q * n as f64).ceil() as usize).clamp(1, n) - 1])
}

fn at_hours(now: DateTime<Utc>, hours: f64) -> DateTime<Utc> {
    now + Duration::seconds((hours * 3600.0).round() as i64)
}

/// The forecast for one port.
pub fn forecast_port(p: &PortInputs) -> Forecast {
    let (per_officer, measured) = rate_per_officer_hour(p.completed, p.officer_hours);
    let rate = per_officer * p.officers_on_shift.max(0) as f64;
    let ordered = queue_order(&p.exams);
    let waiting = ordered.len();
    let expected = expected_exams_by_hour(p);
    // Arrivals more urgent than the least urgent waiting are served ahead of the backlog.
    let worst = ordered.iter().map(|e| e.priority_rank).max().unwrap_or(4);
    let share_ahead: f64 = p.share_by_rank[..(worst.clamp(1, 4) as usize - 1)]
        .iter()
        .sum();
    let ahead: Vec<f64> = expected.iter().map(|a| a * share_ahead).collect();
    let spread =
        QUARTILE_Z * ((1.0 / waiting.max(1) as f64) + (1.0 / p.completed.max(1) as f64)).sqrt();
    // When the officers reach each examination: fast, likely, slow.
    let reached = [
        play(waiting, rate * (1.0 + spread), &ahead),
        play(waiting, rate, &ahead),
        play(waiting, rate * (1.0 - spread).max(0.0), &ahead),
    ];
    // When each is done: the later of being reached and its own time.
    let horizon = HORIZON_HOURS as f64;
    let done: Vec<[Option<f64>; 3]> = ordered
        .iter()
        .enumerate()
        .map(|(k, exam)| {
            let own = own_time(p, exam);
            std::array::from_fn(|q| {
                let end = reached[q][k]?.max(own[q]);
                (end <= horizon).then_some(end)
            })
        })
        .collect();
    let last = |q: usize| -> Option<f64> {
        done.iter()
            .try_fold(0.0_f64, |latest, d| d[q].map(|end| latest.max(end)))
    };
    let clearance = if waiting == 0 {
        Clearance::Clear
    } else {
        match last(1) {
            None => Clearance::NotWithin {
                why: if p.officers_on_shift <= 0 {
                    Stuck::NoOfficers
                } else if reached[1].iter().all(Option::is_some) {
                    Stuck::LongExaminations
                } else if rate <= ahead.iter().sum::<f64>() / ahead.len() as f64 {
                    Stuck::ArrivalsKeepPace
                } else {
                    Stuck::TooMuchWork
                },
            },
            Some(hours) => {
                let earliest = at_hours(p.now, last(0).unwrap_or(hours).min(hours));
                let expected = at_hours(p.now, hours);
                match last(2) {
                    Some(slow) => Clearance::By {
                        earliest,
                        expected,
                        latest: at_hours(p.now, slow.max(hours)),
                    },
                    None => Clearance::From { earliest, expected },
                }
            }
        }
    };
    let central: Vec<Option<f64>> = done.iter().map(|d| d[1]).collect();
    // A hold is done when its last open examination is; one with none waits on a decision
    // the forecast cannot foresee.
    let done_by_hold = |hold: i64| -> Option<Option<DateTime<Utc>>> {
        let mut any = false;
        let mut latest = Some(p.now);
        for (position, exam) in ordered.iter().enumerate() {
            if exam.hold_id == hold {
                any = true;
                latest = match (latest, central[position]) {
                    (Some(l), Some(h)) => Some(l.max(at_hours(p.now, h))),
                    _ => None,
                };
            }
        }
        any.then_some(latest)
    };
    let horizon = p.now + Duration::hours(HOLDS_HORIZON_HOURS);
    let mut holds_at_risk: Vec<HoldAtRisk> = p
        .holds
        .iter()
        .filter(|h| !h.paused && h.due_at > p.now && h.due_at <= horizon)
        .filter(|h| match done_by_hold(h.id) {
            Some(Some(done)) => done > h.due_at,
            _ => true,
        })
        .map(|h| HoldAtRisk {
            hold_id: h.id,
            shipment_id: h.shipment_id,
            port_code: p.code.clone(),
            reason: h.reason,
            passes_at: h.due_at,
        })
        .collect();
    holds_at_risk.sort_by_key(|h| (h.passes_at, h.hold_id));
    Forecast {
        port: Some(p.code.clone()),
        time_zone: p.time_zone.clone(),
        at: p.now,
        waiting: waiting as i64,
        officers_on_shift: p.officers_on_shift,
        rate_per_officer_hour: per_officer,
        rate_per_hour: rate,
        rate_measured: measured,
        completed_recently: p.completed,
        history_days: HISTORY_DAYS,
        expected_next_8h: expected[..HOLDS_HORIZON_HOURS as usize].iter().sum(),
        declared_next_8h: p
            .declared_etas
            .iter()
            .filter(|eta| **eta >= p.now && **eta < horizon)
            .count() as i64,
        clearance,
        last_to_clear: None,
        holds_at_risk,
    }
}

/// The country: every port's backlog cleared, so the latest of the ports' clearances; the
/// figures summed; the holds of every port.
pub fn combine(at: DateTime<Utc>, time_zone: &str, ports: &[Forecast]) -> Forecast {
    let mut clearance = Clearance::Clear;
    for f in ports {
        clearance = match (&clearance, &f.clearance) {
            (Clearance::NotWithin { .. }, _) | (_, Clearance::Clear) => continue,
            (Clearance::Clear, next) | (_, next @ Clearance::NotWithin { .. }) => next.clone(),
            (
                Clearance::By {
                    earliest: e1,
                    expected: x1,
                    latest: l1,
                },
                Clearance::By {
                    earliest: e2,
                    expected: x2,
                    latest: l2,
                },
            ) => Clearance::By {
                earliest: *e1.max(e2),
                expected: *x1.max(x2),
                latest: *l1.max(l2),
            },
            (
                Clearance::By {
                    earliest: e1,
                    expected: x1,
                    ..
                }
                | Clearance::From {
                    earliest: e1,
                    expected: x1,
                },
                Clearance::By {
                    earliest: e2,
                    expected: x2,
                    ..
                }
                | Clearance::From {
                    earliest: e2,
                    expected: x2,
                },
            ) => Clearance::From {
                earliest: *e1.max(e2),
                expected: *x1.max(x2),
            },
        };
    }
    // The port that decides the country's answer: one that does not clear, or the last.
    let last_to_clear = ports
        .iter()
        .find(|f| matches!(f.clearance, Clearance::NotWithin { .. }))
        .or_else(|| {
            ports
                .iter()
                .filter_map(|f| f.clearance.expected().map(|x| (x, f)))
                .max_by_key(|(x, _)| *x)
                .map(|(_, f)| f)
        })
        .and_then(|f| f.port.clone());
    let mut holds_at_risk: Vec<HoldAtRisk> = ports
        .iter()
        .flat_map(|f| f.holds_at_risk.iter().cloned())
        .collect();
    holds_at_risk.sort_by_key(|h| (h.passes_at, h.hold_id));
    let officers: i64 = ports.iter().map(|f| f.officers_on_shift).sum();
    let rate: f64 = ports.iter().map(|f| f.rate_per_hour).sum();
    Forecast {
        port: None,
        time_zone: time_zone.to_string(),
        at,
        waiting: ports.iter().map(|f| f.waiting).sum(),
        officers_on_shift: officers,
        rate_per_officer_hour: if officers > 0 {
            rate / officers as f64
        } else {
            0.0
        },
        rate_per_hour: rate,
        rate_measured: ports.iter().all(|f| f.rate_measured),
        completed_recently: ports.iter().map(|f| f.completed_recently).sum(),
        history_days: HISTORY_DAYS,
        expected_next_8h: ports.iter().map(|f| f.expected_next_8h).sum(),
        declared_next_8h: ports.iter().map(|f| f.declared_next_8h).sum(),
        clearance,
        last_to_clear,
        holds_at_risk,
    }
}

/// The model on constructed ports whose answers are known.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::text;
    use crate::lang::Locale;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        // 09:00 in Toronto.
        Utc.with_ymd_and_hms(2026, 11, 30, 14, 0, 0).unwrap()
    }

    fn exam(id: i64, hold_id: i64, rank: i64) -> OpenExam {
        OpenExam {
            id,
            hold_id,
            kind: InspectionKind::Xray,
            priority_rank: rank,
            created_at: now() - Duration::minutes(30),
            due_at: now() + Duration::hours(3) + Duration::minutes(id),
            started: false,
        }
    }

    /// 12 waiting, 2 officers, 3 examinations an officer-hour measured over 7 days, nothing
    /// expected to arrive.
    fn port() -> PortInputs {
        PortInputs {
            code: "LAC".into(),
            time_zone: "America/Toronto".into(),
            now: now(),
            officers_on_shift: 2,
            exams: (1..=12).map(|i| exam(i, 100 + i, 3)).collect(),
            holds: vec![],
            completed: 1008,
            officer_hours: 336.0,
            took_shares: vec![],
            arrivals_by_hour: [0.0; 24],
            declared_etas: vec![],
            exams_per_arrival: 0.5,
            share_by_rank: [0.1, 0.2, 0.6, 0.1],
        }
    }

    fn expected(f: &Forecast) -> DateTime<Utc> {
        f.clearance.expected().expect("a clearance time")
    }

    #[test]
    fn twelve_waiting_at_six_an_hour_clear_in_two_hours_within_the_range() {
        let f = forecast_port(&port());
        assert_eq!(f.rate_per_officer_hour, 3.0);
        assert_eq!(f.rate_per_hour, 6.0);
        assert!(f.rate_measured);
        assert_eq!(f.waiting, 12);
        let Clearance::By {
            earliest,
            expected,
            latest,
        } = f.clearance
        else {
            panic!("a range: {:?}", f.clearance)
        };
        assert_eq!(expected, now() + Duration::hours(2));
        assert!(earliest < expected && expected < latest);
        // The interquartile of twelve examinations: about a fifth either way.
        assert!(expected - earliest > Duration::minutes(15), "{earliest}");
        assert!(latest - expected < Duration::minutes(60), "{latest}");
    }

    #[test]
    fn the_sentence_says_the_rate_the_count_and_the_range_in_the_ports_zone() {
        let f = forecast_port(&port());
        let english = text::sentence(Locale::en, &f);
        let range = text::range(Locale::en, &f);
        assert!(
            english.starts_with(
                "At the present rate of 6.0 examinations an hour, the 12 waiting clear by "
            ),
            "{english}"
        );
        // 11:00 in Toronto, rounded outwards to five minutes on each side.
        assert!(english.ends_with(&format!("{range}.")), "{english}");
        let (from, to) = range.split_once('–').expect("a range");
        assert!(from < "11:00" && from.starts_with("10:"), "{range}");
        assert!(to > "11:00" && to.starts_with("11:"), "{range}");
        let french = text::sentence(Locale::fr, &f);
        assert!(
            french.starts_with("Au rythme actuel de 6,0 examens à l’heure, les 12 examens en attente seront terminés entre 10\u{a0}h\u{a0}"),
            "{french}"
        );
        assert!(french.contains(" et 11\u{a0}h\u{a0}"), "{french}");
    }

    #[test]
    fn expected_arrivals_more_urgent_than_the_queue_come_first() {
        let mut p = port();
        // Four examinations an hour arrive (8 shipments × 0.5), 30 % of them more urgent than
        // the queue's normal priority: 1.2 an hour taken from 6.
        p.arrivals_by_hour = [8.0; 24];
        let f = forecast_port(&p);
        let hours = (expected(&f) - now()).num_seconds() as f64 / 3600.0;
        assert!((hours - 12.0 / 4.8).abs() < 0.05, "{hours}");
        assert!((f.expected_next_8h - 32.0).abs() < 1e-9);
        // Declarations already received count where they outnumber the rhythm.
        p.arrivals_by_hour = [0.0; 24];
        p.declared_etas = (0..10).map(|i| now() + Duration::minutes(i)).collect();
        let f = forecast_port(&p);
        assert_eq!(f.declared_next_8h, 10);
        assert!((f.expected_next_8h - 5.0).abs() < 1e-9);
        assert!(expected(&f) > now() + Duration::hours(2));
    }

    #[test]
    fn a_hold_due_before_its_examination_is_reached_passes_at_its_due_time() {
        let mut p = port();
        let due = now() + Duration::minutes(90);
        // Its examination is the last of the queue (routine): done at 13/6 h, after its due time.
        p.exams.push(exam(13, 7, 4));
        p.holds = vec![
            OpenHold {
                id: 7,
                shipment_id: 70,
                reason: HoldReason::RiskTarget,
                due_at: due,
                paused: false,
            },
            // Its examination is first in the queue, done in ten minutes: it does not pass.
            OpenHold {
                id: 101,
                shipment_id: 1010,
                reason: HoldReason::Random,
                due_at: due,
                paused: false,
            },
            // A paused clock cannot pass.
            OpenHold {
                id: 8,
                shipment_id: 80,
                reason: HoldReason::Documentation,
                due_at: now() + Duration::minutes(30),
                paused: true,
            },
            // Beyond the next 8 hours.
            OpenHold {
                id: 9,
                shipment_id: 90,
                reason: HoldReason::Documentation,
                due_at: now() + Duration::hours(9),
                paused: false,
            },
            // No examination: nothing moves it, so it passes.
            OpenHold {
                id: 10,
                shipment_id: 100,
                reason: HoldReason::OtherAgency,
                due_at: now() + Duration::hours(7),
                paused: false,
            },
        ];
        let f = forecast_port(&p);
        let listed: Vec<(i64, DateTime<Utc>)> = f
            .holds_at_risk
            .iter()
            .map(|h| (h.hold_id, h.passes_at))
            .collect();
        assert_eq!(
            listed,
            vec![(7, due), (10, now() + Duration::hours(7))],
            "{:?}",
            f.holds_at_risk
        );
        assert_eq!(f.holds_at_risk[0].shipment_id, 70);
        let line = text::hold_line(Locale::en, &f, &f.holds_at_risk[0]);
        assert!(
            line.starts_with("Hold 7 at LAC (") && line.ends_with("passes at 10:30"),
            "{line}"
        );
    }

    #[test]
    fn no_officers_means_not_within_24_hours_and_the_sentence_says_why() {
        let mut p = port();
        p.officers_on_shift = 0;
        let f = forecast_port(&p);
        assert_eq!(
            f.clearance,
            Clearance::NotWithin {
                why: Stuck::NoOfficers
            }
        );
        assert_eq!(
            text::sentence(Locale::en, &f),
            "No officer is on shift: the 12 examinations waiting do not clear within 24 hours."
        );
        assert_eq!(text::range(Locale::en, &f), "Not within 24 hours");
        assert_eq!(
            text::sentence(Locale::fr, &f),
            "Aucun agent n’est en service\u{a0}: les 12 examens en attente ne seront pas terminés d’ici 24 heures."
        );
        // Every hold due in the next hours then passes.
        p.holds = vec![OpenHold {
            id: 101,
            shipment_id: 1,
            reason: HoldReason::Random,
            due_at: now() + Duration::hours(1),
            paused: false,
        }];
        assert_eq!(forecast_port(&p).holds_at_risk.len(), 1);
    }

    #[test]
    fn more_work_than_a_day_or_arrivals_that_keep_pace_do_not_clear() {
        let mut p = port();
        p.exams = (1..=200).map(|i| exam(i, i, 3)).collect();
        assert_eq!(
            forecast_port(&p).clearance,
            Clearance::NotWithin {
                why: Stuck::TooMuchWork
            }
        );
        p.exams.truncate(12);
        p.arrivals_by_hour = [40.0; 24];
        p.share_by_rank = [0.5, 0.5, 0.0, 0.0];
        let f = forecast_port(&p);
        assert_eq!(
            f.clearance,
            Clearance::NotWithin {
                why: Stuck::ArrivalsKeepPace
            }
        );
        assert!(
            text::sentence(Locale::en, &f).contains("more urgent examinations expected to arrive")
        );
    }

    #[test]
    fn without_history_the_floor_rate_is_used_and_said() {
        let mut p = port();
        p.completed = 0;
        let f = forecast_port(&p);
        assert!(!f.rate_measured);
        assert_eq!(f.rate_per_hour, 2.0 * FLOOR_RATE_PER_OFFICER_HOUR);
        assert_eq!(expected(&f), now() + Duration::hours(6));
        let basis = text::basis(Locale::en, &f);
        assert!(basis[1].starts_with("No examination was completed here in the last 7 days"));
    }

    #[test]
    fn nothing_waiting_is_clear() {
        let mut p = port();
        p.exams.clear();
        let f = forecast_port(&p);
        assert_eq!(f.clearance, Clearance::Clear);
        assert_eq!(
            text::sentence(Locale::en, &f),
            "Nothing is waiting for examination."
        );
    }

    #[test]
    fn the_country_clears_when_its_last_port_does() {
        let lac = forecast_port(&port());
        let mut p = port();
        p.code = "YVR".into();
        p.time_zone = "America/Vancouver".into();
        p.exams.truncate(6);
        let yvr = forecast_port(&p);
        let mut idle = port();
        idle.code = "YHZ".into();
        idle.exams.clear();
        let country = combine(
            now(),
            "America/Toronto",
            &[lac.clone(), yvr, forecast_port(&idle)],
        );
        assert_eq!(country.waiting, 18);
        assert_eq!(country.officers_on_shift, 6);
        assert_eq!(country.rate_per_hour, 18.0);
        assert_eq!(country.clearance.expected(), lac.clearance.expected());
        assert_eq!(country.last_to_clear.as_deref(), Some("LAC"));
        let sentence = text::sentence(Locale::en, &country);
        assert!(
            sentence.contains(" EST") && sentence.ends_with("The last port to clear is LAC."),
            "{sentence}"
        );
        // One port without officers: the country does not clear either, and says which.
        let mut closed = port();
        closed.code = "PVN".into();
        closed.officers_on_shift = 0;
        let country = combine(now(), "America/Toronto", &[lac, forecast_port(&closed)]);
        assert!(matches!(country.clearance, Clearance::NotWithin { .. }));
        assert_eq!(country.last_to_clear.as_deref(), Some("PVN"));
    }

    #[test]
    fn an_examination_ends_no_sooner_than_its_own_work_allows() {
        let mut p = port();
        // Lately, examinations took 20 % to 100 % of the time they were given.
        p.took_shares = (1..=5).map(|i| i as f64 * 0.2).collect();
        // Given 10 hours, open for 1 (10 % so far): quartiles of what is left are 40 %, 60 %
        // and 80 % of 10 hours, less the hour gone.
        p.exams = vec![OpenExam {
            created_at: now() - Duration::hours(1),
            due_at: now() + Duration::hours(9),
            ..exam(1, 1, 3)
        }];
        let own = own_time(&p, &p.exams[0]);
        assert!(
            own.iter()
                .zip([3.0, 5.0, 7.0])
                .all(|(a, b)| (a - b).abs() < 1e-9),
            "{own:?}"
        );
        let f = forecast_port(&p);
        assert_eq!(
            f.clearance,
            Clearance::By {
                earliest: now() + Duration::hours(3),
                expected: now() + Duration::hours(5),
                latest: now() + Duration::hours(7),
            }
        );
        // Open for 9 hours of its 10 already: longer than any lately, so it ends when reached.
        p.exams[0].created_at = now() - Duration::hours(9);
        p.exams[0].due_at = now() + Duration::hours(1);
        p.took_shares = vec![0.2, 0.4];
        assert_eq!(own_time(&p, &p.exams[0]), [0.0; 3]);
        // A laboratory's two days: not within 24 hours, and said why.
        p.took_shares = vec![0.5, 0.6, 0.7];
        p.exams[0].created_at = now();
        p.exams[0].due_at = now() + Duration::hours(72);
        let f = forecast_port(&p);
        assert_eq!(
            f.clearance,
            Clearance::NotWithin {
                why: Stuck::LongExaminations
            }
        );
        assert!(text::sentence(Locale::en, &f).contains("lately taken longer than that"));
    }
}
