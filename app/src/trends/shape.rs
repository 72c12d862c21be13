//! The records of a period turned into each day's figures: pure, so that every rule (which day
//! an instant falls on in the scope's zone, the median and 90th percentile, the dwell bands,
//! when a hold passed its service level) is tested without a database.

use super::{BorderWaitsDay, DayCount, DwellBandCount, ExaminationsDay, HoldsDay, ReleaseTimesDay};
use crate::domain::port_rules::{COMMERCIAL_WAIT_STANDARD_MIN, TRAVELLER_WAIT_STANDARD_MIN};
use crate::domain::{HoldStatus, Outcome, ServiceClock};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The days of a period in a zone: each day runs from its local midnight to the next.
#[derive(Debug, Clone, Copy)]
pub struct Days {
    pub zone: Tz,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Days {
    /// The instant a local day starts (the first midnight, or the first instant after a gap).
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
        match self.zone.from_local_datetime(&midnight) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
                t.with_timezone(&Utc)
            }
            // No zone skips midnight by more than an hour.
            chrono::LocalResult::None => self
                .zone
                .from_local_datetime(&(midnight + Duration::hours(1)))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| midnight.and_utc()),
        }
    }

    /// The period's first instant.
    pub fn start(&self) -> DateTime<Utc> {
        self.start_of(self.from)
    }

    /// The instant after the period: the day after the last one starts.
    pub fn end(&self) -> DateTime<Utc> {
        self.start_of(self.to + Duration::days(1))
    }

    pub fn len(&self) -> usize {
        ((self.to - self.from).num_days() + 1).max(0) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every day, first to last.
    pub fn list(&self) -> Vec<NaiveDate> {
        (0..self.len() as i64)
            .map(|i| self.from + Duration::days(i))
            .collect()
    }

    /// The place of the day `at` falls on in the zone, when that day is in the period.
    pub fn index(&self, at: DateTime<Utc>) -> Option<usize> {
        let day = at.with_timezone(&self.zone).date_naive();
        (self.from <= day && day <= self.to).then(|| (day - self.from).num_days() as usize)
    }
}

/// The value at quantile `q` of sorted values, by nearest rank: the smallest value at least
/// `q` of the values are no greater than (the median of 1 h, 2 h, 10 h is 2 h, its 90th
/// percentile 10 h).
pub fn nearest_rank(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// A hold as the trends read it.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldRecord {
    pub status: HoldStatus,
    pub placed_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub due_at: DateTime<Utc>,
    /// The pauses already ended, summed.
    pub paused: Duration,
    pub paused_since: Option<DateTime<Utc>>,
}

impl HoldRecord {
    fn clock(&self) -> ServiceClock {
        ServiceClock {
            placed_at: self.placed_at,
            ended_at: self.resolved_at,
            paused_before: self.paused,
            paused_since: self.paused_since,
            due_at: self.due_at,
        }
    }

    /// When its service level ran out (its due time moved back by its ended pauses), if it
    /// was still on hold and its clock running then.
    fn passed_service_level_at(&self) -> Option<DateTime<Utc>> {
        let due = self.due_at + self.paused;
        let still_held = self.resolved_at.is_none_or(|ended| ended > due);
        let running = self.paused_since.is_none_or(|since| since > due);
        (still_held && running).then_some(due)
    }
}

/// Holds released each day: how many, and the median and 90th percentile of the time from
/// placed to released, in whole minutes.
pub fn release_times(days: &Days, holds: &[HoldRecord]) -> Vec<ReleaseTimesDay> {
    let mut per_day: Vec<Vec<i64>> = vec![vec![]; days.len()];
    for hold in holds {
        if hold.status != HoldStatus::Released {
            continue;
        }
        let Some(released) = hold.resolved_at else {
            continue;
        };
        if let Some(i) = days.index(released) {
            let seconds = (released - hold.placed_at).num_seconds().max(0);
            per_day[i].push((seconds + 30) / 60);
        }
    }
    days.list()
        .into_iter()
        .zip(per_day)
        .map(|(day, mut minutes)| {
            minutes.sort_unstable();
            ReleaseTimesDay {
                day,
                released: minutes.len() as i64,
                median_min: nearest_rank(&minutes, 0.5),
                p90_min: nearest_rank(&minutes, 0.9),
            }
        })
        .collect()
}

