//! Logging: `RUST_LOG` (read with the rest of the configuration) decides what is shown.

use tracing_subscriber::{EnvFilter, fmt};

/// Starts logging with `filter`, a tracing filter already checked by the configuration.
pub fn init(filter: &str) {
    let filter =
        EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new(crate::config::DEFAULT_LOG));
    // A second call (tests starting several servers) is harmless.
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}
