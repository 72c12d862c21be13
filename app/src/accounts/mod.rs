//! Accounts: who may use the product, with which role, at which ports, and how they prove it.
//! Passwords are hashed with Argon2id; machine clients hold bearer tokens stored only as their
//! SHA-256. This is the store that signing in (`auth`) reads and administrators (`admin`)
//! change; it decides nobody's authority itself.

use crate::domain::{PortScope, Principal, Role};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;

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
