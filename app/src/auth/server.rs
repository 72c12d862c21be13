//! The server side of identity: who is calling (from the session or a bearer token, resolved
//! once per request by the authentication layer), the one place actions are authorized and
//! refusals journaled, and signing in and out.

use super::{db, wrong_credentials};
use crate::accounts::{Account, db as accounts};
use crate::domain::authority::Refusal;
use crate::domain::{Action, Me, authorize};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use crate::state::{SignInLimits, app_state};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use leptos::prelude::use_context;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tower_sessions::Session;

/// Where a request came from (the peer address), for the journal and for throttling.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

/// Who is calling: set on the request by the authentication layer.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Account,
    pub address: String,
    /// The key of the session the call came through; `None` for a bearer token.
    pub session: Option<String>,
    /// The id of the bearer token the call came with; `None` for a session.
    pub token: Option<i64>,
}

/// What the session layer stores for a signed-in session: the key of its `sessions` row,
/// where everything else about it is kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionAuth {
    pub key: String,
}

pub const SESSION_AUTH: &str = "auth";

impl Caller {
    /// How the caller signs the records it changes: "Yasmin Roy (Y1025)".
    pub fn signature(&self) -> String {
        crate::journal::acting::signature(&self.account.display_name, self.account.badge.as_deref())
    }

    pub fn me(&self) -> Me {
        Me {
            username: self.account.username.clone(),
            display_name: self.account.display_name.clone(),
            badge: self.account.badge.clone(),
            role: self.account.role,
            ports: self.account.ports.clone(),
            language: self.account.language,
            theme: self.account.theme,
        }
    }

    /// May this caller take `action` (at `port`)? A refusal is journaled and returned as a
    /// 403 that says why.
    pub async fn authorize(
        &self,
        pool: &sqlx::AnyPool,
        action: Action,
        port: Option<&str>,
    ) -> Result<(), AppError> {
        match authorize(&self.account.principal(), action, port) {
            Ok(()) => Ok(()),
            Err(refusal) => Err(self.refused(pool, action, port, refusal).await),
        }
    }

    /// Refuses, and journals the refusal of, `action` on a record of `port` outside the
    /// account's ports: for an action not refused by port, whose records are still those of
    /// the account's ports alone (a seizure shared with a partner).
    pub async fn within_ports(
        &self,
        pool: &sqlx::AnyPool,
        action: Action,
        port: &str,
    ) -> Result<(), AppError> {
        if self.account.ports.covers(port) {
            return Ok(());
        }
        let refusal = Refusal::Port {
            action,
            port: port.to_ascii_uppercase(),
            scope: self.account.ports.clone(),
        };
        Err(self.refused(pool, action, Some(port), refusal).await)
    }

    /// Journals `refusal` and gives the 403 that says why (or the failure to journal it).
    async fn refused(
        &self,
        pool: &sqlx::AnyPool,
        action: Action,
        port: Option<&str>,
        refusal: Refusal,
    ) -> AppError {
        let message = refusal.to_string();
        match db::journal_refusal(pool, self, action, port, &message, Utc::now()).await {
            Ok(_) => AppError::Forbidden { message },
            Err(error) => error,
        }
    }
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The caller of the current server function or page.
pub fn current() -> Result<Caller, AppError> {
    parts()
        .and_then(|p| p.extensions.get::<Caller>().cloned())
        .ok_or_else(AppError::unauthenticated)
}

/// The caller, if they may take `action` (at `port`); otherwise 401 or a journaled 403.
pub async fn require(action: Action, port: Option<&str>) -> Result<Caller, AppError> {
    let caller = current()?;
    let state = app_state()?;
    caller.authorize(&state.db.pool, action, port).await?;
    Ok(caller)
}

fn session() -> Result<Session, AppError> {
    parts()
        .and_then(|p| p.extensions.get::<Session>().cloned())
        .ok_or_else(|| AppError::Internal {
            reference: "no-session-layer".into(),
        })
}

fn request_details() -> (String, String) {
    let parts = parts();
    let address = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<ClientAddress>())
        .map(|a| a.0.clone())
        .unwrap_or_else(|| "unknown".into());
    let user_agent = parts
        .as_ref()
        .and_then(|p| p.headers.get(axum::http::header::USER_AGENT))
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(200).collect())
        .unwrap_or_default();
    (address, user_agent)
}

