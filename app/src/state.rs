//! The state every request handler and server function shares, passed (never global) so that
//! each test server has its own.

use crate::db::Db;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    pub auth: crate::auth::server::AuthSettings,
    pub live: crate::live::JournalPosition,
    /// The demo's simulated clock, when a simulator runs (`serve --demo` without `--no-sim`).
    pub sim: Option<crate::sim::SimControl>,
}

/// The state inside a server function or a component rendered on the server.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| crate::error::AppError::Internal {
        reference: "no-app-state".into(),
    })
}
