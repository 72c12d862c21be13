//! Bearer tokens of machine clients: issued with a label and an expiry, stored only as their
//! SHA-256, their last use noted at most once a minute, revoked one by one or all at once.
//! Each change writes its journal entry in the same transaction.

use super::db::{by_username, journal_account, random_text};
use super::{Account, ApiToken, check_token_expiry, check_token_label};
use crate::domain::clock::{from_millis, to_millis};
use crate::error::AppError;
use crate::journal::db::{NewEntry, record};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool, Row, any::AnyRow};

/// A token's last use is written again only once it is older than this, so that a client
/// calling many times a second does not write on every call.
pub const LAST_USE_EVERY: TimeDelta = TimeDelta::minutes(1);

fn token_digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Issues a bearer token for an account, valid until `expires_at`, and returns it; only its
/// digest is stored.
pub async fn issue_token(
    pool: &AnyPool,
    username: &str,
    label: &str,
    expires_at: DateTime<Utc>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let label = check_token_label(label).map_err(|r| AppError::invalid("label", r))?;
    check_token_expiry(expires_at, now).map_err(|r| AppError::invalid("expires", r))?;
    let account = by_username(pool, username).await?;
    if !account.active {
        return Err(AppError::Conflict {
            message: crate::i18n::td_string!(
                crate::lang::current(),
                accounts.account_disabled,
                username = username
            )
            .to_string(),
        });
    }
    let token = format!("boc_{}", random_text::<32>());
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let id: i64 = sqlx::query(
        "insert into api_tokens (account_id, token_hash, label, created_at, expires_at) \
         values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(account.id)
    .bind(token_digest(&token))
    .bind(&label)
    .bind(to_millis(now))
    .bind(to_millis(expires_at))
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let after = json!({
        "account": account.username,
        "label": label,
        "expires_at": instant(expires_at),
    });
    record(
        &mut tx,
        NewEntry::administrative(now, actor, "api_token", id, "issued", after),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The active account a token belongs to, and the token's id; `None` for a token revoked,
/// never issued, or of a disabled account. A token past its expiry is refused with a sentence
/// that says so. The token's last use is written when the one stored is older than
/// [`LAST_USE_EVERY`] (not journaled: it is bookkeeping, not a change anyone made).
pub async fn account_for_token(
    pool: &AnyPool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Account, i64)>, AppError> {
    let row = sqlx::query(
        "select a.username, t.id, t.expires_at, t.last_used_at from api_tokens t \
         join accounts a on a.id = t.account_id \
         where t.token_hash = $1 and t.revoked_at is null and a.active = 1",
    )
    .bind(token_digest(token))
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    if from_millis(row.try_get("expires_at")?) <= now {
        return Err(AppError::Unauthenticated {
            message: crate::i18n::td_string!(crate::lang::current(), accounts.token_expired).into(),
        });
    }
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    let stale = to_millis(now - LAST_USE_EVERY);
    if last_used.is_none_or(|at| at < stale) {
        // Conditional, so that of the calls that race here within a minute one writes.
        let noted = sqlx::query(
            "update api_tokens set last_used_at = $1 \
             where id = $2 and (last_used_at is null or last_used_at < $3)",
        )
        .bind(to_millis(now))
        .bind(id)
        .bind(stale)
        .execute(pool)
        .await;
        if let Err(error) = noted {
            // The call is not refused for want of a note of its time.
            tracing::warn!(%error, token = id, "noting a token's last use");
        }
    }
    let account = by_username(pool, &row.try_get::<String, _>("username")?).await?;
    Ok(Some((account, id)))
}

fn row_to_token(row: &AnyRow) -> Result<ApiToken, sqlx::Error> {
    let at = |column: &str| -> Result<Option<DateTime<Utc>>, sqlx::Error> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(from_millis))
    };
    Ok(ApiToken {
        id: row.try_get("id")?,
        label: row.try_get("label")?,
        created_at: from_millis(row.try_get("created_at")?),
        expires_at: from_millis(row.try_get("expires_at")?),
        last_used_at: at("last_used_at")?,
        revoked_at: at("revoked_at")?,
    })
}

/// Every token of an account, revoked and expired ones too, newest first.
pub async fn tokens_of(pool: &AnyPool, username: &str) -> Result<Vec<ApiToken>, AppError> {
    let account = by_username(pool, username).await?;
    Ok(sqlx::query(
        "select id, label, created_at, expires_at, last_used_at, revoked_at from api_tokens \
         where account_id = $1 order by created_at desc, id desc",
    )
    .bind(account.id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(row_to_token)
    .collect::<Result<_, _>>()?)
}

/// Revokes one token, by its id; returns it as it is now, with the username it belonged to.
/// An unknown or already revoked token is refused and nothing is written.
pub async fn revoke_token(
    pool: &AnyPool,
    id: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(ApiToken, String), AppError> {
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let revoked =
        sqlx::query("update api_tokens set revoked_at = $1 where id = $2 and revoked_at is null")
            .bind(to_millis(now))
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    let row = sqlx::query(
        "select t.id, t.label, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, \
         a.username from api_tokens t join accounts a on a.id = t.account_id where t.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::not_found(
            crate::i18n::td_string!(crate::lang::current(), accounts.token_number, id = id)
                .to_string(),
        )
    })?;
    let token = row_to_token(&row)?;
    let username: String = row.try_get("username")?;
    if revoked == 0 {
        let when = token.revoked_at.map(instant).unwrap_or_default();
        return Err(AppError::Conflict {
            message: crate::i18n::td_string!(
                crate::lang::current(),
                accounts.token_already_revoked,
                id = id,
                when = when
            )
            .to_string(),
        });
    }
    let after = json!({ "account": username, "label": token.label });
    record(
        &mut tx,
        NewEntry::administrative(now, actor, "api_token", id, "revoked", after),
    )
    .await?;
    tx.commit().await?;
    Ok((token, username))
}

/// Revokes every live token of an account, inside the caller's transaction (which journals
/// the change); returns how many.
pub(super) async fn revoke_all_of(
    conn: &mut AnyConnection,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "update api_tokens set revoked_at = $1 where account_id = $2 and revoked_at is null",
    )
    .bind(to_millis(now))
    .bind(account_id)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Revokes every live token of an account; returns how many.
pub async fn revoke_tokens(
    pool: &AnyPool,
    username: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let account = by_username(pool, username).await?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let revoked = revoke_all_of(&mut tx, account.id, now).await?;
    journal_account(
        &mut tx,
        &account,
        "tokens_revoked",
        json!({ "revoked": revoked }),
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(revoked)
}
