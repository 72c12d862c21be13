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
    /// The imports of declarations running now (`MAX_CONCURRENT_IMPORTS`).
    pub imports: ImportGate,
}

/// Imports one instance runs at once unless configured otherwise. An import holds a body of up
/// to 128 MB and what is read from it in memory, and writes in turn with every other writer:
/// two keep the writer busy while a third would only wait, holding its memory.
pub const DEFAULT_CONCURRENT_IMPORTS: usize = 2;

/// How long the body of an import may take to arrive once it holds its turn, unless
/// configured otherwise: a client sending slowly must not keep others from importing.
pub const IMPORT_BODY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

/// The turns of the imports of declarations: taken before the body is read, given back when
/// the import has ended; none free is a 429.
#[derive(Clone, Debug)]
pub struct ImportGate {
    turns: Arc<tokio::sync::Semaphore>,
    most: usize,
    /// How long a body may take to arrive ([`IMPORT_BODY_DEADLINE`]).
    pub body_deadline: std::time::Duration,
}

impl ImportGate {
    pub fn new(most: usize, body_deadline: std::time::Duration) -> Self {
        ImportGate {
            turns: Arc::new(tokio::sync::Semaphore::new(most)),
            most,
            body_deadline,
        }
    }

    /// A turn, or a 429 that says why and when to try again.
    pub fn enter(&self) -> Result<tokio::sync::OwnedSemaphorePermit, app::AppError> {
        self.turns
            .clone()
            .try_acquire_owned()
            .map_err(|_| app::AppError::TooManyAttempts {
                message: app::i18n::td_string!(
                    app::lang::current(),
                    api.imports_busy,
                    most = self.most
                )
                .to_string(),
                retry_after_secs: 30,
            })
    }
}

/// Leptos's routes and file handler read their options from the router's state.
impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.app.leptos_options.clone()
    }
}
