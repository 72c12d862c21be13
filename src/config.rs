//! Configuration: [`Settings`], read by clap from the environment (each variable is also a
//! flag of the command line), so that `border-ops --help` lists every one with its default and
//! a bad value stops the process with a sentence naming the variable; and [`Config`], what the
//! server is built from: the settings made into durations and Leptos options.

use crate::proxies::TrustedProxies;
use crate::serve::ConnectionLimits;
use app::i18n::td_string;
use app::lang::current;
use app::state::AuthSettings;
use chrono::{DateTime, Utc};
use leptos::config::LeptosOptions;
use std::{net::SocketAddr, time::Duration};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/border-ops.db";

/// The log filter when `RUST_LOG` is not set: requests and warnings.
pub const DEFAULT_LOG: &str = "info,sqlx=warn,tower_http=info";

/// Every setting the environment gives. Each is read from its variable, or from the flag of
/// the same name (which wins); an empty or unreadable value is refused, naming the variable.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "border-ops", next_help_heading = "Configuration (environment)")]
pub struct Settings {
    /// The database: `sqlite://FILE` (created and migrated on start) or
    /// `postgres://user:password@host/db` [default: sqlite://data/border-ops.db; bench: a
    /// temporary SQLite file] (its value is not shown here: it may hold a password)
    #[arg(long, env = "DATABASE_URL", value_name = "DATABASE_URL", global = true,
          hide_env_values = true, value_parser = text("DATABASE_URL"))]
    pub database_url: Option<String>,

    /// The connection pool size of `serve`
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", value_name = "DATABASE_MAX_CONNECTIONS",
          global = true, default_value_t = 16,
          value_parser = whole::<u32>("DATABASE_MAX_CONNECTIONS", 1))]
    pub database_max_connections: u32,

    /// The address `serve` listens on
    #[arg(long, env = "LEPTOS_SITE_ADDR", value_name = "LEPTOS_SITE_ADDR", global = true,
          default_value = "127.0.0.1:3000", value_parser = address("LEPTOS_SITE_ADDR"))]
    pub site_addr: SocketAddr,

    /// The folder of the site's files (the WASM bundle, styles, icons), as cargo-leptos
    /// builds it
    #[arg(long, env = "LEPTOS_SITE_ROOT", value_name = "LEPTOS_SITE_ROOT", global = true,
          default_value = "target/site", value_parser = text("LEPTOS_SITE_ROOT"))]
    pub site_root: String,

    /// What the log shows (a tracing filter)
    #[arg(long, env = "RUST_LOG", value_name = "RUST_LOG", global = true,
          default_value = DEFAULT_LOG, value_parser = log_filter("RUST_LOG"))]
    pub log: String,

    /// A session unused this many minutes ends
    #[arg(long, env = "SESSION_IDLE_MINUTES", value_name = "SESSION_IDLE_MINUTES",
          global = true, default_value_t = AuthSettings::default().idle.as_secs() / 60,
          value_parser = whole::<u64>("SESSION_IDLE_MINUTES", 1))]
    pub session_idle_minutes: u64,

    /// A session ends this many hours after sign-in
    #[arg(long, env = "SESSION_MAX_HOURS", value_name = "SESSION_MAX_HOURS", global = true,
          default_value_t = AuthSettings::default().absolute.as_secs() / 3600,
          value_parser = whole::<u64>("SESSION_MAX_HOURS", 1))]
    pub session_max_hours: u64,

    /// `true` when the product is served over TLS (behind a proxy): the session cookie gets
    /// `Secure` and the `__Host-` prefix, and answers carry `Strict-Transport-Security`
    #[arg(long, env = "SECURE_COOKIES", value_name = "SECURE_COOKIES", global = true,
          action = clap::ArgAction::Set, default_value_t = false,
          value_parser = boolean("SECURE_COOKIES"))]
    pub secure_cookies: bool,

    /// Changes a live stream may fall behind before it catches up from the database
    #[arg(long, env = "LIVE_BUFFER", value_name = "LIVE_BUFFER", global = true,
          default_value_t = LiveSettings::default().buffer,
          value_parser = whole::<usize>("LIVE_BUFFER", 1))]
    pub live_buffer: usize,

    /// A browser further behind than this many journal entries is told to reload
    #[arg(long, env = "LIVE_REPLAY_LIMIT", value_name = "LIVE_REPLAY_LIMIT", global = true,
          default_value_t = LiveSettings::default().replay_limit,
          value_parser = whole::<i64>("LIVE_REPLAY_LIMIT", 0))]
    pub live_replay_limit: i64,

    /// How often, in milliseconds, the journal is read without a notification (commits of
    /// this process, and PostgreSQL notifications, wake it at once) [default: 100 on SQLite,
    /// 500 on PostgreSQL]
    #[arg(long, env = "LIVE_POLL_MS", value_name = "LIVE_POLL_MS", global = true,
          value_parser = whole::<u64>("LIVE_POLL_MS", 10))]
    pub live_poll_ms: Option<u64>,

    /// After a read of the journal that found changes, how many milliseconds commits are
    /// gathered before it is read again
    #[arg(long, env = "LIVE_GATHER_MS", value_name = "LIVE_GATHER_MS", global = true,
          default_value_t = LiveSettings::default().gather.as_millis() as u64,
          value_parser = whole::<u64>("LIVE_GATHER_MS", 0))]
    pub live_gather_ms: u64,

    /// `false` to have `serve` check, not apply, the database's migrations: for running as a
    /// role that may not change the tables' structure (`migrate --serving-role`). It refuses
    /// to start on a database that lacks a migration of this version
    #[arg(long, env = "MIGRATE_ON_START", value_name = "MIGRATE_ON_START", global = true,
          action = clap::ArgAction::Set, default_value_t = true,
          value_parser = boolean("MIGRATE_ON_START"))]
    pub migrate_on_start: bool,
    /// Live streams one account may hold open on one instance (each tab of the board holds
    /// one); the next is refused with 429
    #[arg(long, env = "LIVE_STREAMS_PER_ACCOUNT", value_name = "LIVE_STREAMS_PER_ACCOUNT",
          global = true, default_value_t = LiveSettings::default().streams_per_account,
          value_parser = whole::<usize>("LIVE_STREAMS_PER_ACCOUNT", 1))]
    pub live_streams_per_account: usize,
    /// Connections `serve` holds open at once, live streams included; the next ones are
    /// answered 429 and closed (each needs a file descriptor: see the README)
    #[arg(long, env = "MAX_OPEN_CONNECTIONS", value_name = "MAX_OPEN_CONNECTIONS",
          global = true, default_value_t = crate::serve::DEFAULT_MAX_OPEN,
          value_parser = whole::<usize>("MAX_OPEN_CONNECTIONS", 1))]
    pub max_open_connections: usize,

    /// How log lines are written: `text`, for people, or `json`, one object a line with the
    /// request's id (`x-request-id`), for a log shipper
    #[arg(long, env = "LOG_FORMAT", value_name = "LOG_FORMAT", global = true,
          default_value = "text", value_parser = log_format("LOG_FORMAT"))]
    pub log_format: LogFormat,

    /// The address `serve` answers `GET /metrics` on, in Prometheus's text format, such as
    /// `127.0.0.1:9464`; never the board's address [default: none: no figures are served]
    #[arg(long, env = "METRICS_ADDR", value_name = "METRICS_ADDR", global = true,
          value_parser = address("METRICS_ADDR"))]
    pub metrics_addr: Option<SocketAddr>,

    /// The reverse proxies in front of `serve`: a comma-separated list of addresses and
    /// ranges (`10.0.0.5,fd00::/8`). Only from these is `X-Forwarded-For` believed, and the
    /// client is its rightmost address that is not one of them [default: none: the header is
    /// ignored]
    #[arg(long, env = "TRUSTED_PROXIES", value_name = "TRUSTED_PROXIES", global = true,
          value_parser = proxies("TRUSTED_PROXIES"))]
    pub trusted_proxies: Option<TrustedProxies>,

    /// Imports of declarations (`POST /api/v1/shipments`, `POST /api/v1/shipments/import`)
    /// one instance runs at once; the next are refused with 429
    #[arg(long, env = "MAX_CONCURRENT_IMPORTS", value_name = "MAX_CONCURRENT_IMPORTS",
          global = true, default_value_t = crate::state::DEFAULT_CONCURRENT_IMPORTS,
          value_parser = whole::<usize>("MAX_CONCURRENT_IMPORTS", 1))]
    pub max_concurrent_imports: usize,

    /// CSV downloads (`?format=csv` or `Accept: text/csv` on the API's lists) one instance
    /// sends at once; beyond them, and for an account's second at once, 429
    #[arg(long, env = "MAX_CONCURRENT_CSV", value_name = "MAX_CONCURRENT_CSV",
          global = true, default_value_t = crate::state::DEFAULT_CONCURRENT_CSV,
          value_parser = whole::<usize>("MAX_CONCURRENT_CSV", 1))]
    pub max_concurrent_csv: usize,

    /// The most rows one CSV file holds; a longer list's file ends with a row saying so
    #[arg(long, env = "CSV_MAX_ROWS", value_name = "CSV_MAX_ROWS",
          global = true, default_value_t = crate::state::DEFAULT_CSV_MAX_ROWS,
          value_parser = whole::<usize>("CSV_MAX_ROWS", 1))]
    pub csv_max_rows: usize,
}

