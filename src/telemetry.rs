//! Logging: `RUST_LOG` decides what is shown; the default keeps requests and warnings.

use tracing_subscriber::{EnvFilter, fmt};

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // A second call (tests starting several servers) is harmless.
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}
