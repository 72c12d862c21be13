//! Configuration, from the environment and `Cargo.toml`'s Leptos metadata.
//!
//! - `DATABASE_URL`: `sqlite://path.db` (default `sqlite://data/border-ops.db`) or
//!   `postgres://user:password@host/db`.
//! - `DATABASE_MAX_CONNECTIONS`: pool size (default 16).
//! - `LEPTOS_SITE_ADDR`: listen address (default `127.0.0.1:3000`).
//! - `SESSION_IDLE_MINUTES`: a session unused this long ends (default 60).
//! - `SESSION_MAX_HOURS`: a session ends this long after sign-in (default 12, a long shift).
//! - `SECURE_COOKIES`: `true` when the product is served over TLS (a proxy in front of it);
//!   the session cookie then carries `Secure`.

use app::auth::server::AuthSettings;
use chrono::{DateTime, Utc};
use leptos::config::LeptosOptions;
use std::time::Duration;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/border-ops.db";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub max_connections: u32,
    pub leptos: LeptosOptions,
    pub auth: AuthSettings,
    pub live: LiveSettings,
    /// The demo's simulator, when one runs (`serve --demo` without `--no-sim`).
    pub simulation: Option<SimulationConfig>,
    /// How often referrals waiting for examination capacity are offered the slots that time
    /// has freed, while the server runs (besides when declarations arrive or capacity
    /// changes).
    pub release_referrals_every: Duration,
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
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self {
            buffer: 1024,
            replay_limit: app::live::hub::DEFAULT_REPLAY_LIMIT,
            poll: None,
            keep_alive: app::live::hub::DEFAULT_KEEP_ALIVE,
            gather: app::live::hub::DEFAULT_GATHER,
        }
    }
}

fn env_number(name: &str) -> anyhow::Result<Option<u64>> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| anyhow::anyhow!("{name} must be a whole number, not {v:?}")),
        Err(_) => Ok(None),
    }
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        // The bundle name is compiled in (see .cargo/config.toml); the site folder, address
        // and the rest come from LEPTOS_* variables or their defaults, the values of the
        // workspace's Leptos metadata.
        let leptos = leptos::config::get_configuration(None)?.leptos_options;
        let defaults = AuthSettings::default();
        Ok(Self {
            database_url: std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_string()),
            max_connections: std::env::var("DATABASE_MAX_CONNECTIONS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(16),
            leptos,
            auth: AuthSettings {
                idle: env_number("SESSION_IDLE_MINUTES")?
                    .map(|m| Duration::from_secs(m * 60))
                    .unwrap_or(defaults.idle),
                absolute: env_number("SESSION_MAX_HOURS")?
                    .map(|h| Duration::from_secs(h * 3600))
                    .unwrap_or(defaults.absolute),
                secure_cookies: std::env::var("SECURE_COOKIES").as_deref() == Ok("true"),
                ..defaults
            },
            live: LiveSettings {
                buffer: env_number("LIVE_BUFFER")?
                    .map(|n| n.max(1) as usize)
                    .unwrap_or(LiveSettings::default().buffer),
                replay_limit: env_number("LIVE_REPLAY_LIMIT")?
                    .map(|n| n as i64)
                    .unwrap_or(LiveSettings::default().replay_limit),
                poll: env_number("LIVE_POLL_MS")?.map(|ms| Duration::from_millis(ms.max(10))),
                gather: env_number("LIVE_GATHER_MS")?
                    .map(Duration::from_millis)
                    .unwrap_or(LiveSettings::default().gather),
                ..LiveSettings::default()
            },
            simulation: None,
            release_referrals_every: Duration::from_secs(60),
        })
    }
}