/// How log lines are written (`LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// A line of text each, for people.
    #[default]
    Text,
    /// A JSON object each, for a log shipper.
    Json,
}

/// What the server is built from.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub max_connections: u32,
    /// Whether `serve` applies the migrations (`MIGRATE_ON_START`) or only checks them.
    pub migrate_on_start: bool,
    pub leptos: LeptosOptions,
    pub auth: AuthSettings,
    pub live: LiveSettings,
    /// The demo's simulator, when one runs (`serve --demo` without `--no-sim`).
    pub simulation: Option<SimulationConfig>,
    /// How often referrals waiting for examination capacity are offered the slots that time
    /// has freed, while the server runs (besides when declarations arrive or capacity
    /// changes).
    pub release_referrals_every: Duration,
    /// How often the notices of ports past their expiry are ended, while the server runs.
    pub end_notices_every: Duration,
    /// How often the server looks for hours of the board to checkpoint for replays
    /// (`app::replay::checkpoint`); `None`, never (replays then fold every record).
    pub checkpoint_every: Option<Duration>,
    /// What the server holds open (`MAX_OPEN_CONNECTIONS`, the request head's deadline).
    pub connections: ConnectionLimits,
    /// Whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`).
    pub trusted_proxies: TrustedProxies,
    /// Imports one instance runs at once (`MAX_CONCURRENT_IMPORTS`).
    pub max_concurrent_imports: usize,
    /// How long the body of an import may take to arrive once it has its turn.
    pub import_body_deadline: Duration,
    /// Where `GET /metrics` is served (`METRICS_ADDR`), if anywhere.
    pub metrics_addr: Option<SocketAddr>,
    /// How the log is written (`LOG_FORMAT`).
    pub log_format: LogFormat,
    /// CSV downloads one instance sends at once (`MAX_CONCURRENT_CSV`).
    pub max_concurrent_csv: usize,
    /// The most rows of one CSV file (`CSV_MAX_ROWS`).
    pub csv_max_rows: usize,
}

