//! The state every request handler and server function shares, passed (never global) so that
//! each test server has its own, and the settings it carries.

use crate::db::Db;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::time::Duration;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    pub auth: AuthSettings,
    pub live: crate::live::JournalPosition,
    /// The demo's simulated clock, when a simulator runs (`serve --demo` without `--no-sim`).
    pub sim: Option<crate::demo::clock::SimControl>,
}

/// The state inside a server function or a component rendered on the server.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| crate::error::AppError::Internal {
        reference: "no-app-state".into(),
    })
}

/// How sessions and sign-ins behave; the defaults suit a shift-long operations screen.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// `serve --demo`: the sign-in page offers the demo personas.
    pub demo: bool,
    /// A session unused this long ends.
    pub idle: Duration,
    /// A session ends this long after sign-in, used or not.
    pub absolute: Duration,
    /// Cookies carry `Secure` (set when the product is served over TLS).
    pub secure_cookies: bool,
    pub limits: SignInLimits,
}

/// When failed sign-ins are slowed and then refused.
#[derive(Debug, Clone)]
pub struct SignInLimits {
    /// Failures for one username within `window` before sign-ins for it are refused.
    pub per_account: i64,
    /// Failures from one address within `window` before its sign-ins are refused.
    pub per_address: i64,
    pub window: Duration,
    /// Each failure beyond the first for a username adds this much delay (up to 5 s).
    pub slow_step: Duration,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            demo: false,
            idle: Duration::from_secs(60 * 60),
            absolute: Duration::from_secs(12 * 60 * 60),
            secure_cookies: false,
            limits: SignInLimits::default(),
        }
    }
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_address: 30,
            window: Duration::from_secs(15 * 60),
            slow_step: Duration::from_millis(500),
        }
    }
}

impl AuthSettings {
    /// How often a session in use records that it was seen: often enough for the idle
    /// timeout to be exact to a minute, rarely enough not to write on every request.
    pub fn touch_every(&self) -> Duration {
        (self.idle / 4).min(Duration::from_secs(60))
    }

    /// Why a session signed in at `signed_in_at`, last seen at `last_seen_at`, of an account
    /// `active` or not, is over at `now` (`expired`, `idle`, `account_disabled`), if it is.
    /// The one rule for requests and for the live streams that outlive them.
    pub fn session_over(
        &self,
        signed_in_at: chrono::DateTime<chrono::Utc>,
        last_seen_at: chrono::DateTime<chrono::Utc>,
        active: bool,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<&'static str> {
        if now > self.session_limit(signed_in_at, self.absolute) {
            Some("expired")
        } else if now > self.session_limit(last_seen_at, self.idle) {
            Some("idle")
        } else if !active {
            Some("account_disabled")
        } else {
            None
        }
    }

    /// When a session of these times reaches its first limit, unless used meanwhile.
    pub fn session_ends_by(
        &self,
        signed_in_at: chrono::DateTime<chrono::Utc>,
        last_seen_at: chrono::DateTime<chrono::Utc>,
    ) -> chrono::DateTime<chrono::Utc> {
        self.session_limit(signed_in_at, self.absolute)
            .min(self.session_limit(last_seen_at, self.idle))
    }

    fn session_limit(
        &self,
        from: chrono::DateTime<chrono::Utc>,
        limit: Duration,
    ) -> chrono::DateTime<chrono::Utc> {
        chrono::TimeDelta::from_std(limit)
            .ok()
            .and_then(|limit| from.checked_add_signed(limit))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
    }
}
