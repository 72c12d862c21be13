//! The state the server's router carries: the application's [`AppState`] and the live hub.

use crate::live::LiveHub;
use crate::proxies::TrustedProxies;
use app::state::AppState;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// What the server's routes share, passed (never global) like the `AppState` inside it.
///
/// The live transport is the server's own (sockets, fan-out threads), so the `app` crate
/// cannot name the hub: `AppState` carries only the journal position the hub moves, which the
/// pages read. The route that opens a stream (`GET /api/v1/live`) needs the hub itself, and
/// hands it on with the stream to the connection that writes it (`crate::serve`), so the
/// router's state is this pair. Every handler still takes `State<AppState>`, and the live
/// handler `State<LiveHub>` as well, both drawn from here through [`FromRef`]; server
/// functions and pages get the `AppState` alone, through Leptos's context.
#[derive(Clone, FromRef)]
pub struct ServerState {
    pub app: AppState,
    pub live: LiveHub,
    /// Whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`), read once per request by
    /// the authentication layer.
    pub proxies: Arc<TrustedProxies>,
}

/// Leptos's routes and file handler read their options from the router's state.
impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.app.leptos_options.clone()
    }
}
