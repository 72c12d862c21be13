//! Sessions, failed sign-ins and refusals in the database. Every sign-in, sign-out, failure
//! and refusal is journaled in the transaction that records it.

use super::server::{Caller, Counted, Reservation};
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

/// The key of a username's or an address's row in `sign_in_attempts`.
fn attempt_key(kind: &str, value: &str) -> String {
    format!("{kind}:{value}")
}

/// Counts one more attempt on `key` and returns the count and when its window began. A window
/// that has passed starts again at this attempt. One statement, so that attempts sent at once
/// are each given their own number.
async fn count_attempt(
    conn: &mut sqlx::AnyConnection,
    key: &str,
    now: DateTime<Utc>,
    window: chrono::Duration,
) -> Result<Counted, sqlx::Error> {
    let row = sqlx::query(
        "insert into sign_in_attempts (key, window_start, attempts) values ($1, $2, 1) \
         on conflict (key) do update set \
         window_start = case when sign_in_attempts.window_start <= $3 then $2 \
                        else sign_in_attempts.window_start end, \
         attempts = case when sign_in_attempts.window_start <= $3 then 1 \
                    else sign_in_attempts.attempts + 1 end \
         returning attempts, window_start",
    )
    .bind(key)
    .bind(to_millis(now))
    .bind(to_millis(now - window))
    .fetch_one(conn)
    .await?;
    Ok(Counted {
        nth: row.try_get("attempts")?,
        window_start: from_millis(row.try_get("window_start")?),
    })
}

/// Reserves a sign-in attempt for `username` from `address` before its password is checked:
/// the attempt is counted against both limits in one transaction (the counts' rows stay locked
/// until it ends), so that of many guesses sent at once no more than the limit are checked. A
/// refused attempt is not counted against the address, and is journaled at most once a minute
/// per username with the refusals since the entry before.
pub async fn reserve_attempt(
    pool: &AnyPool,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
    limits: &SignInLimits,
) -> Result<Reservation, AppError> {
    let window = chrono::Duration::from_std(limits.window).unwrap_or_default();
    let user_key = attempt_key("user", username);
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let account = count_attempt(&mut tx, &user_key, now, window).await?;
    let mut refusal = account.over(limits.per_account, now, limits.window);
    if refusal.is_none() {
        let from = count_attempt(&mut tx, &attempt_key("address", address), now, window).await?;
        refusal = from.over(limits.per_address, now, limits.window);
        if refusal.is_some() {
            // Refused for the address: the username's count gives this attempt back.
            sqlx::query("update sign_in_attempts set attempts = attempts - 1 where key = $1")
                .bind(&user_key)
                .execute(&mut *tx)
                .await?;
        }
    }
    if let Some(wait) = refusal {
        journal_refusal_counted(&mut tx, &user_key, username, address, now).await?;
        tx.commit().await?;
        return Ok(Reservation::Refused { wait });
    }
    tx.commit().await?;
    if account.nth == 1 {
        // A new window began: rows whose window has passed are forgotten.
        let mut tx = crate::db::WriteTx::begin(pool).await?;
        sqlx::query("delete from sign_in_attempts where window_start <= $1")
            .bind(to_millis(now - window))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(Reservation::Granted { nth: account.nth })
}

/// Refused sign-ins of one username are journaled at most this often (with their count).
const REFUSALS_JOURNALED_EVERY_MS: i64 = 60_000;

/// Counts a refused sign-in and journals it unless the username's refusals were journaled in
/// the last minute: the entry says how many refusals it stands for (this one and those not
/// journaled since the entry before), so that a flood writes one entry a minute.
async fn journal_refusal_counted(
    conn: &mut sqlx::AnyConnection,
    user_key: &str,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let row = sqlx::query(
        "update sign_in_attempts set refusals_unjournaled = refusals_unjournaled + 1 \
         where key = $1 returning refusals_unjournaled, refusal_journaled_at",
    )
    .bind(user_key)
    .fetch_one(&mut *conn)
    .await?;
    let refusals: i64 = row.try_get("refusals_unjournaled")?;
    let last: Option<i64> = row.try_get("refusal_journaled_at")?;
    if last.is_some_and(|last| to_millis(now) - last < REFUSALS_JOURNALED_EVERY_MS) {
        return Ok(());
    }
    sqlx::query(
        "update sign_in_attempts set refusals_unjournaled = 0, refusal_journaled_at = $1 \
         where key = $2",
    )
    .bind(to_millis(now))
    .bind(user_key)
    .execute(&mut *conn)
    .await?;
    let after = json!({ "address": address, "refusals": refusals });
    let entry =
        NewEntry::administrative(now, username, "sign_in", username, "sign_in_refused", after);
    record(conn, entry).await?;
    Ok(())
}

/// Journals a failed sign-in (its attempt was counted when it was reserved).
pub async fn record_failure(
    pool: &AnyPool,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let after = json!({ "address": address });
    let entry = NewEntry::administrative(now, username, "sign_in", username, "failed", after);
    record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// A successful sign-in clears the username's count and gives back the attempt it reserved
/// from the address (which keeps the count of its failures).
pub async fn clear_attempts(pool: &AnyPool, username: &str, address: &str) -> Result<(), AppError> {
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    sqlx::query("update sign_in_attempts set attempts = 0 where key = $1")
        .bind(attempt_key("user", username))
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "update sign_in_attempts set attempts = attempts - 1 where key = $1 and attempts > 0",
    )
    .bind(attempt_key("address", address))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
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
