//! `border-ops bench trends`: the trends of the whole country over 30 days, timed. It seeds a
//! demo country of the size asked for (its 14 days of history) on a fresh database, then reads
//! the country's 30-day trends `iterations` times, every series at once as `/trends` and
//! `GET /api/v1/trends?period=30d` do, and prints p50 and p99 in one `key=value` line. The
//! seeded history keeps only each crossing's last waits, so the bench first records a
//! measurement every [`WAITS_EVERY_MIN`] minutes over its 14 days at every land crossing,
//! through the same write as the feed's, for the border waits to read what a running board's
//! journal holds.

use super::figures;
use app::db::Db;
use app::trends::{Period, Scope, TrendsFilter, db as trends};
use chrono::{DateTime, Duration, Utc};
use std::time::Instant;

pub struct TrendsBench {
    pub shipments: usize,
    pub iterations: usize,
    pub seed: u64,
}

pub async fn run(db: &Db, bench: &TrendsBench) -> anyhow::Result<()> {
    super::require_empty(db).await?;
    eprintln!("seeding {} shipments…", bench.shipments);
    let started = Instant::now();
    let report = super::seed_country(db, bench.seed, bench.shipments).await?;
    let seed_s = started.elapsed().as_secs_f64();
    eprintln!("seeded in {seed_s:.1} s: {report}");
    let started = Instant::now();
    let waits = record_wait_history(db, Utc::now()).await?;
    eprintln!(
        "recorded {waits} wait measurements in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if db.backend == app::db::Backend::Postgres {
        sqlx::query("analyze").execute(&db.pool).await?;
    } else {
        sqlx::query("pragma optimize").execute(&db.pool).await?;
    }
    let filter = TrendsFilter {
        period: Period::Month,
        scope: Scope::Country,
    };
    let mut samples = Vec::with_capacity(bench.iterations);
    let mut last = None;
    for _ in 0..bench.iterations {
        let started = Instant::now();
        let read = trends::trends(&db.pool, &filter, Utc::now())
            .await
            .map_err(|e| anyhow::anyhow!("the trends query failed: {e:?}"))?;
        samples.push(started.elapsed());
        last = Some(read);
    }
    let read = last.ok_or_else(|| anyhow::anyhow!("no iteration ran"))?;
    let placed: i64 = read.holds.iter().map(|d| d.placed).sum();
    let released: i64 = read.release_times.iter().map(|d| d.released).sum();
    let measured: i64 = read.border_waits.iter().map(|d| d.measurements).sum();
    let f = figures("trends_country_30d", samples);
    println!(
        "backend={:?} shipments={} holds={} days={} holds_placed={placed} holds_released={released} \
         waits_measured={measured} iterations={} p50_ms={:.2} p99_ms={:.2} max_ms={:.2}",
        db.backend,
        report.shipments,
        report.holds,
        read.holds.len(),
        bench.iterations,
        f.p50,
        f.p99,
        f.max,
    );
    Ok(())
}

/// Minutes between two measurements of a crossing's waits in the history the bench records.
const WAITS_EVERY_MIN: i64 = 20;

/// Records both flows' waits at every land crossing every [`WAITS_EVERY_MIN`] minutes over
/// the 14 days before `now`, oldest first, signed `bench:waits`; the number of measurements.
async fn record_wait_history(db: &Db, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let crossings: Vec<String> =
        sqlx::query_scalar("select code from ports where kind = 'land' order by code")
            .fetch_all(&db.pool)
            .await?;
    let steps = 14 * 24 * 60 / WAITS_EVERY_MIN;
    let mut recorded = 0;
    for step in 0..steps {
        let at = now - Duration::minutes(WAITS_EVERY_MIN * (steps - step));
        for (i, code) in crossings.iter().enumerate() {
            // Waits that go round the standards: commercial 0 to 89 minutes, travellers 0 to 24.
            let turn = step + i as i64 * 7;
            let (commercial, traveller) = ((turn * 37) % 90, (turn * 13) % 25);
            app::ports::waits::record_waits(
                &db.pool,
                "bench:waits",
                code,
                Some(commercial),
                Some(traveller),
                None,
                at,
            )
            .await
            .map_err(|e| anyhow::anyhow!("recording the waits of {code} failed: {e:?}"))?;
            recorded += 1;
        }
    }
    Ok(recorded)
}
