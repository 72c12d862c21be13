//! `border-ops bench forecast`: the backlog forecast measured against what happened. It seeds
//! the demo country's history on a fresh database, then at each hour of the past days (each
//! at least a day before the history ends, so that what followed is known) forecasts every
//! port's clearance from what was known then (the records' times up to that hour: what was
//! open, completed, arrived, declared), and compares it with when the examinations open at
//! that hour were in fact all done. It prints the absolute error of the expected time (median
//! and 90th percentile, in minutes), the share of actual times within the forecast's range,
//! and one `key=value` summary line.

use app::db::Db;
use app::forecast::{Clearance, db as forecast, model::HORIZON_HOURS};
use chrono::{DateTime, Duration, DurationRound, Utc};

pub struct ForecastBench {
    pub days: i64,
    pub seed: u64,
    pub shipments: usize,
}

/// One forecast set against what happened.
struct Scored {
    error_min: f64,
    within: bool,
}

/// The forecast `clearance`, made at `at`, against the time the backlog was done (`None`:
/// not by the end of the history). Times beyond the horizon count as the horizon, so that
/// "not within 24 hours" said of a backlog that took 30 is no error.
fn score(at: DateTime<Utc>, clearance: &Clearance, actual: Option<DateTime<Utc>>) -> Scored {
    let horizon = at + Duration::hours(HORIZON_HOURS);
    let actual = actual.filter(|a| *a <= horizon);
    let capped = |t: Option<DateTime<Utc>>| t.unwrap_or(horizon).min(horizon);
    let error_min = (capped(clearance.expected()) - capped(actual))
        .num_seconds()
        .abs() as f64
        / 60.0;
    let within = match (clearance, actual) {
        (
            Clearance::By {
                earliest, latest, ..
            },
            Some(a),
        ) => *earliest <= a && a <= *latest,
        (Clearance::From { earliest, .. }, a) => a.is_none_or(|a| a >= *earliest),
        (Clearance::NotWithin { .. }, None) => true,
        _ => false,
    };
    Scored { error_min, within }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub async fn run(db: &Db, bench: &ForecastBench) -> anyhow::Result<()> {
    super::require_empty(db).await?;
    eprintln!("seeding {} shipments…", bench.shipments);
    let mut options = crate::seed::SeedOptions::new(bench.seed, Utc::now());
    options.shipments = bench.shipments;
    let end = options.end;
    let report = crate::seed::demo(db, &options).await?;
    eprintln!("seeded: {report}");
    let days = bench.days.clamp(1, options.days - 2);
    // Each hour of the `days` days that end a day before the history does.
    let last = (end - Duration::hours(HORIZON_HOURS))
        .duration_trunc(Duration::hours(1))
        .unwrap_or(end);
    let mut scored = vec![];
    let mut not_within = 0;
    for h in (0..days * 24).rev() {
        let at = last - Duration::hours(h);
        for f in forecast::every_port(&db.pool, at, false).await? {
            if f.waiting == 0 {
                continue;
            }
            let code = f.port.as_deref().unwrap_or_default();
            let actual = forecast::cleared_at(&db.pool, code, at).await?;
            if matches!(f.clearance, Clearance::NotWithin { .. }) {
                not_within += 1;
            }
            scored.push(score(at, &f.clearance, actual));
        }
    }
    let mut errors: Vec<f64> = scored.iter().map(|s| s.error_min).collect();
    errors.sort_by(f64::total_cmp);
    let within = scored.iter().filter(|s| s.within).count();
    let within_pct = if scored.is_empty() {
        0.0
    } else {
        100.0 * within as f64 / scored.len() as f64
    };
    println!(
        "backend={:?} shipments={} days={days} forecasts={} not_within_24h={not_within} \
         clearance_abs_error_median_min={:.0} clearance_abs_error_p90_min={:.0} \
         within_range_pct={within_pct:.1}",
        db.backend,
        report.shipments,
        scored.len(),
        quantile(&errors, 0.5),
        quantile(&errors, 0.9),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::forecast::Stuck;

    #[test]
    fn forecasts_are_scored_against_the_time_the_backlog_was_done() {
        let at = Utc::now();
        let h = |hours: i64| at + Duration::hours(hours);
        let by = Clearance::By {
            earliest: h(1),
            expected: h(2),
            latest: h(3),
        };
        let s = score(at, &by, Some(h(2) + Duration::minutes(30)));
        assert_eq!((s.error_min, s.within), (30.0, true));
        let s = score(at, &by, Some(h(5)));
        assert_eq!((s.error_min, s.within), (180.0, false));
        // Not done by the end of the day: the error runs to the horizon.
        let s = score(at, &by, None);
        assert_eq!((s.error_min, s.within), (22.0 * 60.0, false));
        let stuck = Clearance::NotWithin {
            why: Stuck::TooMuchWork,
        };
        let s = score(at, &stuck, Some(h(30)));
        assert_eq!((s.error_min, s.within), (0.0, true));
        let s = score(at, &stuck, Some(h(4)));
        assert_eq!((s.error_min, s.within), (20.0 * 60.0, false));
    }
}
