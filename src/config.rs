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
        // cargo-leptos passes the site settings in the environment; a binary started another
        // way (`make run`, the tests) uses the same values as Cargo.toml's metadata.
        let leptos = if std::env::var_os("LEPTOS_OUTPUT_NAME").is_some() {
            leptos::config::get_configuration(None)?.leptos_options
        } else {
            let site_addr: std::net::SocketAddr = match std::env::var("LEPTOS_SITE_ADDR") {
                Ok(addr) => addr.parse()?,
                Err(_) => ([127, 0, 0, 1], 3000u16).into(),
            };
            LeptosOptions::builder()
                .output_name("border-ops")
                .site_root(
                    std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into()),
                )
                .site_pkg_dir("pkg")
                .site_addr(site_addr)
                .build()
        };
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
