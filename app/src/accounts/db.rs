//! Account storage (tokens are in `super::tokens`). Each change writes its journal entry in the same transaction.

use super::{Account, PasswordChanged, check_password, check_username};
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{PortScope, Role, Theme};
use crate::error::AppError;
use crate::journal::db::{NewEntry, record};
use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde_json::json;
use sqlx::{AnyConnection, AnyPool, Row, any::AnyRow};

const SELECT: &str = "select id, username, display_name, badge, role, ports, active, created_at, \
                      password_changed_at, language, theme from accounts";

fn row_to_account(row: &AnyRow) -> Result<Account, sqlx::Error> {
    let role: String = row.try_get("role")?;
    let ports: String = row.try_get("ports")?;
    Ok(Account {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        badge: row.try_get("badge")?,
        role: Role::parse(&role).ok_or_else(|| crate::sql::decode_error("role", &role))?,
        ports: PortScope::parse(&ports).map_err(|e| sqlx::Error::Decode(e.into()))?,
        active: row.try_get::<i64, _>("active")? == 1,
        created_at: from_millis(row.try_get("created_at")?),
        password_changed_at: from_millis(row.try_get("password_changed_at")?),
        language: row
            .try_get::<Option<String>, _>("language")?
            .as_deref()
            .and_then(crate::lang::parse),
        theme: row
            .try_get::<Option<String>, _>("theme")?
            .as_deref()
            .and_then(Theme::parse)
            .unwrap_or_default(),
    })
}

fn scope_text(scope: &PortScope) -> String {
    match scope {
        PortScope::All => "all".into(),
        PortScope::Only(codes) => codes.join(","),
    }
}

/// Hashing and checking passwords: Argon2id is meant to be slow, so it runs on the blocking
/// threads, never on those that serve requests, and no more of it at once than there are cores,
/// so that a burst of sign-ins waits its turn while the board goes on answering.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::sync::Semaphore::new(cores)
});

/// Runs `work` on a blocking thread once a core is free for it. The turn is held until the
/// work ends, even when the request that asked for it has gone away.
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let internal = |what: &str| AppError::Internal {
        reference: format!("password-{what}"),
    };
    let turn = HASHING.acquire().await.map_err(|_| internal("turn"))?;
    tokio::task::spawn_blocking(move || {
        let done = work();
        drop(turn);
        done
    })
    .await
    .map_err(|_| internal("thread"))
}

/// An Argon2id hash (PHC string) with a fresh random salt.
fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal {
                reference: "password-hash".into(),
            }
        })
}

fn verify_now(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// An Argon2id hash (PHC string) with a fresh random salt, computed off the request threads.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    hashing(move || hash_now(&password)).await?
}

/// Whether `password` matches the PHC string `phc`, checked off the request threads.
pub async fn verify_password(password: &str, phc: &str) -> Result<bool, AppError> {
    let (password, phc) = (password.to_string(), phc.to_string());
    hashing(move || verify_now(&password, &phc)).await
}

/// `N` bytes from the operating system's generator, as URL-safe base64.
pub(super) fn random_text<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A password nobody chose: 18 random bytes (24 characters).
pub fn generate_password() -> String {
    random_text::<18>()
}

pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub badge: Option<&'a str>,
    pub role: Role,
    pub ports: PortScope,
    pub password: &'a str,
    /// A demo persona, offered for one-click sign-in in demo mode.
    pub demo: bool,
}

#[tracing::instrument(skip_all, fields(username = new.username))]
pub async fn create(
    pool: &AnyPool,
    new: NewAccount<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Account, AppError> {
    let username = check_username(new.username).map_err(|r| AppError::invalid("username", r))?;
    check_password(new.password).map_err(|r| AppError::invalid("password", r))?;
    let display_name = new.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 80 {
        return Err(AppError::invalid(
            "display_name",
            "a display name is 1 to 80 characters",
        ));
    }
    let hash = hash_password(new.password).await?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    // The unique index on usernames decides, whoever else is creating the same one at the
    // same moment: the loser is told the name is taken.
    let id: i64 = sqlx::query(
        "insert into accounts (username, display_name, badge, role, ports, password_hash, active, \
         created_at, password_changed_at, demo) values ($1, $2, $3, $4, $5, $6, 1, $7, $7, $8) \
         returning id",
    )
    .bind(&username)
    .bind(display_name)
    .bind(new.badge)
    .bind(new.role.code())
    .bind(scope_text(&new.ports))
    .bind(hash)
    .bind(to_millis(now))
    .bind(i64::from(new.demo))
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| {
        if crate::sql::unique_violation(&e, "accounts_username_key", "accounts.username") {
            AppError::Conflict {
                message: format!("the username {username} is taken"),
            }
        } else {
            e.into()
        }
    })?
    .try_get("id")?;
    let after =
        json!({ "username": username, "role": new.role.code(), "ports": scope_text(&new.ports) });
    record(
        &mut tx,
        NewEntry::administrative(now, actor, "account", id, "created", after),
    )
    .await?;
    tx.commit().await?;
    by_username(pool, &username).await
}

