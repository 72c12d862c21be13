//! `border-ops bench replay`: fills a fresh database as `bench board` does and makes the
//! board's hourly checkpoints a running server would have made (their time is reported), then
//! times the board rebuilt at random moments of the last 14 days (`app::replay`): the
//! overview, a port and the active holds list, each at its own moment. Ends with one
//! `key=value` line.

use app::db::Db;
use app::holds::HoldFilter;
use chrono::{Duration as Span, Utc};
use rand::{Rng, SeedableRng};
use std::time::Instant;

use super::figures;

pub struct ReplayBench {
    pub country: super::Country,
    pub iterations: usize,
    pub seed: u64,
}

/// How far back the moments are drawn.
const DAYS: i64 = 14;

pub async fn run(db: &Db, bench: &ReplayBench) -> anyhow::Result<()> {
    let (report, seed_s) = bench.country.prepare(db).await?;
    let pool = &db.pool;
    // The checkpoints a running server makes each hour, made for the days that lack them.
    eprintln!("checkpointing the board for replays…");
    let started = Instant::now();
    let checkpoints = app::replay::checkpoint::fill(pool, Utc::now()).await?;
    let checkpoint_s = started.elapsed().as_secs_f64();
    let first = app::replay::db::first_instant(pool)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the seeded journal is empty"))?;
    let now = Utc::now();
    let from = first.max(now - Span::days(DAYS));
    let span_ms = (now - from).num_milliseconds().max(1);
    let mut rng = rand::rngs::StdRng::seed_from_u64(bench.seed);
    let ports = ["YYZ", "YVR", "AMB", "PVN", "YUL", "LAC"];
    let n = bench.iterations;
    let active = HoldFilter::default();
    let (mut overview, mut port, mut holds) = (vec![], vec![], vec![]);
    for i in 0..n {
        let mut moment = || from + Span::milliseconds(rng.gen_range(0..span_ms));
        let at = moment();
        let t = Instant::now();
        app::replay::db::overview(pool, at).await?;
        overview.push(t.elapsed());
        let at = moment();
        let t = Instant::now();
        app::replay::db::port(pool, ports[i % ports.len()], at).await?;
        port.push(t.elapsed());
        let at = moment();
        let t = Instant::now();
        app::replay::db::hold_list(pool, &active, at).await?;
        holds.push(t.elapsed());
    }
    let results = [
        figures("overview_at", overview),
        figures("port_at", port),
        figures("holds_at", holds),
    ];
    println!(
        "{:<20} {:>10} {:>10} {:>10}",
        "replay", "p50 ms", "p99 ms", "max ms"
    );
    for f in &results {
        println!(
            "{:<20} {:>10.2} {:>10.2} {:>10.2}",
            f.name, f.p50, f.p99, f.max
        );
    }
    let worst = results.iter().map(|f| f.p99).fold(0.0_f64, f64::max);
    let summary: Vec<String> = results
        .iter()
        .map(|f| {
            format!(
                "{}_p50_ms={:.2} {}_p99_ms={:.2}",
                f.name, f.p50, f.name, f.p99
            )
        })
        .collect();
    println!(
        "backend={:?} shipments={} holds={} journal={} seed_s={} checkpoints_made={checkpoints} checkpoint_s={checkpoint_s:.1} days={DAYS} iterations={n} {} worst_p99_ms={worst:.2}",
        db.backend,
        report.shipments,
        report.holds,
        report.journal_entries,
        super::seed_figure(seed_s),
        summary.join(" ")
    );
    Ok(())
}
