//! What this instance counts as it works, for Prometheus: each figure's name is here once,
//! with what it counts, and recorded through the `metrics` facade. Nothing is kept when no
//! recorder is installed (the commands other than `serve`); the server installs one and serves
//! the figures on their own address (`METRICS_ADDR`).
//!
//! Labels take only values the code names (an action, an error's code, an outcome): never a
//! path, a name or anything a caller chose, so that no request can add a series.

use crate::i18n::td_string;
use std::time::Duration;

/// Journal entries written by this instance, by `entity` and `action` (a hold placed, a port's
/// status set, a session ended...): the actions it carried out.
pub const ACTIONS: &str = "border_ops_actions_total";
/// Requests refused with an error, by the error's `code` (`invalid`, `stale`, `forbidden`...).
pub const REFUSALS: &str = "border_ops_refusals_total";
/// Sign-ins refused, by `reason`: `credentials` (a wrong name or password, a disabled account)
/// or `throttled` (too many attempts).
pub const SIGN_IN_FAILURES: &str = "border_ops_sign_in_failures_total";
/// Declarations received, by `outcome`: `accepted` (new), `updated` (a resend that changed
/// one), `unchanged` (a resend that did not) or `refused`.
pub const DECLARATIONS: &str = "border_ops_declarations_total";
/// On SQLite, how long each write waited for the writer's turn, in seconds.
pub const WRITER_WAIT: &str = "border_ops_sqlite_writer_wait_seconds";
/// Database calls that failed for want of the database, by `error`: `pool_timed_out` (no
/// connection came free in time: the pool was exhausted or the database did not answer),
/// `pool_closed` or `io`.
pub const DATABASE_UNAVAILABLE: &str = "border_ops_database_unavailable_total";

/// Every name above with its description in the language being spoken, for the exporter's
/// `# HELP` lines.
pub fn described() -> Vec<(&'static str, String)> {
    let locale = crate::lang::current();
    vec![
        (ACTIONS, td_string!(locale, metrics.actions).to_string()),
        (REFUSALS, td_string!(locale, metrics.refusals).to_string()),
        (
            SIGN_IN_FAILURES,
            td_string!(locale, metrics.sign_in_failures).to_string(),
        ),
        (
            DECLARATIONS,
            td_string!(locale, metrics.declarations).to_string(),
        ),
        (
            WRITER_WAIT,
            td_string!(locale, metrics.writer_wait).to_string(),
        ),
        (
            DATABASE_UNAVAILABLE,
            td_string!(locale, metrics.database_unavailable).to_string(),
        ),
    ]
}

/// An action carried out: one journal entry written.
pub fn action(entity: &str, action: &str) {
    metrics::counter!(ACTIONS, "entity" => entity.to_string(), "action" => action.to_string())
        .increment(1);
}

/// A request refused with the error of this `code`.
pub fn refusal(code: &'static str) {
    metrics::counter!(REFUSALS, "code" => code).increment(1);
}

/// A sign-in refused: `credentials` or `throttled`.
pub fn sign_in_failure(reason: &'static str) {
    metrics::counter!(SIGN_IN_FAILURES, "reason" => reason).increment(1);
}

/// `n` declarations received with this `outcome`.
pub fn declarations(outcome: &'static str, n: usize) {
    metrics::counter!(DECLARATIONS, "outcome" => outcome).increment(n as u64);
}

/// A write waited `waited` for its turn on SQLite.
pub fn writer_waited(waited: Duration) {
    metrics::histogram!(WRITER_WAIT).record(waited.as_secs_f64());
}

/// A database call failed for want of the database (`pool_timed_out`, `pool_closed`, `io`).
pub fn database_unavailable(error: &'static str) {
    metrics::counter!(DATABASE_UNAVAILABLE, "error" => error).increment(1);
}
