//! The command line: `serve` (the default), `migrate`, and `seed --demo`.

use crate::config::Config;
use crate::seed::{self, SeedOptions};
use crate::startup::{Application, shutdown_signal};
use app::db::Db;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "border-ops", version, about = "Border operations centre")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the board (the default).
    Serve {
        /// Demo mode: fill an empty database with the demo country first.
        #[arg(long)]
        demo: bool,
        /// Seed of the demo country.
        #[arg(long, default_value_t = seed::DEFAULT_SEED)]
        seed: u64,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Fill the database with a demo country (deterministic for a given --seed and --at).
    Seed {
        /// Required: the only kind of seed there is, named so it is never run by accident.
        #[arg(long)]
        demo: bool,
        #[arg(long, default_value_t = seed::DEFAULT_SEED)]
        seed: u64,
        /// Number of shipments over the 14 days.
        #[arg(long, default_value_t = seed::DEFAULT_SHIPMENTS)]
        shipments: usize,
        /// The instant the history ends at (RFC 3339); default: now, to the minute.
        #[arg(long)]
        at: Option<DateTime<Utc>>,
    },
    /// Measure the product on this machine; prints figures and a key=value summary line.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time the board's queries over a demo country of the given size, on a fresh database:
    /// a temporary SQLite file, or the empty database DATABASE_URL names.
    Board {
        #[arg(long, default_value_t = 200_000)]
        shipments: usize,
        #[arg(long, default_value_t = 200)]
        iterations: usize,
        #[arg(long, default_value_t = seed::DEFAULT_SEED)]
        seed: u64,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve {
        demo: false,
        seed: seed::DEFAULT_SEED,
    }) {
        Command::Serve { demo, seed } => {
            let db = Db::connect(&config.database_url, config.max_connections).await?;
            db.migrate().await?;
            if demo && seed::is_empty(&db).await? {
                tracing::info!("empty database: filling it with the demo country");
                let report = seed::demo(&db, &SeedOptions::new(seed, Utc::now())).await?;
                tracing::info!(%report, "demo country ready");
            }
            let listener = tokio::net::TcpListener::bind(config.leptos.site_addr).await?;
            let app = Application::with_db(config, db, listener);
            println!("border-ops listening on http://{}", app.local_addr()?);
            app.run_until_stopped(shutdown_signal()).await?;
        }
        Command::Migrate => {
            let db = Db::connect(&config.database_url, 2).await?;
            db.migrate().await?;
            println!("migrations applied to {}", redact(&config.database_url));
        }
        Command::Seed {
            demo,
            seed,
            shipments,
            at,
        } => {
            anyhow::ensure!(
                demo,
                "say --demo: the demo country is the only seed there is"
            );
            let db = Db::connect(&config.database_url, 2).await?;
            db.migrate().await?;
            anyhow::ensure!(
                seed::is_empty(&db).await?,
                "the database already holds ports; seed a fresh database"
            );
            let mut options = SeedOptions::new(seed, at.unwrap_or_else(Utc::now));
            options.shipments = shipments;
            let report = seed::demo(&db, &options).await?;
            println!("{report}");
        }
        Command::Bench {
            what:
                BenchCommand::Board {
                    shipments,
                    iterations,
                    seed,
                },
        } => {
            let scratch =
                std::env::temp_dir().join(format!("border-ops-bench-{}", std::process::id()));
            let url = std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| format!("sqlite://{}/bench.db", scratch.display()));
            let db = Db::connect(&url, 4).await?;
            db.migrate().await?;
            let bench = crate::bench::BoardBench {
                shipments,
                iterations: iterations.max(1),
                seed,
            };
            let outcome = crate::bench::run(&db, &bench).await;
            db.pool.close().await;
            let _ = std::fs::remove_dir_all(&scratch);
            outcome?;
        }
    }
    Ok(())
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            super::redact("postgres://ops:s3cret@localhost/boc"),
            "postgres://ops:***@localhost/boc"
        );
        assert_eq!(super::redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
