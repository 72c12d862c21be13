//! `border-ops bench …`: the product measured on this machine, each benchmark on a fresh
//! database (a temporary SQLite file, or the empty database `DATABASE_URL` names), printing its
//! figures and one `key=value` summary line. `board` times the board's queries, `actions`
//! officers working the queue at once, `live` the live stream under load, `ingest` declarations
//! scored and stored per second, `forecast` the backlog forecast's error against what happened,
//! `trends` the country's 30-day trends read.

use crate::seed::{self, SeedOptions, SeedReport};
use app::db::Db;
use chrono::Utc;
use std::time::Duration;

pub mod actions;
pub mod board;
pub mod forecast;
pub mod ingest;
pub mod live;
pub mod replay;
pub mod trends;

#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// Time the board's queries over a demo country of the given size, on a fresh database:
    /// a temporary SQLite file, or the empty database DATABASE_URL names.
    Board {
        #[arg(long, default_value_t = 200_000)]
        shipments: usize,
        /// Time the database DATABASE_URL names as it stands (a copy of a working one, or
        /// one `seed` filled) instead of seeding a country; `--shipments` and `--seed` are
        /// then unused.
        #[arg(long)]
        existing: bool,
        #[arg(long, default_value_t = 200)]
        iterations: usize,
        #[arg(long, default_value_t = crate::seed::DEFAULT_SEED)]
        seed: u64,
    },
    /// The board rebuilt at random moments of the last 14 days (the overview, a port, the
    /// active holds) over a demo country of the given size, on a fresh database.
    Replay {
        #[arg(long, default_value_t = 200_000)]
        shipments: usize,
        /// Time the database DATABASE_URL names as it stands (a copy of a working one, or
        /// one `seed` filled) instead of seeding a country; `--shipments` and `--seed` are
        /// then unused.
        #[arg(long)]
        existing: bool,
        #[arg(long, default_value_t = 100)]
        iterations: usize,
        #[arg(long, default_value_t = crate::seed::DEFAULT_SEED)]
        seed: u64,
    },
    /// Officers claiming, starting and completing inspections concurrently, on a fresh
    /// database: actions per second and latency.
    Actions {
        #[arg(long, default_value_t = 16)]
        tasks: usize,
        #[arg(long, default_value_t = 200)]
        cycles: usize,
        #[arg(long, default_value_t = crate::seed::DEFAULT_SEED)]
        seed: u64,
    },
    /// The live stream under load: a server process of its own, `clients` subscribers,
    /// `rate` changes per second for `seconds`; latency to the slowest subscriber, events
    /// lost or duplicated, and server memory per subscriber.
    Live {
        #[arg(long, default_value_t = 1_000)]
        clients: usize,
        #[arg(long, default_value_t = 100)]
        rate: u32,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long, default_value_t = crate::seed::DEFAULT_SEED)]
        seed: u64,
        /// Subscribe and write through this address (a proxy in front of instances already
        /// serving the database `DATABASE_URL` names, each with `LIVE_STREAMS_PER_ACCOUNT` above
        /// `clients`) instead of a server of the benchmark's own; memory and shutdown are then
        /// not measured.
        #[arg(long, value_name = "HOST:PORT")]
        through: Option<std::net::SocketAddr>,
    },
    /// Declarations scored and stored per second, as JSON batches and as a CSV manifest, on
    /// a fresh database.
    Ingest {
        /// Declarations in each run (JSON, then CSV).
        #[arg(long, default_value_t = 50_000)]
        declarations: usize,
        /// Declarations per JSON request.
        #[arg(long, default_value_t = 5_000)]
        batch: usize,
        #[arg(long, default_value_t = crate::seed::DEFAULT_SEED)]
        seed: u64,
        /// Run the CSV manifest first, on the fresh database, then the JSON batches.
        #[arg(long)]
        csv_first: bool,
        /// Only write the benchmark's CSV manifest (`declarations` rows) to this file, for
        /// `border-ops import`, and measure nothing.
        #[arg(long)]
        write_csv: Option<std::path::PathBuf>,
    },
    /// The backlog forecast's accuracy: the demo country's history seeded on a fresh
    /// database, each port's clearance forecast at each hour of the last days from what was
    /// known then, and compared with when that backlog was in fact done.
    Forecast {
        /// The days of hours forecast (ending a day before the history does).
        #[arg(long, default_value_t = 3)]
        days: i64,
        #[arg(long, default_value_t = crate::seed::DEFAULT_SEED)]
        seed: u64,
        /// The shipments of the seeded history.
        #[arg(long, default_value_t = crate::seed::DEFAULT_SHIPMENTS)]
        shipments: usize,
    },
    /// The whole country's trends over 30 days, every series, timed on a fresh database with
    /// a demo country of the given size (its 14 days of history).
    Trends {
        #[arg(long, default_value_t = crate::seed::DEFAULT_SHIPMENTS)]
        shipments: usize,
        #[arg(long, default_value_t = 50)]
        iterations: usize,
        #[arg(long, default_value_t = crate::seed::DEFAULT_SEED)]
        seed: u64,
    },
}

