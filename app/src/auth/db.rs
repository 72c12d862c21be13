//! Sessions, failed sign-ins and refusals in the database. Every sign-in, sign-out, failure
//! and refusal is journaled in the transaction that records it.

use super::server::{Caller, RecentFailures};
use super::{Persona, SessionInfo};
use crate::accounts::Account;
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{Action, PortScope, Role};
use crate::error::AppError;
use crate::journal::db::{NewEntry, record};
use crate::journal::refusals;
use crate::state::{AuthSettings, SignInLimits};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{AnyPool, Row};

fn new_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Records a new session and journals the sign-in; returns the session's key.
pub async fn open_session(
    pool: &AnyPool,
    account: &Account,
    address: &str,
    user_agent: &str,
    how: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let key = new_key();
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    sqlx::query(
        "insert into sessions (key, account_id, signed_in_at, last_seen_at, address, user_agent) \
         values ($1, $2, $3, $3, $4, $5)",
    )
    .bind(&key)
    .bind(account.id)
    .bind(to_millis(now))
    .bind(address)
    .bind(user_agent)
    .execute(&mut *tx)
    .await?;
    let after = json!({ "address": address, "user_agent": user_agent, "method": how });
    let entry =
        NewEntry::administrative(now, &account.username, "session", &key, "signed_in", after);
    record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(key)
}

