//! Accounts: who may use the product, with which role, at which ports, and how they prove it.
//! Passwords are hashed with Argon2id; machine clients hold bearer tokens stored only as their
//! SHA-256. This is the store that signing in (`auth`) reads and administrators (`admin`)
//! change; it decides nobody's authority itself.

use crate::domain::{PortScope, Principal, Role, Theme};
use crate::i18n::td_string;
use crate::lang::{self, Locale};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod tokens;

/// The rules for a password a person chooses (OWASP ASVS): long enough to resist guessing,
/// short enough to hash in bounded time, and not one of the most common; no rules of
/// composition.
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// The most common passwords, one a line, most common first; lines starting with `#` are
/// comments (the first says where the list comes from).
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Whether `password`, trimmed and in lower case, is one of the most common passwords.
pub fn is_common_password(password: &str) -> bool {
    static COMMON: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| {
            COMMON_PASSWORDS
                .lines()
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .collect()
        });
    COMMON.contains(password.trim().to_lowercase().as_str())
}

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
    /// The language the board speaks to them; `None`: their browser's.
    pub language: Option<Locale>,
    pub theme: Theme,
}

/// Every account the simulator acts as begins with this (`sim.officer.yvr`, `sim.targeting`);
/// administrators cannot give it to a person.
pub const SIMULATED_PREFIX: &str = "sim.";

impl Account {
    /// An account the demo's simulator acts as, not a person.
    pub fn is_simulated(&self) -> bool {
        self.username.starts_with(SIMULATED_PREFIX)
    }

    /// Whether a search (`q`, by name or username, in any case) finds this account; an empty
    /// search finds every account.
    pub fn matches(&self, q: &str) -> bool {
        let q = q.trim().to_lowercase();
        q.is_empty()
            || self.username.to_lowercase().contains(&q)
            || self.display_name.to_lowercase().contains(&q)
    }

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
        Err(td_string!(lang::current(), accounts.username_rules).to_string())
    }
}

/// Checks a password a person chose (or one generated for them) against the rules; the
/// reason says what to do instead. Every password set goes through here.
pub fn check_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Err(td_string!(
            lang::current(),
            accounts.password_too_short,
            min = MIN_PASSWORD_CHARS
        )
        .to_string())
    } else if n > MAX_PASSWORD_CHARS {
        Err(td_string!(
            lang::current(),
            accounts.password_too_long,
            max = MAX_PASSWORD_CHARS
        )
        .to_string())
    } else if is_common_password(password) {
        Err(td_string!(lang::current(), accounts.password_common).to_string())
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
            return Err(
                td_string!(lang::current(), accounts.token_no_time, text = text).to_string(),
            );
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
    td_string!(
        lang::current(),
        accounts.token_unreadable,
        text = format!("{text:?}")
    )
    .to_string()
}

fn too_long() -> String {
    td_string!(
        lang::current(),
        accounts.token_too_long,
        days = MAX_TOKEN_DAYS
    )
    .to_string()
}

/// A token's expiry must lie after `now`, and at most [`MAX_TOKEN_DAYS`] days after it.
pub fn check_token_expiry(expires: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), String> {
    if expires <= now {
        Err(td_string!(
            lang::current(),
            accounts.token_passed,
            at = expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
        .to_string())
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
        Err(td_string!(
            lang::current(),
            accounts.token_label_rules,
            max = MAX_TOKEN_LABEL_CHARS
        )
        .to_string())
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

/// What a change of password ended besides the old password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChanged {
    /// The account's other sessions signed out (the one that made the change goes on).
    pub sessions_ended: u64,
    pub tokens_revoked: u64,
}

impl PasswordChanged {
    /// The sentence that confirms the change.
    pub fn sentence(&self) -> String {
        let l = lang::current();
        let sessions = crate::counted!(
            l,
            self.sessions_ended,
            accounts.sessions_ended_single | accounts.sessions_ended_several,
            count = self.sessions_ended
        );
        let tokens = crate::counted!(
            l,
            self.tokens_revoked,
            accounts.tokens_revoked_single | accounts.tokens_revoked_several,
            count = self.tokens_revoked
        );
        td_string!(
            l,
            accounts.password_changed,
            sessions = sessions,
            tokens = tokens
        )
        .to_string()
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

    fn account(username: &str, display_name: &str) -> Account {
        Account {
            id: 1,
            username: username.into(),
            display_name: display_name.into(),
            badge: None,
            role: Role::Viewer,
            ports: PortScope::All,
            active: true,
            created_at: Utc::now(),
            password_changed_at: Utc::now(),
            language: None,
            theme: Theme::default(),
        }
    }

    #[test]
    fn simulated_accounts_are_the_simulators_and_search_reads_both_names() {
        let sim = account("sim.officer.yvr", "Simulated officer — YVR");
        let person = account("j.tremblay", "Julie Tremblay");
        assert!(sim.is_simulated());
        assert!(!person.is_simulated());
        assert!(!account("simone", "Simone Roy").is_simulated());
        assert!(person.matches(""));
        assert!(person.matches("  TREMB "));
        assert!(person.matches("julie"));
        assert!(!person.matches("roy"));
        assert!(sim.matches("officer — yvr"));
    }

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
        let short = check_password("elevenchars").unwrap_err();
        assert!(short.contains("at least 12 characters"), "{short}");
        assert!(check_password("twelve chars").is_ok());
        assert!(check_password(&"x".repeat(128)).is_ok());
        let long = check_password(&"x".repeat(129)).unwrap_err();
        assert!(long.contains("at most 128 characters"), "{long}");
        // Characters, not bytes: twelve accented letters are twelve.
        assert!(check_password(&"é".repeat(12)).is_ok());
        assert!(check_password(&"é".repeat(11)).is_err());
    }

    #[test]
    fn the_most_common_passwords_are_refused_whatever_their_case_and_spaces() {
        for common in [
            "qwerty123456",
            "QWERTY123456",
            "  1q2w3e4r5t6y ",
            "LeaveMeAlone",
        ] {
            let refused = check_password(common).unwrap_err();
            assert!(refused.contains("most common"), "{common}: {refused}");
        }
        assert!(check_password("correct horse battery").is_ok());
        // No rules of composition: letters alone, or digits alone, are fine when uncommon.
        assert!(check_password("plainlowercaseletters").is_ok());
        assert!(check_password("907214583316").is_ok());
    }

    #[test]
    fn a_change_of_password_says_what_it_ended() {
        let changed = PasswordChanged {
            sessions_ended: 1,
            tokens_revoked: 0,
        };
        assert_eq!(
            changed.sentence(),
            "Your password is changed. 1 other session was signed out; 0 API tokens were revoked."
        );
    }

    #[test]
    fn the_list_holds_ten_thousand_passwords_and_names_its_source() {
        let entries: Vec<&str> = COMMON_PASSWORDS
            .lines()
            .filter(|line| !line.starts_with('#'))
            .collect();
        assert_eq!(entries.len(), 10_000);
        assert!(entries.iter().all(|e| !e.is_empty() && e.trim() == *e));
        let header = COMMON_PASSWORDS.lines().next().unwrap_or_default();
        assert!(header.starts_with('#') && header.contains("zxcvbn") && header.contains("MIT"));
        assert!(is_common_password("password") && is_common_password("123456"));
        // The comment line is not a password.
        assert!(!is_common_password(header));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn generated_passwords_meet_the_rules() {
        for _ in 0..1_000 {
            let password = db::generate_password();
            assert_eq!(check_password(&password), Ok(()), "{password}");
        }
    }
}