impl BenchCommand {
    /// The connections the benchmark's pool needs: what it does at once. `None` when it needs
    /// no database (writing a manifest).
    pub fn connections(&self) -> Option<u32> {
        match self {
            BenchCommand::Ingest {
                write_csv: Some(_), ..
            } => None,
            // Each officer acts with a connection of its own; the rest read and seed.
            BenchCommand::Actions { tasks, .. } => Some((*tasks).clamp(1, 256) as u32 + 4),
            // A port's page and the board at a past instant read on several connections at
            // once, as they do on the server's pool.
            BenchCommand::Board { .. } | BenchCommand::Replay { .. } => Some(8),
            BenchCommand::Live { .. }
            | BenchCommand::Ingest { .. }
            | BenchCommand::Forecast { .. }
            | BenchCommand::Trends { .. } => Some(4),
        }
    }

    /// Runs the benchmark over `db`, a migrated, empty database (none when
    /// [`connections`](Self::connections) says it needs none).
    pub async fn run(self, db: Option<&Db>) -> anyhow::Result<()> {
        if let BenchCommand::Ingest {
            declarations,
            seed,
            write_csv: Some(file),
            ..
        } = &self
        {
            return ingest::write_manifest(file, (*declarations).max(1), *seed);
        }
        let db = db.ok_or_else(|| anyhow::anyhow!("the benchmark needs a database"))?;
        match self {
            BenchCommand::Board {
                shipments,
                existing,
                iterations,
                seed,
            } => {
                let bench = board::BoardBench {
                    country: Country::new(existing, seed, shipments),
                    iterations: iterations.max(1),
                };
                board::run(db, &bench).await
            }
            BenchCommand::Replay {
                shipments,
                existing,
                iterations,
                seed,
            } => {
                let bench = replay::ReplayBench {
                    country: Country::new(existing, seed, shipments),
                    iterations: iterations.max(1),
                    seed,
                };
                replay::run(db, &bench).await
            }
            BenchCommand::Actions {
                tasks,
                cycles,
                seed,
            } => {
                let bench = actions::ActionsBench {
                    tasks: tasks.clamp(1, 256),
                    cycles: cycles.max(1),
                    seed,
                };
                actions::run(db, &bench).await
            }
            BenchCommand::Live {
                clients,
                rate,
                seconds,
                seed,
                through,
            } => {
                let bench = live::LiveBench {
                    clients: clients.max(1),
                    rate: rate.max(1),
                    seconds: seconds.max(1),
                    seed,
                    through,
                };
                live::run(db, &bench).await
            }
            BenchCommand::Ingest {
                declarations,
                batch,
                seed,
                csv_first,
                ..
            } => {
                let bench = ingest::IngestBench {
                    declarations: declarations.max(1),
                    batch: batch.clamp(1, 20_000),
                    seed,
                    csv_first,
                };
                ingest::run(db, &bench).await
            }
            BenchCommand::Forecast {
                days,
                seed,
                shipments,
            } => {
                let bench = forecast::ForecastBench {
                    days,
                    seed,
                    shipments: shipments.max(1),
                };
                forecast::run(db, &bench).await
            }
            BenchCommand::Trends {
                shipments,
                iterations,
                seed,
            } => {
                let bench = trends::TrendsBench {
                    shipments: shipments.max(1),
                    iterations: iterations.max(1),
                    seed,
                };
                trends::run(db, &bench).await
            }
        }
    }
}