/// An open session and when it was last seen.
#[derive(Debug, Clone)]
pub struct OpenSession {
    pub account_id: i64,
    pub signed_in_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// The session with this key, if it has not ended.
pub async fn find_open(pool: &AnyPool, key: &str) -> Result<Option<OpenSession>, AppError> {
    let row = sqlx::query(
        "select account_id, signed_in_at, last_seen_at from sessions \
         where key = $1 and ended_at is null",
    )
    .bind(key)
    .fetch_optional(pool)
    .await?;
    Ok(match row {
        Some(row) => Some(OpenSession {
            account_id: row.try_get("account_id")?,
            signed_in_at: from_millis(row.try_get("signed_in_at")?),
            last_seen_at: from_millis(row.try_get("last_seen_at")?),
        }),
        None => None,
    })
}

pub async fn touch(pool: &AnyPool, key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    sqlx::query("update sessions set last_seen_at = $1 where key = $2 and ended_at is null")
        .bind(to_millis(now))
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends one session (sign-out, timeout, replaced) and journals who ended it, from where and
/// why; `false` when it had already ended.
pub async fn end_session(
    pool: &AnyPool,
    key: &str,
    reason: &str,
    actor: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let ended = sqlx::query(
        "update sessions set ended_at = $1, end_reason = $2 where key = $3 and ended_at is null",
    )
    .bind(to_millis(now))
    .bind(reason)
    .bind(key)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if ended {
        let action = if reason == "signed_out" {
            "signed_out"
        } else {
            "ended"
        };
        let after = json!({ "reason": reason, "address": address });
        let entry = NewEntry::administrative(now, actor, "session", key, action, after);
        record(&mut tx, entry.reason(Some(reason))).await?;
    }
    tx.commit().await?;
    Ok(ended)
}

/// Ends one of the caller's own sessions.
pub async fn end_own_session(
    pool: &AnyPool,
    caller: &Caller,
    key: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let owner: Option<i64> = sqlx::query("select account_id from sessions where key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await?
        .map(|r| r.try_get("account_id"))
        .transpose()?;
    if owner != Some(caller.account.id) {
        return Ok(false);
    }
    let reason = if caller.session.as_deref() == Some(key) {
        "signed_out"
    } else {
        "revoked_by_owner"
    };
    end_session(
        pool,
        key,
        reason,
        &caller.account.username,
        &caller.address,
        now,
    )
    .await
}

/// The account's sessions that are still usable, newest first.
pub async fn open_sessions(
    pool: &AnyPool,
    account_id: i64,
    current: Option<&str>,
    now: DateTime<Utc>,
    settings: &AuthSettings,
) -> Result<Vec<SessionInfo>, AppError> {
    let idle = chrono::Duration::from_std(settings.idle).unwrap_or_default();
    let absolute = chrono::Duration::from_std(settings.absolute).unwrap_or_default();
    let rows = sqlx::query(
        "select key, signed_in_at, last_seen_at, address, user_agent from sessions \
         where account_id = $1 and ended_at is null and last_seen_at > $2 and signed_in_at > $3 \
         order by signed_in_at desc",
    )
    .bind(account_id)
    .bind(to_millis(now - idle))
    .bind(to_millis(now - absolute))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let key: String = row.try_get("key")?;
            Ok(SessionInfo {
                current: current == Some(key.as_str()),
                key,
                signed_in_at: from_millis(row.try_get("signed_in_at")?),
                last_seen_at: from_millis(row.try_get("last_seen_at")?),
                address: row.try_get("address")?,
                user_agent: row.try_get("user_agent")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// Journals an action that was refused, with who, where from and why: in full the first time
/// in a minute, then counted (see [`crate::journal::refusals`]).
pub async fn journal_refusal(
    pool: &AnyPool,
    caller: &Caller,
    action: Action,
    port: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let after = json!({ "action": action, "port": port, "address": caller.address });
    let who = &caller.account.username;
    let kind = refusals::Kind {
        actor: who.clone(),
        entity: "access",
        entity_id: who.clone(),
        action: "refused",
        what: serde_json::to_value(action)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_else(|| format!("{action:?}")),
        port: port.map(String::from),
    };
    refusals::journal(pool, kind, after, reason, now).await?;
    Ok(())
}

/// Journals a sign-in event that has no session (a refusal for too many failures).
pub async fn journal_sign_in(
    pool: &AnyPool,
    username: &str,
    action: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut conn = pool.acquire().await?;
    let after = json!({ "address": address });
    let entry = NewEntry::administrative(now, username, "sign_in", username, action, after);
    record(&mut conn, entry).await?;
    Ok(())
}

pub async fn recent_failures(
    pool: &AnyPool,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
    limits: &SignInLimits,
) -> Result<RecentFailures, AppError> {
    let since = to_millis(now - chrono::Duration::from_std(limits.window).unwrap_or_default());
    let count = |column: &'static str, value: String| async move {
        let row = sqlx::query(&format!(
            "select count(*) as n, min(at) as oldest from sign_in_failures \
             where {column} = $1 and at > $2"
        ))
        .bind(value)
        .bind(since)
        .fetch_one(pool)
        .await?;
        let n: i64 = row.try_get("n")?;
        let oldest: Option<i64> = row.try_get("oldest")?;
        Ok::<_, sqlx::Error>((n, oldest.map(from_millis)))
    };
    let (for_account, oldest_account) = count("username", username.to_string()).await?;
    let (for_address, oldest_address) = count("address", address.to_string()).await?;
    Ok(RecentFailures {
        for_account,
        for_address,
        oldest_account,
        oldest_address,
    })
}

/// Counts a failed sign-in (and forgets those older than the window) and journals it.
pub async fn record_failure(
    pool: &AnyPool,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
    limits: &SignInLimits,
) -> Result<(), AppError> {
    let window = chrono::Duration::from_std(limits.window).unwrap_or_default();
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    sqlx::query("delete from sign_in_failures where at < $1")
        .bind(to_millis(now - window))
        .execute(&mut *tx)
        .await?;
    sqlx::query("insert into sign_in_failures (at, username, address) values ($1, $2, $3)")
        .bind(to_millis(now))
        .bind(username)
        .bind(address)
        .execute(&mut *tx)
        .await?;
    let after = json!({ "address": address });
    let entry = NewEntry::administrative(now, username, "sign_in", username, "failed", after);
    record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// A successful sign-in clears the username's count (the address keeps its own).
pub async fn clear_failures(pool: &AnyPool, username: &str) -> Result<(), AppError> {
    sqlx::query("delete from sign_in_failures where username = $1")
        .bind(username)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn demo_personas(pool: &AnyPool) -> Result<Vec<Persona>, AppError> {
    let rows = sqlx::query(
        "select username, display_name, role, ports from accounts \
         where demo = 1 and active = 1 order by id",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let role: String = row.try_get("role")?;
            let ports: String = row.try_get("ports")?;
            Ok(Persona {
                username: row.try_get("username")?,
                display_name: row.try_get("display_name")?,
                role: Role::parse(&role).ok_or_else(|| AppError::Internal {
                    reference: "persona-role".into(),
                })?,
                ports: PortScope::parse(&ports).unwrap_or(PortScope::Only(vec![])),
            })
        })
        .collect()
}

pub async fn is_demo_persona(pool: &AnyPool, account_id: i64) -> Result<bool, AppError> {
    let n: i64 = sqlx::query("select count(*) as n from accounts where id = $1 and demo = 1")
        .bind(account_id)
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    Ok(n > 0)
}
