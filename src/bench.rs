//! `border-ops bench board`: fills a fresh database with a demo country of the size asked
//! for, then times every query behind the board pages and prints latency figures, ending
//! with one `key=value` summary line. It measures whether the indexes keep the board fast
//! as shipments pile up; run it on a release build for figures worth comparing.

use app::db::Db;
use app::holds::{HoldFilter, HoldSort, StatusFilter};
use app::inspections::InspectionFilter;
use chrono::Utc;
use std::time::{Duration, Instant};

use crate::seed::{self, SeedOptions};

pub struct BoardBench {
    pub shipments: usize,
    pub iterations: usize,
    pub seed: u64,
}

/// Latency figures of one query, in milliseconds.
struct Figures {
    name: &'static str,
    p50: f64,
    p99: f64,
    max: f64,
}

fn figures(name: &'static str, mut samples: Vec<Duration>) -> Figures {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| {
        let rank = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
        ms(samples[rank - 1])
    };
    Figures {
        name,
        p50: at(0.50),
        p99: at(0.99),
        max: ms(*samples.last().expect("at least one sample")),
    }
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
    anyhow::ensure!(
        seed::is_empty(db).await?,
        "the benchmark needs an empty database: it seeds its own country"
    );
    let mut options = SeedOptions::new(bench.seed, Utc::now());
    options.shipments = bench.shipments;
    eprintln!("seeding {} shipments…", bench.shipments);
    let started = Instant::now();
    let report = seed::demo(db, &options).await?;
    let seed_s = started.elapsed().as_secs_f64();
    eprintln!("seeded in {seed_s:.1} s: {report}");
    if db.backend == app::db::Backend::Postgres {
        sqlx::query("analyze").execute(&db.pool).await?;
    } else {
        sqlx::query("pragma optimize").execute(&db.pool).await?;
    }

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
        "backend={:?} shipments={} holds={} journal={} seed_s={seed_s:.1} iterations={n} {} worst_p99_ms={worst:.2}",
        db.backend,
        report.shipments,
        report.holds,
        report.journal_entries,
        summary.join(" ")
    );
    Ok(())
}

/// `border-ops bench actions`: officers working the queue at once.
pub struct ActionsBench {
    /// Concurrent officers, each with their own account.
    pub tasks: usize,
    /// Claim → start → complete cycles per officer.
    pub cycles: usize,
    pub seed: u64,
}