/// A benchmark measures a country of its own, never a mixture: it refuses a database that
/// holds one already.
async fn require_empty(db: &Db) -> anyhow::Result<()> {
    anyhow::ensure!(
        seed::is_empty(db).await?,
        "the benchmark needs an empty database: it seeds its own country"
    );
    Ok(())
}

/// The country a benchmark times: one it seeds on its empty database, or the one the
/// database already holds (`--existing`).
#[derive(Debug, Clone, Copy)]
pub enum Country {
    Seeded { seed: u64, shipments: usize },
    Existing,
}

impl Country {
    fn new(existing: bool, seed: u64, shipments: usize) -> Self {
        if existing {
            Country::Existing
        } else {
            Country::Seeded { seed, shipments }
        }
    }

    /// Seeds the country (or checks there is one), then brings the planner's statistics up
    /// to date; what the database holds, and the seconds seeding took (none for an existing
    /// one).
    async fn prepare(self, db: &Db) -> anyhow::Result<(SeedReport, Option<f64>)> {
        let (report, seed_s) = match self {
            Country::Seeded { seed, shipments } => {
                require_empty(db).await?;
                eprintln!("seeding {shipments} shipments…");
                let started = std::time::Instant::now();
                let report = seed_country(db, seed, shipments).await?;
                let seed_s = started.elapsed().as_secs_f64();
                eprintln!("seeded in {seed_s:.1} s: {report}");
                (report, Some(seed_s))
            }
            Country::Existing => {
                anyhow::ensure!(
                    !seed::is_empty(db).await?,
                    "--existing times the database DATABASE_URL names, and it holds no ports"
                );
                let report = counts(db).await?;
                eprintln!("timing the database as it stands: {report}");
                (report, None)
            }
        };
        if db.backend == app::db::Backend::Postgres {
            sqlx::query("analyze").execute(&db.pool).await?;
        } else {
            sqlx::query("pragma optimize").execute(&db.pool).await?;
        }
        Ok((report, seed_s))
    }
}

/// What a database holds, counted.
async fn counts(db: &Db) -> anyhow::Result<SeedReport> {
    let count = |sql: String| async move {
        let n: i64 = sqlx::query_scalar(&sql).fetch_one(&db.pool).await?;
        Ok::<usize, anyhow::Error>(n as usize)
    };
    let of = |table: &str| format!("select count(*) from {table}");
    Ok(SeedReport {
        ports: count(of("ports")).await?,
        officers: count(of("officers")).await?,
        shipments: count(of("shipments")).await?,
        holds: count(of("holds")).await?,
        active_holds: count(format!(
            "{} where {}",
            of("holds"),
            app::holds::db::active("status")
        ))
        .await?,
        inspections: count(of("inspections")).await?,
        open_inspections: count(format!(
            "{} where {}",
            of("inspections"),
            app::inspections::db::open("status")
        ))
        .await?,
        journal_entries: count(of("journal")).await?,
    })
}

/// The `seed_s=` figure of a summary line: the seconds seeding took, or `existing`.
fn seed_figure(seed_s: Option<f64>) -> String {
    seed_s.map_or_else(|| "existing".to_string(), |s| format!("{s:.1}"))
}

/// Seeds the benchmark's demo country, of `shipments` over the days up to now.
async fn seed_country(db: &Db, seed: u64, shipments: usize) -> anyhow::Result<SeedReport> {
    let mut options = SeedOptions::new(seed, Utc::now());
    options.shipments = shipments;
    seed::demo(db, &options).await
}

/// A folder for a benchmark's temporary SQLite database, removed when the benchmark ends.
pub struct Scratch(std::path::PathBuf);

impl Scratch {
    pub fn new() -> Self {
        Self(std::env::temp_dir().join(format!("border-ops-bench-{}", std::process::id())))
    }

    /// The URL of the database in it.
    pub fn database_url(&self) -> String {
        format!("sqlite://{}/bench.db", self.0.display())
    }
}

impl Default for Scratch {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Latency figures of one query or action, in milliseconds.
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
