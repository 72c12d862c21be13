//! What administrators do: the accounts of the product (add, disable, reset a password), each
//! authorized as `ManageAccounts` and journaled by the account store.

use crate::accounts::{Account, Issued};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    crate::accounts::db,
    crate::domain::{PortScope, Role},
    crate::i18n::td_string,
    crate::lang,
};

pub mod page;

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
    let role = Role::parse(role.trim()).ok_or_else(|| {
        AppError::invalid(
            "role",
            td_string!(lang::current(), admin.role_unknown, codes = Role::codes()).to_string(),
        )
    })?;
    if username
        .trim()
        .to_lowercase()
        .starts_with(crate::accounts::SIMULATED_PREFIX)
    {
        return Err(AppError::invalid(
            "username",
            td_string!(
                lang::current(),
                admin.username_simulated,
                prefix = crate::accounts::SIMULATED_PREFIX
            )
            .to_string(),
        ));
    }
    let ports = PortScope::parse(&ports).map_err(|reason| AppError::invalid("ports", reason))?;
    let badge = badge.trim();
    if badge.chars().count() > 20 {
        return Err(AppError::invalid(
            "badge",
            td_string!(lang::current(), admin.badge_too_long).to_string(),
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
            message: td_string!(lang::current(), admin.disable_self).to_string(),
        });
    }
    let state = crate::state::app_state()?;
    let account = db::by_username(&state.db.pool, &username).await?;
    if !account.active {
        return Err(AppError::Conflict {
            message: td_string!(
                lang::current(),
                admin.already_disabled,
                username = account.username
            )
            .to_string(),
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

/// Gives an account a new generated password (returned once), ends its sessions and revokes
/// its tokens.
#[server(prefix = "/rpc", endpoint = "reset_password")]
pub async fn reset_password(username: String) -> Result<Issued, AppError> {
    let caller = crate::auth::server::require(crate::domain::Action::ManageAccounts, None).await?;
    let state = crate::state::app_state()?;
    let password = db::generate_password();
    let (account, _) = db::set_password(
        &state.db.pool,
        &username,
        &password,
        db::Tokens::Revoke,
        &caller.account.username,
        chrono::Utc::now(),
    )
    .await?;
    Ok(Issued { account, password })
}