pub async fn by_id(pool: &AnyPool, id: i64) -> Result<Account, AppError> {
    let row = sqlx::query(&format!("{SELECT} where id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::not_found(format!("account #{id}")))?;
    Ok(row_to_account(&row)?)
}

pub async fn by_username(pool: &AnyPool, username: &str) -> Result<Account, AppError> {
    let row = sqlx::query(&format!("{SELECT} where username = $1"))
        .bind(username.trim().to_lowercase())
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::not_found(format!("account {username}")))?;
    Ok(row_to_account(&row)?)
}

pub async fn list(pool: &AnyPool) -> Result<Vec<Account>, AppError> {
    Ok(sqlx::query(&format!("{SELECT} order by username"))
        .fetch_all(pool)
        .await?
        .iter()
        .map(row_to_account)
        .collect::<Result<_, _>>()?)
}

/// Checks a username and password; `None` for a wrong password, an unknown username or a
/// disabled account alike, so a caller cannot tell which.
pub async fn check_credentials(
    pool: &AnyPool,
    username: &str,
    password: &str,
) -> Result<Option<Account>, AppError> {
    let row = sqlx::query(
        "select id, username, display_name, badge, role, ports, active, created_at, \
         password_changed_at, language, theme, password_hash from accounts where username = $1",
    )
    .bind(username.trim().to_lowercase())
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        // Spend the time a real check takes, so timing does not reveal unknown usernames.
        let password = password.to_string();
        hashing(move || verify_now(&password, &DUMMY_HASH)).await?;
        return Ok(None);
    };
    let hash: String = row.try_get("password_hash")?;
    let account = row_to_account(&row)?;
    Ok((verify_password(password, &hash).await? && account.active).then_some(account))
}

/// A hash of a random password, checked against when the username is unknown.
/// (Made on first use, on a blocking thread.)
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_now(&generate_password()).unwrap_or_default());

/// Journals a change to an existing account, recording whether it was active before.
pub(super) async fn journal_account(
    tx: &mut sqlx::AnyConnection,
    account: &Account,
    action: &str,
    after: serde_json::Value,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let before = Some(json!({ "active": account.active }));
    let entry = NewEntry::administrative(now, actor, "account", account.id, action, after);
    record(tx, entry.before(before)).await.map(|_| ())
}