fn session_error(err: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %err, "session store");
    AppError::Unavailable
}

/// Starts a session for `account`: a fresh session id (whatever id the browser came with is
/// discarded), a row in `sessions`, and the journal entry, then the cookie on the response.
async fn start_session(account: &Account, how: &str) -> Result<(), AppError> {
    let state = app_state()?;
    let session = session()?;
    let (address, user_agent) = request_details();
    let now = Utc::now();
    // Whoever was signed in through this browser before is signed out first.
    if let Some(previous) = session
        .get::<SessionAuth>(SESSION_AUTH)
        .await
        .map_err(session_error)?
    {
        db::end_session(
            &state.db.pool,
            &previous.key,
            "replaced",
            &account.username,
            &address,
            now,
        )
        .await?;
    }
    session.cycle_id().await.map_err(session_error)?;
    let key = db::open_session(&state.db.pool, account, &address, &user_agent, how, now).await?;
    session
        .insert(SESSION_AUTH, SessionAuth { key })
        .await
        .map_err(session_error)?;
    Ok(())
}

pub async fn sign_in(username: &str, password: &str) -> Result<(), AppError> {
    let username = username.trim().to_lowercase();
    if username.is_empty() {
        return Err(AppError::invalid(
            "username",
            td_string!(lang::current(), auth.enter_username),
        ));
    }
    if password.is_empty() {
        return Err(AppError::invalid(
            "password",
            td_string!(lang::current(), auth.enter_password),
        ));
    }
    match guess(&username, password).await? {
        Some(account) => start_session(&account, "password").await,
        None => Err(AppError::Unauthenticated {
            message: wrong_credentials(lang::current()).into(),
        }),
    }
}

/// Checks a password for `username` as one guess at it: the account `None` when the password
/// is wrong. Signing in and changing one's own password both go through here, so that they
/// share the limits: the attempt is counted for the username and the address before the
/// password is checked (beyond a limit it is refused with 429 and when to try again), guesses
/// are slowed as they mount, a failure is journaled and a success clears the username's count.
pub async fn guess(username: &str, password: &str) -> Result<Option<Account>, AppError> {
    let state = app_state()?;
    let (address, _) = request_details();
    let limits = &state.auth.limits;
    let pool = &state.db.pool;
    // The attempt is counted before the password is checked, so that guesses sent at once
    // cannot all be checked before any is counted.
    let nth = match db::reserve_attempt(pool, username, &address, Utc::now(), limits).await? {
        Reservation::Granted { nth } => nth,
        Reservation::Refused { wait } => {
            crate::counters::sign_in_failure("throttled");
            return Err(too_many_attempts(wait));
        }
    };
    let delay = delay(nth, limits);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match accounts::check_credentials(pool, username, password).await? {
        Some(account) => {
            db::clear_attempts(pool, username, &address).await?;
            Ok(Some(account))
        }
        None => {
            crate::counters::sign_in_failure("credentials");
            db::record_failure(pool, username, &address, Utc::now()).await?;
            Ok(None)
        }
    }
}

/// Gives the browser's session a new id, keeping what it holds, so that an id seen before a
/// change of credentials is worth nothing after it.
pub async fn cycle_session_id() -> Result<(), AppError> {
    session()?.cycle_id().await.map_err(session_error)
}

/// The refusal of a sign-in over the limits, saying when to try again.
fn too_many_attempts(wait: Duration) -> AppError {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    AppError::TooManyAttempts {
        message: td_string!(lang::current(), auth.too_many_attempts, minutes = minutes).to_string(),
        retry_after_secs: wait.as_secs().max(1),
    }
}

/// One-click sign-in as a demo persona: only in demo mode, only for demo accounts.
pub async fn demo_sign_in(username: &str) -> Result<(), AppError> {
    let state = app_state()?;
    if !state.auth.demo {
        return Err(AppError::not_found(td_string!(
            lang::current(),
            auth.demo_sign_in_not_found
        )));
    }
    let account = accounts::by_username(&state.db.pool, username).await?;
    if !db::is_demo_persona(&state.db.pool, account.id).await? || !account.active {
        return Err(AppError::not_found(
            td_string!(
                lang::current(),
                auth.demo_persona_not_found,
                username = username
            )
            .to_string(),
        ));
    }
    start_session(&account, "demo").await
}