/// The dwell bands, shortest first: a code and the band's upper bound in hours (none for the
/// last).
pub const BANDS: [(&str, Option<i64>); 6] = [
    ("under_1h", Some(1)),
    ("1h_4h", Some(4)),
    ("4h_8h", Some(8)),
    ("8h_24h", Some(24)),
    ("24h_48h", Some(48)),
    ("over_48h", None),
];

/// The band of a dwell: a band holds the dwells from its lower bound up to, not including,
/// its upper one.
pub fn band_of(dwell: Duration) -> usize {
    BANDS
        .iter()
        .position(|(_, upper)| upper.is_some_and(|h| dwell < Duration::hours(h)))
        .unwrap_or(BANDS.len() - 1)
}

/// Holds by dwell band: those active at `end` (the end of the period, or now if sooner), their
/// dwell up to then; those ended in the period, their dwell when they ended.
pub fn dwell_bands(days: &Days, holds: &[HoldRecord], now: DateTime<Utc>) -> Vec<DwellBandCount> {
    let end = days.end().min(now);
    let mut counts = [(0, 0); BANDS.len()];
    for hold in holds {
        if hold.placed_at >= end {
            continue;
        }
        match hold.resolved_at {
            Some(ended) if ended < end => {
                if ended >= days.start() {
                    counts[band_of(hold.clock().dwell(ended))].1 += 1;
                }
            }
            _ => {
                let mut clock = hold.clock();
                clock.ended_at = None;
                counts[band_of(clock.dwell(end))].0 += 1;
            }
        }
    }
    BANDS
        .iter()
        .zip(counts)
        .map(|((band, _), (active, ended))| DwellBandCount {
            band: band.to_string(),
            active,
            ended,
        })
        .collect()
}

/// Holds that passed their service level each day while still on hold (up to `now`).
pub fn past_service_level(days: &Days, holds: &[HoldRecord], now: DateTime<Utc>) -> Vec<DayCount> {
    let mut counts = vec![0; days.len()];
    for hold in holds {
        if let Some(at) = hold.passed_service_level_at().filter(|at| *at <= now)
            && let Some(i) = days.index(at)
        {
            counts[i] += 1;
        }
    }
    days.list()
        .into_iter()
        .zip(counts)
        .map(|(day, count)| DayCount { day, count })
        .collect()
}

/// Holds placed, released and seized each day.
pub fn holds_per_day(days: &Days, holds: &[HoldRecord]) -> Vec<HoldsDay> {
    let mut out: Vec<HoldsDay> = days
        .list()
        .into_iter()
        .map(|day| HoldsDay {
            day,
            ..HoldsDay::default()
        })
        .collect();
    for hold in holds {
        if let Some(i) = days.index(hold.placed_at) {
            out[i].placed += 1;
        }
        if let Some(i) = hold.resolved_at.and_then(|at| days.index(at)) {
            match hold.status {
                HoldStatus::Released => out[i].released += 1,
                HoldStatus::Seized => out[i].seized += 1,
                _ => {}
            }
        }
    }
    out
}

/// An examination as the trends read it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamRecord {
    pub created_at: DateTime<Utc>,
    /// When it was completed (not cancelled), and what it found.
    pub completed: Option<(DateTime<Utc>, Option<Outcome>)>,
}

