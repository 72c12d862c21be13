//! The backlog forecast as pure functions of what is known at an instant: the examinations
//! open at a port, its open holds, the arrivals its daily rhythm and the declarations already
//! received promise, its officers on shift and the rate they have been completing
//! examinations at. No database here: `db.rs` reads the inputs, the tests build them.
//!
//! How it is computed. The port's rate is the examinations completed there over the recent
//! past divided by the officer-hours on shift over the same time (a floor when nothing was
//! completed). Officers work the queue most urgent first, so examinations that arrive at a
//! more urgent priority than the least urgent one waiting are served ahead of the backlog;
//! the forecast plays the next 24 hours in five-minute steps, giving each step's capacity
//! first to those arrivals and the rest to the backlog, and notes when each waiting
//! examination (in queue order) is done. The range is the interquartile of that time: the
//! work to do and the measured rate are both counts, whose relative spread is about
//! `1/√n`; the rate is taken that much (×0.674, the normal quartile) faster and slower.

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
    /// Officer-hours on shift over the same window.
    pub officer_hours: f64,
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

/// Officer-hours between `from` and `to` when the staffing was `initial` at `from` and
/// changed to each `(instant, officers)` after it (in order).
pub fn officer_hours(
    initial: i64,
    changes: &[(DateTime<Utc>, i64)],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> f64 {
    let mut hours = 0.0;
    let (mut at, mut officers) = (from, initial);
    for &(when, next) in changes.iter().filter(|(w, _)| *w > from && *w < to) {
        hours += officers as f64 * hours_between(at, when);
        (at, officers) = (when, next);
    }
    hours + officers as f64 * hours_between(at, to)
}

fn hours_between(a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
    (b - a).num_seconds().max(0) as f64 / 3600.0
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
fn play(now: DateTime<Utc>, waiting: usize, rate: f64, arrivals: &[f64]) -> Vec<Option<f64>> {
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
    let _ = now;
    done_at
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
    let central = play(p.now, waiting, rate, &ahead);
    let last = |times: &[Option<f64>]| times.last().copied().flatten();
    let clearance = if waiting == 0 {
        Clearance::Clear
    } else {
        match last(&central) {
            None => Clearance::NotWithin {
                why: if p.officers_on_shift <= 0 {
                    Stuck::NoOfficers
                } else if rate <= ahead.iter().sum::<f64>() / ahead.len() as f64 {
                    Stuck::ArrivalsKeepPace
                } else {
                    Stuck::TooMuchWork
                },
            },
            Some(hours) => {
                let fast = last(&play(p.now, waiting, rate * (1.0 + spread), &ahead));
                let slow = last(&play(
                    p.now,
                    waiting,
                    rate * (1.0 - spread).max(0.0),
                    &ahead,
                ));
                let earliest = at_hours(p.now, fast.unwrap_or(hours).min(hours));
                let expected = at_hours(p.now, hours);
                match slow {
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

#[cfg(test)]
mod tests;