pub async fn sign_out() -> Result<(), AppError> {
    let state = app_state()?;
    let session = session()?;
    if let Some(auth) = session
        .get::<SessionAuth>(SESSION_AUTH)
        .await
        .map_err(session_error)?
    {
        let actor = current()
            .map(|c| c.account.username)
            .unwrap_or_else(|_| "unknown".into());
        let (address, _) = request_details();
        db::end_session(
            &state.db.pool,
            &auth.key,
            "signed_out",
            &actor,
            &address,
            Utc::now(),
        )
        .await?;
    }
    session.flush().await.map_err(session_error)?;
    Ok(())
}

/// Drops the browser's session cookie and the session layer's record.
pub async fn forget_session() {
    if let Ok(session) = session() {
        let _ = session.flush().await;
    }
}

/// The account signed in through `session`, if any. A session that has been idle or open too
/// long, was ended elsewhere, or whose account was disabled is ended and forgotten here.
/// Called once per request by the authentication layer.
pub async fn resolve_session(
    state: &crate::state::AppState,
    session: &Session,
    address: &str,
) -> Result<Option<Caller>, AppError> {
    let Some(auth) = session
        .get::<SessionAuth>(SESSION_AUTH)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let pool = &state.db.pool;
    let settings = &state.auth;
    let now = Utc::now();
    let Some(open) = db::find_open(pool, &auth.key).await? else {
        // Ended by sign-out elsewhere, revocation, a password change or disabling.
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    };
    let since = |t: DateTime<Utc>| (now - t).to_std().unwrap_or_default();
    let last_seen = open.last_seen_at;
    let account = accounts::by_id(pool, open.account_id).await?;
    let ending = settings.session_over(open.signed_in_at, last_seen, account.active, now);
    if let Some(reason) = ending {
        db::end_session(pool, &auth.key, reason, "system", address, now).await?;
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    }
    if since(last_seen) >= settings.touch_every() {
        db::touch(pool, &auth.key, now).await?;
    }
    Ok(Some(Caller {
        account,
        address: address.to_string(),
        session: Some(auth.key),
        token: None,
    }))
}

/// An attempt counted for a username or an address: its number in the current window, and
/// when that window began.
#[derive(Debug, Clone, Copy)]
pub struct Counted {
    pub nth: i64,
    pub window_start: DateTime<Utc>,
}

impl Counted {
    /// How long to wait when this attempt is beyond `limit`: until its window has passed.
    pub fn over(&self, limit: i64, now: DateTime<Utc>, window: Duration) -> Option<Duration> {
        let window = chrono::Duration::from_std(window).unwrap_or_default();
        (self.nth > limit).then(|| {
            (self.window_start + window - now)
                .to_std()
                .unwrap_or_default()
                .max(Duration::from_secs(1))
        })
    }
}

/// What reserving a sign-in attempt decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The password may be checked: this is the username's `nth` attempt in its window.
    Granted { nth: i64 },
    /// Too many attempts for the username or from the address: try again after `wait`.
    Refused { wait: Duration },
}

/// Guessing gets slower with each attempt for the same username: the `nth` waits a step for
/// each attempt before it beyond the first (at most 5 s).
pub fn delay(nth: i64, limits: &SignInLimits) -> Duration {
    let steps = (nth - 2).clamp(0, 10) as u32;
    (limits.slow_step * steps).min(Duration::from_secs(5))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap()
    }

    #[test]
    fn attempts_slow_and_then_refuse() {
        let limits = SignInLimits::default();
        assert_eq!(delay(1, &limits), Duration::ZERO);
        assert_eq!(delay(2, &limits), Duration::ZERO);
        assert_eq!(delay(4, &limits), Duration::from_millis(1000));
        assert_eq!(delay(100, &limits), Duration::from_secs(5));
        let fifth = Counted {
            nth: 5,
            window_start: at(0),
        };
        assert_eq!(fifth.over(limits.per_account, at(5), limits.window), None);
        let sixth = Counted { nth: 6, ..fifth };
        assert_eq!(
            sixth.over(limits.per_account, at(5), limits.window),
            Some(Duration::from_secs(10 * 60)),
            "refused until the window that began with the first attempt has passed"
        );
        assert_eq!(
            sixth.over(limits.per_account, at(20), limits.window),
            Some(Duration::from_secs(1)),
            "never a wait of nothing"
        );
    }
}