/// Examinations opened and completed each day, and the outcomes of those completed.
pub fn examinations_per_day(days: &Days, exams: &[ExamRecord]) -> Vec<ExaminationsDay> {
    let mut out: Vec<ExaminationsDay> = days
        .list()
        .into_iter()
        .map(|day| ExaminationsDay {
            day,
            ..ExaminationsDay::default()
        })
        .collect();
    for exam in exams {
        if let Some(i) = days.index(exam.created_at) {
            out[i].opened += 1;
        }
        if let Some((at, outcome)) = exam.completed
            && let Some(i) = days.index(at)
        {
            let d = &mut out[i];
            d.completed += 1;
            match outcome {
                Some(Outcome::NoFinding) => d.no_finding += 1,
                Some(Outcome::Seizure) => d.seizure += 1,
                Some(Outcome::Penalty) => d.penalty += 1,
                Some(Outcome::AgencyReferral) => d.agency_referral += 1,
                Some(Outcome::Inconclusive) => d.inconclusive += 1,
                None => {}
            }
        }
    }
    out
}

/// Counts kept per half-hour of UTC (`bucket` = milliseconds since the epoch / 1,800,000),
/// summed per day in the zone. Every zone's offset is a whole number of half-hours, so a
/// half-hour never straddles two local days.
pub fn per_day_from_buckets(
    days: &Days,
    buckets: impl IntoIterator<Item = (i64, i64)>,
) -> Vec<i64> {
    let mut out = vec![0; days.len()];
    for (bucket, n) in buckets {
        let at = DateTime::<Utc>::from_timestamp_millis(bucket * BUCKET_MS).unwrap_or_default();
        if let Some(i) = days.index(at) {
            out[i] += n;
        }
    }
    out
}

/// The length of a bucket of [`per_day_from_buckets`], in milliseconds.
pub const BUCKET_MS: i64 = 1_800_000;

/// One measurement of a crossing's waits: when it was measured, and the wait of each flow it
/// measured (none for a flow it did not measure, whose last measurement the port kept).
#[derive(Debug, Clone, PartialEq)]
pub struct WaitRecord {
    pub measured_at: DateTime<Utc>,
    pub commercial_min: Option<i64>,
    pub traveller_min: Option<i64>,
}

/// The flows of the border waits, in the order of each day's rows: their code and standard.
pub const WAIT_FLOWS: [(&str, i64); 2] = [
    ("commercial", COMMERCIAL_WAIT_STANDARD_MIN),
    ("traveller", TRAVELLER_WAIT_STANDARD_MIN),
];