/// How the demo's simulator starts: its seed, the simulated instant it starts at, and how
/// many times faster than the wall clock its clock runs.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationConfig {
    pub seed: u64,
    pub start: DateTime<Utc>,
    pub speed: f64,
}

/// The live stream: how far a stream may fall behind the broadcast before it catches up from
/// the database (`LIVE_BUFFER` events), and how far back a reconnecting browser is replayed
/// before it is told to reload instead (`LIVE_REPLAY_LIMIT` journal entries).
#[derive(Debug, Clone)]
pub struct LiveSettings {
    pub buffer: usize,
    pub replay_limit: i64,
    /// How often the journal is read without being told of a commit (`LIVE_POLL_MS`); by
    /// default 100 ms on SQLite, 500 ms on PostgreSQL (where notifications do the work).
    pub poll: Option<Duration>,
    /// An idle stream sends a comment at least this often, so that proxies keep it open.
    pub keep_alive: Duration,
    /// How long the live pump gathers commits after a read that found changes before it reads
    /// again (`LIVE_GATHER_MS`).
    pub gather: Duration,
    /// Live streams one account may hold open on this instance (`LIVE_STREAMS_PER_ACCOUNT`).
    pub streams_per_account: usize,
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self {
            buffer: 1024,
            replay_limit: crate::live::DEFAULT_REPLAY_LIMIT,
            poll: None,
            keep_alive: crate::live::DEFAULT_KEEP_ALIVE,
            gather: crate::live::DEFAULT_GATHER,
            streams_per_account: crate::live::DEFAULT_STREAMS_PER_ACCOUNT,
        }
    }
}

