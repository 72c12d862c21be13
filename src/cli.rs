//! The command line: `serve` (the default), `migrate`, `seed --demo`, `user …`, `token …`,
//! `import`, `waits import` and `bench …`. `run` opens and migrates the database a command needs, in one
//! place, with a pool the size of what the command does at once.

use crate::bench::{BenchCommand, Scratch};
use crate::config::{Config, Settings, SimulationConfig};
use crate::seed::{self, SeedOptions};
use crate::startup::{Application, shutdown_signal};
use app::db::Db;
use app::i18n::td_string;
use app::lang::{current, format};
use chrono::{DateTime, Duration, DurationRound, Utc};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "border-ops", version, about = "Border operations centre")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the board (the default).
    Serve(Serve),
    /// Apply the database migrations and exit.
    Migrate {
        /// PostgreSQL: also give this existing login role the rights `serve` needs and no
        /// more (read and write the tables; the journal only read and added to), so that
        /// `serve` can run as it with MIGRATE_ON_START=false.
        #[arg(long, value_name = "ROLE")]
        serving_role: Option<String>,
    },
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
    /// Manage accounts.
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// Manage bearer tokens for machine clients.
    Token {
        #[command(subcommand)]
        what: TokenCommand,
    },
    /// Import a CSV manifest: every good row is scored and stored, every bad one reported
    /// with its line, field and reason.
    Import {
        /// The manifest: a header row naming the fields, then one declaration per row.
        file: std::path::PathBuf,
    },
    /// Border waits.
    Waits {
        #[command(subcommand)]
        what: WaitsCommand,
    },
    /// Copy the database while it serves, consistently, into a new FILE (SQLite; on
    /// PostgreSQL use pg_dump, as the README shows).
    Backup {
        /// The copy to make: a file that does not exist yet.
        file: std::path::PathBuf,
    },
    /// Restore a backup made by `backup` into the database DATABASE_URL names, which must not
    /// exist yet (SQLite; on PostgreSQL use pg_restore, as the README shows).
    Restore {
        /// The backup to restore.
        file: std::path::PathBuf,
    },
    /// Check the journal's consistency: numbered without gaps, every shipment what its journal
    /// makes of it. Changes nothing; exits with status 1 if the database does not pass.
    Verify,
    /// Measure the product on this machine; prints figures and a key=value summary line.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum WaitsCommand {
    /// Import CBSA's border wait times file (semicolon-separated, at most 1 MB): each row of
    /// one of our ports' offices records its Canada-bound waits there, signed feed:cbsa.
    /// Exits non-zero when a row was refused.
    Import {
        /// The file, as CBSA publishes it.
        file: std::path::PathBuf,
    },
}

/// `border-ops serve`'s flags.
#[derive(Debug, clap::Args)]
pub struct Serve {
    /// Demo mode: fill an empty database with the demo country first.
    #[arg(long)]
    demo: bool,
    /// Seed of the demo country and of its simulation.
    #[arg(long, default_value_t = seed::DEFAULT_SEED)]
    seed: u64,
    /// With --demo: how many times faster than the wall clock the simulation runs.
    #[arg(long, default_value_t = 1.0, value_parser = sim_speed)]
    sim_speed: f64,
    /// With --demo: serve the demo country standing still, without the simulation.
    #[arg(long)]
    no_sim: bool,
}

