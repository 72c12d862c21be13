//! Accounts: who may use the product, with which role, at which ports. Passwords are hashed
//! with Argon2id; machine clients hold bearer tokens stored only as their SHA-256.

use crate::domain::{PortScope, Principal, Role};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
pub mod page;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// An account as shown to administrators (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub badge: Option<String>,
    pub role: Role,
    pub ports: PortScope,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
}

impl Account {
    pub fn principal(&self) -> Principal {
        Principal {
            username: self.username.clone(),
            role: self.role,
            ports: self.ports.clone(),
            active: self.active,
        }
    }
}

/// A username: 3 to 32 lowercase letters, digits, dots, dashes or underscores.
pub fn check_username(username: &str) -> Result<String, String> {
    let u = username.trim().to_lowercase();
    let ok = (3..=32).contains(&u.len())
        && u.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        });
    if ok {
        Ok(u)
    } else {
        Err("a username is 3 to 32 letters, digits, dots, dashes or underscores".into())
    }
}

pub fn check_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Err(format!(
            "a password has at least {MIN_PASSWORD_CHARS} characters"
        ))
    } else if n > MAX_PASSWORD_CHARS {
        Err(format!(
            "a password has at most {MAX_PASSWORD_CHARS} characters"
        ))
    } else {
        Ok(())
    }
}

/// An account just made or reset, with the password to hand over (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    pub account: Account,
    pub password: String,
}

#[server(prefix = "/rpc", endpoint = "accounts")]
pub async fn list_accounts() -> Result<Vec<Account>, AppError> {
    crate::auth::server::require(crate::domain::Action::ManageAccounts, None).await?;
    let state = crate::state::app_state()?;
    db::list(&state.db.pool).await
}

/// Creates an account with a generated password, returned once.
#[server(prefix = "/rpc", endpoint = "create_account")]
pub async fn create_account(
    username: String,
    display_name: String,
    badge: String,
    role: String,
    ports: String,
) -> Result<Issued, AppError> {
    let caller = crate::auth::server::require(crate::domain::Action::ManageAccounts, None).await?;
    let state = crate::state::app_state()?;
    let role = Role::parse(role.trim())
        .ok_or_else(|| AppError::invalid("role", format!("choose one of {}", Role::codes())))?;
    let ports = PortScope::parse(&ports).map_err(|reason| AppError::invalid("ports", reason))?;
    let badge = badge.trim();
    if badge.chars().count() > 20 {
        return Err(AppError::invalid(
            "badge",
            "a badge number is at most 20 characters",
        ));
    }
    let password = db::generate_password();
    let account = db::create(
        &state.db.pool,
        db::NewAccount {
            username: &username,
            display_name: &display_name,
            badge: (!badge.is_empty()).then_some(badge),
            role,
            ports,
            password: &password,
            demo: false,
        },
        &caller.account.username,
        chrono::Utc::now(),
    )
    .await?;
    Ok(Issued { account, password })
}

/// Disables an account; its sessions end and its tokens stop working at once.
#[server(prefix = "/rpc", endpoint = "disable_account")]
pub async fn disable_account(username: String) -> Result<Account, AppError> {
    let caller = crate::auth::server::require(crate::domain::Action::ManageAccounts, None).await?;
    if caller.account.username == username.trim().to_lowercase() {
        return Err(AppError::Conflict {
            message: "you cannot disable your own account; ask another administrator".into(),
        });
    }
    let state = crate::state::app_state()?;
    let account = db::by_username(&state.db.pool, &username).await?;
    if !account.active {
        return Err(AppError::Conflict {
            message: format!("{} is already disabled", account.username),
        });
    }
    db::disable(
        &state.db.pool,
        &account.username,
        &caller.account.username,
        chrono::Utc::now(),
    )
    .await
}

/// Gives an account a new generated password (returned once) and ends its sessions.
#[server(prefix = "/rpc", endpoint = "reset_password")]
pub async fn reset_password(username: String) -> Result<Issued, AppError> {
    let caller = crate::auth::server::require(crate::domain::Action::ManageAccounts, None).await?;
    let state = crate::state::app_state()?;
    let password = db::generate_password();
    let account = db::set_password(
        &state.db.pool,
        &username,
        &password,
        &caller.account.username,
        chrono::Utc::now(),
    )
    .await?;
    Ok(Issued { account, password })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_bounded() {
        assert_eq!(check_username(" J.Tremblay "), Ok("j.tremblay".into()));
        assert!(check_username("jt").is_err());
        assert!(check_username("j tremblay").is_err());
        assert!(check_username("<script>").is_err());
    }

    #[test]
    fn passwords_have_a_minimum_and_maximum_length() {
        assert!(check_password("short").is_err());
        assert!(check_password("correct horse battery").is_ok());
        assert!(check_password(&"x".repeat(257)).is_err());
    }
}