impl Config {
    pub fn new(settings: &Settings) -> anyhow::Result<Self> {
        // The bundle name is compiled in (see .cargo/config.toml); the rest of the Leptos
        // options are Leptos's defaults, the values of the workspace's Leptos metadata, but
        // for what the settings say.
        let mut leptos = leptos::config::get_configuration(None)?.leptos_options;
        leptos.site_addr = settings.site_addr;
        leptos.site_root = settings.site_root.as_str().into();
        if let Some(metrics) = settings.metrics_addr
            && overlaps(metrics, settings.site_addr)
        {
            anyhow::bail!(
                "{}",
                td_string!(
                    current(),
                    cli.setting_metrics_addr,
                    name = "METRICS_ADDR",
                    value = metrics
                )
            );
        }
        Ok(Self {
            database_url: settings
                .database_url
                .clone()
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            max_connections: settings.database_max_connections,
            migrate_on_start: settings.migrate_on_start,
            leptos,
            auth: AuthSettings {
                idle: Duration::from_secs(settings.session_idle_minutes * 60),
                absolute: Duration::from_secs(settings.session_max_hours * 3600),
                secure_cookies: settings.secure_cookies,
                ..AuthSettings::default()
            },
            live: LiveSettings {
                buffer: settings.live_buffer,
                replay_limit: settings.live_replay_limit,
                poll: settings.live_poll_ms.map(Duration::from_millis),
                gather: Duration::from_millis(settings.live_gather_ms),
                streams_per_account: settings.live_streams_per_account,
                ..LiveSettings::default()
            },
            simulation: None,
            release_referrals_every: Duration::from_secs(60),
            end_notices_every: Duration::from_secs(10),
            checkpoint_every: Some(Duration::from_secs(300)),
            connections: ConnectionLimits {
                max_open: settings.max_open_connections,
                ..ConnectionLimits::default()
            },
            trusted_proxies: settings.trusted_proxies.clone().unwrap_or_default(),
            max_concurrent_imports: settings.max_concurrent_imports,
            import_body_deadline: crate::state::IMPORT_BODY_DEADLINE,
            metrics_addr: settings.metrics_addr,
            log_format: settings.log_format,
            max_concurrent_csv: settings.max_concurrent_csv,
            csv_max_rows: settings.csv_max_rows,
        })
    }
}

/// How the text of a setting is read: its value, or a sentence naming its variable.
trait Read<T>: Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static {}

impl<T, F: Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static> Read<T> for F {}

/// A value that must not be empty.
fn text(name: &'static str) -> impl Read<String> {
    move |value: &str| {
        if value.trim().is_empty() {
            Err(td_string!(current(), cli.setting_empty, name = name).to_string())
        } else {
            Ok(value.to_string())
        }
    }
}

/// A whole number of at least `min`.
fn whole<T>(name: &'static str, min: T) -> impl Read<T>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy + Send + Sync + 'static,
{
    move |value: &str| match value.trim().parse::<T>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(td_string!(
            current(),
            cli.setting_whole,
            name = name,
            min = min,
            value = format!("{value:?}")
        )
        .to_string()),
    }
}

/// `true` or `false`.
fn boolean(name: &'static str) -> impl Read<bool> {
    move |value: &str| match value.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(td_string!(
            current(),
            cli.setting_boolean,
            name = name,
            value = format!("{value:?}")
        )
        .to_string()),
    }
}

/// An address to listen on, such as `127.0.0.1:3000`.
fn address(name: &'static str) -> impl Read<SocketAddr> {
    move |value: &str| {
        value.trim().parse().map_err(|_| {
            td_string!(
                current(),
                cli.setting_address,
                name = name,
                value = format!("{value:?}")
            )
            .to_string()
        })
    }
}

/// Whether two addresses to listen on would take the same port of one interface.
fn overlaps(a: SocketAddr, b: SocketAddr) -> bool {
    a.port() == b.port() && (a.ip() == b.ip() || a.ip().is_unspecified() || b.ip().is_unspecified())
}

