//! Whether access given earlier still holds. A request is authenticated once, when it arrives;
//! a caller that stays connected (a live stream) is checked again here whenever the journal
//! says its session, token or account changed, and whenever a time limit of its session or
//! its token's expiry comes: the same rules as [`super::server::resolve_session`], applied to
//! a credential that is already in use.

use super::db;
use crate::accounts::db as accounts;
use crate::domain::Principal;
use crate::domain::clock::from_millis;
use crate::error::AppError;
use crate::state::AuthSettings;
use chrono::{DateTime, TimeDelta, Utc};
use sqlx::{AnyPool, Row};

/// What a long-lived caller was let in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A signed-in session, by its key.
    Session(String),
    /// A bearer token, by its id.
    Token(i64),
}

/// With nothing journaled about it, a credential without a time limit is looked at again
/// this often all the same.
const LOOK_AGAIN_AT_LEAST: TimeDelta = TimeDelta::hours(1);

/// Whether access still holds, and what it may read if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Still allowed, reading as `principal`; nothing journaled may change that before
    /// `check_by` (a session's idle or absolute end, a token's expiry, or an hour from now).
    Holds {
        principal: Principal,
        check_by: DateTime<Utc>,
    },
    /// Ended, for this reason: the session's end reason (`signed_out`, `idle`, `expired`,
    /// `revoked_by_owner`, `password_changed`, `account_disabled`, …), `token_revoked` or
    /// `token_expired`.
    Ended(String),
}

/// Checks `credential` of account `account_id` now. A session found past its idle or
/// absolute limit, or whose account was disabled, is ended and journaled here as
/// `resolve_session` would (by "system", from `address`).
pub async fn standing(
    pool: &AnyPool,
    settings: &AuthSettings,
    account_id: i64,
    credential: &Credential,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Standing, AppError> {
    let account = accounts::by_id(pool, account_id).await?;
    let mut check_by = now + LOOK_AGAIN_AT_LEAST;
    match credential {
        Credential::Session(key) => {
            let Some(session) = session_of(pool, key).await? else {
                return Ok(Standing::Ended("ended".into()));
            };
            if let Some(reason) = session.end_reason {
                return Ok(Standing::Ended(reason));
            }
            let (signed_in, last_seen) = (session.signed_in_at, session.last_seen_at);
            if let Some(reason) = settings.session_over(signed_in, last_seen, account.active, now) {
                db::end_session(pool, key, reason, "system", address, now).await?;
                return Ok(Standing::Ended(reason.into()));
            }
            // Just past either end, so that the next look finds it over.
            let ends_by = settings.session_ends_by(signed_in, last_seen);
            check_by = check_by.min(ends_by + TimeDelta::milliseconds(1));
        }
        Credential::Token(id) => {
            let row = sqlx::query(
                "select revoked_at, expires_at from api_tokens where id = $1 and account_id = $2",
            )
            .bind(id)
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
            let Some(row) = row else {
                return Ok(Standing::Ended("token_revoked".into()));
            };
            if row.try_get::<Option<i64>, _>("revoked_at")?.is_some() {
                return Ok(Standing::Ended("token_revoked".into()));
            }
            if !account.active {
                return Ok(Standing::Ended("account_disabled".into()));
            }
            let expires_at = from_millis(row.try_get("expires_at")?);
            if expires_at <= now {
                return Ok(Standing::Ended("token_expired".into()));
            }
            // At its expiry, the next look finds it over.
            check_by = check_by.min(expires_at);
        }
    }
    Ok(Standing::Holds {
        principal: account.principal(),
        check_by,
    })
}

/// A session, ended or not.
struct SessionRow {
    signed_in_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    /// Why it ended; `None` while it is open.
    end_reason: Option<String>,
}

async fn session_of(pool: &AnyPool, key: &str) -> Result<Option<SessionRow>, AppError> {
    let row = sqlx::query(
        "select signed_in_at, last_seen_at, ended_at, end_reason from sessions where key = $1",
    )
    .bind(key)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let ended_at: Option<i64> = row.try_get("ended_at")?;
    let end_reason: Option<String> = row.try_get("end_reason")?;
    Ok(Some(SessionRow {
        signed_in_at: from_millis(row.try_get("signed_in_at")?),
        last_seen_at: from_millis(row.try_get("last_seen_at")?),
        end_reason: ended_at.map(|_| end_reason.unwrap_or_else(|| "ended".into())),
    }))
}