/// Seeds a small country, opens `tasks × cycles` inspections at one port, then lets `tasks`
/// officers claim, start and complete them concurrently through the action engine (each
/// action one transaction with its journal entry). Prints latency per action and a summary
/// line: `actions_per_s=… p50_ms=… p99_ms=… errors=…`.
pub async fn actions(db: &Db, bench: &ActionsBench) -> anyhow::Result<()> {
    use app::accounts::db as accounts;
    use app::auth::server::Caller;
    use app::domain::{Outcome, PortScope, Role};
    use app::inspections::{InspectionCommand, act as engine};
    use sqlx::Row;

    anyhow::ensure!(
        seed::is_empty(db).await?,
        "the benchmark needs an empty database: it seeds its own country"
    );
    let port = "YYZ";
    let mut options = SeedOptions::new(bench.seed, Utc::now());
    options.shipments = 2_000;
    seed::demo(db, &options).await?;
    let pool = &db.pool;
    let now = Utc::now();

    // The work: inspections queued on the port's active holds (already under examination,
    // so that starting one does not also move its hold).
    let holds: Vec<i64> = sqlx::query(
        "select id from holds where port_code = $1 and status in ('placed', 'examination') order by id",
    )
    .bind(port)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| r.try_get("id"))
    .collect::<Result<_, _>>()?;
    anyhow::ensure!(
        !holds.is_empty(),
        "the seeded country has no active hold at {port}"
    );
    sqlx::query(
        "update holds set status = 'examination' where port_code = $1 and status = 'placed'",
    )
    .bind(port)
    .execute(pool)
    .await?;
    let total = bench.tasks * bench.cycles;
    let mut work = Vec::with_capacity(total);
    let mut tx = pool.begin().await?;
    for n in 0..total {
        let id: i64 = sqlx::query(
            "insert into inspections (hold_id, port_code, kind, priority_rank, status, created_at, due_at) \
             values ($1, $2, 'document_review', 3, 'queued', $3, $4) returning id",
        )
        .bind(holds[n % holds.len()])
        .bind(port)
        .bind(app::domain::clock::to_millis(now))
        .bind(app::domain::clock::to_millis(now + chrono::Duration::hours(4)))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        work.push(id);
    }
    tx.commit().await?;

    let mut callers = Vec::with_capacity(bench.tasks);
    for n in 0..bench.tasks {
        let username = format!("bench.officer{n:03}");
        let account = accounts::create(
            pool,
            accounts::NewAccount {
                username: &username,
                display_name: &username,
                badge: Some(&format!("B{n:04}")),
                role: Role::Officer,
                ports: PortScope::Only(vec![port.into()]),
                password: &accounts::generate_password(),
                demo: false,
            },
            "bench",
            now,
        )
        .await?;
        callers.push(Caller {
            account,
            address: "bench".into(),
            session: None,
        });
    }
    eprintln!(
        "{} officers × {} cycles (claim, start, complete) on {} ({:?})…",
        bench.tasks, bench.cycles, port, db.backend
    );

    let started = Instant::now();
    let mut tasks = vec![];
    for (n, caller) in callers.into_iter().enumerate() {
        let pool = pool.clone();
        let mine: Vec<i64> = work.iter().copied().skip(n).step_by(bench.tasks).collect();
        tasks.push(tokio::spawn(async move {
            let mut samples: [Vec<Duration>; 3] = Default::default();
            let mut errors = 0usize;
            for id in mine {
                let steps = [
                    InspectionCommand::Claim,
                    InspectionCommand::Start,
                    InspectionCommand::Complete {
                        outcome: Outcome::NoFinding,
                        notes: String::new(),
                        follow_up: None,
                    },
                ];
                for (k, command) in steps.into_iter().enumerate() {
                    let t = Instant::now();
                    match engine::inspection_action(&pool, &caller, id, command, None, Utc::now())
                        .await
                    {
                        Ok(_) => samples[k].push(t.elapsed()),
                        Err(e) => {
                            errors += 1;
                            if errors <= 3 {
                                eprintln!("action failed: {e}");
                            }
                            break;
                        }
                    }
                }
            }
            (samples, errors)
        }));
    }
    let mut all: [Vec<Duration>; 3] = Default::default();
    let mut errors = 0;
    for task in tasks {
        let (samples, e) = task.await?;
        for (k, s) in samples.into_iter().enumerate() {
            all[k].extend(s);
        }
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let done: usize = all.iter().map(Vec::len).sum();
    let journaled: i64 =
        sqlx::query("select count(*) as n from journal where actor like 'bench.officer%'")
            .fetch_one(pool)
            .await?
            .try_get("n")?;
    println!(
        "{:<10} {:>9} {:>9} {:>9}",
        "action", "p50 ms", "p99 ms", "max ms"
    );
    for (name, samples) in ["claim", "start", "complete"].into_iter().zip(all.iter()) {
        if samples.is_empty() {
            continue;
        }
        let f = figures(name, samples.clone());
        println!(
            "{:<10} {:>9.2} {:>9.2} {:>9.2}",
            f.name, f.p50, f.p99, f.max
        );
    }
    let overall = figures("all", all.concat());
    println!(
        "backend={:?} tasks={} actions={done} journaled={journaled} seconds={elapsed:.2} \
         actions_per_s={:.0} p50_ms={:.2} p99_ms={:.2} errors={errors}",
        db.backend,
        bench.tasks,
        done as f64 / elapsed,
        overall.p50,
        overall.p99,
    );
    anyhow::ensure!(
        journaled as usize == done,
        "every action must leave one journal entry ({done} actions, {journaled} entries)"
    );
    Ok(())
}