/// `text` or `json`.
fn log_format(name: &'static str) -> impl Read<LogFormat> {
    move |value: &str| match value.trim() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err(td_string!(
            current(),
            cli.setting_log_format,
            name = name,
            value = format!("{value:?}")
        )
        .to_string()),
    }
}

/// Addresses and ranges, such as `10.0.0.5,fd00::/8`.
fn proxies(name: &'static str) -> impl Read<TrustedProxies> {
    move |value: &str| {
        TrustedProxies::parse(value).map_err(|reason| {
            td_string!(current(), cli.setting_proxies, name = name, reason = reason).to_string()
        })
    }
}

/// A log filter tracing can read, such as `info,sqlx=warn`.
fn log_filter(name: &'static str) -> impl Read<String> {
    move |value: &str| {
        tracing_subscriber::EnvFilter::try_new(value)
            .map(|_| value.to_string())
            .map_err(|e| {
                td_string!(
                    current(),
                    cli.setting_log_filter,
                    name = name,
                    error = e,
                    value = format!("{value:?}")
                )
                .to_string()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn settings(args: &[&str]) -> Result<Settings, clap::Error> {
        Settings::try_parse_from(std::iter::once("border-ops").chain(args.iter().copied()))
    }

    #[test]
    fn each_setting_has_its_default() {
        let config = Config::new(&settings(&[]).unwrap()).unwrap();
        assert_eq!(config.max_connections, 16);
        assert_eq!(config.leptos.site_addr, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(config.auth.idle, Duration::from_secs(60 * 60));
        assert_eq!(config.auth.absolute, Duration::from_secs(12 * 3600));
        assert!(!config.auth.secure_cookies);
        assert_eq!(config.live.buffer, 1024);
        assert_eq!(config.live.poll, None);
        assert_eq!(config.connections.max_open, 16_384);
        assert_eq!(config.connections.head_timeout, Duration::from_secs(10));
        assert_eq!(config.trusted_proxies, TrustedProxies::default());
        assert_eq!(config.metrics_addr, None);
        assert_eq!(settings(&[]).unwrap().log_format, LogFormat::Text);
    }

    #[test]
    fn the_figures_are_never_served_on_the_boards_address() {
        for (site, metrics) in [
            ("127.0.0.1:3000", "127.0.0.1:3000"),
            ("0.0.0.0:3000", "127.0.0.1:3000"),
            ("127.0.0.1:3000", "0.0.0.0:3000"),
        ] {
            let error = Config::new(
                &settings(&[
                    &format!("--site-addr={site}"),
                    &format!("--metrics-addr={metrics}"),
                ])
                .unwrap(),
            )
            .unwrap_err()
            .to_string();
            assert!(error.contains("METRICS_ADDR"), "{site} {metrics}: {error}");
        }
        let config = Config::new(
            &settings(&["--site-addr=0.0.0.0:3000", "--metrics-addr=127.0.0.1:9464"]).unwrap(),
        )
        .unwrap();
        assert_eq!(config.metrics_addr, Some("127.0.0.1:9464".parse().unwrap()));
        assert_eq!(
            settings(&["--log-format=json"]).unwrap().log_format,
            LogFormat::Json
        );
    }

    #[test]
    fn a_bad_value_is_refused_with_the_name_of_its_variable() {
        for (flag, value, name) in [
            (
                "--database-max-connections",
                "abc",
                "DATABASE_MAX_CONNECTIONS",
            ),
            (
                "--database-max-connections",
                "0",
                "DATABASE_MAX_CONNECTIONS",
            ),
            ("--secure-cookies", "maybe", "SECURE_COOKIES"),
            ("--site-addr", "localhost", "LEPTOS_SITE_ADDR"),
            ("--session-idle-minutes", "-5", "SESSION_IDLE_MINUTES"),
            ("--live-poll-ms", "5", "LIVE_POLL_MS"),
            ("--max-open-connections", "0", "MAX_OPEN_CONNECTIONS"),
            ("--trusted-proxies", "10.0.0.1,proxy", "TRUSTED_PROXIES"),
            ("--log", "info,[", "RUST_LOG"),
            ("--log-format", "xml", "LOG_FORMAT"),
            ("--metrics-addr", "9464", "METRICS_ADDR"),
        ] {
            let error = settings(&[&format!("{flag}={value}")])
                .unwrap_err()
                .to_string();
            assert!(error.contains(name), "{flag} {value}: {error}");
        }
    }
}
