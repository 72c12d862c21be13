//! `border-ops bench board`: fills a fresh database with a demo country of the size asked
//! for, then times every query behind the board pages and prints latency figures, ending
//! with one `key=value` summary line. It measures whether the indexes keep the board fast
//! as shipments pile up; run it on a release build for figures worth comparing.

use app::db::Db;
use app::holds::{HoldFilter, HoldSort, StatusFilter};
use app::inspections::InspectionFilter;
use chrono::Utc;
use std::time::{Duration, Instant};

use super::figures;

pub struct BoardBench {
    pub country: super::Country,
    pub iterations: usize,
}

async fn time<F, Fut, T, E>(iterations: usize, mut run: F) -> anyhow::Result<Vec<Duration>>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
    E: std::fmt::Debug,
{
    let mut samples = Vec::with_capacity(iterations);
    for i in 0..iterations {
        let started = Instant::now();
        run(i)
            .await
            .map_err(|e| anyhow::anyhow!("query failed: {e:?}"))?;
        samples.push(started.elapsed());
    }
    Ok(samples)
}

pub async fn run(db: &Db, bench: &BoardBench) -> anyhow::Result<()> {
    let (report, seed_s) = bench.country.prepare(db).await?;
    let pool = &db.pool;
    let n = bench.iterations;
    let ports = ["YYZ", "YVR", "AMB", "PVN", "YUL", "LAC"];
    let max_shipment = report.shipments as i64;
    let mut results = vec![];

    results.push(figures(
        "overview",
        time(n, |_| app::ports::db::overview(pool, Utc::now())).await?,
    ));
    results.push(figures(
        "port_detail",
        time(n, |i| {
            app::ports::db::detail(pool, ports[i % ports.len()], Utc::now())
        })
        .await?,
    ));
    let active = HoldFilter::default();
    results.push(figures(
        "holds_active",
        time(n, |_| app::holds::db::list(pool, &active, Utc::now())).await?,
    ));
    let filtered: Vec<HoldFilter> = (0..n)
        .map(|i| HoldFilter {
            port: Some(ports[i % ports.len()].to_string()),
            status: StatusFilter::All,
            sort: HoldSort::Due,
            page: 1 + (i as i64 % 3),
            ..Default::default()
        })
        .collect();
    results.push(figures(
        "holds_all_by_port",
        time(n, |i| app::holds::db::list(pool, &filtered[i], Utc::now())).await?,
    ));
    let queues: Vec<InspectionFilter> = (0..n)
        .map(|i| InspectionFilter {
            port: (i % 2 == 0).then(|| ports[i % ports.len()].to_string()),
            ..Default::default()
        })
        .collect();
    results.push(figures(
        "inspection_queue",
        time(n, |i| {
            app::inspections::db::list(pool, &queues[i], Utc::now())
        })
        .await?,
    ));
    results.push(figures(
        "shipment_detail",
        time(n, |i| {
            let id = 1 + (i as i64 * 7919) % max_shipment.max(1);
            app::shipments::db::detail(pool, id)
        })
        .await?,
    ));

    println!(
        "{:<20} {:>10} {:>10} {:>10}",
        "query", "p50 ms", "p99 ms", "max ms"
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
        .map(|f| format!("{}_p99_ms={:.2}", f.name, f.p99))
        .collect();
    println!(
        "backend={:?} shipments={} holds={} journal={} seed_s={} iterations={n} {} worst_p99_ms={worst:.2}",
        db.backend,
        report.shipments,
        report.holds,
        report.journal_entries,
        super::seed_figure(seed_s),
        summary.join(" ")
    );
    Ok(())
}
