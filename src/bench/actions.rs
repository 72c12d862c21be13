//! `border-ops bench actions`: officers claiming, starting and completing inspections at once
//! on a fresh database, through the same engine as the screens; prints latency per action and
//! a `key=value` summary line, and checks that every action left one journal entry.

use super::figures;
use app::db::Db;
use chrono::Utc;
use std::time::{Duration, Instant};

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
pub async fn run(db: &Db, bench: &ActionsBench) -> anyhow::Result<()> {
    use app::accounts::db as accounts;
    use app::auth::server::Caller;
    use app::domain::{Outcome, PortScope, Role};
    use app::inspections::{InspectionCommand, act as engine};
    use sqlx::Row;

    super::require_empty(db).await?;
    super::seed_country(db, bench.seed, 2_000).await?;
    let pool = &db.pool;
    let now = Utc::now();
    // The port with the most active holds: the country is seeded at this hour, and which
    // ports are busy depends on it (at night in the east, YYZ may hold nothing).
    let busiest: Option<String> = sqlx::query(
        "select port_code, count(*) as n from holds where status in ('placed', 'examination') \
         group by port_code order by n desc, port_code limit 1",
    )
    .fetch_optional(pool)
    .await?
    .map(|row| row.try_get("port_code"))
    .transpose()?;
    let port = busiest.unwrap_or_else(|| "YYZ".to_string());
    let port = port.as_str();

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
            token: None,
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
