//! A person changing their own password on "Your account": the current password is asked
//! for (a wrong one counts as a failed sign-in), the new one meets the rules, and the change
//! ends the account's other sessions and, unless they are kept, its API tokens, with its
//! journal entry in one transaction.

use crate::accounts::{PasswordChanged, check_password};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use leptos::prelude::*;

/// What can be told of a change of password before the current one is checked: each field
/// refused by its name, in words that say what to do.
pub fn check_change(current: &str, new: &str, again: &str) -> Result<(), AppError> {
    if current.is_empty() {
        return Err(AppError::invalid(
            "current_password",
            td_string!(lang::current(), auth.enter_current_password),
        ));
    }
    check_password(new).map_err(|reason| AppError::invalid("new_password", reason))?;
    if new == current {
        return Err(AppError::invalid(
            "new_password",
            td_string!(lang::current(), auth.new_is_current),
        ));
    }
    if new != again {
        return Err(AppError::invalid(
            "new_password_again",
            td_string!(lang::current(), auth.again_differs),
        ));
    }
    Ok(())
}

/// Changes the caller's own password. Unticked, `revoke_tokens` is not sent: the tokens are
/// kept.
#[server(prefix = "/rpc", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_again: String,
    #[server(default)] revoke_tokens: bool,
) -> Result<PasswordChanged, AppError> {
    server::change_password(
        &current_password,
        &new_password,
        &new_password_again,
        revoke_tokens,
    )
    .await
}

#[cfg(feature = "ssr")]
mod server {
    use super::check_change;
    use crate::accounts::{PasswordChanged, db};
    use crate::auth::server::{cycle_session_id, guess, require};
    use crate::domain::Action;
    use crate::error::AppError;
    use chrono::Utc;

    pub async fn change_password(
        current: &str,
        new: &str,
        again: &str,
        revoke_tokens: bool,
    ) -> Result<PasswordChanged, AppError> {
        let caller = require(Action::Read, None).await?;
        check_change(current, new, again)?;
        if guess(&caller.account.username, current).await?.is_none() {
            return Err(AppError::invalid(
                "current_password",
                crate::i18n::td_string!(crate::lang::current(), auth.current_wrong),
            ));
        }
        let state = crate::state::app_state()?;
        let hash = db::hash_password(new).await?;
        let changed = db::change_own_password(
            &state.db.pool,
            &caller.account,
            &hash,
            caller.session.as_deref(),
            revoke_tokens,
            Utc::now(),
        )
        .await?;
        if caller.session.is_some() {
            cycle_session_id().await?;
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<(), AppError>) -> String {
        match result {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("expected a refused field, got {other:?}"),
        }
    }

    #[test]
    fn each_refusal_names_its_field() {
        let new = "a river of quiet stones";
        assert_eq!(field(check_change("", new, new)), "current_password");
        assert_eq!(
            field(check_change("old one", "short", "short")),
            "new_password"
        );
        assert_eq!(
            field(check_change("old one", "qwerty123456", "qwerty123456")),
            "new_password"
        );
        assert_eq!(field(check_change(new, new, new)), "new_password");
        assert_eq!(
            field(check_change("old one", new, "a river of quiet stone")),
            "new_password_again"
        );
        assert_eq!(check_change("old one", new, new), Ok(()));
    }
}
