//! Configuration, from the environment and `Cargo.toml`'s Leptos metadata.
//!
//! - `DATABASE_URL`: `sqlite://path.db` (default `sqlite://data/border-ops.db`) or
//!   `postgres://user:password@host/db`.
//! - `DATABASE_MAX_CONNECTIONS`: pool size (default 16).
//! - `LEPTOS_SITE_ADDR`: listen address (default `127.0.0.1:3000`).

use leptos::config::LeptosOptions;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/border-ops.db";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub max_connections: u32,
    pub leptos: LeptosOptions,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        // The bundle name is compiled in (see .cargo/config.toml); the site folder, address
        // and the rest come from LEPTOS_* variables or their defaults, the values of the
        // workspace's Leptos metadata.
        let leptos = leptos::config::get_configuration(None)?.leptos_options;
        Ok(Self {
            database_url: std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_string()),
            max_connections: std::env::var("DATABASE_MAX_CONNECTIONS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(16),
            leptos,
        })
    }
}
