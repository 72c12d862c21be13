//! Accounts: who may use the product, with which role, at which ports, and how they prove it.
//! Passwords are hashed with Argon2id; machine clients hold bearer tokens stored only as their
//! SHA-256. This is the store that signing in (`auth`) reads and administrators (`admin`)
//! change; it decides nobody's authority itself.

use crate::domain::{PortScope, Principal, Role};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod tokens;

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

/// How long a bearer token lasts unless its issuer says otherwise.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;
/// The longest a bearer token may last: a machine client that runs longer is given a new one.
pub const MAX_TOKEN_DAYS: i64 = 366;
pub const MAX_TOKEN_LABEL_CHARS: usize = 100;

/// When a token issued at `now` expires, from `--expires`: a number of days (`30d`), of hours
/// (`12h`), or an instant (RFC 3339). It must lie after `now` and at most
/// [`MAX_TOKEN_DAYS`] days after it.
pub fn token_expiry(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    let span = |count: &str, unit: i64| -> Result<DateTime<Utc>, String> {
        let count: i64 = count.parse().map_err(|_| unreadable(text))?;
        if count <= 0 {
            return Err(format!(
                "{text} is no time at all: a token must last at least one hour"
            ));
        }
        count
            .checked_mul(unit)
            .and_then(chrono::TimeDelta::try_seconds)
            .and_then(|lasts| now.checked_add_signed(lasts))
            .ok_or_else(too_long)
    };
    let expires = if let Some(days) = text.strip_suffix('d') {
        span(days, 86_400)?
    } else if let Some(hours) = text.strip_suffix('h') {
        span(hours, 3_600)?
    } else {
        DateTime::parse_from_rfc3339(text)
            .map_err(|_| unreadable(text))?
            .with_timezone(&Utc)
    };
    check_token_expiry(expires, now)?;
    Ok(expires)
}

fn unreadable(text: &str) -> String {
    format!(
        "{text:?} is not a lifetime: give a number of days (30d), of hours (12h) or an instant \
         (2027-03-01T00:00:00Z)"
    )
}

fn too_long() -> String {
    format!("a token lasts at most {MAX_TOKEN_DAYS} days; issue a new one when it expires")
}

/// A token's expiry must lie after `now`, and at most [`MAX_TOKEN_DAYS`] days after it.
pub fn check_token_expiry(expires: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), String> {
    if expires <= now {
        Err(format!(
            "{} has already passed: a token must expire in the future",
            expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ))
    } else if expires - now > chrono::TimeDelta::days(MAX_TOKEN_DAYS) {
        Err(too_long())
    } else {
        Ok(())
    }
}

/// A token's label: 1 to [`MAX_TOKEN_LABEL_CHARS`] characters on one line, trimmed.
pub fn check_token_label(label: &str) -> Result<String, String> {
    let label = label.trim();
    let n = label.chars().count();
    if n == 0 || n > MAX_TOKEN_LABEL_CHARS || label.chars().any(char::is_control) {
        Err(format!(
            "a label is 1 to {MAX_TOKEN_LABEL_CHARS} characters on one line"
        ))
    } else {
        Ok(label.to_string())
    }
}

/// A bearer token as its account's administrators see it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: i64,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Written at most once a minute, so it may lag the latest use by that much.
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
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
    fn a_token_lasts_days_hours_or_until_an_instant_within_bounds() {
        let now = DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |text: &str| token_expiry(text, now).map(|t| t.to_rfc3339());
        assert_eq!(at("30d"), Ok("2026-12-30T12:00:00+00:00".into()));
        assert_eq!(at("12h"), Ok("2026-12-01T00:00:00+00:00".into()));
        assert_eq!(at("366d"), Ok("2027-12-01T12:00:00+00:00".into()));
        assert_eq!(
            at("2027-01-01T00:00:00+01:00"),
            Ok("2026-12-31T23:00:00+00:00".into())
        );
        for (bad, why) in [
            ("0d", "no time at all"),
            ("-5h", "no time at all"),
            ("367d", "at most 366 days"),
            ("8785h", "at most 366 days"),
            ("99999999999999d", "at most 366 days"),
            ("2026-11-30T11:59:59Z", "has already passed"),
            ("2028-01-01T00:00:00Z", "at most 366 days"),
            ("soon", "is not a lifetime"),
            ("3w", "is not a lifetime"),
            ("", "is not a lifetime"),
        ] {
            let refused = at(bad).expect_err(bad);
            assert!(refused.contains(why), "{bad}: {refused}");
        }
    }

    #[test]
    fn a_token_label_is_one_short_line() {
        assert_eq!(check_token_label(" ci export "), Ok("ci export".into()));
        assert!(check_token_label(&"x".repeat(100)).is_ok());
        assert!(check_token_label(&"x".repeat(101)).is_err());
        assert!(check_token_label("  ").is_err());
        assert!(check_token_label("two\nlines").is_err());
    }

    #[test]
    fn passwords_have_a_minimum_and_maximum_length() {
        assert!(check_password("short").is_err());
        assert!(check_password("correct horse battery").is_ok());
        assert!(check_password(&"x".repeat(257)).is_err());
    }
}
