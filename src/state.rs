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
    /// The CSV downloads being sent now (`MAX_CONCURRENT_CSV`), and whose.
    pub csv: CsvGate,
}

/// Turns at some costly work that one instance gives out at once: a turn is taken before the
/// work and given back when its permit is dropped (the work ended, well or not); with none
/// free the answer is a 429 saying why and when to try again. The imports' gate and the CSV
/// downloads' are made of these.
#[derive(Clone, Debug)]
pub struct Turns {
    turns: Arc<tokio::sync::Semaphore>,
    most: usize,
}

impl Turns {
    pub fn new(most: usize) -> Self {
        Turns {
            turns: Arc::new(tokio::sync::Semaphore::new(most)),
            most,
        }
    }

    /// A turn, or a 429 with `busy`'s sentence (given the most turns at once) and
    /// `Retry-After: retry_after_secs`.
    pub fn take(
        &self,
        retry_after_secs: u64,
        busy: impl FnOnce(usize) -> String,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, app::AppError> {
        self.turns
            .clone()
            .try_acquire_owned()
            .map_err(|_| app::AppError::TooManyAttempts {
                message: busy(self.most),
                retry_after_secs,
            })
    }
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
    turns: Turns,
    /// How long a body may take to arrive ([`IMPORT_BODY_DEADLINE`]).
    pub body_deadline: std::time::Duration,
}

impl ImportGate {
    pub fn new(most: usize, body_deadline: std::time::Duration) -> Self {
        ImportGate {
            turns: Turns::new(most),
            body_deadline,
        }
    }

    /// A turn, or a 429 that says why and when to try again.
    pub fn enter(&self) -> Result<tokio::sync::OwnedSemaphorePermit, app::AppError> {
        self.turns.take(30, |most| {
            app::i18n::td_string!(app::lang::current(), api.imports_busy, most = most).to_string()
        })
    }
}

/// CSV downloads one instance sends at once unless configured otherwise. A file of a long
/// list reads the database part after part for as long as it takes to send: a few at once
/// leave the board's own reads their share of the connections.
pub const DEFAULT_CONCURRENT_CSV: usize = 4;

/// The most rows one CSV file holds unless configured otherwise; a longer list's file ends
/// with a row saying so.
pub const DEFAULT_CSV_MAX_ROWS: usize = 100_000;

/// How long a refused download is told to wait before asking again.
const CSV_RETRY_AFTER_SECS: u64 = 10;

/// The turns of the CSV downloads: at most [`DEFAULT_CONCURRENT_CSV`] (or as configured) at
/// once on this instance, and one at a time per account, held from before the first row is
/// read until the file has been sent or the client has gone.
#[derive(Clone, Debug)]
pub struct CsvGate {
    turns: Turns,
    /// The accounts downloading now.
    downloading: Arc<std::sync::Mutex<std::collections::HashSet<i64>>>,
    /// The most rows of one file (`CSV_MAX_ROWS`).
    pub max_rows: usize,
}

/// A download's turn: given back, the account's as well, when dropped.
pub struct CsvTurn {
    _turn: tokio::sync::OwnedSemaphorePermit,
    _account: AccountDownload,
}

/// An account's one download under way.
struct AccountDownload {
    account: i64,
    downloading: Arc<std::sync::Mutex<std::collections::HashSet<i64>>>,
}

impl Drop for AccountDownload {
    fn drop(&mut self) {
        self.downloading
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(&self.account);
    }
}

impl CsvGate {
    pub fn new(most: usize, max_rows: usize) -> Self {
        CsvGate {
            turns: Turns::new(most),
            downloading: Arc::default(),
            max_rows,
        }
    }

    /// A turn for `account`'s download, or a 429 that says why (the account's own download
    /// under way, or the instance's turns all taken) and when to try again.
    pub fn enter(&self, account: i64) -> Result<CsvTurn, app::AppError> {
        let l = app::lang::current();
        let first = self
            .downloading
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(account);
        if !first {
            return Err(app::AppError::TooManyAttempts {
                message: app::i18n::td_string!(l, api.csv_busy_account).to_string(),
                retry_after_secs: CSV_RETRY_AFTER_SECS,
            });
        }
        let mine = AccountDownload {
            account,
            downloading: self.downloading.clone(),
        };
        let turn = self.turns.take(CSV_RETRY_AFTER_SECS, |most| {
            app::i18n::td_string!(l, api.csv_busy, most = most).to_string()
        })?;
        Ok(CsvTurn {
            _turn: turn,
            _account: mine,
        })
    }
}

/// Leptos's routes and file handler read their options from the router's state.
impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.app.leptos_options.clone()
    }
}
