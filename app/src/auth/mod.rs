//! Signing in and out, who is signed in, their sessions, and their own password. The server keeps every session
//! (cookie → session layer → a row in `sessions`); the browser holds only an opaque id.
//! Machine clients send `Authorization: Bearer …` instead.

use crate::domain::{PortScope, Role};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod db;
pub mod page;
pub mod password;
pub mod preferences;
#[cfg(feature = "ssr")]
pub mod server;
pub mod theme;

/// A demo account offered for one-click sign-in in demo mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Persona {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub ports: PortScope,
}

/// One of the caller's open sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub key: String,
    pub signed_in_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub address: String,
    pub user_agent: String,
    pub current: bool,
}

/// The message for a failed sign-in: the same whether the username exists or not.
pub fn wrong_credentials(locale: crate::lang::Locale) -> &'static str {
    crate::i18n::td_string!(locale, auth.wrong_credentials)
}

/// Only same-site paths may follow a sign-in, so a link cannot send an officer elsewhere.
pub fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/signin")
        && !next.chars().any(char::is_control);
    if ok { next.to_string() } else { "/".into() }
}

#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(username: String, password: String) -> Result<(), AppError> {
    server::sign_in(&username, &password).await
}

#[server(prefix = "/rpc", endpoint = "demo_sign_in")]
pub async fn demo_sign_in(username: String) -> Result<(), AppError> {
    server::demo_sign_in(&username).await
}

/// The demo personas, or none outside demo mode.
#[server(prefix = "/rpc", endpoint = "demo_personas")]
pub async fn demo_personas() -> Result<Vec<Persona>, AppError> {
    let state = crate::state::app_state()?;
    if !state.auth.demo {
        return Ok(vec![]);
    }
    db::demo_personas(&state.db.pool).await
}

#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    server::sign_out().await
}

/// The signed-in account, or `None` on the sign-in page.
#[server(prefix = "/rpc", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<crate::domain::Me>, AppError> {
    Ok(server::current().ok().map(|caller| caller.me()))
}

#[server(prefix = "/rpc", endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let caller = server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::open_sessions(
        &state.db.pool,
        caller.account.id,
        caller.session.as_deref(),
        Utc::now(),
        &state.auth,
    )
    .await
}

/// Ends one of the caller's own sessions; `true` when it was the one in use (signed out).
#[server(prefix = "/rpc", endpoint = "end_session")]
pub async fn end_session(key: String) -> Result<bool, AppError> {
    let caller = server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    let ended = db::end_own_session(&state.db.pool, &caller, &key, Utc::now()).await?;
    if !ended {
        return Err(AppError::not_found(crate::i18n::td_string!(
            crate::lang::current(),
            auth.session_not_found
        )));
    }
    let current = caller.session.as_deref() == Some(key.as_str());
    if current {
        server::forget_session().await;
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_follow_a_sign_in() {
        assert_eq!(safe_next("/holds?port=YVR"), "/holds?port=YVR");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/signin"), "/");
        assert_eq!(safe_next(""), "/");
    }
}
