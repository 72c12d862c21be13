//! `border-ops bench trends`: the trends of the whole country over 30 days, timed. It seeds a
//! demo country of the size asked for (its 14 days of history) on a fresh database, then reads
//! the country's 30-day trends `iterations` times, every series at once as `/trends` and
//! `GET /api/v1/trends?period=30d` do, and prints p50 and p99 in one `key=value` line.

use super::figures;
use app::db::Db;
use app::trends::{Period, Scope, TrendsFilter, db as trends};
use chrono::Utc;
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
    let f = figures("trends_country_30d", samples);
    println!(
        "backend={:?} shipments={} holds={} days={} holds_placed={placed} holds_released={released} \
         iterations={} p50_ms={:.2} p99_ms={:.2} max_ms={:.2}",
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