/// Per day (on the day each was measured) and flow, the measurements' count, mean, worst and
/// how many were longer than the flow's standard.
pub fn border_waits(days: &Days, waits: &[WaitRecord]) -> Vec<BorderWaitsDay> {
    let mut per_day: Vec<[Vec<i64>; 2]> = vec![[vec![], vec![]]; days.len()];
    for wait in waits {
        let Some(i) = days.index(wait.measured_at) else {
            continue;
        };
        for (flow, minutes) in [wait.commercial_min, wait.traveller_min]
            .into_iter()
            .enumerate()
        {
            per_day[i][flow].extend(minutes);
        }
    }
    days.list()
        .into_iter()
        .zip(per_day)
        .flat_map(|(day, flows)| {
            WAIT_FLOWS
                .iter()
                .zip(flows)
                .map(move |(&(flow, standard), minutes)| {
                    let n = minutes.len() as i64;
                    let over = minutes.iter().filter(|m| **m > standard).count() as i64;
                    let sum: i64 = minutes.iter().sum();
                    BorderWaitsDay {
                        day,
                        flow: flow.to_string(),
                        standard_min: standard,
                        measurements: n,
                        mean_min: (n > 0).then(|| (sum as f64 / n as f64 * 10.0).round() / 10.0),
                        worst_min: minutes.iter().max().copied(),
                        over_standard: over,
                        over_standard_share: (n > 0)
                            .then(|| (over as f64 / n as f64 * 1000.0).round() / 1000.0),
                    }
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn toronto(from: NaiveDate, to: NaiveDate) -> Days {
        Days {
            zone: "America/Toronto".parse().unwrap(),
            from,
            to,
        }
    }

    fn hold(status: HoldStatus, placed: &str, resolved: Option<&str>) -> HoldRecord {
        let placed_at = at(placed);
        HoldRecord {
            status,
            placed_at,
            resolved_at: resolved.map(at),
            due_at: placed_at + Duration::hours(4),
            paused: Duration::zero(),
            paused_since: None,
        }
    }

    #[test]
    fn median_and_p90_are_nearest_ranks() {
        assert_eq!(nearest_rank(&[60, 120, 600], 0.5), Some(120));
        assert_eq!(nearest_rank(&[60, 120, 600], 0.9), Some(600));
        assert_eq!(nearest_rank(&[60, 120], 0.5), Some(60));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&ten, 0.9), Some(9));
        assert_eq!(nearest_rank(&ten, 0.5), Some(5));
        assert_eq!(nearest_rank(&[], 0.5), None);
    }

    #[test]
    fn release_times_per_day_are_the_holds_released_that_day() {
        let days = toronto(day(2026, 11, 27), day(2026, 11, 28));
        let holds = [
            // Released on the 28th (Eastern) after 1 h, 2 h and 10 h.
            hold(
                HoldStatus::Released,
                "2026-11-28T12:00:00Z",
                Some("2026-11-28T13:00:00Z"),
            ),
            hold(
                HoldStatus::Released,
                "2026-11-28T12:00:00Z",
                Some("2026-11-28T14:00:00Z"),
            ),
            hold(
                HoldStatus::Released,
                "2026-11-28T08:00:00Z",
                Some("2026-11-28T18:00:00Z"),
            ),
            // Seized, not released: not a release time.
            hold(
                HoldStatus::Seized,
                "2026-11-28T12:00:00Z",
                Some("2026-11-28T13:00:00Z"),
            ),
        ];
        let series = release_times(&days, &holds);
        assert_eq!(series.len(), 2);
        assert_eq!(
            (series[0].released, series[0].median_min, series[0].p90_min),
            (0, None, None)
        );
        assert_eq!(
            (series[1].released, series[1].median_min, series[1].p90_min),
            (3, Some(120), Some(600))
        );
    }

    #[test]
    fn days_end_at_the_zones_midnight() {
        let days = toronto(day(2026, 11, 27), day(2026, 11, 28));
        // 04:59 UTC on the 28th is 23:59 on the 27th in Toronto (EST, UTC−5).
        assert_eq!(days.index(at("2026-11-28T04:59:00Z")), Some(0));
        assert_eq!(days.index(at("2026-11-28T05:00:00Z")), Some(1));
        assert_eq!(days.index(at("2026-11-29T05:00:00Z")), None);
        assert_eq!(days.start(), at("2026-11-27T05:00:00Z"));
        assert_eq!(days.end(), at("2026-11-29T05:00:00Z"));
        // Vancouver's day of the same instant.
        let vancouver = Days {
            zone: "America/Vancouver".parse().unwrap(),
            ..days
        };
        assert_eq!(vancouver.index(at("2026-11-28T07:59:00Z")), Some(0));
        assert_eq!(vancouver.index(at("2026-11-28T08:00:00Z")), Some(1));
        // A day of 25 hours when summer time ends (1 November 2026 in Toronto).
        let fall = toronto(day(2026, 11, 1), day(2026, 11, 1));
        assert_eq!(fall.end() - fall.start(), Duration::hours(25));
        let holds = [hold(HoldStatus::Placed, "2026-11-28T04:30:00Z", None)];
        let placed = holds_per_day(&days, &holds);
        assert_eq!((placed[0].placed, placed[1].placed), (1, 0));
        // Half-hour buckets land on the day of their start (St. John's is UTC−3:30).
        let newfoundland = Days {
            zone: "America/St_Johns".parse().unwrap(),
            ..days
        };
        let bucket = |s: &str| at(s).timestamp_millis() / BUCKET_MS;
        let counts = per_day_from_buckets(
            &newfoundland,
            [
                (bucket("2026-11-28T03:00:00Z"), 2),
                (bucket("2026-11-28T03:30:00Z"), 5),
            ],
        );
        assert_eq!(counts, vec![2, 5]);
    }

    #[test]
    fn dwell_falls_in_bands_the_active_to_the_end_the_ended_when_they_ended() {
        assert_eq!(band_of(Duration::minutes(59)), 0);
        assert_eq!(band_of(Duration::hours(1)), 1);
        assert_eq!(band_of(Duration::hours(8)), 3);
        assert_eq!(band_of(Duration::hours(47)), 4);
        assert_eq!(band_of(Duration::days(5)), 5);
        let days = toronto(day(2026, 11, 28), day(2026, 11, 28));
        let now = at("2026-11-28T20:00:00Z");
        let mut paused = hold(HoldStatus::Placed, "2026-11-28T10:00:00Z", None);
        // 10 h on hold, 7 h of it waiting on the trader: 3 h.
        paused.paused = Duration::hours(7);
        let holds = [
            hold(HoldStatus::Placed, "2026-11-28T18:00:00Z", None),
            paused,
            hold(
                HoldStatus::Released,
                "2026-11-28T06:00:00Z",
                Some("2026-11-28T16:00:00Z"),
            ),
            // Ended before the period: left out.
            hold(
                HoldStatus::Released,
                "2026-11-26T06:00:00Z",
                Some("2026-11-26T07:00:00Z"),
            ),
            // Placed after now: not yet.
            hold(HoldStatus::Placed, "2026-11-28T21:00:00Z", None),
        ];
        let bands = dwell_bands(&days, &holds, now);
        let counts: Vec<(i64, i64)> = bands.iter().map(|b| (b.active, b.ended)).collect();
        assert_eq!(counts, vec![(0, 0), (2, 0), (0, 0), (0, 1), (0, 0), (0, 0)]);
        assert_eq!(bands[0].band, "under_1h");
    }

    #[test]
    fn a_hold_passes_its_service_level_on_the_day_it_runs_out_unless_paused_or_done() {
        let days = toronto(day(2026, 11, 27), day(2026, 11, 28));
        let now = at("2026-11-29T04:00:00Z");
        let mut paused_before = hold(HoldStatus::Placed, "2026-11-27T20:00:00Z", None);
        // Due at 00:00 UTC on the 28th, moved back 6 h by a pause: 06:00 UTC, the 28th.
        paused_before.paused = Duration::hours(6);
        let mut paused_now = hold(HoldStatus::Placed, "2026-11-27T20:00:00Z", None);
        paused_now.paused_since = Some(at("2026-11-27T21:00:00Z"));
        let holds = [
            // Due 16:00 UTC on the 27th, still held: late that day.
            hold(HoldStatus::Placed, "2026-11-27T12:00:00Z", None),
            // Released at 15:00 before its due time of 16:00: never late.
            hold(
                HoldStatus::Released,
                "2026-11-27T12:00:00Z",
                Some("2026-11-27T15:00:00Z"),
            ),
            // Released after: late on the 27th.
            hold(
                HoldStatus::Released,
                "2026-11-27T12:00:00Z",
                Some("2026-11-27T17:00:00Z"),
            ),
            paused_before,
            paused_now,
            // Runs out after now: not yet.
            hold(HoldStatus::Placed, "2026-11-29T02:00:00Z", None),
        ];
        let counts: Vec<i64> = past_service_level(&days, &holds, now)
            .iter()
            .map(|d| d.count)
            .collect();
        assert_eq!(counts, vec![2, 1]);
    }

    #[test]
    fn holds_and_examinations_are_counted_on_their_days() {
        let days = toronto(day(2026, 11, 28), day(2026, 11, 28));
        let holds = [
            hold(
                HoldStatus::Released,
                "2026-11-28T12:00:00Z",
                Some("2026-11-28T13:00:00Z"),
            ),
            hold(
                HoldStatus::Seized,
                "2026-11-28T12:00:00Z",
                Some("2026-11-28T15:00:00Z"),
            ),
            hold(
                HoldStatus::Referred,
                "2026-11-28T12:00:00Z",
                Some("2026-11-28T15:00:00Z"),
            ),
            hold(HoldStatus::Placed, "2026-11-27T12:00:00Z", None),
        ];
        let d = &holds_per_day(&days, &holds)[0];
        assert_eq!((d.placed, d.released, d.seized), (3, 1, 1));
        let exams = [
            ExamRecord {
                created_at: at("2026-11-28T12:00:00Z"),
                completed: Some((at("2026-11-28T13:00:00Z"), Some(Outcome::Seizure))),
            },
            ExamRecord {
                created_at: at("2026-11-27T12:00:00Z"),
                completed: Some((at("2026-11-28T13:00:00Z"), Some(Outcome::NoFinding))),
            },
            ExamRecord {
                created_at: at("2026-11-28T14:00:00Z"),
                completed: None,
            },
        ];
        let d = &examinations_per_day(&days, &exams)[0];
        assert_eq!(
            (d.opened, d.completed, d.seizure, d.no_finding, d.penalty),
            (2, 2, 1, 1, 0)
        );
    }

    #[test]
    fn waits_are_counted_per_flow_on_the_day_measured_against_each_standard() {
        let days = toronto(day(2026, 11, 27), day(2026, 11, 28));
        let wait = |measured: &str, commercial: Option<i64>, traveller: Option<i64>| WaitRecord {
            measured_at: at(measured),
            commercial_min: commercial,
            traveller_min: traveller,
        };
        let waits = [
            // 04:00 UTC on the 28th is 23:00 on the 27th in Toronto.
            wait("2026-11-28T04:00:00Z", Some(50), Some(10)),
            wait("2026-11-28T12:00:00Z", Some(30), Some(11)),
            wait("2026-11-28T13:00:00Z", Some(46), None),
            wait("2026-11-28T14:00:00Z", Some(45), Some(0)),
            // Before the period: left out.
            wait("2026-11-26T12:00:00Z", Some(300), Some(300)),
        ];
        let rows = border_waits(&days, &waits);
        let figures: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.day.to_string(),
                    r.flow.as_str(),
                    r.standard_min,
                    r.measurements,
                    r.mean_min,
                    r.worst_min,
                    r.over_standard,
                    r.over_standard_share,
                )
            })
            .collect();
        assert_eq!(
            figures,
            vec![
                (
                    "2026-11-27".into(),
                    "commercial",
                    45,
                    1,
                    Some(50.0),
                    Some(50),
                    1,
                    Some(1.0)
                ),
                (
                    "2026-11-27".into(),
                    "traveller",
                    10,
                    1,
                    Some(10.0),
                    Some(10),
                    0,
                    Some(0.0)
                ),
                // 30, 46 and 45: 40.3 on average; only 46 is over 45.
                (
                    "2026-11-28".into(),
                    "commercial",
                    45,
                    3,
                    Some(40.3),
                    Some(46),
                    1,
                    Some(0.333)
                ),
                (
                    "2026-11-28".into(),
                    "traveller",
                    10,
                    2,
                    Some(5.5),
                    Some(11),
                    1,
                    Some(0.5)
                ),
            ]
        );
        let quiet = border_waits(&toronto(day(2026, 11, 29), day(2026, 11, 29)), &waits);
        assert_eq!(quiet.len(), 2);
        assert!(
            quiet
                .iter()
                .all(|r| r.measurements == 0 && r.mean_min.is_none())
        );
    }
}