impl Default for Serve {
    fn default() -> Self {
        Self {
            demo: false,
            seed: seed::DEFAULT_SEED,
            sim_speed: 1.0,
            no_sim: false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. Without --password-stdin a password is generated and printed once.
    Add {
        #[arg(long)]
        username: String,
        /// viewer, officer, supervisor, analyst or admin.
        #[arg(long)]
        role: String,
        /// Ports the account may act on: all, or codes such as YVR,YYZ.
        #[arg(long, default_value = "all")]
        ports: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        badge: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: it can no longer sign in and its tokens stop working.
    Disable { username: String },
    /// Set a new password (generated and printed unless --password-stdin). The account's
    /// sessions end and its tokens are revoked, unless --keep-tokens.
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
        /// Keep the account's bearer tokens working.
        #[arg(long)]
        keep_tokens: bool,
    },
    /// List accounts.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a bearer token; prints the token alone on standard output.
    Issue {
        #[arg(long)]
        username: String,
        /// What the token is for (at most 100 characters).
        #[arg(long, default_value = "api")]
        label: String,
        /// How long it lasts: days (30d), hours (12h) or until an instant (RFC 3339); at
        /// most 366 days.
        /// (Read as given even when it starts with `-`, so that a negative one is refused
        /// with a sentence rather than taken for a flag.)
        #[arg(long, default_value = "90d", allow_hyphen_values = true)]
        expires: String,
    },
    /// List an account's tokens, newest first.
    List {
        #[arg(long)]
        username: String,
    },
    /// Revoke one token (--id, as `token list` shows it) or every token of an account
    /// (--username).
    #[command(group(clap::ArgGroup::new("which").required(true).args(["id", "username"])))]
    Revoke {
        #[arg(long)]
        id: Option<i64>,
        #[arg(long)]
        username: Option<String>,
    },
}

/// A database without an active administrator gets one, named `admin`, with a generated
/// password that is returned (to be printed once): there is no default password to leave
/// unchanged. `None` when an active administrator exists.
pub async fn first_administrator(db: &Db) -> anyhow::Result<Option<String>> {
    use app::accounts::db as accounts;
    use app::domain::{PortScope, Role};
    use sqlx::Row;
    let admins: i64 =
        sqlx::query("select count(*) as n from accounts where role = 'admin' and active = 1")
            .fetch_one(&db.pool)
            .await?
            .try_get("n")?;
    if admins > 0 {
        return Ok(None);
    }
    let password = accounts::generate_password();
    accounts::create(
        &db.pool,
        accounts::NewAccount {
            username: "admin",
            display_name: "Administrator",
            badge: None,
            role: Role::Admin,
            ports: PortScope::All,
            password: &password,
            demo: false,
        },
        "first start",
        Utc::now(),
    )
    .await?;
    Ok(Some(password))
}

impl Command {
    /// The connections the command's pool needs: what it does at once. `None` when it needs
    /// no database.
    fn connections(&self, config: &Config) -> Option<u32> {
        match self {
            Command::Serve(_) => Some(config.max_connections),
            // One thing at a time: the migrations, the seed's one transaction and then its
            // personas one by one, one account or token change, the manifest's chunks in turn.
            Command::Migrate { .. }
            | Command::Seed { .. }
            | Command::User { .. }
            | Command::Token { .. }
            | Command::Import { .. }
            | Command::Waits { .. } => Some(1),
            Command::Bench { what } => what.connections(),
            // They connect by themselves, and migrate nothing.
            Command::Backup { .. } | Command::Restore { .. } | Command::Verify => None,
        }
    }

    /// Whether the command ends quietly when what reads its output stops reading, as other
    /// command-line tools do (`border-ops user list | head -3`). Not the server, whose
    /// connections' writes fail one by one, nor the benchmarks, which stop the servers they
    /// start and remove their scratch database on the way out.
    fn ends_with_its_reader(&self) -> bool {
        !matches!(self, Command::Serve(_) | Command::Bench { .. })
    }
}

/// Lets a write to a pipe whose reader has gone end the process (the signal's default), as for
/// other command-line tools. The Rust runtime ignores the signal, so that write failed instead,
/// and `println!` panicked with a backtrace.
fn end_when_the_reader_goes() {
    // SAFETY: `signal` with the default disposition installs no handler; it only changes what
    // the kernel does on SIGPIPE for this process.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Runs a command: opens and migrates its database (the one place where a command connects),
/// then does what it says.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::new(&cli.settings)?;
    let command = cli.command.unwrap_or(Command::Serve(Serve::default()));
    if command.ends_with_its_reader() {
        end_when_the_reader_goes();
    }
    // A benchmark measures a fresh database: a temporary one unless DATABASE_URL names one.
    let scratch = match (&command, &cli.settings.database_url) {
        (Command::Bench { .. }, None) => Some(Scratch::new()),
        _ => None,
    };
    let url = match &scratch {
        Some(scratch) => scratch.database_url(),
        None => config.database_url.clone(),
    };
    let db = match command.connections(&config) {
        Some(connections) => {
            let db = Db::connect(&url, connections).await?;
            match &command {
                Command::Serve(_) if !config.migrate_on_start => check_migrated(&db).await?,
                Command::Serve(_) => db.migrate().await.map_err(|e| {
                    anyhow::anyhow!(
                        "{}",
                        td_string!(current(), cli.migrations_failed, error = e)
                    )
                })?,
                _ => db.migrate().await?,
            }
            Some(db)
        }
        None => None,
    };
    let outcome = match (command, &db) {
        (Command::Bench { what }, db) => what.run(db.as_ref()).await,
        (Command::Backup { file }, _) => crate::maintenance::backup(&url, &file).await,
        (Command::Restore { file }, _) => crate::maintenance::restore(&url, &file).await,
        (Command::Verify, _) => {
            let db = Db::connect(&url, 2).await?;
            check_migrated(&db).await?;
            let verified = crate::maintenance::verify(&db).await;
            db.pool.close().await;
            verified
        }
        (Command::Serve(flags), Some(db)) => serve(config, db.clone(), flags).await,
        (Command::Migrate { serving_role }, Some(db)) => {
            println!(
                "{}",
                td_string!(current(), cli.migrations_applied, url = redact(&url))
            );
            if let Some(role) = serving_role {
                db.grant_serving_role(&role).await?;
                println!(
                    "{}",
                    td_string!(current(), cli.serving_role_granted, role = &role)
                );
            }
            Ok(())
        }
        (
            Command::Seed {
                demo,
                seed,
                shipments,
                at,
            },
            Some(db),
        ) => seed_demo(db, demo, seed, shipments, at).await,
        (Command::User { what }, Some(db)) => user(db, what).await,
        (Command::Token { what }, Some(db)) => token(db, what).await,
        (Command::Import { file }, Some(db)) => import(db, &file).await,
        (Command::Waits { what }, Some(db)) => waits(db, what).await,
        (_, None) => unreachable!("every command connected here has a database"),
    };
    if let Some(db) = db {
        db.pool.close().await;
    }
    outcome
}

/// Refuses to serve a database that lacks a migration of this version (`MIGRATE_ON_START=false`).
async fn check_migrated(db: &Db) -> anyhow::Result<()> {
    let pending = db.pending_migrations().await?;
    anyhow::ensure!(pending.is_empty(), "{}", {
        let (l, count) = (current(), pending.len());
        let first = pending.first().copied().unwrap_or_default();
        app::counted!(
            l,
            count,
            cli.migrations_pending_single | cli.migrations_pending_several,
            count = count,
            first = first
        )
    });
    Ok(())
}

/// `border-ops serve`: the demo country and its personas first if asked, an administrator if
/// there is none, then the server until Ctrl-C or SIGTERM.
async fn serve(mut config: Config, db: Db, flags: Serve) -> anyhow::Result<()> {
    let Serve {
        demo,
        seed,
        sim_speed,
        no_sim,
    } = flags;
    if demo && seed::is_empty(&db).await? {
        tracing::info!("empty database: filling it with the demo country");
        let report = seed::demo(&db, &SeedOptions::new(seed, Utc::now())).await?;
        tracing::info!(%report, "demo country ready");
    }
    if demo {
        seed::personas(&db, Utc::now()).await?;
    }
    match first_administrator(&db).await {
        // Standard output is the log's, which a JSON log keeps for JSON lines (and a log
        // shipper should not carry a password away): the person starting it reads this on
        // standard error then.
        Ok(Some(password)) if config.log_format == crate::config::LogFormat::Json => eprintln!(
            "{}",
            td_string!(current(), cli.first_administrator, password = password)
        ),
        Ok(Some(password)) => println!(
            "{}",
            td_string!(current(), cli.first_administrator, password = password)
        ),
        Ok(None) => {}
        Err(e) => eprintln!(
            "{}",
            td_string!(current(), cli.first_administrator_failed, error = e)
        ),
    }
    config.auth.demo = demo;
    if demo && !no_sim {
        // The demo country moves on from now, deterministically for this seed.
        let start = Utc::now();
        let start = start.duration_trunc(Duration::seconds(1)).unwrap_or(start);
        config.simulation = Some(SimulationConfig {
            seed,
            start,
            speed: sim_speed,
        });
    }
    let listener = tokio::net::TcpListener::bind(config.leptos.site_addr).await?;
    let for_people = config.log_format == crate::config::LogFormat::Text;
    let app = Application::with_db(config, db, listener).await?;
    // A JSON log says it in its `serving` line.
    if for_people {
        println!(
            "{}",
            td_string!(current(), cli.listening, address = app.local_addr()?)
        );
    }
    app.run_until_stopped(shutdown_signal()).await?;
    Ok(())
}

/// `border-ops seed --demo`: the demo country on an empty database.
async fn seed_demo(
    db: &Db,
    demo: bool,
    seed: u64,
    shipments: usize,
    at: Option<DateTime<Utc>>,
) -> anyhow::Result<()> {
    anyhow::ensure!(demo, "{}", td_string!(current(), cli.seed_say_demo));
    anyhow::ensure!(
        seed::is_empty(db).await?,
        "{}",
        td_string!(current(), cli.seed_not_empty)
    );
    let mut options = SeedOptions::new(seed, at.unwrap_or_else(Utc::now));
    options.shipments = shipments;
    let report = seed::demo(db, &options).await?;
    println!("{report}");
    Ok(())
}

/// `border-ops import FILE.csv`: the manifest's rows scored and stored, with a progress bar,
/// then the report.
async fn import(db: &Db, file: &std::path::Path) -> anyhow::Result<()> {
    use app::domain::PortScope;
    use app::targeting::ingest::{Submitter, import_manifest};
    let bytes = std::fs::read(file).map_err(|e| {
        anyhow::anyhow!(
            "{}",
            td_string!(
                current(),
                cli.import_unreadable,
                file = file.display(),
                error = e
            )
        )
    })?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let who = Submitter {
        actor: shell_actor(),
        ports: PortScope::All,
        source: format!("manifest {name}"),
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {bar:40} {pos}/{len} rows  {per_sec}  {elapsed_precise}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress_bar = bar.clone();
    let mut progress = move |done: usize, total: usize| {
        progress_bar.set_length(total as u64);
        progress_bar.set_position(done as u64);
    };
    let started = std::time::Instant::now();
    let report = import_manifest(&db.pool, &who, &bytes, Utc::now(), &mut progress).await;
    bar.finish_and_clear();
    let report = report.map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let locale = current();
    println!(
        "{}",
        td_string!(
            locale,
            cli.import_report,
            name = &name,
            rows = report.received,
            seconds = format::decimal(locale, seconds, 1),
            accepted = report.accepted,
            updated = report.updated,
            unchanged = report.unchanged,
            refused = report.refused
        )
    );
    println!(
        "{}",
        td_string!(
            locale,
            cli.import_lanes,
            green = report.green,
            yellow = report.yellow,
            red = report.red,
            random = report.random,
            referrals = report.referrals,
            opened = report.inspections_opened,
            waiting = report.waiting
        )
    );
    for item in report
        .results
        .iter()
        .filter(|r| r.status == app::targeting::Disposition::Refused)
    {
        for error in &item.errors {
            println!(
                "{}",
                td_string!(
                    locale,
                    cli.import_refused_line,
                    line = item.line.unwrap_or_default(),
                    field = &error.field,
                    reason = &error.reason
                )
            );
        }
    }
    Ok(())
}

/// `border-ops waits import FILE`: CBSA's wait times file recorded, then what became of each
/// row; an error when a row was refused.
async fn waits(db: &Db, what: WaitsCommand) -> anyhow::Result<()> {
    use app::ports::feed::{self, FeedOutcome};
    let WaitsCommand::Import { file } = what;
    let l = current();
    let bytes = std::fs::read(&file).map_err(|e| {
        anyhow::anyhow!(
            "{}",
            td_string!(l, cli.import_unreadable, file = file.display(), error = e)
        )
    })?;
    anyhow::ensure!(
        bytes.len() <= feed::MAX_BYTES,
        "{}",
        td_string!(
            l,
            waits.cli.too_large,
            file = file.display(),
            megabytes = feed::MAX_BYTES / (1024 * 1024)
        )
    );
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let report = feed::import(&db.pool, &shell_actor(), &bytes, Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let (rows, recorded, skipped, refused) = (
        report.received,
        report.recorded,
        report.skipped,
        report.refused,
    );
    println!(
        "{}",
        app::counted!(
            l,
            rows,
            waits.cli.summary_single | waits.cli.summary_several,
            name = &name,
            rows = rows,
            recorded = recorded,
            skipped = skipped,
            refused = refused
        )
    );
    let minutes = |m: Option<i64>| match m {
        Some(m) => td_string!(l, waits.cli.minutes, minutes = m).to_string(),
        None => td_string!(l, waits.cli.kept).to_string(),
    };
    for row in &report.rows {
        let office = row.office.clone().unwrap_or_default();
        match row.outcome {
            FeedOutcome::Recorded => println!(
                "{}",
                td_string!(
                    l,
                    waits.cli.recorded,
                    line = row.line,
                    office = &office,
                    port = row.port.clone().unwrap_or_default(),
                    commercial = minutes(row.commercial_min),
                    travellers = minutes(row.traveller_min)
                )
            ),
            FeedOutcome::Skipped => println!(
                "{}",
                td_string!(
                    l,
                    waits.cli.skipped,
                    line = row.line,
                    office = &office,
                    reason = row.reason.clone().unwrap_or_default()
                )
            ),
            FeedOutcome::Refused => {
                for error in &row.errors {
                    println!(
                        "{}",
                        td_string!(
                            l,
                            cli.import_refused_line,
                            line = row.line,
                            field = &error.field,
                            reason = &error.reason
                        )
                    );
                }
            }
        }
    }
    anyhow::ensure!(refused == 0, "{}", {
        app::counted!(
            l,
            refused,
            waits.cli.refused_single | waits.cli.refused_several,
            count = refused
        )
    });
    Ok(())
}

/// A simulation speed: a positive number of simulated seconds per second.
fn sim_speed(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(speed) if speed.is_finite() && speed > 0.0 && speed <= 100_000.0 => Ok(speed),
        _ => Err(
            td_string!(current(), cli.sim_speed_invalid, text = format!("{text:?}")).to_string(),
        ),
    }
}

/// Who is acting from the shell, for the journal.
fn shell_actor() -> String {
    format!(
        "shell: {}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}

fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

async fn user(db: &Db, what: UserCommand) -> anyhow::Result<()> {
    use app::accounts::db as accounts;
    use app::domain::{PortScope, Role};
    let now = Utc::now();
    let actor = shell_actor();
    match what {
        UserCommand::Add {
            username,
            role,
            ports,
            display_name,
            badge,
            password_stdin,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!(
                    "{}",
                    td_string!(current(), cli.role_unknown, codes = Role::codes())
                )
            })?;
            let ports = PortScope::parse(&ports).map_err(|e| {
                anyhow::anyhow!(
                    "{}",
                    td_string!(current(), cli.field_refused, field = "ports", reason = e)
                )
            })?;
            let (password, generated) = if password_stdin {
                (password_from_stdin()?, false)
            } else {
                (accounts::generate_password(), true)
            };
            let account = accounts::create(
                &db.pool,
                accounts::NewAccount {
                    username: &username,
                    display_name: display_name.as_deref().unwrap_or(&username),
                    badge: badge.as_deref(),
                    role,
                    ports,
                    password: &password,
                    demo: false,
                },
                &actor,
                now,
            )
            .await?;
            eprintln!(
                "{}",
                td_string!(
                    current(),
                    cli.user_created,
                    username = &account.username,
                    role = account.role,
                    ports = &account.ports
                )
            );
            if generated {
                println!("{password}");
                eprintln!("{}", td_string!(current(), cli.password_shown_once));
            }
        }
        UserCommand::Disable { username } => {
            let account = accounts::disable(&db.pool, &username, &actor, now).await?;
            eprintln!(
                "{}",
                td_string!(current(), cli.user_disabled, username = &account.username)
            );
        }
        UserCommand::Passwd {
            username,
            password_stdin,
            keep_tokens,
        } => {
            let (password, generated) = if password_stdin {
                (password_from_stdin()?, false)
            } else {
                (accounts::generate_password(), true)
            };
            let tokens = if keep_tokens {
                accounts::Tokens::Keep
            } else {
                accounts::Tokens::Revoke
            };
            let (_, revoked) =
                accounts::set_password(&db.pool, &username, &password, tokens, &actor, now).await?;
            if generated {
                println!("{password}");
            }
            let username = username.to_lowercase();
            let said = match tokens {
                accounts::Tokens::Revoke if app::lang::singular(current(), revoked) => td_string!(
                    current(),
                    cli.password_changed_tokens_revoked_single,
                    username = &username,
                    count = revoked
                )
                .to_string(),
                accounts::Tokens::Revoke => td_string!(
                    current(),
                    cli.password_changed_tokens_revoked_several,
                    username = &username,
                    count = revoked
                )
                .to_string(),
                accounts::Tokens::Keep => td_string!(
                    current(),
                    cli.password_changed_tokens_kept,
                    username = &username
                )
                .to_string(),
            };
            eprintln!("{said}");
        }
        UserCommand::List => {
            for a in accounts::list(&db.pool).await? {
                println!(
                    "{:<20} {:<12} {:<16} {:<8} {}",
                    a.username,
                    a.role.code(),
                    a.ports.to_string(),
                    if a.active {
                        td_string!(current(), cli.account_active)
                    } else {
                        td_string!(current(), cli.account_disabled)
                    },
                    a.display_name
                );
            }
        }
    }
    Ok(())
}

async fn token(db: &Db, what: TokenCommand) -> anyhow::Result<()> {
    use app::accounts::{token_expiry, tokens};
    let now = Utc::now();
    let actor = shell_actor();
    match what {
        TokenCommand::Issue {
            username,
            label,
            expires,
        } => {
            let expires = token_expiry(&expires, now).map_err(|r| {
                anyhow::anyhow!(
                    "{}",
                    td_string!(current(), cli.field_refused, field = "expires", reason = r)
                )
            })?;
            let token =
                tokens::issue_token(&db.pool, &username, &label, expires, &actor, now).await?;
            println!("{token}");
            eprintln!(
                "{}",
                td_string!(current(), cli.token_expires, at = instant(expires))
            );
        }
        TokenCommand::List { username } => {
            let listed = tokens::tokens_of(&db.pool, &username).await?;
            if listed.is_empty() {
                eprintln!(
                    "{}",
                    td_string!(current(), cli.no_tokens, username = username.to_lowercase())
                );
            }
            for t in listed {
                let locale = current();
                let last_used = t.last_used_at.map_or_else(
                    || td_string!(locale, cli.token_never_used).to_string(),
                    instant,
                );
                let expires = if t.expires_at <= now {
                    td_string!(locale, cli.token_expired, at = instant(t.expires_at)).to_string()
                } else {
                    td_string!(locale, cli.token_expiring, at = instant(t.expires_at)).to_string()
                };
                let mut line = format!(
                    "{:<6} {:<24} {}  {expires}  {}",
                    t.id,
                    t.label,
                    td_string!(locale, cli.token_created, at = instant(t.created_at)),
                    td_string!(locale, cli.token_last_used, at = last_used),
                );
                if let Some(revoked) = t.revoked_at {
                    line.push_str("  ");
                    line.push_str(
                        &td_string!(locale, cli.token_revoked_at, at = instant(revoked))
                            .to_string(),
                    );
                }
                println!("{line}");
            }
        }
        TokenCommand::Revoke {
            id: Some(id),
            username: _,
        } => {
            let (revoked, username) = tokens::revoke_token(&db.pool, id, &actor, now).await?;
            eprintln!(
                "{}",
                td_string!(
                    current(),
                    cli.token_revoked,
                    id = id,
                    label = &revoked.label,
                    username = &username
                )
            );
        }
        TokenCommand::Revoke {
            id: None,
            username: Some(username),
        } => {
            let n = tokens::revoke_tokens(&db.pool, &username, &actor, now).await?;
            eprintln!(
                "{}",
                app::counted!(
                    current(),
                    n,
                    cli.tokens_revoked_single | cli.tokens_revoked_several,
                    count = n,
                    username = username.to_lowercase()
                )
            );
        }
        TokenCommand::Revoke {
            id: None,
            username: None,
        } => anyhow::bail!("{}", td_string!(current(), cli.token_revoke_which)),
    }
    Ok(())
}

/// An instant as the commands print it: RFC 3339, to the second, in UTC.
fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
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
    fn the_simulation_speed_is_a_positive_number() {
        assert_eq!(super::sim_speed("60"), Ok(60.0));
        assert_eq!(super::sim_speed("0.5"), Ok(0.5));
        for bad in ["0", "-2", "fast", "NaN", "inf"] {
            assert!(super::sim_speed(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            super::redact("postgres://ops:s3cret@localhost/boc"),
            "postgres://ops:***@localhost/boc"
        );
        assert_eq!(super::redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