/// Disables an account: it can no longer sign in, and its tokens stop working.
pub async fn disable(
    pool: &AnyPool,
    username: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Account, AppError> {
    let account = by_username(pool, username).await?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    sqlx::query("update accounts set active = 0, version = version + 1 where id = $1")
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    let ended = end_sessions_of(&mut tx, account.id, "account_disabled", now).await?;
    journal_account(
        &mut tx,
        &account,
        "disabled",
        json!({ "active": false, "sessions_ended": ended }),
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    by_username(pool, username).await
}

/// What a password change does to the account's bearer tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tokens {
    /// Revoked with the old password: whoever may have learnt it may also have made one.
    Revoke,
    /// Kept working (a planned change, made by someone who knows where they are used).
    Keep,
}

/// Sets a new password: the account's sessions end and, unless `tokens` says to keep them, its
/// tokens are revoked; the journal entry says how many of each. Returns the account and how
/// many tokens were revoked.
pub async fn set_password(
    pool: &AnyPool,
    username: &str,
    password: &str,
    tokens: Tokens,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(Account, u64), AppError> {
    check_password(password).map_err(|r| AppError::invalid("password", r))?;
    let account = by_username(pool, username).await?;
    let hash = hash_password(password).await?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    sqlx::query(
        "update accounts set password_hash = $1, password_changed_at = $2, version = version + 1 \
         where id = $3",
    )
    .bind(hash)
    .bind(to_millis(now))
    .bind(account.id)
    .execute(&mut *tx)
    .await?;
    let ended = end_sessions_of(&mut tx, account.id, "password_changed", now).await?;
    let revoked = match tokens {
        Tokens::Revoke => super::tokens::revoke_all_of(&mut tx, account.id, now).await?,
        Tokens::Keep => 0,
    };
    let after = json!({ "sessions_ended": ended, "tokens_revoked": revoked });
    journal_account(&mut tx, &account, "password_changed", after, actor, now).await?;
    tx.commit().await?;
    Ok((by_username(pool, username).await?, revoked))
}

/// Ends every open session of an account, inside the caller's transaction (which journals
/// the change that caused it); returns how many ended.
pub async fn end_sessions_of(
    conn: &mut AnyConnection,
    account_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "update sessions set ended_at = $1, end_reason = $2 \
         where account_id = $3 and ended_at is null",
    )
    .bind(to_millis(now))
    .bind(reason)
    .bind(account_id)
    .execute(conn)
    .await?
    .rows_affected())
}

/// A person's change of their own password (already checked, and hashed as `hash`), in one
/// transaction: the new hash, every session of the account but `keep` (the one the change
/// came through) ended, its live tokens revoked when `revoke_tokens`, and the journal entry
/// that counts them.
pub async fn change_own_password(
    pool: &AnyPool,
    account: &Account,
    hash: &str,
    keep: Option<&str>,
    revoke_tokens: bool,
    now: DateTime<Utc>,
) -> Result<PasswordChanged, AppError> {
    let at = to_millis(now);
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    sqlx::query(
        "update accounts set password_hash = $1, password_changed_at = $2, \
         version = version + 1 where id = $3",
    )
    .bind(hash)
    .bind(at)
    .bind(account.id)
    .execute(&mut *tx)
    .await?;
    let sessions_ended = sqlx::query(
        "update sessions set ended_at = $1, end_reason = 'password_changed' \
         where account_id = $2 and ended_at is null and key <> $3",
    )
    .bind(at)
    .bind(account.id)
    .bind(keep.unwrap_or_default())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let tokens_revoked = if revoke_tokens {
        super::tokens::revoke_all_of(&mut tx, account.id, now).await?
    } else {
        0
    };
    let after = json!({
        "changed_by": "owner",
        "sessions_ended": sessions_ended,
        "tokens_revoked": tokens_revoked,
        "tokens_kept": !revoke_tokens,
    });
    let entry = NewEntry::administrative(
        now,
        &account.username,
        "account",
        account.id,
        "password_changed",
        after,
    );
    record(
        &mut tx,
        entry.before(Some(json!({ "active": account.active }))),
    )
    .await?;
    tx.commit().await?;
    Ok(PasswordChanged {
        sessions_ended,
        tokens_revoked,
    })
}

/// Keeps a person's choice of language (`None`: their browser's) with their account, journaled
/// as theirs.
pub async fn set_language(
    pool: &AnyPool,
    account: &Account,
    language: Option<crate::lang::Locale>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let code = language.map(crate::lang::code);
    set_preference(pool, account, "language", code, now).await
}

/// Keeps a person's choice of colours with their account, journaled as theirs.
pub async fn set_theme(
    pool: &AnyPool,
    account: &Account,
    theme: Theme,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let code = (theme != Theme::Auto).then(|| theme.code());
    set_preference(pool, account, "theme", code, now).await
}

async fn set_preference(
    pool: &AnyPool,
    account: &Account,
    column: &'static str,
    value: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let statement = match column {
        "language" => "update accounts set language = $1, version = version + 1 where id = $2",
        _ => "update accounts set theme = $1, version = version + 1 where id = $2",
    };
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    sqlx::query(statement)
        .bind(value.map(str::to_string))
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    let actor = crate::journal::acting::signature(&account.display_name, account.badge.as_deref());
    let after = json!({ column: value.unwrap_or("auto") });
    let entry =
        NewEntry::administrative(now, &actor, "account", account.id, "preference_set", after);
    record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}
