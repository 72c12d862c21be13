//! The board at a past instant (`?at=`): every record as it was then, rebuilt from the
//! records as they now are and the journal (`fold.rs`, pure; `db.rs`, the reads). A replay is
//! read-only: it answers the board's reads, never a change.

use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use chrono::{DateTime, Utc};

pub mod banner;
#[cfg(feature = "ssr")]
pub mod checkpoint;
pub mod control;
#[cfg(feature = "ssr")]
pub mod db;
pub mod fold;
pub mod playback;
pub mod rpc;
#[cfg(feature = "ssr")]
pub mod verify;

/// The instant `raw` names (RFC 3339), if the board can be shown as it was then: not in the
/// future (after `now`), and not before `first`, the journal's first entry. Refusals name the
/// field `at`, in the language spoken.
pub fn parse_at(
    raw: &str,
    now: DateTime<Utc>,
    first: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>, AppError> {
    let locale = lang::current();
    let at = DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            AppError::invalid(
                "at",
                td_string!(locale, replay.unreadable, value = raw.to_string()).to_string(),
            )
        })?;
    if at > now {
        return Err(AppError::invalid(
            "at",
            td_string!(locale, replay.future).to_string(),
        ));
    }
    match first {
        Some(first) if at >= first => Ok(at),
        _ => Err(AppError::invalid(
            "at",
            td_string!(
                locale,
                replay.before_journal,
                first = first
                    .map(|f| f.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default()
            )
            .to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_instant_is_read_and_checked_against_now_and_the_journal() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        let first = Some(now - chrono::Duration::days(14));
        assert_eq!(
            parse_at("2026-11-28T02:00:00Z", now, first).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap()
        );
        assert_eq!(
            parse_at("2026-11-27T21:00:00-05:00", now, first).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap()
        );
        for (raw, words) in [
            ("yesterday", "is not a date and time"),
            ("2026-12-01T00:00:00Z", "future"),
            ("2026-11-01T00:00:00Z", "before the journal"),
        ] {
            match parse_at(raw, now, first) {
                Err(AppError::Invalid { field, reason }) => {
                    assert_eq!(field, "at");
                    assert!(reason.contains(words), "{raw}: {reason}");
                }
                other => panic!("{raw}: {other:?}"),
            }
        }
        assert!(parse_at("2026-11-28T02:00:00Z", now, None).is_err());
    }
}
